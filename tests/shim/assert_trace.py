#!/usr/bin/env python3
"""Checks on a fluxtrace trace, for the shim's tests.

    fluxtrace-analyze --dump TRACE > TRACE.json
    assert_trace.py TRACE.json CHECK [--out FILE] [--fns FILE] [--exe PATH]

TRACE.json holds one JSON object per record, as `fluxtrace-analyze --dump`
prints them: {"name": "msg", "ts", "vpid", "vtid", "procname", fields...},
integers printed in hex as "0x..." strings.  CHECK names what the test
asserts (see CHECKS below); --out is the traced program's stdout, --fns the
file where it wrote its callbacks' addresses.  Prints one TAP line per
assertion and exits 1 if any failed.  Python standard library only.
"""
import argparse
import collections
import json
import os
import sys

# Values of tracepoints/fluxtrace_ops.h and of the public flux API.
MSG_SEND, MSG_SEND_NEW, MSG_RECV, MSG_REQUEUE = 0, 1, 2, 3
REQUEST, RESPONSE, EVENT = 1, 2, 4
NODEID_ANY = 0xFFFFFFFF
CB_CONTINUATION, CB_MSG_HANDLER, CB_TIMER = 0, 1, 4
WATCHER_START = 0
FUTURE_DESTROY = 4
KVS_WATCH = 4
TXN_PUT = 2
RESULT_COMMIT_SEQUENCE = 0
VERSION_GET, VERSION_WAIT = 0, 1
PUB, PUB_GET_SEQ = 0, 2
SUB = 0
HANDLE_OPEN = 0
ATTR_CACHE = 0
LIFE_FORK_PARENT, LIFE_SPAWN, LIFE_EXEC, LIFE_EXIT = 0, 1, 2, 5
ENOSYS, EINVAL = 38, 22
THREAD_RPCS = 200  # life.c


class Trace:
    def __init__(self, path):
        self.recs = []
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    self.recs.append(normalize(json.loads(line)))
        # The reader merges streams in time order; keep that, stably.
        self.recs.sort(key=lambda r: r.get("ts", 0))
        self.pair_callback_runs()

    def pair_callback_runs(self):
        """A cb_end (format 3: duration_ns only) closes the innermost open
        cb_begin of its thread: it gets that begin ("begin", None when none was
        open) and its kind, obj and fn, so checks can select ends like begins."""
        self.cb_end_fields = set()
        stacks = collections.defaultdict(list)
        for r in self.recs:
            key = (r["vpid"], r["vtid"])
            if r["name"] == "cb_begin":
                stacks[key].append(r)
            elif r["name"] == "cb_end":
                self.cb_end_fields |= set(r) - CONTEXT_KEYS
                r["begin"] = stacks[key].pop() if stacks[key] else None
                for k in ("kind", "obj", "fn"):
                    r[k] = r["begin"][k] if r["begin"] else None

    def of(self, name, recs=None, **fields):
        return [r for r in (self.recs if recs is None else recs)
                if r["name"] == name and all(r.get(k) == v for k, v in fields.items())]


# What every record has besides its fields (the reader adds src, its input).
CONTEXT_KEYS = {"name", "ts", "vpid", "vtid", "procname", "src"}


def normalize(r):
    r["name"] = r["name"].split(":", 1)[-1]
    for k, v in r.items():
        if isinstance(v, str) and v.startswith("0x") and k != "name":
            try:
                r[k] = int(v, 16)
            except ValueError:
                pass
    return r


class Checker:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, what, detail=""):
        self.n += 1
        if cond:
            print(f"ok {self.n} - {what}")
        else:
            self.failed += 1
            print(f"not ok {self.n} - {what}" + (f": {detail}" if detail else ""))
        return cond

    def done(self):
        print(f"1..{self.n}")
        if self.failed:
            print(f"# {self.failed} of {self.n} checks failed", file=sys.stderr)
        return 1 if self.failed else 0


def brief(recs, limit=3):
    return "; ".join(json.dumps({k: v for k, v in r.items()
                                 if k not in ("stack", "payload", "ts")})[:300]
                     for r in recs[:limit]) or "none"


def read_fns(path):
    """name -> value, from "name 0x..." (addresses) or "name N" lines."""
    fns = {}
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 2:
                fns[parts[0]] = int(parts[1], 0)
    return fns


def read_who(path):
    """From "who pid tid" lines: who -> (pid, tid)."""
    who = {}
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
                who[parts[0]] = (int(parts[1]), int(parts[2]))
    return who


def window(t, start, f):
    """Records from index `start` up to the destruction of future f (same
    process): addresses are reused once a future is gone."""
    out = []
    for r in t.recs[start:]:
        out.append(r)
        if r["name"] == "future" and r.get("op") == FUTURE_DESTROY and r.get("f") == f:
            break
    return out


def check_nesting(t, c, open_ok=0):
    """cb_begin/cb_end pair up per thread, innermost first (Trace pairs them)."""
    ends = t.of("cb_end")
    c.ok(t.cb_end_fields <= {"duration_ns"}, "cb_end records carry only duration_ns",
         ", ".join(sorted(t.cb_end_fields)))
    bad = [r for r in ends if r["begin"] is None
           or not 0 <= r["duration_ns"] <= r["ts"] - r["begin"]["ts"]]
    c.ok(not bad, "every cb_end closes an open cb_begin of its thread, "
         "its duration within the two records", brief(bad))
    closed = {id(r["begin"]) for r in ends if r["begin"] is not None}
    left = sum(1 for r in t.of("cb_begin") if id(r) not in closed)
    c.ok(left <= open_ok, f"at most {open_ok} callback(s) left open at the end", f"{left} open")


def callbacks_of(t, kind, fn):
    return t.of("cb_begin", kind=kind, fn=fn), t.of("cb_end", kind=kind, fn=fn)


def inside(t, pred, kind, fn):
    """Records matching pred that happen while callback (kind, fn) runs on the
    same thread."""
    active = collections.defaultdict(int)
    found = []
    for r in t.recs:
        key = (r["vpid"], r["vtid"])
        if r["name"] == "cb_begin" and r["kind"] == kind and r["fn"] == fn:
            active[key] += 1
        elif r["name"] == "cb_end" and r["kind"] == kind and r["fn"] == fn:
            active[key] -= 1
        elif active[key] > 0 and pred(r):
            found.append(r)
    return found


def lines_of(path):
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f]


# ---- checks ------------------------------------------------------------------------


def check_cover(t, c, args):
    fns = read_fns(args.fns)
    out = lines_of(args.out)
    pid = fns["pid"]
    mine = [r for r in t.recs if r["vpid"] == pid]
    c.ok(len(mine) > 0, f"records of the program (vpid {pid})")
    t.recs = mine

    procs = t.of("process")
    c.ok(len(procs) == 1 and procs[0].get("format_version") == 6,
         "one process record, format_version 6", brief(procs))
    c.ok(all(not r.get("pystack") for r in t.recs) and not t.of("pycode"),
         "a C program's records carry no Python frames")
    # The double has no flux_core_version_string(): the provider writes "".
    c.ok(len(procs) == 1 and procs[0].get("flux_core_version") == "",
         "flux_core_version empty where libflux-core has no version function",
         brief(procs))
    opens = t.of("handle", op=HANDLE_OPEN)
    c.ok(len(opens) == 1 and opens[0].get("uri") == "loop://",
         "exactly one handle open record (flux_open calls flux_open_ex), uri loop://",
         brief(t.of("handle")))
    attrs = [r for r in t.of("attr", source=ATTR_CACHE)
             if (r.get("attr", r.get("_name")), r.get("value")) == ("rank", "0")]
    c.ok(len(attrs) > 0, "the cached rank (flux_attr_set_cacheonly) is recorded",
         brief(t.of("attr")))

    # The RPC and its messages, tied by the matchtag.
    rpcs = t.of("rpc", topic="cov.hello")
    if c.ok(len(rpcs) == 1 and rpcs[0]["matchtag"] != 0, "one cov.hello rpc record with a matchtag",
            brief(rpcs)):
        tag = rpcs[0]["matchtag"]
        sends = [r for r in t.of("msg", type=REQUEST, topic="cov.hello")
                 if r["op"] in (MSG_SEND, MSG_SEND_NEW) and r.get("rc", 0) == 0]
        c.ok(len(sends) == 1 and sends[0]["matchtag"] == tag and sends[0]["nodeid"] == NODEID_ANY,
             "the request send has the rpc's matchtag and nodeid ANY", brief(sends))
        reqs = t.of("msg", op=MSG_RECV, type=REQUEST, topic="cov.hello")
        c.ok(len(reqs) == 1 and reqs[0]["matchtag"] == tag and reqs[0].get("route_first"),
             "the request is received (loop) with that matchtag and a route", brief(reqs))
        rsends = [r for r in t.of("msg", type=RESPONSE, topic="cov.hello")
                  if r["op"] in (MSG_SEND, MSG_SEND_NEW) and r.get("rc", 0) == 0]
        c.ok(len(rsends) == 1 and rsends[0]["matchtag"] == tag,
             "the handler's response send carries the matchtag", brief(rsends))
        rsps = t.of("msg", op=MSG_RECV, type=RESPONSE, topic="cov.hello")
        c.ok(len(rsps) == 1 and rsps[0]["matchtag"] == tag and rsps[0].get("errnum") == 0,
             "the response is received with the same matchtag", brief(rsps))
        handlers = t.of("cb_begin", kind=CB_MSG_HANDLER, fn=fns["hello_cb"])
        c.ok(len(reqs) == 1 and len(handlers) == 1 and "m" in reqs[0]
             and handlers[0].get("msg") == reqs[0]["m"],
             "the handler's cb_begin names the received request", brief(handlers))

    # Callbacks: the program's, begun and ended.
    for kind, name, count in ((CB_CONTINUATION, "hello_done", 1), (CB_MSG_HANDLER, "hello_cb", 1),
                              (CB_TIMER, "timer_cb", 1), (CB_CONTINUATION, "watch_cb", 4),
                              (CB_CONTINUATION, "commit_done", 3),
                              (CB_MSG_HANDLER, "event_cb", 1),
                              (CB_CONTINUATION, "publish_done", 1)):
        begins, ends = callbacks_of(t, kind, fns[name])
        c.ok(len(begins) == count and len(ends) == count,
             f"{count} cb_begin/cb_end pair(s) for {name} (kind {kind})",
             f"{len(begins)} begin, {len(ends)} end")
    check_nesting(t, c)

    # Watcher starts: the program's two timers only (libflux-core starts
    # watchers of its own through the same call; those are not recorded), the
    # one-shot timer started inside hello_done, on the watcher timer_cb runs on.
    watchers = t.of("watcher")
    c.ok(len(watchers) == 2 and all(r["op"] == WATCHER_START for r in watchers),
         "two watcher records, both starts: the program's timers", brief(watchers))
    in_done = inside(t, lambda r: r["name"] == "watcher" and r["op"] == WATCHER_START,
                     CB_CONTINUATION, fns["hello_done"])
    timer_runs = t.of("cb_begin", kind=CB_TIMER, fn=fns["timer_cb"])
    c.ok(len(in_done) == 1 and len(timer_runs) == 1
         and in_done[0]["w"] == timer_runs[0]["obj"],
         "the timer is started inside hello_done, and timer_cb runs on that watcher",
         f"{brief(in_done)} / {brief(timer_runs)}")

    # The streaming watch: its values are the values put, in order.
    idx = [i for i, r in enumerate(t.recs) if r["name"] == "kvs_lookup"
           and r.get("key") == "cov.key" and r.get("flags", 0) & KVS_WATCH]
    if c.ok(len(idx) == 1, "one kvs_lookup of cov.key with flags WATCH",
            brief(t.of("kvs_lookup"))):
        f = t.recs[idx[0]]["f"]
        seen = [r for r in window(t, idx[0], f)
                if r["name"] == "kvs_value" and r["f"] == f and r["rc"] == 0]
        puts = t.of("kvs_txn", op=TXN_PUT, key="cov.key")
        c.ok(len(seen) == 3 and all(r.get("has_hash") == 1 for r in seen),
             "3 hashed values delivered by the watch", brief(seen))
        c.ok(len(puts) == 3 and all(r.get("has_hash") == 1 for r in puts),
             "3 hashed kvs_txn puts of cov.key", brief(puts))
        c.ok([r.get("value_hash") for r in seen] == [r.get("value_hash") for r in puts],
             "each delivered value hashes as the put it came from",
             f"read {[hex(r.get('value_hash', 0)) for r in seen]} "
             f"put {[hex(r.get('value_hash', 0)) for r in puts]}")
        ended = [r for r in window(t, idx[0], f)
                 if r["name"] == "kvs_value" and r["f"] == f and r["rc"] != 0]
        c.ok(len(ended) == 1 and ended[0].get("err") == 61,
             "the canceled watch ends with ENODATA", brief(ended))

    printed = [int(line.rsplit(" ", 1)[1]) for line in out if line.startswith("commit ")]
    commits = t.of("kvs_commit")
    c.ok(len(commits) == 3, "3 kvs_commit records", brief(commits))
    seqs = [r["seq"] for r in t.of("kvs_result", api=RESULT_COMMIT_SEQUENCE) if r["rc"] == 0]
    c.ok(seqs == printed == [1, 2, 3], "kvs_result sequences are those the program got",
         f"trace {seqs}, program {printed}")

    version = [int(line.split()[-1]) for line in out if line.startswith("kvs version")]
    gets = t.of("kvs_version", api=VERSION_GET, rc=0)
    waits = t.of("kvs_version", api=VERSION_WAIT, rc=0)
    c.ok(len(gets) == 1 and [gets[0]["version"]] == version,
         "kvs_version (get) holds the version the program got", brief(gets))
    c.ok(len(waits) == 1 and [waits[0]["version"]] == version,
         "kvs_version (wait) holds the version waited for", brief(waits))

    seq = [int(line.split()[-1]) for line in out if line.startswith("published cov.event")]
    subs = t.of("event_sub", topic="cov.")
    c.ok(len(subs) == 1 and subs[0]["op"] == SUB and subs[0]["rc"] == 0,
         "exactly one event_sub of cov. (subscribe calls subscribe_ex)",
         brief(t.of("event_sub")))
    pubs = t.of("event_pub", api=PUB, topic="cov.event", rc=0)
    c.ok(len(pubs) == 1, "event_pub of cov.event", brief(t.of("event_pub")))
    gseq = t.of("event_pub", api=PUB_GET_SEQ, rc=0)
    c.ok(len(gseq) == 1 and [gseq[0]["seq"]] == seq, "event_pub (get_seq) holds the sequence",
         f"trace {brief(gseq)}, program {seq}")
    evs = t.of("msg", op=MSG_RECV, type=EVENT, topic="cov.event")
    c.ok(len(evs) == 1 and [evs[0]["seq"]] == seq, "the event is received with that sequence",
         brief(evs))
    c.ok(len(evs) == 1 and len(pubs) == 1 and
         (pubs[0]["payload_len"], pubs[0]["payload_hash"]) ==
         (evs[0]["payload_len"], evs[0]["payload_hash"]),
         "the publish record's payload length and hash equal the delivered event's",
         f"{brief(pubs)} vs {brief(evs)}")

    # The blocking get inside the timer callback.
    echo = t.of("rpc", topic="test.echo")
    if c.ok(len(echo) == 1, "one test.echo rpc record", brief(echo)):
        waits = inside(t, lambda r: r["name"] == "future_wait" and r.get("was_ready") == 0
                       and r.get("f") == echo[0]["f"], CB_TIMER, fns["timer_cb"])
        c.ok(len(waits) >= 1, "a future_wait with was_ready=0 on it, inside the timer callback",
             brief(t.of("future_wait", was_ready=0)))
        nested = inside(t, lambda r: r["name"] == "reactor_run" and r.get("depth") == 2,
                        CB_TIMER, fns["timer_cb"])
        c.ok(len(nested) >= 2, "the wait runs a nested reactor (depth 2) in the callback",
             brief(nested))

    runs = [r for r in t.of("reactor_run", depth=1)]
    starts = [r for r in runs if r.get("end") == 0]
    ends = [r for r in runs if r.get("end") == 1]
    c.ok(len(starts) >= 1 and len(ends) >= 1,
         "reactor_run records at entry and return of the outer run", brief(runs))
    if starts and ends:
        # the duration is the run's own: within the span of its two records
        span = ends[-1]["ts"] - starts[0]["ts"]
        c.ok(0 < ends[-1]["duration_ns"] <= span,
             "the outer run's duration lies within its entry and return records",
             f"duration {ends[-1]['duration_ns']} ns, span {span} ns")
    check_loop_records(t, c, ends)


def check_loop_records(t, c, run_ends):
    """Format 3: a loop record per iteration that ran callbacks, the ones that
    ran none counted in the next, and a last one (callbacks 0) at the return."""
    loops = t.of("loop")
    c.ok(len(loops) > 0, "loop records", "none")
    with_callbacks = [r for r in loops if r.get("callbacks", 0) > 0]
    c.ok(len(with_callbacks) > 0, "loop records of iterations that ran callbacks", brief(loops))
    c.ok(all(r["idle_max_ns"] <= r["idle_busy_ns"] <= r["idle_max_ns"] * r["idle_iterations"]
             for r in loops),
         "each loop record's idle sum lies between its longest and count x longest", brief(loops))
    # A record without callbacks is the one the return writes: the last before it.
    last_before_end = set()
    for end in run_ends:
        before = [r for r in loops if r["vtid"] == end["vtid"] and r["ts"] <= end["ts"]]
        if before:
            last_before_end.add(id(before[-1]))
    flushes = [r for r in loops if r.get("callbacks", 0) == 0]
    c.ok(all(id(r) in last_before_end and r["idle_iterations"] > 0 and r["busy_ns"] == 0
             for r in flushes),
         "a loop record without callbacks comes only at the run's return, with idle iterations",
         brief(flushes))
    begins = t.of("cb_begin")
    c.ok(sum(r["callbacks"] for r in with_callbacks) <= len(begins),
         "loop records count no more callback runs than there were cb_begin records",
         f"{sum(r['callbacks'] for r in with_callbacks)} > {len(begins)}")


def check_errors(t, c, args):
    c.ok(len(t.of("process")) == 1, "the trace holds the program's process record",
         brief(t.of("process")))
    nosvc = t.of("rpc", topic="no.such.service")
    c.ok(len(nosvc) >= 1, "the rpc to a missing service is recorded", brief(nosvc))
    einval = [r for r in t.of("rpc") if r.get("f") == 0 and r.get("err") == EINVAL]
    c.ok(len(einval) >= 1, "a failed flux_rpc is recorded with EINVAL", brief(t.of("rpc")))
    enosys = [r for r in t.of("future_wait") if r.get("rc") == -1 and r.get("err") == ENOSYS]
    c.ok(len(enosys) >= 1, "a wait that failed with ENOSYS is recorded", brief(t.of("future_wait")))


def sends_of(t, topic):
    return [r for r in t.of("msg", type=REQUEST, topic=topic)
            if r["op"] in (MSG_SEND, MSG_SEND_NEW)]


def check_echo_sent(t, c, args):
    """The program's test.echo request was seen through libflux-core's PLT."""
    sends = sends_of(t, "test.echo")
    c.ok(len(sends) >= 1 and all(r.get("rc", 0) == 0 for r in sends),
         "the test.echo request send is recorded", brief(t.of("msg")))
    c.ok(len(t.of("process")) == 1, "one process record", brief(t.of("process")))


def check_who(t, c, args, keys):
    """Each key's lookup record is attributed to the process and thread that
    made it (per the program's "who pid tid" lines)."""
    who = read_who(args.out)
    for key in keys:
        if not c.ok(key in who, f"the program reported {key}", f"stdout: {sorted(who)}"):
            continue
        pid, tid = who[key]
        recs = t.of("kvs_lookup", key=key)
        c.ok(len(recs) == 1 and recs[0]["vpid"] == pid and recs[0]["vtid"] == tid,
             f"the {key} lookup is recorded with vpid {pid}, vtid {tid}", brief(recs))
    return who


def check_fork(t, c, args):
    who = check_who(t, c, args, ["parent-before", "child-inherited", "child-own",
                                 "parent-after"])
    if "child-own" in who and "parent-before" in who:
        child, parent = who["child-own"][0], who["parent-before"][0]
        c.ok(child != parent, "the child has its own pid")
        c.ok(who.get("child-inherited", (0,))[0] == child, "both child lookups in the child")
        forks = t.of("life", op=LIFE_FORK_PARENT, pid=child)
        c.ok(len(forks) == 1 and forks[0]["vpid"] == parent,
             "the parent's fork record names the child", brief(t.of("life")))
        c.ok(all(r["vpid"] != parent for r in t.recs
                 if r["name"] == "kvs_lookup" and r.get("key", "").startswith("child")),
             "no child record carries the parent's vpid")
        exits = {r["vpid"] for r in t.of("life", op=LIFE_EXIT)}
        c.ok(parent in exits and child not in exits,
             "the parent writes an exit record as it exits; the child, ended by _exit, none",
             brief(t.of("life")))
    check_nesting(t, c)


def check_fork_first(t, c, args):
    """A child forked before the program's first flux call traces its own."""
    who = check_who(t, c, args, ["child-first", "parent-after"])
    if "child-first" in who and "parent-after" in who:
        c.ok(who["child-first"][0] != who["parent-after"][0], "the child has its own pid")


def check_exec(t, c, args):
    who = check_who(t, c, args, ["exec-parent", "exec-child"])
    if "exec-child" in who:
        child = who["exec-child"][0]
        execs = t.of("life", op=LIFE_EXEC, vpid=child)
        if c.ok(len(execs) == 1 and execs[0].get("path") == args.exe,
                "the exec is recorded, with its path, in the child", brief(t.of("life"))):
            # The forked image may have its own process record before the exec.
            after = t.recs[t.recs.index(execs[0]):]
            procs = t.of("process", after, vpid=child)
            c.ok(len(procs) == 1 and procs[0].get("exe") == args.exe,
                 "the new program has its own process record", brief(t.of("process")))


def check_fork_threads(t, c, args):
    """Children of a multi-threaded traced process: each one ran and exec'd, and
    the program it exec'd is traced as its own process, whose parent is the
    forking process."""
    parent = [p for p in t.of("process") if p.get("exe") == args.exe and
              not t.of("kvs_lookup", vpid=p["vpid"], key="exec-child")]
    children = [r for r in t.of("kvs_lookup") if r.get("key") == "exec-child"]
    c.ok(len(children) == 12, "12 exec'd children made their lookup", len(children))
    kids = {r["vpid"] for r in children}
    procs = [p for p in t.of("process") if p["vpid"] in kids]
    c.ok(len(parent) == 1 and len(procs) == 12 and
         all(p["ppid"] == parent[0]["vpid"] for p in procs),
         "each child is its own process whose parent is the forking process",
         brief(procs))
    forks = t.of("life", op=LIFE_FORK_PARENT)
    c.ok({f["pid"] for f in forks} == kids, "the parent's fork records name every child",
         f"forks {sorted(f['pid'] for f in forks)} children {sorted(kids)}")


def check_fork_resolving(t, c, args):
    """A child forked while another thread was inside the shim's first look-up
    of a symbol: it exec'd and its program made its lookup (a child that
    inherited a held lock would hang at its exec)."""
    parent = t.of("kvs_lookup", key="resolving-parent")
    children = t.of("kvs_lookup", key="exec-child")
    c.ok(len(parent) == 1 and len(children) == 1,
         "the parent and the exec'd child made their lookups", brief(children))
    if parent and children:
        forks = t.of("life", op=LIFE_FORK_PARENT, vpid=parent[0]["vpid"])
        c.ok(children[0]["vpid"] in {f["pid"] for f in forks},
             "the parent's fork record names the child", brief(forks))


def check_fork_closefds(t, c, args):
    """Children that close every descriptor after fork, then exec: all ran (the
    program exits non-zero otherwise) and each exec'd program is traced."""
    children = [r for r in t.of("kvs_lookup") if r.get("key") == "exec-child"]
    c.ok(len(children) == 20, "20 exec'd children made their lookup", len(children))
    c.ok(len({r["vpid"] for r in children}) == 20, "each in its own process")


def check_spawn(t, c, args):
    who = check_who(t, c, args, ["spawn-parent", "spawn-child"])
    if "spawn-child" in who:
        child, parent = who["spawn-child"][0], who["spawn-parent"][0]
        spawns = t.of("life", op=LIFE_SPAWN, pid=child)
        c.ok(len(spawns) == 1 and spawns[0]["vpid"] == parent,
             "the parent's spawn record names the child", brief(t.of("life")))
        c.ok(len(t.of("process", vpid=child)) == 1, "the spawned child has a process record",
             brief(t.of("process")))


def check_threads(t, c, args):
    who = check_who(t, c, args, ["thread-1", "thread-2"])
    if "thread-1" in who and "thread-2" in who and "main" in who:
        tids = {who["thread-1"][1], who["thread-2"][1]}
        c.ok(len(tids) == 2 and who["main"][1] not in tids, "the threads have distinct vtids")
        for name, (pid, tid) in sorted(who.items()):
            if name == "main":
                continue
            mine = [r for r in sends_of(t, "test.echo") if r["vtid"] == tid]
            c.ok(len(mine) == THREAD_RPCS,
                 f"{name}'s {THREAD_RPCS} echo requests are recorded with its vtid",
                 f"{len(mine)}")
            rpcs = [r for r in t.of("rpc", topic="test.echo") if r["vtid"] == tid]
            handles = [r for r in t.of("handle", op=HANDLE_OPEN) if r["vtid"] == tid]
            c.ok(len(rpcs) == THREAD_RPCS and all(r["h"] == rpcs[0]["h"] for r in rpcs)
                 and handles and rpcs[0]["h"] == handles[0]["h"],
                 f"{name}'s rpcs use the handle it opened", brief(rpcs))


def check_module(t, c, args):
    check_who(t, c, args, ["module-key"])
    c.ok(any("shim-module" in str(r.get("path", "")) for r in t.of("dso")),
         "a dso record for the module", brief(t.of("dso"), 10))


def check_exit(t, c, args):
    check_who(t, c, args, ["before-exit", "in-callback"])
    inside_cb = [r for r in t.of("cb_begin", kind=CB_TIMER)]
    c.ok(len(inside_cb) == 1, "the timer callback's cb_begin is recorded", brief(inside_cb))
    exits = t.of("life", op=LIFE_EXIT)
    c.ok(len(exits) == 1 and exits[0] is t.recs[-1],
         "exit() in the callback writes one exit record, the process's last",
         brief(exits))
    check_nesting(t, c, open_ok=1)


def check_midstop(t, c, args):
    first = t.of("kvs_lookup", key="first-half")
    second = t.of("kvs_lookup", key="second-half")
    c.ok(len(first) == 1, "the first half's lookup is recorded", brief(t.of("kvs_lookup")))
    c.ok(len(second) == 0, "nothing of the second half is", brief(second))
    late = [r for r in t.recs if r["name"] in ("msg", "rpc") and "second" in json.dumps(r)]
    c.ok(not late, "no message of the second half either", brief(late))


def marked_lines(path, tag):
    """{name: line} of the lines of `path` marked `# TAG: name`."""
    marks = {}
    for n, line in enumerate(lines_of(path), 1):
        if f"# {tag}: " in line:
            marks[line.split(f"# {tag}: ", 1)[1].strip()] = n
    return marks


def python_frames(t, r):
    """A record's Python frames as (qualname, file, line), innermost first."""
    codes = {(p["vpid"], p["code"]): p for p in t.of("pycode")}
    seq = [int(v, 16) if isinstance(v, str) else v for v in r.get("pystack") or []]
    frames = []
    for code, line in zip(seq[0::2], seq[1::2]):
        p = codes.get((r["vpid"], code))
        frames.append((p["qualname"], p["file"], line) if p else ("?", "?", line))
    return frames


def check_pyframes(t, c, args):
    """Each test.echo RPC carries the Python frames that made it, each named
    by a pycode record announced once per code object."""
    marks = marked_lines(args.exe, "frame")
    here = os.path.realpath(args.exe)
    expected = {
        "main-thread": [("echo", marks["echo"]), ("Client.run", marks["Client.run"]),
                        ("main", marks["main"]), ("<module>", marks["<module>"])],
        "python-thread": [("echo", marks["echo"]), ("on_thréad", marks["on_thréad"])],
    }
    rpcs = t.of("rpc", topic="test.echo")
    c.ok(len(rpcs) == 2, "two test.echo RPCs are recorded", brief(rpcs))
    for r in rpcs:
        frames = python_frames(t, r)
        which = "main-thread" if r["vtid"] == r["vpid"] else "python-thread"
        want = expected[which]
        got = [(q, line) for q, f, line in frames[:len(want)]
               if os.path.realpath(f) == here]
        c.ok(got == want, f"the {which} RPC names its Python callers and lines",
             f"got {frames}, want {want} in {here}")
    codes = [(p["vpid"], p["code"]) for p in t.of("pycode")]
    c.ok(len(codes) == len(set(codes)), "each code object is announced once",
         f"{len(codes)} pycode records, {len(set(codes))} code objects")
    plain = [r for r in t.recs if r["name"] in ("msg", "rpc") and not r.get("pystack")
             and r.get("stack")]
    c.ok(not plain, "every stacked record of the program carries Python frames",
         brief(plain))


CHECKS = {
    "cover": check_cover,
    "errors": check_errors,
    "echo-sent": check_echo_sent,
    "fork": check_fork,
    "fork-first": check_fork_first,
    "exec": check_exec,
    "fork-threads": check_fork_threads,
    "fork-closefds": check_fork_closefds,
    "fork-resolving": check_fork_resolving,
    "spawn": check_spawn,
    "threads": check_threads,
    "module": check_module,
    "exit": check_exit,
    "midstop": check_midstop,
    "pyframes": check_pyframes,
}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("trace", help="records, one JSON object a line")
    p.add_argument("check", choices=sorted(CHECKS))
    p.add_argument("--out", help="the program's stdout")
    p.add_argument("--fns", help="the program's callback addresses")
    p.add_argument("--exe", help="the program's path")
    args = p.parse_args()
    t = Trace(args.trace)
    c = Checker()
    if c.ok(len(t.recs) > 0, "the trace holds fluxtrace records", args.trace):
        CHECKS[args.check](t, c, args)
    return c.done()


if __name__ == "__main__":
    sys.exit(main())
