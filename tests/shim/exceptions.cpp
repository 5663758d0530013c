// One flux call (which loads the shim's provider, and with it libunwind), then
// 100000 C++ exceptions thrown and caught.  The time they took goes to stderr.
#include <chrono>
#include <cstdio>
#include <stdexcept>

#include "double.h"

static int thrower(int i) {
    if (i >= 0)
        throw std::runtime_error("x");
    return i;
}

int main() {
    flux_t *h = flux_open("loop://", 0);
    if (h == nullptr) {
        std::perror("flux_open");
        return 1;
    }
    flux_future_t *f = flux_rpc(h, "test.echo", "exceptions", FLUX_NODEID_ANY, 0);
    const char *s;
    if (f == nullptr || flux_rpc_get(f, &s) < 0) {
        std::perror("flux_rpc");
        return 1;
    }
    std::printf("echo: %s\n", s);
    flux_future_destroy(f);

    const int n = 100000;
    int caught = 0;
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < n; i++) {
        try {
            thrower(i);
        } catch (const std::runtime_error &) {
            caught++;
        }
    }
    auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                  std::chrono::steady_clock::now() - t0)
                  .count();
    std::printf("caught %d\n", caught);
    std::fprintf(stderr, "exceptions: %d throws in %.3f s (%.2f us each)\n", n, ns * 1e-9,
                 ns * 1e-3 / n);
    flux_close(h);
    return caught == n ? 0 : 1;
}
