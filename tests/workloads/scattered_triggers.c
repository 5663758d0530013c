/* scattered_triggers: RFC 9 preferred pattern "Centralize update triggers",
 * broken and kept.
 *
 *   scattered_triggers violating|compliant writer|watcher
 *
 * violating (BREAKS "Services that use this form of notification SHOULD group
 * the points to be watched and/or retain the updates made by appending"): the
 * writer reports the completion of one job's phases by writing "1" to four
 * unrelated keys, sc.alloc.done, sc.exec.finished, sc.io.status and
 * sc.cleanup.complete, one commit each; the watcher waits for the job with
 * four separate watches (FLUX_KVS_WATCH|FLUX_KVS_WAITCREATE).
 *
 * compliant (KEEPS it): the writer appends "alloc", "exec", "io", "cleanup"
 * lines to the one key sc.job.eventlog; the watcher watches it once with
 * FLUX_KVS_WATCH|FLUX_KVS_WAITCREATE|FLUX_KVS_WATCH_APPEND.
 *
 * Ordering: the writer subscribes to sc.ready before the watcher starts; the
 * watcher registers its watches, syncs with kvs-watch, publishes sc.ready.
 */
#include "workload.h"

static const char *const keys[] = {"sc.alloc.done", "sc.exec.finished", "sc.io.status",
                                   "sc.cleanup.complete"};
static const char *const phases[] = {"alloc", "exec", "io", "cleanup"};
#define N 4

struct watcher {
    flux_t *h;
    int ndone;
};

static void done(struct watcher *w) {
    if (++w->ndone == N)
        flux_reactor_stop(flux_get_reactor(w->h));
}

static void key_cb(flux_future_t *f, void *arg) {
    struct watcher *w = arg;
    const char *value;
    if (flux_kvs_lookup_get(f, &value) < 0)
        wl_die("watch");
    /* Written once after its initial "0": that is the phase's completion. */
    flux_kvs_lookup_cancel(f);
    done(w);
}

static void eventlog_cb(flux_future_t *f, void *arg) {
    struct watcher *w = arg;
    const char *value;
    char buf[256], *line, *save;
    if (flux_kvs_lookup_get(f, &value) < 0)
        wl_die("watch sc.job.eventlog");
    snprintf(buf, sizeof buf, "%s", value);
    for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
        done(w);
    if (w->ndone < N)
        flux_future_reset(f);
    else
        flux_kvs_lookup_cancel(f);
}

static int watcher(flux_t *h, int compliant) {
    struct watcher w = {.h = h};
    flux_future_t *f[N] = {0};
    int flags = FLUX_KVS_WATCH | FLUX_KVS_WAITCREATE;
    if (compliant) {
        f[0] = flux_kvs_lookup(h, NULL, flags | FLUX_KVS_WATCH_APPEND, "sc.job.eventlog");
        if (!f[0])
            wl_die("watch sc.job.eventlog");
        wl_watch_established(f[0], "sc.job.eventlog");
        if (flux_future_then(f[0], -1., eventlog_cb, &w) < 0)
            wl_die("watch sc.job.eventlog");
    } else {
        for (int i = 0; i < N; i++) {
            if (!(f[i] = flux_kvs_lookup(h, NULL, flags, keys[i])))
                wl_die("watch %s", keys[i]);
            wl_watch_established(f[i], keys[i]);
            if (flux_future_then(f[i], -1., key_cb, &w) < 0)
                wl_die("watch %s", keys[i]);
        }
    }
    wl_publish(h, "sc.ready", NULL);
    if (flux_reactor_run(flux_get_reactor(h), 0) < 0)
        wl_die("reactor");
    for (int i = 0; i < N; i++)
        flux_future_destroy(f[i]);
    printf("scattered_triggers %s: watcher saw the job's %d phases through %d watch%s\n",
           compliant ? "compliant" : "violating", w.ndone, compliant ? 1 : N,
           compliant ? "" : "es");
    return w.ndone == N ? 0 : 1;
}

static int writer(flux_t *h, int compliant) {
    flux_msg_t *msg;
    /* Keys exist before any watch (see wl_watch_established). */
    if (compliant)
        wl_put(h, "sc.job.eventlog", "created\n", FLUX_KVS_APPEND);
    else
        for (int i = 0; i < N; i++)
            wl_put(h, keys[i], "0", 0);
    wl_subscribe(h, "sc.ready");
    wl_signal_ready();
    msg = wl_wait_event(h, "sc.ready");
    flux_msg_destroy(msg);
    for (int i = 0; i < N; i++) {
        char line[32];
        if (compliant) {
            snprintf(line, sizeof line, "%s\n", phases[i]);
            wl_put(h, "sc.job.eventlog", line, FLUX_KVS_APPEND);
        } else
            wl_put(h, keys[i], "1", 0);
    }
    printf("scattered_triggers %s: writer reported %d phases\n",
           compliant ? "compliant" : "violating", N);
    return 0;
}

int main(int argc, char **argv) {
    static const char *const modes[] = {"violating", "compliant", NULL};
    return wl_writer_watcher_main(argc, argv, "scattered_triggers", modes, writer,
                                  watcher);
}
