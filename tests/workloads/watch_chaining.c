/* watch-chaining: RFC 9 anti-pattern "Watch chaining" and its preferred twin.
 *
 *   watch_chaining violating|compliant|rpc|timer|upfront|andthen writer|watcher
 *
 * The writer (a service) reports two transitions: stage1, then three stage-2
 * values "s2-a", "s2-b", "s2-c", each in its own commit, right after stage1,
 * without waiting for anybody.
 *
 * violating (BREAKS "Flux services SHOULD NOT employ a pattern of chained
 * watches"): the writer replaces wc.stage1 and then wc.stage2; the watcher
 * watches wc.stage1 (FLUX_KVS_WATCH|FLUX_KVS_WAITCREATE) and, inside that
 * watch's continuation, starts a second watch on wc.stage2.  Stage-2 values
 * written before the second watch was registered are lost to it.  The race
 * is forced, not left to timing: the writer publishes wc.written with the
 * version of its last commit, and the watcher, before running its reactor
 * (so before the second watch can start), waits for that event and for its
 * rank to reach that version; the second watch then starts on "s2-c" and
 * never sees "s2-a" and "s2-b".  On the second watch's first response the
 * watcher publishes wc.watching2; the writer waits for that and writes an
 * end marker "s2-end", which the established watch always delivers.  The
 * watcher says which of the three values it saw.
 *
 * rpc and timer (BREAK the same rule, through an asynchronous step, as
 * services that must not block write it): as violating, but the first
 * watch's continuation does not start the second watch itself.  rpc: it sends
 * an RPC (flux_kvs_getroot) and starts the second watch in that RPC's
 * continuation.  timer: it starts a one-shot timer watcher and starts the
 * second watch in the timer's callback.  andthen: it sends the RPC and
 * chains a step to it with flux_future_and_then; the step starts the second
 * watch.  The race is forced the same way.
 *
 * upfront (KEEPS the rule, the fix "start every watch up front"): both
 * watches start before the reactor runs; the first watch's continuation still
 * takes both asynchronous steps (the RPC and the timer), whose callbacks start
 * no watch.  The second watch sees all three stage-2 values here, but
 * wc.stage2 is still replaced while watched without WATCH_APPEND, which
 * replacement-updates rightly reports: up front alone is not the whole fix.
 *
 * compliant (KEEPS "Centralize update triggers"): the writer appends every
 * transition as a line to the one key wc.eventlog (FLUX_KVS_APPEND); the
 * watcher watches it once with FLUX_KVS_WATCH|FLUX_KVS_WAITCREATE|
 * FLUX_KVS_WATCH_APPEND and sees all four lines.
 *
 * Ordering: the writer creates its keys ("init", or the eventlog's "created"
 * line) and subscribes to event wc.ready before the watcher starts (run.sh
 * waits for its $WORKLOAD_READY_FD line); the watcher waits for its first
 * watch's first response (wl_watch_established), then publishes wc.ready; the
 * writer writes only after receiving it.
 */
#include "workload.h"

static const char *const mode_name[] = {"violating", "compliant", "rpc", "timer",
                                        "upfront",   "andthen",   NULL};
static const char *const stage2[] = {"s2-a", "s2-b", "s2-c"};
#define NSTAGE2 3
#define END_MARKER "s2-end"

enum mode { VIOLATING, COMPLIANT, THROUGH_RPC, THROUGH_TIMER, UPFRONT, THROUGH_AND_THEN };

struct watcher {
    flux_t *h;
    int mode;
    flux_future_t *f1, *f2;
    flux_watcher_t *timer;
    int chained;     /* the second watch is started, or on its way */
    int established; /* the second watch answered once */
    char seen[256];
    int nseen;
};

static void note(struct watcher *w, const char *value) {
    size_t len = strlen(w->seen);
    snprintf(w->seen + len, sizeof w->seen - len, "%s%s", len ? " " : "", value);
    w->nseen++;
}

static void finish(struct watcher *w) {
    if (w->f1)
        flux_kvs_lookup_cancel(w->f1);
    if (w->f2)
        flux_kvs_lookup_cancel(w->f2);
    flux_watcher_destroy(w->timer);
    flux_reactor_stop(flux_get_reactor(w->h));
}

static void published_cb(flux_future_t *f, void *arg) {
    (void)arg;
    if (flux_future_get(f, NULL) < 0)
        wl_die("publish wc.watching2");
    flux_future_destroy(f);
}

static void stage2_cb(flux_future_t *f, void *arg) {
    struct watcher *w = arg;
    const char *value;
    if (flux_kvs_lookup_get(f, &value) < 0)
        wl_die("watch wc.stage2");
    if (strcmp(value, END_MARKER) == 0) {
        finish(w);
        return;
    }
    if (!w->established) {
        /* The second watch's first response: it is established.  Tell the
         * writer, without blocking this callback. */
        flux_future_t *p = flux_event_publish(w->h, "wc.watching2", 0, NULL);
        if (!p || flux_future_then(p, -1., published_cb, NULL) < 0)
            wl_die("publish wc.watching2");
        w->established = 1;
    }
    if (strcmp(value, "init") != 0)
        note(w, value);
    flux_future_reset(f);
}

static void start_second_watch(struct watcher *w) {
    w->f2 =
        flux_kvs_lookup(w->h, NULL, FLUX_KVS_WATCH | FLUX_KVS_WAITCREATE, "wc.stage2");
    if (!w->f2 || flux_future_then(w->f2, -1., stage2_cb, w) < 0)
        wl_die("watch wc.stage2");
}

/* rpc: the second watch starts in the continuation of an RPC sent from the
 * first watch's continuation. */
static void getroot_cb(flux_future_t *f, void *arg) {
    struct watcher *w = arg;
    if (flux_future_get(f, NULL) < 0)
        wl_die("getroot");
    flux_future_destroy(f);
    if (w->mode != UPFRONT)
        start_second_watch(w);
}

/* andthen: the second watch starts in a flux_future_and_then step of an RPC
 * sent from the first watch's continuation; not continued explicitly, the
 * step's future fulfils the composite. */
static void chain_step_cb(flux_future_t *f, void *arg) {
    (void)f;
    start_second_watch(arg);
}

static void chain_done_cb(flux_future_t *f, void *arg) {
    (void)arg;
    if (flux_future_get(f, NULL) < 0)
        wl_die("getroot chain");
    flux_future_destroy(f);
}

/* timer: the second watch starts in a timer's callback, the timer started from
 * the first watch's continuation. */
static void timer_cb(flux_reactor_t *r, flux_watcher_t *timer, int revents, void *arg) {
    (void)r;
    (void)timer;
    (void)revents;
    struct watcher *w = arg;
    if (w->mode != UPFRONT)
        start_second_watch(w);
}

/* The chained watch: started from inside the first watch's continuation, or
 * one asynchronous step after it. */
static void stage1_cb(flux_future_t *f, void *arg) {
    struct watcher *w = arg;
    const char *value;
    if (flux_kvs_lookup_get(f, &value) < 0)
        wl_die("watch wc.stage1");
    if (!w->chained) {
        w->chained = 1;
        if (w->mode == THROUGH_RPC || w->mode == UPFRONT) {
            flux_future_t *g = flux_kvs_getroot(w->h, NULL, 0);
            if (!g || flux_future_then(g, -1., getroot_cb, w) < 0)
                wl_die("getroot");
        }
        if (w->mode == THROUGH_AND_THEN) {
            flux_future_t *g = flux_kvs_getroot(w->h, NULL, 0), *c = NULL;
            if (!g || !(c = flux_future_and_then(g, chain_step_cb, w)) ||
                flux_future_then(c, -1., chain_done_cb, w) < 0)
                wl_die("getroot chain");
        }
        if (w->mode == THROUGH_TIMER || w->mode == UPFRONT) {
            w->timer =
                flux_timer_watcher_create(flux_get_reactor(w->h), 0., 0., timer_cb, w);
            if (!w->timer)
                wl_die("timer");
            flux_watcher_start(w->timer);
        }
        if (w->mode == VIOLATING) { /* here, so reports name stage1_cb */
            w->f2 = flux_kvs_lookup(w->h, NULL, FLUX_KVS_WATCH | FLUX_KVS_WAITCREATE,
                                    "wc.stage2");
            if (!w->f2 || flux_future_then(w->f2, -1., stage2_cb, w) < 0)
                wl_die("watch wc.stage2");
        }
    }
    flux_future_reset(f);
}

static void eventlog_cb(flux_future_t *f, void *arg) {
    struct watcher *w = arg;
    const char *value;
    char buf[256], *line, *save;
    if (flux_kvs_lookup_get(f, &value) < 0)
        wl_die("watch wc.eventlog");
    /* Each response carries only what was appended since the last one. */
    snprintf(buf, sizeof buf, "%s", value);
    for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        note(w, line);
        if (strcmp(line, stage2[NSTAGE2 - 1]) == 0) {
            finish(w);
            return;
        }
    }
    flux_future_reset(f);
}

/* Violating mode forces the race: before its reactor runs (so before the
 * chained watch can start), the watcher waits until the writer says every
 * stage-2 value is committed, and until its own rank has applied them.  The
 * chained watch then starts on "s2-c": "s2-a" and "s2-b" were written after
 * stage1 and are never delivered to it, in every run. */
static void wait_written(flux_t *h) {
    flux_msg_t *msg = wl_wait_event(h, "wc.written");
    int seq;
    if (flux_event_unpack(msg, NULL, "{s:i}", "seq", &seq) < 0)
        wl_die("wc.written payload");
    flux_msg_destroy(msg);
    if (flux_kvs_wait_version(h, NULL, seq) < 0)
        wl_die("wait_version %d", seq);
}

static int watcher(flux_t *h, int mode) {
    const int compliant = mode == COMPLIANT;
    struct watcher w = {.h = h, .mode = mode};
    if (compliant)
        w.f1 = flux_kvs_lookup(
            h, NULL, FLUX_KVS_WATCH | FLUX_KVS_WAITCREATE | FLUX_KVS_WATCH_APPEND,
            "wc.eventlog");
    else
        w.f1 =
            flux_kvs_lookup(h, NULL, FLUX_KVS_WATCH | FLUX_KVS_WAITCREATE, "wc.stage1");
    if (!w.f1)
        wl_die("watch");
    wl_watch_established(w.f1, compliant ? "wc.eventlog" : "wc.stage1");
    if (mode == UPFRONT) {
        w.f2 =
            flux_kvs_lookup(h, NULL, FLUX_KVS_WATCH | FLUX_KVS_WAITCREATE, "wc.stage2");
        if (!w.f2)
            wl_die("watch wc.stage2");
        wl_watch_established(w.f2, "wc.stage2");
        if (flux_future_then(w.f2, -1., stage2_cb, &w) < 0)
            wl_die("watch wc.stage2");
    }
    if (flux_future_then(w.f1, -1., compliant ? eventlog_cb : stage1_cb, &w) < 0)
        wl_die("watch");
    if (!compliant)
        wl_subscribe(h, "wc.written");
    wl_publish(h, "wc.ready", NULL);
    if (!compliant)
        wait_written(h);
    if (flux_reactor_run(flux_get_reactor(h), 0) < 0)
        wl_die("reactor");
    if (compliant) {
        printf("watch_chaining compliant: watcher saw %d of 4 transitions (%s)\n",
               w.nseen, w.seen);
        return w.nseen == 1 + NSTAGE2 ? 0 : 1;
    }
    printf("watch_chaining %s: %s watch saw %d of %d stage2 values before "
           "the end marker (%s)%s\n",
           mode_name[mode], mode == UPFRONT ? "second" : "chained", w.nseen, NSTAGE2,
           w.seen, w.nseen < NSTAGE2 ? ": lost updates" : "");
    return 0;
}

static int writer(flux_t *h, int mode) {
    const int compliant = mode == COMPLIANT;
    flux_msg_t *msg;
    wl_subscribe(h, "wc.ready");
    if (!compliant)
        wl_subscribe(h, "wc.watching2");
    /* Keys exist before any watch (see wl_watch_established). */
    if (compliant)
        wl_put(h, "wc.eventlog", "created\n", FLUX_KVS_APPEND);
    else {
        wl_put(h, "wc.stage1", "init", 0);
        wl_put(h, "wc.stage2", "init", 0);
    }
    wl_signal_ready();
    msg = wl_wait_event(h, "wc.ready");
    flux_msg_destroy(msg);
    if (compliant) {
        wl_put(h, "wc.eventlog", "stage1\n", FLUX_KVS_APPEND);
        for (int i = 0; i < NSTAGE2; i++) {
            char line[16];
            snprintf(line, sizeof line, "%s\n", stage2[i]);
            wl_put(h, "wc.eventlog", line, FLUX_KVS_APPEND);
        }
    } else {
        char seq[32];
        wl_put(h, "wc.stage1", "stage1", 0);
        for (int i = 0; i < NSTAGE2; i++)
            snprintf(seq, sizeof seq, "{\"seq\":%d}",
                     wl_put(h, "wc.stage2", stage2[i], 0));
        wl_publish(h, "wc.written", seq);
        msg = wl_wait_event(h, "wc.watching2");
        flux_msg_destroy(msg);
        wl_put(h, "wc.stage2", END_MARKER, 0);
    }
    printf("watch_chaining %s: writer wrote stage1 and %d stage2 values%s\n",
           mode_name[mode], NSTAGE2, compliant ? " to wc.eventlog" : "");
    return 0;
}

int main(int argc, char **argv) {
    return wl_writer_watcher_main(argc, argv, "watch_chaining", mode_name, writer,
                                  watcher);
}
