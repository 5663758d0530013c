#!/usr/bin/env python3
"""Assert what a trace of `flux start --test-size=4 examples/run-kvs-load.sh`
must hold.  Reads `fluxtrace-analyze --dump` output (one JSON record a line) on
stdin; prints one line per failed expectation and exits 1 if any failed.

Expectations (issue #2, tests):
- records from all four broker ranks and from every kvs-load client;
- every client request to a module service (kvs., kvs-watch.) matched to the
  receive on the broker side (same topic, matchtag, payload hash) and to its
  response(s) back in the client.  Requests to services the broker implements
  itself (attr., event., ...) are the documented exception: flux-broker carries
  private copies of the message layer, invisible to a preload;
- a KVS watch shows its key and a value hash for each delivery, each equal to
  the hash of a value the writer put under that key;
- a commit shows its operations (key and value hash) and the sequence it made.
"""
import json
import sys
from collections import defaultdict

REQUEST, RESPONSE = 1, 2
SEND_OPS, RECV = (0, 1), 2
KVS_WATCH = 4

failures = []


def fail(msg):
    failures.append(msg)


def num(v):
    if isinstance(v, str):
        return int(v, 16) if v.startswith("0x") else int(v)
    return v


records = [json.loads(line) for line in sys.stdin if line.strip()]
by_name = defaultdict(list)
for r in records:
    by_name[r["name"]].append(r)

procs = {}
for r in by_name["process"]:
    procs[r["vpid"]] = r
brokers = {p for p, r in procs.items() if r["exe"].endswith("/flux-broker")}
clients = {p for p, r in procs.items() if r["exe"].endswith("/kvs-load")}

# 1. every broker rank, learned from the attribute cache of its modules
ranks_seen = {int(r["value"]) for r in by_name["attr"]
              if r["attr"] == "rank" and r["vpid"] in brokers}
if len(brokers) != 4:
    fail(f"expected 4 flux-broker processes, found {len(brokers)}")
if ranks_seen != {0, 1, 2, 3}:
    fail(f"expected broker ranks 0-3 in attr records, found {sorted(ranks_seen)}")
if len(clients) < 5:
    fail(f"expected 5 kvs-load clients (writer, 3 watchers, rpc), found {len(clients)}")
for p in clients:
    if not any(r["vpid"] == p and r["name"] == "msg" for r in by_name["msg"]):
        fail(f"client {p} has no message records")

# 2. requests matched to the server's receive and to the responses
recv_requests = defaultdict(list)
recv_responses = defaultdict(list)
for r in by_name["msg"]:
    if r["op"] != RECV:
        continue
    key = (r["topic"], num(r["matchtag"]))
    if r["type"] == REQUEST and r["vpid"] in brokers:
        recv_requests[key + (num(r["payload_hash"]),)].append(r)
    elif r["type"] == RESPONSE:
        recv_responses[(r["vpid"],) + key].append(r)

module_requests = 0
for r in by_name["msg"]:
    if r["vpid"] not in clients or r["op"] not in SEND_OPS or r["type"] != REQUEST:
        continue
    topic, tag = r["topic"], num(r["matchtag"])
    if not (topic.startswith("kvs.") or topic.startswith("kvs-watch.")):
        continue
    module_requests += 1
    if not recv_requests.get((topic, tag, num(r["payload_hash"]))):
        fail(f"request {topic} matchtag {tag} from {r['vpid']}: no broker-side receive")
    noresponse = num(r["msgflags"]) & 0x04 or tag == 0  # e.g. kvs-watch.cancel
    if not noresponse and not recv_responses.get((r["vpid"], topic, tag)):
        fail(f"request {topic} matchtag {tag} from {r['vpid']}: no response received")
if module_requests == 0:
    fail("no client request to a kvs service found")

# 3. watches: key and value hash of each delivery
puts = defaultdict(set)
for r in by_name["kvs_txn"]:
    if r["op"] == 2 and r["has_hash"]:  # FT_TXN_PUT
        puts[r["key"]].add(num(r["value_hash"]))
watches = [r for r in by_name["kvs_lookup"]
           if num(r["flags"]) & KVS_WATCH and r["vpid"] in clients]
if sorted(w["key"] for w in watches) != ["load.1", "load.2", "load.3"]:
    fail(f"expected watches of load.1-3, found {[w['key'] for w in watches]}")
for w in watches:
    values = [v for v in by_name["kvs_value"]
              if v["vpid"] == w["vpid"] and num(v["f"]) == num(w["f"])]
    if not values:
        fail(f"watch of {w['key']}: no delivered value recorded")
    for v in values:
        if not v["has_hash"] or num(v["value_hash"]) not in puts[w["key"]]:
            fail(f"watch of {w['key']}: delivered hash {v['value_hash']} was never put")

# 4. commits: operations and sequence
txn_ops = defaultdict(list)
for r in by_name["kvs_txn"]:
    if r["op"] == 2:
        txn_ops[(r["vpid"], num(r["txn"]))].append(r)
commits = [c for c in by_name["kvs_commit"] if c["vpid"] in clients]
if not commits:
    fail("no kvs_commit from the writer")
seqs = {(r["vpid"], num(r["f"])): r["seq"] for r in by_name["kvs_result"] if r["api"] == 0}
for c in commits:
    if not txn_ops.get((c["vpid"], num(c["txn"]))):
        fail(f"commit {c['f']}: no operations recorded for its transaction")
    if seqs.get((c["vpid"], num(c["f"])), -1) <= 0:
        fail(f"commit {c['f']}: no sequence recorded")

for f in failures[:40]:
    print("FAIL:", f)
print(f"{len(records)} records, {len(brokers)} brokers, {len(clients)} clients, "
      f"{module_requests} module requests, {len(watches)} watches, {len(commits)} commits: "
      f"{'ok' if not failures else str(len(failures)) + ' failures'}")
sys.exit(1 if failures else 0)
