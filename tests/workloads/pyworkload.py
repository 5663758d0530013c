"""Helpers shared by the Python RFC 9 workloads (flux-core's own bindings).

Same conventions as workload.h: synchronization by message only; a role that
others wait for writes "ready" to the fd named by $WORKLOAD_READY_FD.
"""
import json
import os
import sys

import flux
import flux.constants as C
from flux.core.inner import ffi
from flux.future import Future
from flux.kvs import RAW, KVSWatchFuture, commit

WATCH = C.FLUX_KVS_WATCH
WAITCREATE = C.FLUX_KVS_WAITCREATE
WATCH_APPEND = C.FLUX_KVS_WATCH_APPEND
APPEND = C.FLUX_KVS_APPEND


def put(h, key, value, flags=0):
    """One transaction putting KEY=VALUE (raw string), committed and waited for."""
    txn = RAW.flux_kvs_txn_create()
    try:
        RAW.flux_kvs_txn_put(txn, flags, key, value)
        commit(h, _kvstxn=txn)
    finally:
        RAW.flux_kvs_txn_destroy(txn)


def watch(h, key, flags):
    """Starts a KVS watch (flux_kvs_lookup with FLAGS); returns its future."""
    return KVSWatchFuture(RAW.flux_kvs_lookup(h, None, flags, key))


def value(future):
    """The raw string of a watch response (KVSWatchFuture.get would try JSON)."""
    valp = ffi.new("char *[1]")
    RAW.flux_kvs_lookup_get(future.pimpl, valp)
    return ffi.string(valp[0]).decode()


def publish(h, topic, payload=None):
    """Publishes event TOPIC (optional dict payload) and waits until the broker
    sequenced it."""
    body = ffi.NULL if payload is None else json.dumps(payload)
    Future(h.flux_event_publish(topic, 0, body)).get()


def kvs_version(h):
    """The KVS root version this handle's rank has (read-your-writes after a commit)."""
    v = ffi.new("int *")
    if RAW.flux_kvs_get_version(h.handle, ffi.NULL, v) < 0:
        raise OSError("flux_kvs_get_version failed")
    return v[0]


def wait_version(h, version):
    """Waits until this handle's rank has applied KVS root VERSION."""
    if RAW.flux_kvs_wait_version(h.handle, ffi.NULL, version) < 0:
        raise OSError(f"flux_kvs_wait_version {version} failed")


def wait_event(h, topic):
    """Waits (outside any callback) for the next event TOPIC."""
    glob = ffi.new("char[]", topic.encode())  # recv() takes no str here
    return h.recv(type_mask=C.FLUX_MSGTYPE_EVENT, topic_glob=glob)


def signal_ready():
    fd = os.environ.get("WORKLOAD_READY_FD")
    if fd:
        os.write(int(fd), b"ready\n")
        os.close(int(fd))


def watch_established(future):
    """Waits (outside any callback) for a watch's first response -- the key's
    value when it was registered -- and re-arms the future (see
    wl_watch_established in workload.h: the keys exist before the watches)."""
    value(future)
    future.reset()


def args(name, modes):
    if len(sys.argv) != 3 or sys.argv[1] not in modes or sys.argv[2] not in ("writer", "watcher"):
        sys.exit(f"usage: {name} {'|'.join(modes)} writer|watcher")
    return sys.argv[1], sys.argv[2], flux.Flux()
