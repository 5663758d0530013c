/* workload.h: small helpers shared by the RFC 9 test workloads (static, so
 * each workload stays one self-contained translation unit).
 *
 * Synchronization between roles is always by message: events published after
 * the other side subscribed, RPC responses, or the KVS itself.  A role that
 * others must wait for (it subscribed to a "ready" event) tells the launching
 * script so by writing one line to the file descriptor named in
 * $WORKLOAD_READY_FD (see run.sh), never by sleeping.
 */
#ifndef WORKLOAD_H
#define WORKLOAD_H

#include <flux/core.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *wl_name = "workload";

static __attribute__((unused)) void wl_die(const char *fmt, ...) {
    va_list ap;
    int e = errno;
    fprintf(stderr, "%s: ", wl_name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, ": %s\n", e ? strerror(e) : "failed");
    exit(1);
}

static __attribute__((unused)) flux_t *wl_open(void) {
    flux_t *h = flux_open(NULL, 0);
    if (!h)
        wl_die("flux_open");
    return h;
}

/* One transaction putting KEY=VALUE (FLAGS 0 replaces, FLUX_KVS_APPEND
 * appends), committed and waited for; returns the root sequence it made. */
static __attribute__((unused)) int wl_put(flux_t *h, const char *key, const char *value,
                                          int flags) {
    flux_kvs_txn_t *txn = flux_kvs_txn_create();
    flux_future_t *f;
    int seq;
    if (!txn || flux_kvs_txn_put(txn, flags, key, value) < 0)
        wl_die("txn put %s", key);
    if (!(f = flux_kvs_commit(h, NULL, 0, txn)) ||
        flux_kvs_commit_get_sequence(f, &seq) < 0)
        wl_die("commit %s", key);
    flux_future_destroy(f);
    flux_kvs_txn_destroy(txn);
    return seq;
}

static __attribute__((unused)) void wl_subscribe(flux_t *h, const char *topic) {
    if (flux_event_subscribe(h, topic) < 0)
        wl_die("subscribe %s", topic);
}

/* Publishes TOPIC (optional JSON object payload) and waits until the broker
 * sequenced it. */
static __attribute__((unused)) void wl_publish(flux_t *h, const char *topic,
                                               const char *json) {
    flux_future_t *f = flux_event_publish(h, topic, 0, json);
    if (!f || flux_future_get(f, NULL) < 0)
        wl_die("publish %s", topic);
    flux_future_destroy(f);
}

/* Waits (outside any callback) for the next event TOPIC; returns it. */
static __attribute__((unused)) flux_msg_t *wl_wait_event(flux_t *h, const char *topic) {
    struct flux_match match = FLUX_MATCH_EVENT;
    flux_msg_t *msg;
    match.topic_glob = (char *)topic;
    if (!(msg = flux_recv(h, match, 0)))
        wl_die("recv %s", topic);
    return msg;
}

/* Tells the launching script that this role has subscribed to what it waits
 * for (no-op when $WORKLOAD_READY_FD is unset). */
static __attribute__((unused)) void wl_signal_ready(void) {
    const char *s = getenv("WORKLOAD_READY_FD");
    int fd;
    if (!s || !*s)
        return;
    fd = atoi(s);
    if (write(fd, "ready\n", 6) != 6)
        wl_die("write ready fd %d", fd);
    close(fd);
}

/* Waits (outside any callback) for a watch's first response -- the key's
 * value when the watch was registered -- and re-arms the future.  Only then is
 * the watch established: kvs-watch 0.88 can miss the first update of a key
 * whose WAITCREATE watch is still looking it up (seen: a watch registered and
 * synced with kvs-watch.stats-get never delivered the key's creation).  So the
 * workloads create their keys first and wait for this before going on. */
static __attribute__((unused)) void wl_watch_established(flux_future_t *f,
                                                         const char *key) {
    const char *value;
    if (flux_kvs_lookup_get(f, &value) < 0)
        wl_die("watch %s", key);
    flux_future_reset(f);
}

static __attribute__((unused)) int wl_mode(const char *arg, const char *const *modes) {
    for (int i = 0; modes[i]; i++)
        if (arg && strcmp(arg, modes[i]) == 0)
            return i;
    return -1;
}

/* main() of a workload made of a writer and a watcher:
 *   NAME MODE writer|watcher
 * runs writer(h, mode) or watcher(h, mode), mode being MODE's index in modes. */
typedef int (*wl_role_fn)(flux_t *h, int mode);

static __attribute__((unused)) int
wl_writer_watcher_main(int argc, char **argv, const char *name, const char *const *modes,
                       wl_role_fn writer, wl_role_fn watcher) {
    static const char *const roles[] = {"writer", "watcher", NULL};
    int mode = argc == 3 ? wl_mode(argv[1], modes) : -1;
    int role = argc == 3 ? wl_mode(argv[2], roles) : -1;
    flux_t *h;
    int rc;
    wl_name = name;
    if (mode < 0 || role < 0) {
        fprintf(stderr, "usage: %s ", name);
        for (int i = 0; modes[i]; i++)
            fprintf(stderr, "%s%s", i ? "|" : "", modes[i]);
        fprintf(stderr, " writer|watcher\n");
        return 2;
    }
    h = wl_open();
    rc = (role == 0 ? writer : watcher)(h, mode);
    flux_close(h);
    return rc;
}

#endif
