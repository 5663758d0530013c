/* One of everything the shim records, in an order fixed by the program alone:
 *
 *   main:        subscribe "cov.", addvec (cov.hello requests, cov.event events),
 *                a streaming watch of cov.key (WATCH|WAITCREATE, not there yet),
 *                the cov.hello RPC with a continuation, then the reactor;
 *   hello_cb:    the handler answers the request;
 *   hello_done:  the continuation starts a one-shot timer;
 *   timer_cb:    a blocking flux_future_get on an unready test.echo RPC, the KVS
 *                version and a wait for it, then the first of 3 commits;
 *   watch_cb:    each value seen commits the next; after the third, cancel;
 *                at the end of the stream, publish cov.event;
 *   event_cb and publish_done: once both ran, a plain lookup, and the handlers
 *                go: the reactor runs out of watchers and returns.
 *
 * stdout is the same with or without the shim.  With --fns FILE, the addresses
 * of the callbacks go to FILE, so a test can find their records.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "double.h"

static flux_t *h;
static flux_msg_handler_t **handlers;
static flux_watcher_t *timer, *watchdog;
static int values_seen, event_seq = -1, publish_seq = -1;

static void die(const char *what) {
    fprintf(stderr, "cover: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void finish_if_done(void) {
    if (event_seq < 0 || publish_seq < 0)
        return;
    flux_future_t *f = flux_kvs_lookup(h, NULL, 0, "cov.key");
    const char *value;
    if (f == NULL || flux_kvs_lookup_get(f, &value) < 0)
        die("lookup");
    printf("lookup cov.key = %s\n", value);
    flux_future_destroy(f);
    flux_msg_handler_delvec(handlers);
    flux_watcher_destroy(timer);
}

static void commit_done(flux_future_t *f, void *arg) {
    int seq;
    if (flux_kvs_commit_get_sequence(f, &seq) < 0)
        die("commit_get_sequence");
    printf("commit %d: seq %d\n", (int)(intptr_t)arg, seq);
    flux_future_destroy(f);
}

static void commit_value(int n) {
    char value[32];
    snprintf(value, sizeof value, "value-%d", n);
    flux_kvs_txn_t *txn = flux_kvs_txn_create();
    if (txn == NULL || flux_kvs_txn_put(txn, 0, "cov.key", value) < 0)
        die("txn_put");
    flux_future_t *f = flux_kvs_commit(h, NULL, 0, txn);
    if (f == NULL || flux_future_then(f, -1, commit_done, (void *)(intptr_t)n) < 0)
        die("commit");
    flux_kvs_txn_destroy(txn);
}

static void publish_done(flux_future_t *f, void *arg) {
    (void)arg;
    if (flux_event_publish_get_seq(f, &publish_seq) < 0)
        die("publish_get_seq");
    printf("published cov.event: seq %d\n", publish_seq);
    flux_future_destroy(f);
    finish_if_done();
}

static void watch_cb(flux_future_t *f, void *arg) {
    (void)arg;
    const char *value;
    if (flux_kvs_lookup_get(f, &value) < 0) {
        if (errno != ENODATA)
            die("watch");
        printf("watch ended\n");
        flux_future_destroy(f);
        flux_future_t *p = flux_event_publish(h, "cov.event", 0, "{\"n\":1}");
        if (p == NULL || flux_future_then(p, -1, publish_done, NULL) < 0)
            die("publish");
        return;
    }
    printf("watch cov.key = %s\n", value);
    values_seen++;
    flux_future_reset(f);
    if (values_seen < 3)
        commit_value(values_seen + 1);
    else if (flux_kvs_lookup_cancel(f) < 0)
        die("lookup_cancel");
}

static void timer_cb(flux_reactor_t *r, flux_watcher_t *w, int revents, void *arg) {
    (void)r, (void)w, (void)revents, (void)arg;
    flux_future_t *f = flux_rpc(h, "test.echo", "{\"ping\":1}", FLUX_NODEID_ANY, 0);
    const char *s;
    if (f == NULL || flux_future_get(f, NULL) < 0 || flux_rpc_get(f, &s) < 0)
        die("echo");
    printf("echo: %s\n", s);
    flux_future_destroy(f);

    int version;
    if (flux_kvs_get_version(h, NULL, &version) < 0)
        die("get_version");
    if (flux_kvs_wait_version(h, NULL, version) < 0)
        die("wait_version");
    printf("kvs version %d\n", version);
    commit_value(1);
}

static void hello_done(flux_future_t *f, void *arg) {
    (void)arg;
    const char *greeting;
    if (flux_rpc_get_unpack(f, "{s:s}", "greeting", &greeting) < 0)
        die("hello");
    printf("hello: %s\n", greeting);
    flux_future_destroy(f);
    flux_watcher_start(timer);
}

static void hello_cb(flux_t *h, flux_msg_handler_t *mh, const flux_msg_t *msg,
                     void *arg) {
    (void)mh, (void)arg;
    const char *who;
    if (flux_request_unpack(msg, NULL, "{s:s}", "who", &who) < 0)
        die("hello request");
    char greeting[64];
    snprintf(greeting, sizeof greeting, "hello %s", who);
    if (flux_respond_pack(h, msg, "{s:s}", "greeting", greeting) < 0)
        die("respond");
}

static void event_cb(flux_t *h, flux_msg_handler_t *mh, const flux_msg_t *msg,
                     void *arg) {
    (void)h, (void)mh, (void)arg;
    const char *topic, *s;
    uint32_t seq;
    if (flux_event_decode(msg, &topic, &s) < 0 || flux_msg_get_seq(msg, &seq) < 0)
        die("event");
    printf("event %s: %s\n", topic, s);
    event_seq = (int)seq;
    finish_if_done();
}

static void watchdog_cb(flux_reactor_t *r, flux_watcher_t *w, int revents, void *arg) {
    (void)r, (void)w, (void)revents, (void)arg;
    fprintf(stderr, "cover: the reactor is still running after 60 s\n");
    exit(3);
}

static const struct flux_msg_handler_spec htab[] = {
    {FLUX_MSGTYPE_REQUEST, "cov.hello", hello_cb, 0},
    {FLUX_MSGTYPE_EVENT, "cov.event", event_cb, 0},
    FLUX_MSGHANDLER_TABLE_END,
};

int main(int argc, char **argv) {
    if (argc == 3 && strcmp(argv[1], "--fns") == 0) {
        FILE *fp = fopen(argv[2], "w");
        if (fp == NULL)
            die(argv[2]);
        fprintf(fp, "hello_done %p\nhello_cb %p\ntimer_cb %p\nwatch_cb %p\n",
                (void *)hello_done, (void *)hello_cb, (void *)timer_cb, (void *)watch_cb);
        fprintf(fp, "event_cb %p\ncommit_done %p\npublish_done %p\n", (void *)event_cb,
                (void *)commit_done, (void *)publish_done);
        fprintf(fp, "pid %d\n", (int)getpid());
        fclose(fp);
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    if ((h = flux_open("loop://", 0)) == NULL)
        die("flux_open");
    flux_reactor_t *r = flux_get_reactor(h);
    uint32_t rank, size;
    if (flux_get_rank(h, &rank) < 0 || flux_get_size(h, &size) < 0)
        die("rank/size");
    printf("rank %u of %u\n", (unsigned)rank, (unsigned)size);
    if (flux_event_subscribe(h, "cov.") < 0)
        die("subscribe");
    if (flux_msg_handler_addvec(h, htab, NULL, &handlers) < 0)
        die("addvec");
    if (!(timer = flux_timer_watcher_create(r, 0.001, 0, timer_cb, NULL)) ||
        !(watchdog = flux_timer_watcher_create(r, 60, 0, watchdog_cb, NULL)))
        die("timer");
    flux_watcher_start(watchdog);
    flux_watcher_unref(watchdog);

    flux_future_t *fw =
        flux_kvs_lookup(h, NULL, FLUX_KVS_WATCH | FLUX_KVS_WAITCREATE, "cov.key");
    if (fw == NULL || flux_future_then(fw, -1, watch_cb, NULL) < 0)
        die("watch");
    flux_future_t *f =
        flux_rpc_pack(h, "cov.hello", FLUX_NODEID_ANY, 0, "{s:s}", "who", "cover");
    if (f == NULL || flux_future_then(f, -1, hello_done, NULL) < 0)
        die("hello");

    int rc = flux_reactor_run(r, 0);
    printf("reactor returned %d\n", rc);
    flux_watcher_destroy(watchdog);
    flux_close(h);
    return rc == 0 ? 0 : 1;
}
