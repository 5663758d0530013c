#!/usr/bin/env python3
"""Moves a recorded host's clock: adds SECONDS (default one day) to the clock
`offset` of every CTF metadata file under TRACE_DIR, in place, keeping the
number's length (so the file's size and layout stay as they were).

    shift_clock.py TRACE_DIR [SECONDS]

A host whose clock ran SECONDS ahead would have written exactly that: the same
cycles, a larger offset.  Exits 1 when no metadata file names an offset.
"""
import os
import re
import sys


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    trace_dir = sys.argv[1]
    delta = int(sys.argv[2] if len(sys.argv) == 3 else 86400) * 10**9
    shifted = 0
    for root, _, files in os.walk(trace_dir):
        if "metadata" not in files:
            continue
        path = os.path.join(root, "metadata")
        with open(path, "rb") as f:
            data = f.read()

        def later(m):
            new = str(int(m.group(2)) + delta).encode()
            if len(new) != len(m.group(2)):
                sys.exit(f"{path}: the clock offset would change length")
            return m.group(1) + new + b";"

        data, n = re.subn(rb"(\boffset = )(\d+);", later, data)
        shifted += n
        with open(path, "wb") as f:
            f.write(data)
    if shifted == 0:
        print(f"{trace_dir}: no CTF metadata with a clock offset", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
