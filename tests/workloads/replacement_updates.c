/* replacement_updates: RFC 9 anti-pattern "KVS replacement updates", its
 * preferred twin, and the replacement the RFC allows.
 *
 *   replacement_updates violating|compliant|counter writer|watcher
 *
 * violating (BREAKS "services SHOULD NOT use replacement on the value of each
 * update" of a key used as a stream of events): the writer replaces ru.state
 * with "pending", "running", "finishing", "done" in four commits; the watcher
 * watches it with FLUX_KVS_WATCH|FLUX_KVS_WAITCREATE (no WATCH_APPEND), stops
 * at "done" and says how many of the four states it saw.
 *
 * compliant (KEEPS it: "retain the updates made by appending"): the writer
 * appends each state as a line to ru.eventlog (FLUX_KVS_APPEND); the watcher
 * uses FLUX_KVS_WATCH|FLUX_KVS_WAITCREATE|FLUX_KVS_WATCH_APPEND and must see
 * all four.
 *
 * counter (ALLOWED: "monotonically increasing counters MAY prefer
 * replacement"): the writer replaces ru.count with 1, 2, 3, 4; the watcher
 * watches it without WATCH_APPEND and stops at 4.
 *
 * Ordering: the writer subscribes to ru.ready before the watcher starts; the
 * watcher registers its watch, syncs with kvs-watch, publishes ru.ready.
 */
#include "workload.h"

enum { VIOLATING, COMPLIANT, COUNTER };
static const char *const modes[] = {"violating", "compliant", "counter", NULL};
static const char *const states[] = {"pending", "running", "finishing", "done"};
static const char *const counts[] = {"1", "2", "3", "4"};
#define N 4

struct watcher {
    flux_t *h;
    int mode;
    const char *last;
    char seen[256];
    int nseen;
};

static void watch_cb(flux_future_t *f, void *arg) {
    struct watcher *w = arg;
    const char *value;
    char buf[256], *line, *save;
    if (flux_kvs_lookup_get(f, &value) < 0)
        wl_die("watch");
    /* With WATCH_APPEND a response carries only the appended lines. */
    snprintf(buf, sizeof buf, "%s", value);
    for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        size_t len = strlen(w->seen);
        snprintf(w->seen + len, sizeof w->seen - len, "%s%s", len ? " " : "", line);
        w->nseen++;
        if (strcmp(line, w->last) == 0) {
            flux_kvs_lookup_cancel(f);
            flux_reactor_stop(flux_get_reactor(w->h));
            return;
        }
    }
    flux_future_reset(f);
}

static int watcher(flux_t *h, int mode) {
    struct watcher w = {.h = h, .mode = mode};
    int flags = FLUX_KVS_WATCH | FLUX_KVS_WAITCREATE;
    const char *key = "ru.state";
    flux_future_t *f;
    w.last = states[N - 1];
    if (mode == COMPLIANT) {
        flags |= FLUX_KVS_WATCH_APPEND;
        key = "ru.eventlog";
    } else if (mode == COUNTER) {
        key = "ru.count";
        w.last = counts[N - 1];
    }
    if (!(f = flux_kvs_lookup(h, NULL, flags, key)))
        wl_die("watch %s", key);
    wl_watch_established(f, key); /* the writer's initial value: not counted */
    if (flux_future_then(f, -1., watch_cb, &w) < 0)
        wl_die("watch %s", key);
    wl_publish(h, "ru.ready", NULL);
    if (flux_reactor_run(flux_get_reactor(h), 0) < 0)
        wl_die("reactor");
    flux_future_destroy(f);
    printf("replacement_updates %s: watcher saw %d of %d values of %s (%s)%s\n",
           modes[mode], w.nseen, N, key, w.seen, w.nseen < N ? ": lost updates" : "");
    return mode == COMPLIANT && w.nseen != N ? 1 : 0;
}

static int writer(flux_t *h, int mode) {
    flux_msg_t *msg;
    /* Keys exist before any watch (see wl_watch_established). */
    if (mode == VIOLATING)
        wl_put(h, "ru.state", "new", 0);
    else if (mode == COMPLIANT)
        wl_put(h, "ru.eventlog", "created\n", FLUX_KVS_APPEND);
    else
        wl_put(h, "ru.count", "0", 0);
    wl_subscribe(h, "ru.ready");
    wl_signal_ready();
    msg = wl_wait_event(h, "ru.ready");
    flux_msg_destroy(msg);
    for (int i = 0; i < N; i++) {
        char line[32];
        switch (mode) {
        case VIOLATING:
            wl_put(h, "ru.state", states[i], 0);
            break;
        case COMPLIANT:
            snprintf(line, sizeof line, "%s\n", states[i]);
            wl_put(h, "ru.eventlog", line, FLUX_KVS_APPEND);
            break;
        case COUNTER:
            wl_put(h, "ru.count", counts[i], 0);
            break;
        }
    }
    printf("replacement_updates %s: writer made %d commits\n", modes[mode], N);
    return 0;
}

int main(int argc, char **argv) {
    return wl_writer_watcher_main(argc, argv, "replacement_updates", modes, writer,
                                  watcher);
}
