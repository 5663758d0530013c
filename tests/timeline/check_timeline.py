#!/usr/bin/env python3
"""Holds a fluxtrace-analyze --timeline file to what Perfetto and
chrome://tracing need, and to what the timeline promises (docs/timeline.md).

  check_timeline.py TIMELINE [--report REPORT.json] [--subset-of FULL]
  check_timeline.py --middle-window TIMELINE     prints START:END (seconds)

Always: valid JSON; every event well formed; every pid and (pid, tid) named by
process_name / thread_name metadata, one name each, no tid in two processes;
"X" slices (and B/E pairs) nest on each (pid, tid) track; every flow id has
exactly one "s" and one "f" (same cat and name, the "f" bound to its enclosing
slice) and each end lies inside a slice of its track; counters are numbers.
--report: each finding of that JSON report appears as instants named by its
rule on each of its sides, on tracks named by the side's process and thread;
and the (whole) timeline has slices, flows and counters.
--subset-of: every event is also in FULL, and lies in the window the file
names (otherData.window_s).
"""
import json
import sys
from collections import Counter, defaultdict


def ns(us):
    """The file's microseconds (three decimals) as integer ns."""
    return round(us * 1000)


class Checker:
    def __init__(self, path):
        self.path = path
        self.errors = []
        with open(path, encoding="utf-8") as f:
            try:
                self.doc = json.load(f)
            except json.JSONDecodeError as e:
                self.fail(f"not valid JSON: {e}")
                self.doc = {"traceEvents": []}
        self.events = self.doc.get("traceEvents")
        if not isinstance(self.events, list):
            self.fail("no traceEvents list")
            self.events = []

    def fail(self, message):
        if len(self.errors) < 20:
            self.errors.append(message)
        elif len(self.errors) == 20:
            self.errors.append("... (more)")

    def check_fields(self):
        for e in self.events:
            ph = e.get("ph")
            if ph not in ("M", "X", "B", "E", "i", "C", "s", "f"):
                self.fail(f"unexpected phase: {e}")
                continue
            # A process_name names a process: it needs no tid.
            tid_needed = not (ph == "M" and e.get("name") == "process_name")
            if not isinstance(e.get("pid"), int) or (
                    tid_needed and not isinstance(e.get("tid"), int)):
                self.fail(f"pid/tid not integers: {e}")
            if not isinstance(e.get("ts"), (int, float)) or e["ts"] < 0:
                self.fail(f"bad ts: {e}")
            if ph != "M" and ph != "C" and not isinstance(e.get("name"), str):
                self.fail(f"no name: {e}")
            if ph == "X" and (not isinstance(e.get("dur"), (int, float)) or e["dur"] < 0):
                self.fail(f"bad dur: {e}")
            if ph == "C":
                args = e.get("args")
                if not isinstance(args, dict) or not args or not all(
                        isinstance(v, (int, float)) and v >= 0 for v in args.values()):
                    self.fail(f"bad counter: {e}")

    def check_names(self):
        self.process_names, self.thread_names = {}, {}
        tid_pid = {}
        for e in self.events:
            if e["ph"] != "M":
                continue
            name = e.get("args", {}).get("name")
            if not isinstance(name, str) or not name:
                self.fail(f"metadata without a name: {e}")
                continue
            if e["name"] == "process_name":
                table, key = self.process_names, e["pid"]
            elif e["name"] == "thread_name":
                table, key = self.thread_names, (e["pid"], e["tid"])
                if tid_pid.setdefault(e["tid"], e["pid"]) != e["pid"]:
                    self.fail(f"tid {e['tid']} named in two processes")
            else:
                continue
            if table.setdefault(key, name) != name:
                self.fail(f"{key} named both {table[key]!r} and {name!r}")
        for e in self.events:
            if e["ph"] == "M":
                continue
            if e["pid"] not in self.process_names:
                self.fail(f"pid {e['pid']} has no process_name: {e}")
            if (e["pid"], e["tid"]) not in self.thread_names:
                self.fail(f"track {(e['pid'], e['tid'])} has no thread_name: {e}")

    def slices_by_track(self):
        tracks = defaultdict(list)
        begun = defaultdict(list)
        for e in self.events:
            if e["ph"] == "M":
                continue
            key = (e["pid"], e["tid"])
            if e["ph"] == "X":
                tracks[key].append((ns(e["ts"]), ns(e["ts"]) + ns(e["dur"])))
            elif e["ph"] == "B":
                begun[key].append(ns(e["ts"]))
            elif e["ph"] == "E":
                if not begun[key]:
                    self.fail(f"E without B on {key}")
                else:
                    tracks[key].append((begun[key].pop(), ns(e["ts"])))
        for key, left in begun.items():
            if left:
                self.fail(f"B without E on {key}")
        return tracks

    def check_nesting(self):
        self.tracks = self.slices_by_track()
        for key, slices in self.tracks.items():
            slices.sort(key=lambda s: (s[0], -s[1]))
            stack = []
            for start, end in slices:
                while stack and stack[-1][1] <= start:
                    stack.pop()
                if stack and end > stack[-1][1]:
                    self.fail(f"track {key}: slice [{start}, {end}] ns crosses "
                              f"[{stack[-1][0]}, {stack[-1][1]}]")
                stack.append((start, end))

    def check_flows(self):
        ends = defaultdict(list)
        points = defaultdict(list)
        for e in self.events:
            if e["ph"] in ("s", "f"):
                ends[e.get("id")].append(e)
                points[(e["pid"], e["tid"])].append(ns(e["ts"]))
        for fid, evs in ends.items():
            phases = Counter(e["ph"] for e in evs)
            if phases != Counter({"s": 1, "f": 1}):
                self.fail(f"flow {fid}: ends {dict(phases)}, want one s and one f")
                continue
            if len({(e.get("cat"), e.get("name")) for e in evs}) != 1:
                self.fail(f"flow {fid}: its ends differ in cat or name")
            for e in evs:
                if e["ph"] == "f" and e.get("bp") != "e":
                    self.fail(f"flow {fid}: finish not bound to its enclosing slice")
        for key, times in points.items():
            for t in self.outside_slices(key, times):
                self.fail(f"track {key}: a flow end at {t} ns lies in no slice")
        self.flow_count = len(ends)

    def outside_slices(self, key, times):
        """The times that no slice of the track (sorted, nested) covers."""
        slices = self.tracks.get(key, [])
        stack, i, outside = [], 0, []
        for t in sorted(times):
            while i < len(slices) and slices[i][0] <= t:
                while stack and stack[-1][1] < slices[i][0]:
                    stack.pop()
                stack.append(slices[i])
                i += 1
            while stack and stack[-1][1] < t:
                stack.pop()
            if not stack:
                outside.append(t)
        return outside

    def check_report(self, report_path):
        with open(report_path, encoding="utf-8") as f:
            report = json.load(f)
        instants = defaultdict(list)
        for e in self.events:
            if e["ph"] == "i":
                args = e.get("args", {})
                instants[(args.get("finding"), args.get("side"))].append(e)
        for i, finding in enumerate(report["findings"], 1):
            for j, side in enumerate(finding["sides"], 1):
                found = instants.get((i, j), [])
                if len(found) != 1:
                    self.fail(f"finding {i} side {j}: {len(found)} instants, want 1")
                    continue
                e = found[0]
                if e["name"] != finding["rule"]:
                    self.fail(f"finding {i} side {j}: named {e['name']!r}")
                process = self.process_names.get(e["pid"], "")
                thread = self.thread_names.get((e["pid"], e["tid"]), "")
                want_process = f"{side['process']} ({side['exe']}) pid "
                if not process.startswith(want_process):
                    self.fail(f"finding {i} side {j}: on process {process!r}, "
                              f"want {want_process!r}...")
                if not thread.startswith(side["thread"] + " tid "):
                    self.fail(f"finding {i} side {j}: on thread {thread!r}, "
                              f"want {side['thread']!r}")
        return len(report["findings"])

    def check_subset(self, full_path):
        with open(full_path, encoding="utf-8") as f:
            full = json.load(f)["traceEvents"]
        have = Counter(json.dumps(e, sort_keys=True) for e in full)
        for e in self.events:
            key = json.dumps(e, sort_keys=True)
            if have[key] == 0:
                self.fail(f"not in the whole timeline: {key}")
            have[key] -= 1
        start, end = self.window()
        for e in self.events:
            t = ns(e.get("ts", 0))
            if e["ph"] == "X":
                inside = (start is None or t + ns(e["dur"]) >= start) and (
                    end is None or t <= end)
            elif e["ph"] in ("i", "C"):
                inside = (start is None or t >= start) and (end is None or t <= end)
            elif e["ph"] in ("s", "f"):
                # At the middle of a marker that starts in the window.
                inside = (start is None or t >= start) and (
                    end is None or t <= end + 1000)
            else:
                inside = True
            if not inside:
                self.fail(f"outside the window {start}:{end} ns: {e}")
        if len(self.events) > len(full):
            self.fail("the cut is larger than the whole")

    def window(self):
        text = self.doc.get("otherData", {}).get("window_s", ":")
        a, b = text.split(":")
        return (round(float(a) * 1e9) if a else None, round(float(b) * 1e9) if b else None)


def middle_window(path):
    with open(path, encoding="utf-8") as f:
        events = json.load(f)["traceEvents"]
    times = [e["ts"] for e in events if e["ph"] != "M"]
    lo, hi = min(times), max(times)
    third = (hi - lo) / 3
    return f"{(lo + third) / 1e6:.6f}:{(hi - third) / 1e6:.6f}"


def main(argv):
    if len(argv) == 3 and argv[1] == "--middle-window":
        print(middle_window(argv[2]))
        return 0
    args = argv[1:]
    path = args.pop(0)
    options = dict(zip(args[::2], args[1::2]))
    c = Checker(path)
    c.check_fields()
    c.check_names()
    c.check_nesting()
    c.check_flows()
    findings = None
    if "--report" in options:
        findings = c.check_report(options["--report"])
        # A whole timeline of a real trace has every kind of event.
        kinds = Counter(e["ph"] for e in c.events)
        for ph, what in (("X", "slice"), ("s", "flow"), ("C", "counter sample")):
            if kinds[ph] == 0:
                c.fail(f"no {what} at all")
    if "--subset-of" in options:
        c.check_subset(options["--subset-of"])
    if c.errors:
        for e in c.errors:
            print(f"FAIL: {path}: {e}")
        return 1
    kinds = Counter(e["ph"] for e in c.events)
    print(f"ok: {path}: {len(c.events)} events ({kinds['X']} slices, {c.flow_count} "
          f"flows, {kinds['i']} instants, {kinds['C']} counter samples, "
          f"{len(c.thread_names)} tracks)"
          + (f", {findings} findings on their sides" if findings is not None else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
