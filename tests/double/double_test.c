/* The double's own semantics, without the shim: what the shim's tests rely on
 * and they do not all exercise (reactor liveness and order, watchers, future
 * contexts and result queues, matchtag reuse, KVS watch variants, events). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "double.h"

static int failures;

#define CHECK(cond)                                                                      \
    do {                                                                                 \
        if (!(cond)) {                                                                   \
            fprintf(stderr, "%s:%d: CHECK failed: %s (errno %d)\n", __FILE__, __LINE__,  \
                    #cond, errno);                                                       \
            failures++;                                                                  \
        }                                                                                \
    } while (0)

static int count;
static char order[64];

static void note_cb(flux_reactor_t *r, flux_watcher_t *w, int revents, void *arg) {
    (void)r, (void)w, (void)revents;
    strncat(order, arg, sizeof order - strlen(order) - 1);
    count++;
}

static void stop_cb(flux_reactor_t *r, flux_watcher_t *w, int revents, void *arg) {
    (void)w, (void)revents, (void)arg;
    flux_reactor_stop(r);
}

static void test_reactor(void) {
    flux_reactor_t *r = flux_reactor_create(0);
    CHECK(flux_reactor_run(r, 0) == 0); /* nothing to do */

    /* Unreferenced watchers do not keep the loop alive; one-shot timers fire once. */
    flux_watcher_t *p = flux_prepare_watcher_create(r, note_cb, "p");
    flux_watcher_t *t = flux_timer_watcher_create(r, 0.001, 0, note_cb, "t");
    flux_watcher_start(p);
    flux_watcher_unref(p);
    flux_watcher_start(t);
    order[0] = '\0';
    CHECK(flux_reactor_run(r, 0) == 0);
    CHECK(strcmp(order, "ppt") == 0 || strcmp(order, "pt") == 0);
    flux_watcher_destroy(p);
    flux_watcher_destroy(t);

    /* fd watcher on a pipe, then stop from a callback. */
    int fds[2];
    CHECK(pipe(fds) == 0);
    CHECK(write(fds[1], "x", 1) == 1);
    flux_watcher_t *fw = flux_fd_watcher_create(r, fds[0], FLUX_POLLIN, stop_cb, NULL);
    flux_watcher_start(fw);
    CHECK(flux_reactor_run(r, 0) == 1); /* stopped: one watcher still active */
    flux_watcher_destroy(fw);
    close(fds[0]);
    close(fds[1]);

    /* Signal, idle (runs when nothing else is ready), periodic. */
    flux_watcher_t *sw = flux_signal_watcher_create(r, SIGUSR1, stop_cb, NULL);
    flux_watcher_start(sw);
    raise(SIGUSR1);
    CHECK(flux_reactor_run(r, 0) == 1);
    flux_watcher_destroy(sw);
    count = 0;
    flux_watcher_t *iw = flux_idle_watcher_create(r, note_cb, "i");
    flux_watcher_start(iw);
    CHECK(flux_reactor_run(r, FLUX_REACTOR_ONCE) == 1 && count == 1);
    flux_watcher_destroy(iw);
    flux_watcher_t *pw = flux_periodic_watcher_create(r, 0, 0.001, NULL, stop_cb, NULL);
    flux_watcher_start(pw);
    CHECK(flux_reactor_run(r, 0) == 1);
    flux_watcher_destroy(pw);
    flux_reactor_destroy(r);
}

static int continuations;

static void then_cb(flux_future_t *f, void *arg) {
    (void)arg;
    const void *v;
    if (flux_future_get(f, &v) == 0)
        continuations++;
    flux_future_reset(f);
}

static int timeouts;

static void timeout_cb(flux_future_t *f, void *arg) {
    (void)arg;
    if (flux_future_get(f, NULL) < 0 && errno == ETIMEDOUT)
        timeouts++;
    flux_future_destroy(f);
}

static void fulfill_cb(flux_reactor_t *r, flux_watcher_t *w, int revents, void *arg) {
    (void)r, (void)w, (void)revents;
    flux_future_fulfill(arg, "one", NULL);
    flux_future_fulfill(arg, "two", NULL);
}

static void test_futures(void) {
    flux_reactor_t *r = flux_reactor_create(0);
    flux_future_t *f = flux_future_create(NULL, NULL);
    flux_future_set_reactor(f, r);
    flux_watcher_t *t = flux_timer_watcher_create(r, 0, 0, fulfill_cb, f);
    flux_watcher_start(t);
    CHECK(flux_future_then(f, -1, then_cb, NULL) == 0);
    CHECK(flux_reactor_run(r, 0) == 0);
    CHECK(continuations == 2); /* both queued results, one after the other */
    flux_watcher_destroy(t);
    flux_future_destroy(f);

    /* A then timeout fulfills the future with ETIMEDOUT. */
    f = flux_future_create(NULL, NULL);
    flux_future_set_reactor(f, r);
    CHECK(flux_future_then(f, 0.001, timeout_cb, NULL) == 0);
    CHECK(flux_reactor_run(r, 0) == 0);
    CHECK(timeouts == 1);
    flux_reactor_destroy(r);
}

static void test_rpc(flux_t *h) {
    /* Matchtags: lowest free first, reused after the final response. */
    flux_future_t *a = flux_rpc(h, "test.echo", "a", FLUX_NODEID_ANY, 0);
    flux_future_t *b = flux_rpc(h, "test.echo", "b", FLUX_NODEID_ANY, 0);
    uint32_t ta = flux_rpc_get_matchtag(a), tb = flux_rpc_get_matchtag(b);
    CHECK(ta != tb);
    const char *s;
    CHECK(flux_rpc_get(b, &s) == 0 && strcmp(s, "b") == 0);
    CHECK(flux_rpc_get(a, &s) == 0 && strcmp(s, "a") == 0);
    flux_future_destroy(a);
    a = flux_rpc(h, "test.echo", NULL, FLUX_NODEID_ANY, 0);
    CHECK(flux_rpc_get_matchtag(a) == ta);
    flux_future_destroy(a);
    flux_future_destroy(b);

    a = flux_rpc(h, "test.echo", NULL, FLUX_NODEID_ANY, FLUX_RPC_NORESPONSE);
    CHECK(a != NULL && flux_future_is_ready(a) && flux_rpc_get_matchtag(a) == 0);
    flux_future_destroy(a);
    a = flux_rpc(h, "nobody.home", NULL, FLUX_NODEID_UPSTREAM, 0);
    CHECK(flux_rpc_get(a, &s) < 0 && errno == ENOSYS);
    flux_future_destroy(a);

    /* Requeue at the head, recv by match. */
    flux_msg_t *m1 = flux_msg_create(FLUX_MSGTYPE_EVENT), *m2;
    flux_msg_set_topic(m1, "x.one");
    CHECK(flux_requeue(h, m1, FLUX_RQ_TAIL) == 0);
    flux_msg_set_topic(m1, "x.two");
    CHECK(flux_requeue(h, m1, FLUX_RQ_HEAD) == 0);
    flux_msg_destroy(m1);
    struct flux_match match = {FLUX_MSGTYPE_EVENT, 0, "x.one"};
    CHECK((m2 = flux_recv(h, match, FLUX_O_NONBLOCK)) != NULL);
    flux_msg_destroy(m2);
    CHECK((m2 = flux_recv(h, FLUX_MATCH_ANY, FLUX_O_NONBLOCK)) != NULL &&
          flux_msg_get_topic(m2, &s) == 0 && strcmp(s, "x.two") == 0);
    flux_msg_destroy(m2);
}

static void put(flux_t *h, const char *key, const char *value, int flags) {
    flux_kvs_txn_t *txn = flux_kvs_txn_create();
    CHECK(flux_kvs_txn_put(txn, flags, key, value) == 0);
    flux_future_t *f = flux_kvs_commit(h, NULL, 0, txn);
    CHECK(flux_future_get(f, NULL) == 0);
    flux_future_destroy(f);
    flux_kvs_txn_destroy(txn);
}

/* The next value of a streaming lookup (copied: reset frees the response), or
 * NULL with errno. */
static const char *next_value(flux_future_t *f) {
    static char buf[64];
    const char *v;
    if (flux_kvs_lookup_get(f, &v) < 0)
        return NULL;
    snprintf(buf, sizeof buf, "%s", v ? v : "");
    flux_future_reset(f);
    return buf;
}

static void test_kvs(flux_t *h) {
    int v0;
    CHECK(flux_kvs_get_version(h, NULL, &v0) == 0);
    put(h, "t.a", "1", 0);
    flux_future_t *c = flux_kvs_lookup(h, NULL, 0, "t.a");
    const char *s;
    CHECK(flux_kvs_lookup_get(c, &s) == 0 && strcmp(s, "1") == 0);
    CHECK(strcmp(flux_kvs_lookup_get_key(c), "t.a") == 0);
    flux_future_destroy(c);

    /* WATCH_APPEND sends what was appended; WATCH_UNIQ skips same values. */
    flux_future_t *app =
        flux_kvs_lookup(h, NULL, FLUX_KVS_WATCH | FLUX_KVS_WATCH_APPEND, "t.a");
    flux_future_t *uniq =
        flux_kvs_lookup(h, NULL, FLUX_KVS_WATCH | FLUX_KVS_WATCH_UNIQ, "t.a");
    CHECK((s = next_value(app)) && strcmp(s, "1") == 0);
    CHECK((s = next_value(uniq)) && strcmp(s, "1") == 0);
    put(h, "t.a", "2", FLUX_KVS_APPEND);
    put(h, "t.a", "3", FLUX_KVS_APPEND);
    CHECK((s = next_value(app)) && strcmp(s, "2") == 0);
    CHECK((s = next_value(app)) && strcmp(s, "3") == 0);
    CHECK((s = next_value(uniq)) && strcmp(s, "12") == 0);
    flux_kvs_txn_t *txn = flux_kvs_txn_create();
    CHECK(flux_kvs_txn_put(txn, 0, "t.a", "123") == 0);
    CHECK(flux_kvs_txn_put(txn, 0, "t.b", "x") == 0);
    flux_future_t *f = flux_kvs_commit(h, NULL, 0, txn);
    int seq;
    const char *treeobj;
    CHECK(flux_kvs_commit_get_sequence(f, &seq) == 0 && seq == v0 + 4);
    CHECK(flux_kvs_commit_get_treeobj(f, &treeobj) == 0);
    CHECK((s = next_value(uniq)) && strcmp(s, "123") == 0);
    CHECK(flux_kvs_lookup_cancel(uniq) == 0);
    CHECK(next_value(uniq) == NULL && errno == ENODATA);
    CHECK(flux_kvs_lookup_cancel(app) == 0);
    flux_future_destroy(app);
    flux_future_destroy(uniq);
    flux_kvs_txn_destroy(txn);

    /* A lookup at an older root sees that root's value. */
    put(h, "t.b", "y", 0);
    c = flux_kvs_lookupat(h, 0, "t.b", treeobj);
    CHECK(flux_kvs_lookup_get(c, &s) == 0 && strcmp(s, "x") == 0);
    flux_future_destroy(c);
    flux_future_destroy(f);

    /* WAITCREATE alone: one response, once the key exists. */
    flux_future_t *wc = flux_kvs_lookup(h, NULL, FLUX_KVS_WAITCREATE, "t.later");
    CHECK(!flux_future_is_ready(wc));
    put(h, "t.later", "here", 0);
    CHECK(flux_kvs_lookup_get(wc, &s) == 0 && strcmp(s, "here") == 0);
    flux_future_destroy(wc);

    /* Directories and symlinks. */
    txn = flux_kvs_txn_create();
    CHECK(flux_kvs_txn_mkdir(txn, 0, "t.dir") == 0);
    CHECK(flux_kvs_txn_symlink(txn, 0, "t.link", NULL, "t.b") == 0);
    f = flux_kvs_commit(h, NULL, 0, txn);
    CHECK(flux_future_get(f, NULL) == 0);
    flux_future_destroy(f);
    flux_kvs_txn_destroy(txn);
    const flux_kvsdir_t *dir;
    c = flux_kvs_lookup(h, NULL, FLUX_KVS_READDIR, "t.dir");
    CHECK(flux_kvs_lookup_get_dir(c, &dir) == 0 && dir != NULL);
    flux_future_destroy(c);
    const char *ns, *target;
    c = flux_kvs_lookup(h, NULL, FLUX_KVS_READLINK, "t.link");
    CHECK(flux_kvs_lookup_get_symlink(c, &ns, &target) == 0 &&
          strcmp(target, "t.b") == 0);
    flux_future_destroy(c);
    c = flux_kvs_lookup(h, NULL, 0, "t.link");
    CHECK(flux_kvs_lookup_get(c, &s) == 0 && strcmp(s, "y") == 0);
    flux_future_destroy(c);

    int v;
    CHECK(flux_kvs_get_version(h, NULL, &v) == 0 && v == v0 + 7);
    CHECK(flux_kvs_wait_version(h, NULL, v) == 0);
}

static int events_seen;

static void event_cb(flux_t *h, flux_msg_handler_t *mh, const flux_msg_t *msg,
                     void *arg) {
    (void)h, (void)mh, (void)arg;
    uint32_t seq;
    if (flux_msg_get_seq(msg, &seq) == 0 && seq > 0)
        events_seen++;
}

static void test_events(flux_t *h) {
    flux_t *other = flux_open("loop://", 0);
    CHECK(flux_event_subscribe(other, "ev.") == 0);
    flux_msg_handler_t *mh =
        flux_msg_handler_create(other, FLUX_MATCH_EVENT, event_cb, NULL);
    flux_msg_handler_start(mh);
    flux_future_t *f = flux_event_publish(h, "ev.a", 0, "{}");
    int seq = 0;
    CHECK(flux_event_publish_get_seq(f, &seq) == 0 && seq > 0);
    flux_future_destroy(f);
    f = flux_event_publish(h, "other.b", 0, NULL); /* nobody subscribed */
    flux_future_destroy(f);
    flux_reactor_run(flux_get_reactor(other), FLUX_REACTOR_NOWAIT);
    CHECK(events_seen == 1);
    CHECK(flux_event_unsubscribe(other, "ev.") == 0);
    flux_msg_handler_destroy(mh);
    flux_close(other);
}

int main(void) {
    test_reactor();
    test_futures();
    flux_t *h = flux_open("loop://", 0);
    CHECK(h != NULL);
    test_rpc(h);
    test_kvs(h);
    test_events(h);
    flux_close(h);
    if (failures == 0)
        printf("double_test: all checks passed\n");
    return failures == 0 ? 0 : 1;
}
