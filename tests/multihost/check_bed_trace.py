#!/usr/bin/env python3
"""Checks a multi-host recording made by tests/multihost/bed.sh:

    check_bed_trace.py ANALYZER OUTDIR

- every node's trace is under OUTDIR/<host>, its CTF environment names that
  host, its clock is the bed's (name, uuid), and hosts and uuids are distinct;
- each host's absolute times (offset + cycles) really are off by the skew the
  bed configured: the true time of every record, i.e. its absolute time less
  the host's skew and drift, lies within the real times the bed saw the node
  start and end, and the causal bounds that the host's cross-host messages
  set on its offset to node0 (a message is received after it was sent, so
  recv - send on the other clock bounds the offset from one side) hold the
  configured skew and exclude a zero one;
- no record was discarded.

Prints what it measured, one line per host.  Exit 0 when all holds, 1 if not.
"""
import json
import os
import re
import subprocess
import sys
from collections import defaultdict

failures = []


def fail(text):
    failures.append(text)
    print("FAIL: " + text)


def metadata_of(trace_dir):
    """hostname, clock name, uuid, offset of the one trace under trace_dir."""
    dirs = sorted({root for root, _, files in os.walk(trace_dir) if "metadata" in files})
    if len(dirs) != 1:
        return None, "{} holds {} traces, not 1".format(trace_dir, len(dirs))
    text = subprocess.run(["babeltrace2", "--output-format=ctf-metadata", dirs[0]],
                          check=True, capture_output=True, text=True).stdout
    host = re.search(r'\bhostname = "([^"]*)";', text)
    clock = re.search(r"\bclock \{(.*?)\};", text, re.S)
    if not host or not clock:
        return None, "{}: no hostname or clock in the metadata".format(dirs[0])
    fields = dict(re.findall(r'(\w+) = "?([^";]*)"?;', clock.group(1)))
    return {"host": host.group(1), "clock": fields.get("name"), "uuid": fields.get("uuid"),
            "freq": int(fields.get("freq", 0)), "offset_s": int(fields.get("offset_s", 0)),
            "offset": int(fields.get("offset", 0))}, None


def main():
    analyzer, out = sys.argv[1], sys.argv[2]
    bed = json.load(open(os.path.join(out, "bed", "nodes.json")))
    nodes = bed["nodes"]
    hosts = [n["host"] for n in nodes]

    # Hosts and clocks, from each trace's own metadata.
    meta = {}
    for n in nodes:
        m, why = metadata_of(os.path.join(out, n["host"]))
        if m is None:
            fail(why)
            continue
        meta[n["host"]] = m
        if m["host"] != n["host"]:
            fail("{}: the trace names host {}".format(n["host"], m["host"]))
        if m["clock"] != bed["clock_name"] or m["uuid"] != n["clock_uuid"]:
            fail("{}: clock {} {} is not the bed's {} {}".format(
                n["host"], m["clock"], m["uuid"], bed["clock_name"], n["clock_uuid"]))
        if m["freq"] != 1000000000:
            fail("{}: clock frequency {}".format(n["host"], m["freq"]))
    if len({m["host"] for m in meta.values()}) != len(nodes):
        fail("host names are not distinct")
    if len({m["uuid"] for m in meta.values()}) != len(nodes):
        fail("clock uuids are not distinct")

    # Every record, absolute time per host (one PATH per host: src = node index).
    dump = subprocess.run([analyzer, "-q", "--dump"] +
                          [os.path.join(out, h) for h in hosts],
                          check=True, capture_output=True, text=True).stdout
    first, last = {}, {}
    hops = defaultdict(list)
    for line in dump.splitlines():
        r = json.loads(line)
        src, ts = r["src"], r["ts"]
        first[src] = min(first.get(src, ts), ts)
        last[src] = max(last.get(src, ts), ts)
        # A request or response with a payload hash: its identity.
        if r["name"] == "msg" and r["type"] in (1, 2) and r["has_hash"] and r["rc"] >= 0:
            key = (r["type"], r["topic"], r["matchtag"], r["payload_hash"])
            hops[key].append((src, ts, r["route_count"], r["vpid"], r["vtid"], r["op"]))

    # The bed took its clocks' epoch just before it started node0.
    epoch = min(n["start_ns"] for n in nodes)

    def drift_ns(n, ts):
        """The drift a node's clock had gathered at absolute time ts."""
        return n["drift_ppm"] * 1e-6 * (ts - n["skew_ns"] - epoch)

    # True time = absolute - skew - drift lies within the node's real lifetime.
    # The slack covers the drift's uncertainty and the epoch (taken just
    # before the first node started).
    for k, n in enumerate(nodes):
        if k not in first:
            fail("{}: no records".format(n["host"]))
            continue
        lo = first[k] - n["skew_ns"] - drift_ns(n, first[k])
        hi = last[k] - n["skew_ns"] - drift_ns(n, last[k])
        slack = 1e6
        if lo < n["start_ns"] - slack or hi > n["end_ns"] + slack:
            fail("{}: records span {:.6f}..{:.6f} s of real time once the skew {} ns is "
                 "taken off, outside the node's life {:.6f}..{:.6f}".format(
                     n["host"], lo / 1e9, hi / 1e9, n["skew_ns"], n["start_ns"] / 1e9,
                     n["end_ns"] / 1e9))

    # Causal bounds on the hosts' clock offsets from messages that crossed
    # hosts.  A message is recorded several times on each host it passes
    # (sender, local broker, module); its identity (topic, matchtag, payload
    # hash) is used only when no thread recorded the same step twice on one
    # host, i.e. when it names one message, not two alike sent at different
    # times.  Routes give the order of the hosts it passed: a request starts
    # with an empty route and gains a hop per broker, a response loses one
    # per broker and reaches its requester with none, so the hosts sorted by
    # the shortest route each saw (ascending for requests, descending for
    # responses) are its path.  Every record on one host of the path precedes
    # every record on the next, so with theta the skew of a host:
    # first(next) - last(previous) > theta_next - theta_previous, once each
    # time has its host's configured drift taken out.
    count = len(nodes)
    inf = float("inf")
    bound = [[inf] * count for _ in range(count)]  # theta_b - theta_a < bound[a][b]
    cross = defaultdict(int)
    for (mtype, _, _, _), recs in hops.items():
        by_host = defaultdict(list)
        for rec in recs:
            by_host[rec[0]].append(rec)
        if len(by_host) < 2:
            continue
        steps = [(rec[0], rec[2], rec[3], rec[4], rec[5]) for rec in recs]
        if len(set(steps)) != len(steps):
            continue
        shortest = {h: min(rec[2] for rec in rs) for h, rs in by_host.items()}
        if len(set(shortest.values())) != len(shortest) or min(shortest.values()) != 0:
            continue
        path = sorted(shortest, key=shortest.get, reverse=(mtype == 2))
        for prev, nxt in zip(path, path[1:]):
            last_prev = max(rec[1] - drift_ns(nodes[prev], rec[1]) for rec in by_host[prev])
            first_next = min(rec[1] - drift_ns(nodes[nxt], rec[1]) for rec in by_host[nxt])
            bound[prev][nxt] = min(bound[prev][nxt], first_next - last_prev)
            cross[(prev, nxt)] += 1
    # The tightest bounds through any chain of hosts (a tree topology relays
    # through inner nodes): shortest paths over the constraints.
    for k in range(count):
        bound[k][k] = min(bound[k][k], 0)
    for m in range(count):
        for a in range(count):
            for b in range(count):
                if bound[a][m] + bound[m][b] < bound[a][b]:
                    bound[a][b] = bound[a][m] + bound[m][b]
    if any(bound[k][k] < 0 for k in range(count)):
        fail("the cross-host messages contradict each other (a message misidentified)")
    upper = {k: bound[0][k] for k in range(count)}
    lower = {k: -bound[k][0] for k in range(count)}
    total_cross = sum(cross.values())
    print("# cross-host message hops identified: {} ({})".format(
        total_cross, ", ".join("{}->{} {}".format(hosts[a], hosts[b], c)
                               for (a, b), c in sorted(cross.items()))))
    base = nodes[0]
    for k, n in enumerate(nodes):
        m = meta.get(n["host"], {})
        offset = m.get("offset_s", 0) * 10**9 + m.get("offset", 0)
        line = "# {}: clock {} uuid {} offset {} ns, configured skew {:+} ns drift {:+} ppm".format(
            n["host"], m.get("clock"), m.get("uuid"), offset, n["skew_ns"], n["drift_ppm"])
        if k == 0:
            print(line)
            continue
        expected = n["skew_ns"] - base["skew_ns"]
        lo, hi = lower[k], upper[k]
        # The drifts were taken out; what is left is their uncertainty (the
        # epoch here is the first node's start, the plugin's is read just
        # before: well within a second) and rounding.
        slack = (abs(n["drift_ppm"]) + abs(base["drift_ppm"])) * 1e-6 * 1e9 + 1000
        print(line + "; measured offset to node0 in [{:+.0f}, {:+.0f}] ns".format(lo, hi))
        if lo == float("-inf") or hi == float("inf"):
            fail("{}: no messages both ways, directly or through other hosts, to measure its "
                 "clock against node0's".format(n["host"]))
            continue
        if not lo - slack <= expected <= hi + slack:
            fail("{}: skew {} ns to node0 is outside the measured [{:.0f}, {:.0f}] ns".format(
                n["host"], expected, lo, hi))
        if expected != 0 and lo - slack <= 0 <= hi + slack:
            fail("{}: the measured bounds [{:.0f}, {:.0f}] ns do not tell its clock from "
                 "node0's".format(n["host"], lo, hi))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
