#!/usr/bin/env python3
"""Prints the SUMMARY lines of a fluxtrace-analyze JSON report, sorted, as the
text report prints them, leaving out the reports lying wholly in flux-broker
processes (flux-core's own, which a loaded machine occasionally adds: see
tests/checkers/workload-expectations.txt).

    workload_summaries.py REPORT.json
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "checkers"))
from check_expectations import brokers_only  # noqa: E402


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    with open(sys.argv[1]) as f:
        report = json.load(f)
    lines, left_out = [], 0
    for finding in report["findings"]:
        if brokers_only(finding):
            left_out += 1
            continue
        lines.append(f"SUMMARY: fluxtrace: {finding['rule']} {finding['key']} in "
                     f"{finding['summary_place']}")
    print("\n".join(sorted(lines)))
    if left_out:
        print(f"# {left_out} reports wholly in flux-broker left out", file=sys.stderr)


if __name__ == "__main__":
    main()
