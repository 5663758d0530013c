#!/usr/bin/env python3
"""Holds one `--format sarif` log to the SARIF 2.1.0 JSON schema and to the
JSON report of the same trace.

    sarif_check.py SCHEMA SARIF JSON_REPORT

Checks: the log validates against the schema; one result per finding and
note, in the report's order, with the finding's rule as ruleId (and a rule
descriptor for it), its level, its title in the message; the primary location
is on a side whose stack has the program's code with a file and line whenever
any side has such a frame; one related location per other side; a code flow
through every side; partialFingerprints present, 16 hex digits, and distinct
for findings that differ in their stable words.
"""
import json
import re
import sys

import jsonschema

RUNTIME = ("libflux-core", "libfluxtrace", "libflux-internal")


def program_frames_with_lines(side):
    """The file:line of each frame of the program's own code."""
    out = []
    for f in side["stack"]:
        if not f["module"].startswith(RUNTIME) and f["file"] and f["line"] > 0:
            out.append((f["file"], f["line"]))
    return out


def main():
    schema_path, sarif_path, report_path = sys.argv[1:4]
    with open(schema_path) as f:
        schema = json.load(f)
    with open(sarif_path) as f:
        log = json.load(f)
    with open(report_path) as f:
        report = json.load(f)
    errors = []

    validator = jsonschema.Draft4Validator(schema)
    for e in sorted(validator.iter_errors(log), key=lambda e: list(e.path)):
        errors.append("schema: %s at %s" % (e.message, "/".join(map(str, e.path))))

    if log.get("version") != "2.1.0" or len(log.get("runs", [])) != 1:
        errors.append("expected version 2.1.0 and one run")
        print("\n".join("FAIL: %s: %s" % (sarif_path, e) for e in errors))
        return 1
    run = log["runs"][0]
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    for name in report["summary"]["checkers"]:
        if name not in rules:
            errors.append("no rule descriptor for checker %s" % name)
    results = run["results"]
    findings = report["findings"]
    if len(results) != len(findings):
        errors.append("%d results for %d findings" % (len(results), len(findings)))
    prints = {}
    for i, (res, fnd) in enumerate(zip(results, findings)):
        where = "result %d (%s)" % (i, fnd["rule"])
        if res["ruleId"] != fnd["rule"] or rules[res["ruleIndex"]] != fnd["rule"]:
            errors.append("%s: ruleId %s / ruleIndex" % (where, res["ruleId"]))
        level = "note" if fnd["severity"] == "note" else "error"
        if res["level"] != level:
            errors.append("%s: level %s, expected %s" % (where, res["level"], level))
        if not res["message"]["text"].startswith(fnd["title"]):
            errors.append("%s: message does not start with the title" % where)
        if len(res["locations"]) != 1:
            errors.append("%s: %d primary locations" % (where, len(res["locations"])))
        related = res.get("relatedLocations", [])
        if len(related) != len(fnd["sides"]) - 1:
            errors.append("%s: %d related locations for %d sides"
                          % (where, len(related), len(fnd["sides"])))
        lines = set()
        for side in fnd["sides"]:
            lines.update(program_frames_with_lines(side))
        located = [l for l in res["locations"] + related if "physicalLocation" in l]
        if lines and not located:
            errors.append("%s: the sides have source lines but no location has one"
                          % where)
        for l in located:
            p = l["physicalLocation"]
            spot = (p["artifactLocation"]["uri"], p["region"]["startLine"])
            if spot not in lines:
                errors.append("%s: location %s:%d is no program frame of a side"
                              % (where, spot[0], spot[1]))
        if len(fnd["sides"]) > 1:
            flow = res["codeFlows"][0]["threadFlows"][0]["locations"]
            if len(flow) != len(fnd["sides"]):
                errors.append("%s: code flow of %d steps for %d sides"
                              % (where, len(flow), len(fnd["sides"])))
        fp = res.get("partialFingerprints", {}).get("fluxtrace/v1", "")
        if not re.fullmatch(r"[0-9a-f]{16}", fp):
            errors.append("%s: fingerprint %r" % (where, fp))
        words = json.dumps([fnd["rule"], fnd["key"], fnd["function"],
                            [[s["role"], s["process"], s["thread"], s["exe"],
                              s["record"]] for s in fnd["sides"]]])
        if fp in prints and prints[fp] != words:
            errors.append("%s: fingerprint %s shared with a different finding"
                          % (where, fp))
        prints[fp] = words
    for e in errors:
        print("FAIL: %s: %s" % (sarif_path, e))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
