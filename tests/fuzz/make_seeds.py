#!/usr/bin/env python3
"""Seed corpora for the fuzz targets (docs/fuzzing.md), made from the committed
traces: tests/workloads/traces/*.tar.xz, examples/traces/*.tar.xz and
tests/analyzer/fixtures.  Writes OUT/<target>/<digest> files:

  metadata      every distinct `metadata` file, and the text of the
                packetized ones
  stream        the stream files of the trace whose metadata the stream
                target decodes against (--stream-metadata)
  payload       distinct JSON message payloads found in the stream files
  suppressions  the committed .supp files
  symbols       fluxtrace-symbols.json, cut to a few symbols per object (the
                whole files are 100+ KB, too slow to mutate)

    make_seeds.py SOURCE_DIR OUT --stream-metadata FILE
"""
import argparse
import hashlib
import json
import pathlib
import re
import struct
import sys
import tarfile

MAX_PAYLOADS = 400
MAX_PAYLOAD_BYTES = 4096
SYMBOLS_PER_OBJECT = 3
METADATA_MAGIC = 0x75D11D57
METADATA_HEADER = 37
# A payload as recorded: a JSON object followed by the NUL flux sends it with.
PAYLOAD = re.compile(rb'\{"[\x20-\x7e]{0,%d}?\}\x00' % MAX_PAYLOAD_BYTES)


def trace_files(source):
    """(name, bytes) of every file of every committed trace."""
    for tarball in sorted(source.glob("tests/workloads/traces/*.tar.xz")) + sorted(
            source.glob("examples/traces/*.tar.xz")):
        with tarfile.open(tarball) as tar:
            for member in tar.getmembers():
                if member.isfile():
                    yield f"{tarball.name}/{member.name}", tar.extractfile(member).read()
    for path in sorted((source / "tests/analyzer/fixtures").rglob("*")):
        if path.is_file():
            yield str(path.relative_to(source)), path.read_bytes()


def metadata_text(data):
    """The TSDL text of a packetized metadata file (CTF 1.8 section 7.1), or
    None when it is not one: the parser's seeds without the packet layer,
    which most mutations of the packets would only break."""
    text, at = b"", 0
    while at + METADATA_HEADER <= len(data):
        magic, = struct.unpack_from("<I", data, at)
        content, packet = struct.unpack_from("<II", data, at + 24)
        if magic != METADATA_MAGIC or packet == 0 or content // 8 < METADATA_HEADER:
            return None
        text += data[at + METADATA_HEADER:at + content // 8]
        at += packet // 8
    return text or None


def small_symbols(data):
    """The symbol file with only its first symbols per object, as its writer
    would lay it out; None when it does not parse."""
    try:
        doc = json.loads(data)
        for obj in doc["objects"]:
            obj["symbols"] = obj["symbols"][:SYMBOLS_PER_OBJECT]
    except (ValueError, KeyError, TypeError):
        return None
    return json.dumps(doc, indent=0).encode()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=pathlib.Path)
    parser.add_argument("out", type=pathlib.Path)
    parser.add_argument("--stream-metadata", type=pathlib.Path, required=True)
    args = parser.parse_args()
    stream_metadata = args.stream_metadata.read_bytes()

    seeds = {t: set() for t in ("metadata", "stream", "payload", "suppressions", "symbols")}
    payloads = set()
    dirs_on_stream_metadata = set()
    files = list(trace_files(args.source))
    for name, data in files:
        base = name.rsplit("/", 1)[-1]
        if base == "metadata":
            seeds["metadata"].add(data)
            text = metadata_text(data)
            if text:
                seeds["metadata"].add(text)
            if data == stream_metadata:
                dirs_on_stream_metadata.add(name.rsplit("/", 1)[0])
        elif base == "fluxtrace-symbols.json":
            small = small_symbols(data)
            if small:
                seeds["symbols"].add(small)
    for name, data in files:
        directory, base = name.rsplit("/", 1)
        if base in ("metadata", "fluxtrace-symbols.json") or directory.endswith("index"):
            continue
        if directory in dirs_on_stream_metadata:
            seeds["stream"].add(data)
        payloads.update(m.group(0) for m in PAYLOAD.finditer(data))
    seeds["payload"] = set(sorted(payloads, key=lambda p: hashlib.sha1(p).digest())[:MAX_PAYLOADS])
    for supp in sorted(args.source.glob("suppressions/*.supp")) + sorted(
            args.source.glob("tests/**/*.supp")):
        seeds["suppressions"].add(supp.read_bytes())

    for target, datas in seeds.items():
        if not datas:
            sys.exit(f"make_seeds.py: no {target} seeds found under {args.source}")
        d = args.out / target
        d.mkdir(parents=True, exist_ok=True)
        for old in d.iterdir():
            old.unlink()
        for data in datas:
            (d / hashlib.sha1(data).hexdigest()[:16]).write_bytes(data)
        print(f"{target}: {len(datas)} seeds")


if __name__ == "__main__":
    main()
