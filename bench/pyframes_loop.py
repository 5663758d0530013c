"""The per-call cost a Python program pays: N test.echo RPCs (flux_rpc,
flux_rpc_get, flux_future_destroy) through ctypes against the libflux-core
given, made DEPTH Python frames down.  Prints the mean wall time per RPC.

    python3 pyframes_loop.py PATH-OF-LIBFLUX-CORE N DEPTH
"""
import ctypes
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "shim"))
import flux_ctypes  # noqa: E402

flux = flux_ctypes.load(sys.argv[1])


def rpcs(h, n):
    answer = ctypes.c_char_p()
    t0 = time.perf_counter_ns()
    for _ in range(n):
        f = flux.flux_rpc(h, b"test.echo", b"x", 0xFFFFFFFF, 0)
        flux.flux_rpc_get(f, ctypes.byref(answer))
        flux.flux_future_destroy(f)
    return (time.perf_counter_ns() - t0) / n


def down(depth, h, n):
    return rpcs(h, n) if depth <= 1 else down(depth - 1, h, n)


h = flux.flux_open(b"loop://", 0)
down(int(sys.argv[3]), h, 1000)  # warm up
print(f"{down(int(sys.argv[3]), h, int(sys.argv[2])):.0f}")
