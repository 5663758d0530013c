/* Each wrapped function class called so that it fails (and a few that
 * succeed), one line per call: name, return value, errno.  Run with and
 * without the shim, the outputs must be identical: wrappers keep return values
 * and errno, and keep errno across the functions that must not touch it.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "double.h"

static const char *errname(int e) {
    switch (e) {
    case 0:
        return "0";
    case EINVAL:
        return "EINVAL";
    case ENOENT:
        return "ENOENT";
    case ENOSYS:
        return "ENOSYS";
    case EPROTO:
        return "EPROTO";
    case ENOTSUP:
        return "ENOTSUP";
    case ETIMEDOUT:
        return "ETIMEDOUT";
    case EHOSTUNREACH:
        return "EHOSTUNREACH";
    case EAGAIN:
        return "EAGAIN";
    case EPERM:
        return "EPERM";
    case ENODATA:
        return "ENODATA";
    case EISDIR:
        return "EISDIR";
    case ENOTDIR:
        return "ENOTDIR";
    case EDOM:
        return "EDOM";
    default:
        return "other";
    }
}

/* errno is set to a marker first, so a call that wrongly touches it shows. */
#define MARK() (errno = EDOM)
#define INT(expr)                                                                        \
    do {                                                                                 \
        MARK();                                                                          \
        int rc_ = (expr);                                                                \
        printf("%-48s rc=%d errno=%s\n", #expr, rc_, rc_ < 0 ? errname(errno) : "-");    \
    } while (0)
#define PTR(expr)                                                                        \
    do {                                                                                 \
        MARK();                                                                          \
        const void *p_ = (expr);                                                         \
        printf("%-48s %s errno=%s\n", #expr, p_ ? "ptr" : "NULL",                        \
               p_ ? "-" : errname(errno));                                               \
    } while (0)
/* Functions with no error return must leave errno alone. */
#define VOID(expr)                                                                       \
    do {                                                                                 \
        MARK();                                                                          \
        expr;                                                                            \
        printf("%-48s errno=%s\n", #expr, errname(errno));                               \
    } while (0)

static void nop_cb(flux_reactor_t *r, flux_watcher_t *w, int revents, void *arg) {
    (void)r, (void)w, (void)revents, (void)arg;
}

static void nop_handler(flux_t *h, flux_msg_handler_t *mh, const flux_msg_t *msg,
                        void *arg) {
    (void)h, (void)mh, (void)msg, (void)arg;
}

static void nop_then(flux_future_t *f, void *arg) {
    (void)f, (void)arg;
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    flux_error_t error;
    PTR(flux_open("bogus://nowhere", 0));
    PTR(flux_open_ex("bogus://nowhere", 0, &error));
    printf("flux_open_ex error: %s\n", error.text);
    flux_t *h = flux_open("loop://", 0);
    if (h == NULL) {
        perror("flux_open");
        return 1;
    }
    flux_reactor_t *r = flux_get_reactor(h);
    PTR(flux_clone(NULL));
    PTR(flux_get_reactor(NULL));
    VOID(flux_close(NULL));

    /* messages */
    flux_msg_t *msg = flux_msg_create(FLUX_MSGTYPE_REQUEST);
    flux_msg_set_topic(msg, "test.echo");
    INT(flux_send(NULL, msg, 0));
    INT(flux_send(h, NULL, 0));
    INT(flux_send_new(h, NULL, 0));
    INT(flux_requeue(h, msg, 0));
    PTR(flux_recv(h, FLUX_MATCH_ANY, FLUX_O_NONBLOCK));
    PTR(flux_recv(NULL, FLUX_MATCH_ANY, FLUX_O_NONBLOCK));
    uint32_t u32;
    int i;
    const char *s;
    const void *buf;
    size_t len;
    INT(flux_msg_get_type(NULL, &i));
    INT(flux_msg_get_topic(NULL, &s));
    INT(flux_msg_get_nodeid(NULL, &u32));
    INT(flux_msg_get_matchtag(msg, &u32));
    INT(flux_msg_get_seq(msg, &u32));
    INT(flux_msg_get_errnum(msg, &i));
    INT(flux_msg_get_payload(msg, &buf, &len));
    INT(flux_msg_has_flag(msg, FLUX_MSGFLAG_STREAMING));
    PTR(flux_msg_route_first(msg));
    INT(flux_msg_route_count(msg));

    /* attributes */
    PTR(flux_attr_get(h, "no-such-attribute"));
    PTR(flux_attr_get(NULL, "rank"));
    INT(flux_attr_set_cacheonly(NULL, "a", "b"));
    INT(flux_get_rank(NULL, &u32));
    INT(flux_get_size(h, NULL));
    INT(flux_get_rank(h, &u32));

    /* rpc */
    PTR(flux_rpc(NULL, "test.echo", NULL, FLUX_NODEID_ANY, 0));
    PTR(flux_rpc(h, NULL, NULL, FLUX_NODEID_ANY, 0));
    PTR(flux_rpc(h, "test.echo", NULL, FLUX_NODEID_ANY, 0x100));
    PTR(flux_rpc_pack(h, "test.echo", FLUX_NODEID_ANY, 0, "{s:s}", "k", NULL));
    PTR(flux_rpc_raw(h, NULL, "x", 1, FLUX_NODEID_ANY, 0));
    PTR(flux_rpc_message(h, NULL, FLUX_NODEID_ANY, 0));
    flux_future_t *f = flux_rpc(h, "no.such.service", NULL, FLUX_NODEID_ANY, 0);
    INT(flux_rpc_get(f, &s));
    INT(flux_rpc_get_raw(f, &buf, &len));
    INT(flux_future_get(f, &buf));
    INT(flux_rpc_get_matchtag(f) != 0);
    VOID(flux_future_destroy(f));
    f = flux_rpc(h, "test.echo", NULL, 7, 0);
    INT(flux_rpc_get(f, &s));
    INT((int)flux_rpc_get_nodeid(f));
    VOID(flux_future_destroy(f));

    /* futures */
    INT(flux_future_then(NULL, -1, nop_then, NULL));
    f = flux_future_create(NULL, NULL);
    INT(flux_future_then(f, -1, nop_then, NULL));
    INT(flux_future_wait_for(NULL, 0));
    INT(flux_future_is_ready(f));
    PTR(flux_future_aux_get(f, "missing"));
    INT(flux_future_aux_set(NULL, "k", f, NULL));
    INT(flux_future_aux_set(f, NULL, f, NULL));
    flux_future_set_reactor(f, r);
    INT(flux_future_wait_for(f, 0.001));
    VOID(flux_future_fulfill_error(f, EPERM, "denied"));
    INT(flux_future_get(f, &buf));
    VOID(flux_future_reset(f));
    VOID(flux_future_fulfill(f, NULL, NULL));
    INT(flux_future_get(f, &buf));
    VOID(flux_future_destroy(f));
    VOID(flux_future_reset(NULL));
    VOID(flux_future_destroy(NULL));

    /* reactor, watchers and handlers */
    INT(flux_reactor_run(NULL, 0));
    PTR(flux_timer_watcher_create(r, -1, 0, nop_cb, NULL));
    PTR(flux_timer_watcher_create(NULL, 0, 0, nop_cb, NULL));
    PTR(flux_fd_watcher_create(r, -1, FLUX_POLLIN, nop_cb, NULL));
    PTR(flux_handle_watcher_create(r, NULL, FLUX_POLLIN, nop_cb, NULL));
    PTR(flux_periodic_watcher_create(r, 0, -1, NULL, nop_cb, NULL));
    PTR(flux_prepare_watcher_create(NULL, nop_cb, NULL));
    PTR(flux_check_watcher_create(NULL, nop_cb, NULL));
    PTR(flux_idle_watcher_create(NULL, nop_cb, NULL));
    PTR(flux_signal_watcher_create(r, -1, nop_cb, NULL));
    PTR(flux_stat_watcher_create(r, NULL, 0, nop_cb, NULL));
    VOID(flux_watcher_start(NULL));
    VOID(flux_watcher_stop(NULL));
    VOID(flux_watcher_unref(NULL));
    VOID(flux_watcher_destroy(NULL));
    PTR(flux_msg_handler_create(NULL, FLUX_MATCH_ANY, nop_handler, NULL));
    PTR(flux_msg_handler_create(h, FLUX_MATCH_ANY, NULL, NULL));
    VOID(flux_msg_handler_destroy(NULL));
    flux_msg_handler_t **handlers;
    INT(flux_msg_handler_addvec(NULL, NULL, NULL, &handlers));
    INT(flux_msg_handler_addvec_ex(h, "svc", NULL, NULL, &handlers));

    /* events */
    INT(flux_event_subscribe(NULL, "x"));
    INT(flux_event_unsubscribe(h, "never.subscribed"));
    PTR(flux_event_subscribe_ex(h, NULL, 0));
    PTR(flux_event_unsubscribe_ex(NULL, "x", 0));
    PTR(flux_event_publish(h, NULL, 0, NULL));
    PTR(flux_event_publish(h, "x", 0x1000, NULL));
    PTR(flux_event_publish_raw(h, "x", 0, NULL, 5));
    INT(flux_event_publish_get_seq(NULL, &i));
    f = flux_rpc(h, "no.such.service", NULL, FLUX_NODEID_ANY, 0);
    INT(flux_event_publish_get_seq(f, &i));
    VOID(flux_future_destroy(f));

    /* kvs */
    PTR(flux_kvs_lookup(h, NULL, 0, NULL));
    PTR(flux_kvs_lookup(NULL, NULL, 0, "k"));
    PTR(flux_kvs_lookup(h, NULL, FLUX_KVS_WATCH_UNIQ, "k"));
    PTR(flux_kvs_lookupat(h, FLUX_KVS_WATCH, "k", "{}"));
    PTR(flux_kvs_lookupat(h, 0, "k", "not json"));
    f = flux_kvs_lookup(h, NULL, 0, "no.such.key");
    INT(flux_kvs_lookup_get(f, &s));
    INT(flux_kvs_lookup_get_raw(f, &buf, &len));
    INT(flux_kvs_lookup_get_treeobj(f, &s));
    INT(flux_kvs_lookup_cancel(f));
    PTR(flux_kvs_lookup_get_key(NULL));
    VOID(flux_future_destroy(f));
    f = flux_kvs_lookup(h, "no-such-namespace", 0, "k");
    INT(flux_kvs_lookup_get(f, &s));
    VOID(flux_future_destroy(f));
    f = flux_rpc(h, "test.echo", NULL, FLUX_NODEID_ANY, 0);
    INT(flux_kvs_lookup_get(f, &s));
    INT(flux_kvs_lookup_get_dir(f, NULL));
    INT(flux_kvs_lookup_get_symlink(f, NULL, NULL));
    VOID(flux_future_destroy(f));

    flux_kvs_txn_t *txn = flux_kvs_txn_create();
    INT(flux_kvs_txn_put(NULL, 0, "k", "v"));
    INT(flux_kvs_txn_put(txn, 0x4000, "k", "v"));
    INT(flux_kvs_txn_put(txn, 0, NULL, "v"));
    INT(flux_kvs_txn_pack(txn, 0, "k", "{s:s}", "a", NULL));
    INT(flux_kvs_txn_put_raw(txn, 0, "k", NULL, 3));
    INT(flux_kvs_txn_put_treeobj(txn, 0, "k", "{\"ver\":1}"));
    INT(flux_kvs_txn_mkdir(NULL, 0, "d"));
    INT(flux_kvs_txn_unlink(txn, 0, NULL));
    INT(flux_kvs_txn_symlink(txn, 0, "l", NULL, NULL));
    INT(flux_kvs_txn_clear(NULL));
    INT(flux_kvs_txn_put(txn, 0, "errors.a", "1"));
    INT(flux_kvs_txn_mkdir(txn, 0, "errors.dir"));
    PTR(flux_kvs_commit(NULL, NULL, 0, txn));
    PTR(flux_kvs_commit(h, NULL, 0, NULL));
    PTR(flux_kvs_commit(h, NULL, 0x100, txn));
    f = flux_kvs_commit(h, "no-such-namespace", 0, txn);
    INT(flux_kvs_commit_get_sequence(f, &i));
    INT(flux_kvs_commit_get_rootref(f, &s));
    INT(flux_kvs_commit_get_treeobj(f, &s));
    VOID(flux_future_destroy(f));
    f = flux_kvs_commit(h, NULL, 0, txn);
    INT(flux_kvs_commit_get_sequence(f, &i));
    VOID(flux_future_destroy(f));
    f = flux_kvs_lookup(h, NULL, 0, "errors.dir");
    INT(flux_kvs_lookup_get(f, &s));
    VOID(flux_future_destroy(f));
    f = flux_kvs_lookup(h, NULL, FLUX_KVS_READDIR, "errors.a");
    INT(flux_kvs_lookup_get_dir(f, NULL));
    VOID(flux_future_destroy(f));
    VOID(flux_kvs_txn_destroy(txn));
    VOID(flux_kvs_txn_destroy(NULL));

    INT(flux_kvs_get_version(NULL, NULL, &i));
    INT(flux_kvs_get_version(h, "no-such-namespace", &i));
    INT(flux_kvs_wait_version(NULL, NULL, 1));
    INT(flux_kvs_wait_version(h, "no-such-namespace", 1));
    PTR(flux_kvs_getroot(NULL, NULL, 0));
    PTR(flux_kvs_getroot(h, NULL, 5));
    f = flux_kvs_getroot(h, "no-such-namespace", 0);
    INT(flux_kvs_getroot_get_sequence(f, &i));
    INT(flux_kvs_getroot_get_blobref(f, &s));
    INT(flux_kvs_getroot_get_treeobj(f, &s));
    VOID(flux_future_destroy(f));

    flux_msg_destroy(msg);
    VOID(flux_close(h));
    return 0;
}
