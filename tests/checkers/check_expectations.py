#!/usr/bin/env python3
"""Holds a fluxtrace-analyze JSON report to workload-expectations.txt.

usage: check_expectations.py [--exe REGEX] REPORT.json WORKLOAD MODE EXPECTATIONS.txt
--exe: only the reports with a side in a process whose executable's name
matches REGEX (whole), when one recording holds several workloads.
Prints one line per expectation; exits 1 if any failed, 2 on bad input.
"""
import json
import re
import sys


def expectations(path, workload, mode):
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.split("#", 1)[0].split()
            if not line:
                continue
            if len(line) < 6:
                sys.exit(f"{path}:{n}: expected WORKLOAD MODE RULE SEVERITY MIN MAX")
            if line[0] == workload and line[1] == mode:
                yield line[2], line[3], int(line[4]), int(line[5]), " ".join(line[6:])


def brokers_only(finding):
    """Whether every side of a report lies in a flux-broker process."""
    sides = finding.get("sides", [])
    return bool(sides) and all(side.get("exe") == "flux-broker" for side in sides)


def of_exe(finding, exe):
    """Whether a side of a report lies in a process of executable `exe`."""
    return any(exe.fullmatch(side.get("exe", "")) for side in finding.get("sides", []))


def main():
    args = sys.argv[1:]
    exe = None
    if len(args) == 6 and args[0] == "--exe":
        exe = re.compile(args[1])
        args = args[2:]
    if len(args) != 4:
        sys.exit(__doc__)
    report_path, workload, mode, table = args
    try:
        with open(report_path) as f:
            report = json.load(f)
    except (OSError, ValueError) as e:
        print(f"{report_path}: not a fluxtrace report: {e}", file=sys.stderr)
        sys.exit(2)
    if report.get("schema") != "fluxtrace-report/1":
        print(f"{report_path}: unknown schema {report.get('schema')!r}", file=sys.stderr)
        sys.exit(2)
    checked = 0
    failed = 0
    for rule, severity, lo, hi, observed in expectations(table, workload, mode):
        checked += 1
        found = [f for f in report["findings"]
                 if (rule == "*" or f["rule"] == rule) and f["severity"] == severity
                 and (exe is None or of_exe(f, exe))]
        if rule == "*":
            # "Nothing at all" means nothing of the workload's: flux-core's own
            # brokers may add a report now and then (a callback slowed by a
            # loaded machine) that no twin can control.
            found = [f for f in found if not brokers_only(f)]
        ok = lo <= len(found) <= hi
        if ok and observed:
            ok = any(observed in f.get("observed", "") for f in found)
        what = f"{workload} {mode}: {rule} {severity}: {len(found)} in [{lo},{hi}]"
        if exe:
            what += f" (processes {exe.pattern})"
        if observed:
            what += f", observed '{observed}'"
        print(("ok   " if ok else "FAIL ") + what)
        if not ok:
            failed += 1
            for f in found:
                print(f"     {f['rule']} {f['severity']}: {f['title']}"
                      f" [{f.get('observed', '')}]")
    if checked == 0:
        print(f"{table}: no expectation for {workload} {mode}", file=sys.stderr)
        sys.exit(2)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
