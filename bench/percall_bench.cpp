// Cost of one wrapped call: the shim's wrapper against the function it wraps,
// in one process.  The shim is dlopen'd RTLD_LOCAL so both can be called: its
// wrappers find the real functions in the already loaded libflux-core.so.2
// (here the near-empty stand-in), as they do under Python's bindings.
//
// Run by bench/percall.sh three ways (no session daemon, a session without
// stacks, a session with 16-frame stacks); each run prints the wrapper's cost
// over the direct call.
#include <benchmark/benchmark.h>
#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>

namespace {

using send_fn = int (*)(void *, const void *, int);
using put_fn = int (*)(void *, int, const char *, const char *);

struct Targets {
    send_fn real_send, shim_send;
    put_fn real_put, shim_put;
};

void *must_dlsym(void *lib, const char *name)
{
    void *p = dlsym(lib, name);
    if (p == nullptr) {
        std::fprintf(stderr, "percall_bench: %s: %s\n", name, dlerror());
        std::exit(2);
    }
    return p;
}

const Targets &targets()
{
    static Targets t = [] {
        const char *shim_path = std::getenv("FLUXTRACE_SHIM");
        void *flux = dlopen("libflux-core.so.2", RTLD_NOW | RTLD_GLOBAL | RTLD_NOLOAD);
        void *shim = shim_path ? dlopen(shim_path, RTLD_NOW | RTLD_LOCAL) : nullptr;
        if (flux == nullptr || shim == nullptr) {
            std::fprintf(stderr, "percall_bench: FLUXTRACE_SHIM=%s: %s\n",
                         shim_path ? shim_path : "(unset)", dlerror());
            std::exit(2);
        }
        return Targets{(send_fn)must_dlsym(flux, "flux_send"),
                       (send_fn)must_dlsym(shim, "flux_send"),
                       (put_fn)must_dlsym(flux, "flux_kvs_txn_put"),
                       (put_fn)must_dlsym(shim, "flux_kvs_txn_put")};
    }();
    return t;
}

// A few frames of the program's own, so a stack has something to walk.
__attribute__((noinline)) int call_send(send_fn fn, int depth)
{
    if (depth > 0)
        return call_send(fn, depth - 1) + 0 * depth;
    int dummy = 0;
    return fn(&dummy, &dummy, 0);
}

void BM_send_direct(benchmark::State &state)
{
    auto fn = targets().real_send;
    for (auto _ : state)
        benchmark::DoNotOptimize(call_send(fn, 12));
}
void BM_send_wrapped(benchmark::State &state)
{
    auto fn = targets().shim_send;
    for (auto _ : state)
        benchmark::DoNotOptimize(call_send(fn, 12));
}
void BM_txn_put_direct(benchmark::State &state)
{
    auto fn = targets().real_put;
    int txn = 0;
    for (auto _ : state)
        benchmark::DoNotOptimize(fn(&txn, 0, "a.b.c", "value-1234"));
}
void BM_txn_put_wrapped(benchmark::State &state)
{
    auto fn = targets().shim_put;
    int txn = 0;
    for (auto _ : state)
        benchmark::DoNotOptimize(fn(&txn, 0, "a.b.c", "value-1234"));
}

BENCHMARK(BM_send_direct);
BENCHMARK(BM_send_wrapped);
BENCHMARK(BM_txn_put_direct);
BENCHMARK(BM_txn_put_wrapped);

} // namespace

BENCHMARK_MAIN();
