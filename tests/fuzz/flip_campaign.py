#!/usr/bin/env python3
"""Random bit flips in one file of an extracted trace, each copy analysed by
fluxtrace-analyze under a 4 GiB address-space limit and a 30 s timeout.

    flip_campaign.py ANALYZE TRACE_DIR FILE_IN_TRACE FIRST_SEED COUNT [READER]

Prints every run that crashed (exit status not 0, 1 or 2), took over 5 s, or
failed (status 2) with other than one line, then one summary line.  Not run by
CI (tests/analyzer/damage_test.cpp is): a campaign for docs/testing.md.
"""
import collections
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time

tool, trace, target, first, count = sys.argv[1:6]
reader = sys.argv[6] if len(sys.argv) > 6 else "auto"
original = open(os.path.join(trace, target), "rb").read()
limit = lambda: resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
statuses, longest = collections.Counter(), 0.0
with tempfile.TemporaryDirectory() as tmp:
    for seed in range(int(first), int(first) + int(count)):
        rng, data = random.Random(seed), bytearray(original)
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        copy = os.path.join(tmp, "t")
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(trace, copy)
        open(os.path.join(copy, target), "wb").write(data)
        start = time.time()
        try:
            p = subprocess.run([tool, "-q", "--reader", reader, "--sysroot", tmp,
                                "--no-system-debug-dir", copy],
                               capture_output=True, timeout=30, preexec_fn=limit)
            status, err = p.returncode, p.stderr.decode(errors="replace").strip().split("\n")
        except subprocess.TimeoutExpired:
            status, err = "timeout", [""]
        took = time.time() - start
        statuses[status] += 1
        longest = max(longest, took)
        if status not in (0, 1, 2) or took > 5 or (status == 2 and len(err) != 1):
            print(seed, status, f"{took:.1f}s", err[-1][:200], flush=True)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
print("exit statuses", dict(statuses), f"longest {longest:.2f} s", f"peak {peak} MiB")
