/* requeue_storm: a stream left unconsumed while the program blocks, and its
 * twin that consumes it (beyond RFC 9's list; it follows from "Prefer to
 * place an asynchronous request or RPC and return to the reactor rather than
 * block for a reply").
 *
 *   requeue_storm violating|compliant [main]      (one process, rank 0)
 *
 * ROUNDS is 50, or REQUEUE_STORM_ROUNDS from the environment (the committed
 * traces use 50; more makes the storm that pairing must hold at scale).
 * REQUEUE_STORM_KEY replaces the key rq.log (the hostile-names test gives it
 * a newline, escape sequences, markup and 64 KiB).
 *
 * Both watch the eventlog-like key rq.log (FLUX_KVS_WATCH|WATCH_APPEND,
 * established first: RFC 9's own stream pattern) and then, ROUNDS times,
 * append "i\n" to it and look rq.other up, so that the watch has one more
 * response to deliver each round.
 *
 * violating: the rounds are synchronous (flux_kvs_commit_get_sequence,
 * flux_kvs_lookup_get) and nothing takes the watch's responses meanwhile: each
 * wait receives every pending watch response and requeues it (libflux's
 * flux_dispatch_requeue), about 1 + 2 + ... + ROUNDS times twice over.  At the
 * end the watch is drained synchronously up to the last value and cancelled.
 *
 * compliant: the watch is consumed by a continuation (flux_future_then, reset
 * after each value) and the rounds run as continuations too, so the reactor
 * takes every response as it arrives and no wait requeues anything.  It stops
 * once the watch delivered the last value and the rounds are done.
 */
#include "workload.h"

static int rounds = 50; /* ROUNDS above */
static const char *log_key = "rq.log";

struct state {
    flux_t *h;
    flux_future_t *watch;
    int round;     /* rounds committed and looked up */
    int last_seen; /* the watch's last line */
    int values;    /* responses the watch delivered */
};

static void start_watch(struct state *s) {
    if (!(s->watch = flux_kvs_lookup(s->h, NULL, FLUX_KVS_WATCH | FLUX_KVS_WATCH_APPEND,
                                     log_key)))
        wl_die("watch rq.log");
    wl_watch_established(s->watch, log_key);
}

static void take_value(struct state *s, flux_future_t *f) {
    const char *value, *nl;
    if (flux_kvs_lookup_get(f, &value) < 0)
        wl_die("watch rq.log");
    /* The appended lines, "i\n" each (appends may come merged). */
    for (nl = strchr(value, '\n'); nl; nl = strchr(value, '\n')) {
        s->last_seen = atoi(value);
        value = nl + 1;
    }
    s->values++;
    flux_future_reset(f);
}

static void done_if_finished(struct state *s) {
    if (s->round == rounds && s->last_seen == rounds)
        flux_reactor_stop(flux_get_reactor(s->h));
}

static void watch_cb(flux_future_t *f, void *arg) {
    struct state *s = arg;
    take_value(s, f);
    done_if_finished(s);
}

static void next_round(struct state *s);

static void lookup_cb(flux_future_t *f, void *arg) {
    struct state *s = arg;
    const char *value;
    if (flux_kvs_lookup_get(f, &value) < 0)
        wl_die("lookup rq.other");
    flux_future_destroy(f);
    s->round++;
    if (s->round < rounds)
        next_round(s);
    else
        done_if_finished(s);
}

static void commit_cb(flux_future_t *f, void *arg) {
    struct state *s = arg;
    flux_future_t *g;
    if (flux_future_get(f, NULL) < 0)
        wl_die("commit rq.log");
    flux_future_destroy(f);
    if (!(g = flux_kvs_lookup(s->h, NULL, 0, "rq.other")) ||
        flux_future_then(g, -1., lookup_cb, s) < 0)
        wl_die("lookup rq.other");
}

static void next_round(struct state *s) {
    flux_kvs_txn_t *txn = flux_kvs_txn_create();
    flux_future_t *f;
    char value[16];
    snprintf(value, sizeof value, "%d\n", s->round + 1);
    if (!txn || flux_kvs_txn_put(txn, FLUX_KVS_APPEND, log_key, value) < 0 ||
        !(f = flux_kvs_commit(s->h, NULL, 0, txn)) ||
        flux_future_then(f, -1., commit_cb, s) < 0)
        wl_die("commit rq.log");
    flux_kvs_txn_destroy(txn);
}

static void violating(struct state *s) {
    for (s->round = 0; s->round < rounds;) {
        char value[16];
        flux_future_t *f;
        const char *other;
        snprintf(value, sizeof value, "%d\n", s->round + 1);
        wl_put(s->h, log_key, value, FLUX_KVS_APPEND); /* blocks: requeues the watch */
        if (!(f = flux_kvs_lookup(s->h, NULL, 0, "rq.other")) ||
            flux_kvs_lookup_get(f, &other) < 0) /* blocks: requeues it again */
            wl_die("lookup rq.other");
        flux_future_destroy(f);
        s->round++;
    }
    while (s->last_seen < rounds) /* the watch's backlog, at last */
        take_value(s, s->watch);
}

static void compliant(struct state *s) {
    if (flux_future_then(s->watch, -1., watch_cb, s) < 0)
        wl_die("flux_future_then");
    next_round(s);
    if (flux_reactor_run(flux_get_reactor(s->h), 0) < 0)
        wl_die("reactor");
}

int main(int argc, char **argv) {
    static const char *const modes[] = {"violating", "compliant", NULL};
    struct state s = {0};
    int mode = argc == 2 || (argc == 3 && strcmp(argv[2], "main") == 0)
                   ? wl_mode(argv[1], modes)
                   : -1;
    wl_name = "requeue_storm";
    if (mode < 0) {
        fprintf(stderr, "usage: requeue_storm violating|compliant [main]\n");
        return 2;
    }
    const char *env_rounds = getenv("REQUEUE_STORM_ROUNDS");
    if (env_rounds && atoi(env_rounds) > 0)
        rounds = atoi(env_rounds);
    s.h = wl_open();
    const char *env_key = getenv("REQUEUE_STORM_KEY");
    if (env_key && *env_key)
        log_key = env_key;
    wl_put(s.h, log_key, "0\n", FLUX_KVS_APPEND);
    wl_put(s.h, "rq.other", "x", 0);
    start_watch(&s);
    if (mode == 0)
        violating(&s);
    else
        compliant(&s);
    if (flux_kvs_lookup_cancel(s.watch) < 0)
        wl_die("cancel watch");
    printf("requeue_storm %s: %d rounds, the watch delivered %d responses up to line %d "
           "%s\n",
           modes[mode], s.round, s.values, s.last_seen,
           mode == 0 ? "after the rounds (left unconsumed while blocking)"
                     : "as they came (consumed by a continuation)");
    flux_future_destroy(s.watch);
    flux_close(s.h);
    return 0;
}
