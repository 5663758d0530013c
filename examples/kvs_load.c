/* kvs-load: a KVS workload for a real Flux instance, used by README's main
 * command, the integration tests and the end-to-end benchmark.
 *
 *   kvs-load write N [PREFIX]   N commits round-robin over PREFIX.0..7, each
 *                               read back with a lookup, then PREFIX.done=1
 *   kvs-load watch KEY          watch KEY (creating it if needed) until its
 *                               value is "end"; print how many values it saw
 *   kvs-load watchall PREFIX    watch PREFIX.0..7 at once, each until "end"
 *                               (the watch-heavy benchmark's watchers)
 *   kvs-load rpc N              N echo-style RPCs to the broker (attr.get)
 *
 * The writer ends by setting every key to "end", so watchers terminate however
 * their start interleaves with the writes.
 */
#include <flux/core.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NKEYS 8

static void die(const char *what)
{
    fprintf(stderr, "kvs-load: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void commit_value(flux_t *h, const char *key, const char *value)
{
    flux_kvs_txn_t *txn = flux_kvs_txn_create();
    flux_future_t *f;
    int seq;
    if (!txn || flux_kvs_txn_put(txn, 0, key, value) < 0)
        die("txn");
    if (!(f = flux_kvs_commit(h, NULL, 0, txn)) || flux_kvs_commit_get_sequence(f, &seq) < 0)
        die("commit");
    flux_future_destroy(f);
    flux_kvs_txn_destroy(txn);
}

static void read_value(flux_t *h, const char *key)
{
    flux_future_t *f;
    const char *value;
    if (!(f = flux_kvs_lookup(h, NULL, 0, key)) || flux_kvs_lookup_get(f, &value) < 0)
        die("lookup");
    flux_future_destroy(f);
}

static int writer(flux_t *h, int n, const char *prefix)
{
    char key[128], value[64];
    for (int i = 0; i < n; i++) {
        snprintf(key, sizeof key, "%s.%d", prefix, i % NKEYS);
        snprintf(value, sizeof value, "v%d", i);
        commit_value(h, key, value);
        read_value(h, key);
    }
    for (int k = 0; k < NKEYS; k++) {
        snprintf(key, sizeof key, "%s.%d", prefix, k);
        commit_value(h, key, "end");
    }
    return 0;
}

struct watch {
    int values;
    int *open; /* watches of this process not yet at "end" */
};

static void watch_cb(flux_future_t *f, void *arg)
{
    struct watch *w = arg;
    const char *value;
    if (flux_kvs_lookup_get(f, &value) < 0)
        die("watch");
    w->values++;
    if (strcmp(value, "end") == 0) {
        flux_kvs_lookup_cancel(f);
        if (--*w->open == 0)
            flux_reactor_stop(flux_future_get_reactor(f));
        return;
    }
    flux_future_reset(f);
}

static int watcher(flux_t *h, const char *key)
{
    int open = 1;
    struct watch w = {0, &open};
    flux_future_t *f =
        flux_kvs_lookup(h, NULL, FLUX_KVS_WATCH | FLUX_KVS_WAITCREATE, key);
    if (!f || flux_future_then(f, -1., watch_cb, &w) < 0)
        die("watch");
    if (flux_reactor_run(flux_get_reactor(h), 0) < 0)
        die("reactor");
    flux_future_destroy(f);
    printf("%s: %d values\n", key, w.values);
    return 0;
}

static int watch_all(flux_t *h, const char *prefix)
{
    int open = NKEYS;
    struct watch w[NKEYS];
    flux_future_t *f[NKEYS];
    char key[128];
    for (int k = 0; k < NKEYS; k++) {
        w[k] = (struct watch){0, &open};
        snprintf(key, sizeof key, "%s.%d", prefix, k);
        f[k] = flux_kvs_lookup(h, NULL, FLUX_KVS_WATCH | FLUX_KVS_WAITCREATE, key);
        if (!f[k] || flux_future_then(f[k], -1., watch_cb, &w[k]) < 0)
            die("watch");
    }
    if (flux_reactor_run(flux_get_reactor(h), 0) < 0)
        die("reactor");
    int values = 0;
    for (int k = 0; k < NKEYS; k++) {
        values += w[k].values;
        flux_future_destroy(f[k]);
    }
    printf("%s.0..%d: %d values\n", prefix, NKEYS - 1, values);
    return 0;
}

static int rpcs(flux_t *h, int n)
{
    for (int i = 0; i < n; i++) {
        flux_future_t *f = flux_rpc_pack(h, "attr.get", FLUX_NODEID_ANY, 0, "{s:s}",
                                         "name", "rank");
        if (!f || flux_rpc_get(f, NULL) < 0)
            die("rpc");
        flux_future_destroy(f);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: kvs-load write N [PREFIX] | watch KEY | rpc N\n");
        return 2;
    }
    flux_t *h = flux_open(NULL, 0);
    if (!h)
        die("flux_open");
    int rc;
    if (strcmp(argv[1], "write") == 0)
        rc = writer(h, atoi(argv[2]), argc > 3 ? argv[3] : "load");
    else if (strcmp(argv[1], "watch") == 0)
        rc = watcher(h, argv[2]);
    else if (strcmp(argv[1], "watchall") == 0)
        rc = watch_all(h, argv[2]);
    else if (strcmp(argv[1], "rpc") == 0)
        rc = rpcs(h, atoi(argv[2]));
    else {
        fprintf(stderr, "kvs-load: unknown mode %s\n", argv[1]);
        rc = 2;
    }
    flux_close(h);
    return rc;
}
