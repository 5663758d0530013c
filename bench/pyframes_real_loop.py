"""pyframes_real_loop.py N DEPTH: N KVS lookups of one key through flux-core's
own Python bindings (flux.kvs.get), made DEPTH Python frames down, in the
Flux instance of $FLUX_URI; prints the mean ns per lookup (after 200 to warm
up).  For bench/pyframes.sh."""
import sys
import time

import flux
import flux.kvs


def lookups(h, n):
    t0 = time.perf_counter_ns()
    for _ in range(n):
        flux.kvs.get(h, "bench.key")
    return (time.perf_counter_ns() - t0) / n


def down(depth, h, n):
    return lookups(h, n) if depth <= 1 else down(depth - 1, h, n)


def main():
    n, depth = int(sys.argv[1]), int(sys.argv[2])
    h = flux.Flux()
    flux.kvs.put(h, "bench.key", "v")
    flux.kvs.commit(h)
    down(depth, h, 200)
    print(f"{down(depth, h, n):.0f}")


if __name__ == "__main__":
    main()
