/* ft-analyzer-load: a burst of small RPCs for the analyzer benchmark.
 *
 *   ft-analyzer-load N [URI]   N synchronous test.echo RPCs (attr.get on a
 *                              real broker), every 8th one a KVS lookup
 *
 * Built against the libflux-core test double (tests/double), which answers
 * "loop://" in-process, so a single process makes millions of records quickly
 * through the real shim and the real LTTng tracer.  The same source builds
 * against flux-core's <flux/core.h>.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "double.h"

static void die(const char *what) {
    fprintf(stderr, "ft-analyzer-load: %s: %s\n", what, strerror(errno));
    exit(1);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: ft-analyzer-load N [URI]\n");
        return 2;
    }
    const long n = strtol(argv[1], NULL, 10);
    flux_t *h = flux_open(argc > 2 ? argv[2] : "loop://", 0);
    if (!h)
        die("flux_open");
    for (long i = 0; i < n; i++) {
        flux_future_t *f;
        if (i % 8 == 7) {
            f = flux_kvs_lookup(h, NULL, 0, "bench.key");
            if (!f)
                die("flux_kvs_lookup");
            const char *value;
            (void)flux_kvs_lookup_get(f, &value); /* ENOENT is fine */
        } else {
            f = flux_rpc(h, "test.echo", "{}", FLUX_NODEID_ANY, 0);
            if (!f || flux_future_get(f, NULL) < 0)
                die("test.echo");
        }
        flux_future_destroy(f);
    }
    flux_close(h);
    return 0;
}
