"""lookupat_root.py: the lookupat_root workload (see lookupat_root.c) in Python,
through flux-core's own bindings, with keys prefixed "py".

    flux python lookupat_root.py violating|compliant setup|reader
    flux python lookupat_root.py violating|compliant writer SETUP_VERSION

setup writes pylar.value = "old" and prints the version it made.  The reader
(rank 0) subscribes to pylar.trigger and waits for it.  The writer (rank 1,
a follower) waits for the setup's version, commits pylar.value = "new" and
publishes pylar.trigger {"treeobj": T}; the reader looks pylar.value up at T
with flux_kvs_lookupat().

violating (BREAKS RFC 9 "If out-of-band triggers are used, kvs_get_version()
SHOULD be used to retrieve the KVS version in which the data is ready"): T is
flux_kvs_commit_get_treeobj() of the commit, which on a follower names the
root from before the commit in flux-core 0.88: the reader reads "old".

compliant (KEEPS it): T is flux_kvs_getroot_get_treeobj() of a getroot sent
after the commit completed: the reader reads "new".
"""
import json
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pyworkload import kvs_version, publish, put, signal_ready, wait_event, wait_version

from flux.core.inner import ffi
from flux.kvs import RAW

import flux

KEY = "pylar.value"
TRIGGER = "pylar.trigger"
MODES = ("violating", "compliant")
ROLES = ("setup", "reader", "writer")


def string_out(getter, future):
    """The string a flux_kvs_*_get_treeobj-style getter returns."""
    out = ffi.new("char *[1]")
    getter(future, out)
    return ffi.string(out[0]).decode()


def root_after(h, commit, mode):
    """The root the trigger hands over: the commit's own answer (the bug on a
    follower), or the rank's root asked for after the commit."""
    if mode == "violating":
        return string_out(RAW.flux_kvs_commit_get_treeobj, commit)
    f = RAW.flux_kvs_getroot(h.handle, ffi.NULL, 0)
    try:
        return string_out(RAW.flux_kvs_getroot_get_treeobj, f)
    finally:
        RAW.flux_future_destroy(f)


def writer(h, mode, setup_version):
    wait_version(h, setup_version)  # the commit's answer must name the root holding "old"
    txn = RAW.flux_kvs_txn_create()
    RAW.flux_kvs_txn_put(txn, 0, KEY, "new")
    f = RAW.flux_kvs_commit(h.handle, ffi.NULL, 0, txn)
    try:
        RAW.flux_future_get(f, ffi.NULL)
        treeobj = root_after(h, f, mode)
    finally:
        RAW.flux_future_destroy(f)
        RAW.flux_kvs_txn_destroy(txn)
    publish(h, TRIGGER, {"treeobj": treeobj})
    source = "flux_kvs_commit_get_treeobj()" if mode == "violating" else "flux_kvs_getroot()"
    print(f"lookupat_root.py {mode}: writer wrote \"new\" and sent the root from {source}")
    return 0


def reader(h, mode):
    h.event_subscribe(TRIGGER)
    signal_ready()
    treeobj = json.loads(wait_event(h, TRIGGER).payload_str)["treeobj"]
    f = RAW.flux_kvs_lookupat(h.handle, 0, KEY, treeobj)
    try:
        out = ffi.new("char *[1]")
        RAW.flux_kvs_lookup_get(f, out)
        value = ffi.string(out[0]).decode()
    finally:
        RAW.flux_future_destroy(f)
    stale = value == "old"
    ok = stale == (mode == "violating")
    outcome = " (UNEXPECTED)" if not ok else " (stale)" if stale else " (fresh)"
    print(f"lookupat_root.py {mode}: reader read \"{value}\" at the root it was sent{outcome}")
    return 0 if ok else 1


def main():
    argv = sys.argv[1:]
    if (
        len(argv) < 2
        or argv[0] not in MODES
        or argv[1] not in ROLES
        or (argv[1] == "writer") != (len(argv) == 3)
    ):
        sys.exit(
            "usage: lookupat_root.py violating|compliant setup|reader\n"
            "       lookupat_root.py violating|compliant writer SETUP_VERSION"
        )
    mode, role, h = argv[0], argv[1], flux.Flux()
    if role == "setup":
        put(h, KEY, "old")
        print(f"lookupat_root.py {mode}: setup wrote \"old\" at version {kvs_version(h)}")
        return 0
    if role == "reader":
        return reader(h, mode)
    return writer(h, mode, int(argv[2]))


if __name__ == "__main__":
    sys.exit(main())
