/* reactor_blocking: RFC 9 general guideline on the reactor, broken and kept.
 *
 *   reactor_blocking violating|compliant [main]      (one process, rank 0)
 *
 * A timer callback does the same work three times: ping the broker
 * (broker.ping) and learn the KVS version.
 *
 * violating (BREAKS "Services SHOULD NOT block the reactor any longer than
 * necessary. Prefer to place an asynchronous request or RPC and return to the
 * reactor rather than block for a reply"): inside the callback it waits with
 * flux_rpc_get on the unready ping future, calls the synchronous
 * flux_kvs_get_version, and pauses 1 ms by running a private reactor of its
 * own (a nested flux_reactor_run).
 *
 * compliant (KEEPS it): the callback only sends; flux_future_then
 * continuations take the ping response, send kvs.getroot (flux_kvs_getroot)
 * and take its sequence, then re-arm the timer.
 */
#include "workload.h"

#define ROUNDS 3

struct state {
    flux_t *h;
    flux_watcher_t *timer;
    int compliant;
    int rounds;
    int version;
};

static void next_round(struct state *s) {
    if (++s->rounds == ROUNDS)
        flux_reactor_stop(flux_get_reactor(s->h));
    else {
        flux_timer_watcher_reset(s->timer, 0., 0.);
        flux_watcher_start(s->timer);
    }
}

static void getroot_cb(flux_future_t *f, void *arg) {
    struct state *s = arg;
    if (flux_kvs_getroot_get_sequence(f, &s->version) < 0)
        wl_die("kvs.getroot");
    flux_future_destroy(f);
    next_round(s);
}

static void ping_cb(flux_future_t *f, void *arg) {
    struct state *s = arg;
    flux_future_t *g;
    if (flux_rpc_get(f, NULL) < 0)
        wl_die("broker.ping");
    flux_future_destroy(f);
    if (!(g = flux_kvs_getroot(s->h, NULL, 0)) ||
        flux_future_then(g, -1., getroot_cb, s) < 0)
        wl_die("kvs.getroot");
}

static void stop_cb(flux_reactor_t *r, flux_watcher_t *w, int revents, void *arg) {
    (void)w, (void)revents, (void)arg;
    flux_reactor_stop(r);
}

/* A pause taken the wrong way: a reactor run inside the caller's callback. */
static void pause_in_private_reactor(double seconds) {
    flux_reactor_t *r = flux_reactor_create(0);
    flux_watcher_t *w;
    if (!r || !(w = flux_timer_watcher_create(r, seconds, 0., stop_cb, NULL)))
        wl_die("private reactor");
    flux_watcher_start(w);
    if (flux_reactor_run(r, 0) < 0)
        wl_die("private reactor");
    flux_watcher_destroy(w);
    flux_reactor_destroy(r);
}

static void timer_cb(flux_reactor_t *r, flux_watcher_t *w, int revents, void *arg) {
    struct state *s = arg;
    flux_future_t *f;
    (void)r, (void)w, (void)revents;
    if (!(f = flux_rpc_pack(s->h, "broker.ping", 0, 0, "{s:i}", "seq", s->rounds)))
        wl_die("broker.ping");
    if (s->compliant) {
        if (flux_future_then(f, -1., ping_cb, s) < 0)
            wl_die("flux_future_then");
        return;
    }
    /* Blocks the reactor: the future cannot be ready yet. */
    if (flux_rpc_get(f, NULL) < 0)
        wl_die("broker.ping");
    flux_future_destroy(f);
    if (flux_kvs_get_version(s->h, NULL, &s->version) < 0)
        wl_die("get_version");
    pause_in_private_reactor(0.001);
    next_round(s);
}

int main(int argc, char **argv) {
    static const char *const modes[] = {"violating", "compliant", NULL};
    struct state s = {0};
    int mode = argc == 2 || (argc == 3 && strcmp(argv[2], "main") == 0)
                   ? wl_mode(argv[1], modes)
                   : -1;
    wl_name = "reactor_blocking";
    if (mode < 0) {
        fprintf(stderr, "usage: reactor_blocking violating|compliant [main]\n");
        return 2;
    }
    s.h = wl_open();
    s.compliant = mode == 1;
    if (!(s.timer =
              flux_timer_watcher_create(flux_get_reactor(s.h), 0., 0., timer_cb, &s)))
        wl_die("timer");
    flux_watcher_start(s.timer);
    if (flux_reactor_run(flux_get_reactor(s.h), 0) < 0)
        wl_die("reactor");
    printf("reactor_blocking %s: %d pings and KVS version reads done %s (version %d)\n",
           modes[mode], s.rounds,
           s.compliant ? "with continuations" : "synchronously inside a timer callback",
           s.version);
    flux_watcher_destroy(s.timer);
    flux_close(s.h);
    return 0;
}
