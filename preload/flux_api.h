/* The part of libflux-core's public API the shim touches, declared here so the
 * shim builds without flux-core.  Types are opaque; flag values are the public
 * ones.  tests/unit/api_check.c holds these declarations against flux-core's
 * own headers wherever they are installed: there, with
 * FLUXTRACE_CHECK_AGAINST_FLUX_HEADERS defined, the types come from flux-core,
 * every prototype below must agree with flux-core's, and every constant is a
 * static assertion.
 */
#ifndef FLUXTRACE_FLUX_API_H
#define FLUXTRACE_FLUX_API_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef FLUXTRACE_CHECK_AGAINST_FLUX_HEADERS
typedef struct flux_handle flux_t;
typedef struct flux_msg flux_msg_t;
typedef struct flux_future flux_future_t;
typedef struct flux_reactor flux_reactor_t;
typedef struct flux_watcher flux_watcher_t;
typedef struct flux_msg_handler flux_msg_handler_t;
typedef struct flux_kvs_txn flux_kvs_txn_t;
typedef struct flux_kvsdir flux_kvsdir_t;
typedef struct {
    char text[160];
} flux_error_t;
typedef void (*flux_free_f)(void *arg);

struct flux_match {
    int typemask;
    uint32_t matchtag;
    const char *topic_glob;
};

typedef void (*flux_continuation_f)(flux_future_t *f, void *arg);
typedef void (*flux_future_init_f)(flux_future_t *f, void *arg);
typedef void (*flux_msg_handler_f)(flux_t *h, flux_msg_handler_t *mh,
                                   const flux_msg_t *msg, void *arg);
typedef void (*flux_watcher_f)(flux_reactor_t *r, flux_watcher_t *w, int revents,
                               void *arg);
typedef double (*flux_reschedule_f)(flux_watcher_t *w, double now, void *arg);

struct flux_msg_handler_spec {
    int typemask;
    const char *topic_glob;
    flux_msg_handler_f cb;
    uint32_t rolemask;
};
#endif

/* The public constants the shim and its tests use, name and value. */
#define FT_FLUX_CONSTANTS(X)                                                             \
    X(FLUX_MSGTYPE_REQUEST, 0x01)                                                        \
    X(FLUX_MSGTYPE_RESPONSE, 0x02)                                                       \
    X(FLUX_MSGTYPE_EVENT, 0x04)                                                          \
    X(FLUX_MSGTYPE_CONTROL, 0x08)                                                        \
    X(FLUX_MSGTYPE_ANY, 0x0f)                                                            \
    X(FLUX_NODEID_ANY, 0xFFFFFFFF)                                                       \
    X(FLUX_NODEID_UPSTREAM, 0xFFFFFFFE)                                                  \
    X(FLUX_MATCHTAG_NONE, 0)                                                             \
    X(FLUX_RPC_NORESPONSE, 1)                                                            \
    X(FLUX_RPC_STREAMING, 2)                                                             \
    X(FLUX_O_NONBLOCK, 4)                                                                \
    X(FLUX_MSGFLAG_TOPIC, 0x01)                                                          \
    X(FLUX_MSGFLAG_PAYLOAD, 0x02)                                                        \
    X(FLUX_MSGFLAG_NORESPONSE, 0x04)                                                     \
    X(FLUX_MSGFLAG_ROUTE, 0x08)                                                          \
    X(FLUX_MSGFLAG_UPSTREAM, 0x10)                                                       \
    X(FLUX_MSGFLAG_PRIVATE, 0x20)                                                        \
    X(FLUX_MSGFLAG_STREAMING, 0x40)                                                      \
    X(FLUX_MSGFLAG_USER1, 0x80)                                                          \
    X(FLUX_REACTOR_NOWAIT, 1)                                                            \
    X(FLUX_REACTOR_ONCE, 2)                                                              \
    X(FLUX_POLLIN, 1)                                                                    \
    X(FLUX_POLLOUT, 2)                                                                   \
    X(FLUX_POLLERR, 4)                                                                   \
    X(FLUX_KVS_READDIR, 1)                                                               \
    X(FLUX_KVS_READLINK, 2)                                                              \
    X(FLUX_KVS_WATCH, 4)                                                                 \
    X(FLUX_KVS_WAITCREATE, 8)                                                            \
    X(FLUX_KVS_TREEOBJ, 16)                                                              \
    X(FLUX_KVS_APPEND, 32)                                                               \
    X(FLUX_KVS_WATCH_FULL, 64)                                                           \
    X(FLUX_KVS_WATCH_UNIQ, 128)                                                          \
    X(FLUX_KVS_WATCH_APPEND, 256)                                                        \
    X(FLUX_KVS_STREAM, 512)                                                              \
    X(FLUX_KVS_WATCH_INITIAL_SENTINEL, 1024)                                             \
    X(FLUX_KVS_NO_MERGE, 1)                                                              \
    X(FLUX_KVS_TXN_COMPACT, 2)                                                           \
    X(FLUX_KVS_SYNC, 4)

#ifndef FLUXTRACE_CHECK_AGAINST_FLUX_HEADERS
#define FT_ENUM_CONSTANT(name, value) name = value,
enum { FT_FLUX_CONSTANTS(FT_ENUM_CONSTANT) };
#undef FT_ENUM_CONSTANT
#else
#define FT_ASSERT_CONSTANT(name, value)                                                  \
    _Static_assert((unsigned long)(name) == (unsigned long)(value), #name " differs");
FT_FLUX_CONSTANTS(FT_ASSERT_CONSTANT)
#undef FT_ASSERT_CONSTANT
#endif

/* handle */
flux_t *flux_open(const char *uri, int flags);
flux_t *flux_open_ex(const char *uri, int flags, flux_error_t *error);
void flux_close(flux_t *h);
flux_t *flux_clone(flux_t *orig);
flux_reactor_t *flux_get_reactor(flux_t *h);
int flux_send(flux_t *h, const flux_msg_t *msg, int flags);
int flux_send_new(flux_t *h, flux_msg_t **msg, int flags);
flux_msg_t *flux_recv(flux_t *h, struct flux_match match, int flags);
int flux_requeue(flux_t *h, const flux_msg_t *msg, int flags);

/* attributes */
const char *flux_attr_get(flux_t *h, const char *name);
int flux_attr_set_cacheonly(flux_t *h, const char *name, const char *val);
int flux_get_rank(flux_t *h, uint32_t *rank);
int flux_get_size(flux_t *h, uint32_t *size);

/* message introspection */
int flux_msg_get_type(const flux_msg_t *msg, int *type);
int flux_msg_get_topic(const flux_msg_t *msg, const char **topic);
int flux_msg_get_nodeid(const flux_msg_t *msg, uint32_t *nodeid);
int flux_msg_get_matchtag(const flux_msg_t *msg, uint32_t *matchtag);
int flux_msg_get_seq(const flux_msg_t *msg, uint32_t *seq);
int flux_msg_get_errnum(const flux_msg_t *msg, int *errnum);
int flux_msg_get_payload(const flux_msg_t *msg, const void **buf, size_t *size);
bool flux_msg_has_flag(const flux_msg_t *msg, int flag);
const char *flux_msg_route_first(const flux_msg_t *msg);
int flux_msg_route_count(const flux_msg_t *msg);

/* rpc */
flux_future_t *flux_rpc(flux_t *h, const char *topic, const char *s, uint32_t nodeid,
                        int flags);
flux_future_t *flux_rpc_pack(flux_t *h, const char *topic, uint32_t nodeid, int flags,
                             const char *fmt, ...);
flux_future_t *flux_rpc_vpack(flux_t *h, const char *topic, uint32_t nodeid, int flags,
                              const char *fmt, va_list ap);
flux_future_t *flux_rpc_raw(flux_t *h, const char *topic, const void *data, size_t len,
                            uint32_t nodeid, int flags);
flux_future_t *flux_rpc_message(flux_t *h, const flux_msg_t *msg, uint32_t nodeid,
                                int flags);
int flux_rpc_get(flux_future_t *f, const char **s);
int flux_rpc_get_raw(flux_future_t *f, const void **data, size_t *len);
uint32_t flux_rpc_get_matchtag(flux_future_t *f);
uint32_t flux_rpc_get_nodeid(flux_future_t *f);

/* futures */
int flux_future_then(flux_future_t *f, double timeout, flux_continuation_f cb, void *arg);
flux_future_t *flux_future_and_then(flux_future_t *prev, flux_continuation_f cb,
                                    void *arg);
flux_future_t *flux_future_or_then(flux_future_t *prev, flux_continuation_f cb,
                                   void *arg);
int flux_future_wait_for(flux_future_t *f, double timeout);
bool flux_future_is_ready(flux_future_t *f);
void flux_future_reset(flux_future_t *f);
void flux_future_destroy(flux_future_t *f);
void *flux_future_aux_get(flux_future_t *f, const char *name);
int flux_future_aux_set(flux_future_t *f, const char *name, void *aux,
                        flux_free_f destroy);
flux_future_t *flux_future_create(flux_future_init_f cb, void *arg);
int flux_future_get(flux_future_t *f, const void **result);
void flux_future_fulfill(flux_future_t *f, void *result, flux_free_f free_fn);
void flux_future_fulfill_error(flux_future_t *f, int errnum, const char *errstr);

/* reactor and watchers */
int flux_reactor_run(flux_reactor_t *r, int flags);
flux_watcher_t *flux_handle_watcher_create(flux_reactor_t *r, flux_t *h, int events,
                                           flux_watcher_f cb, void *arg);
flux_watcher_t *flux_fd_watcher_create(flux_reactor_t *r, int fd, int events,
                                       flux_watcher_f cb, void *arg);
flux_watcher_t *flux_timer_watcher_create(flux_reactor_t *r, double after, double repeat,
                                          flux_watcher_f cb, void *arg);
flux_watcher_t *flux_periodic_watcher_create(flux_reactor_t *r, double offset,
                                             double interval,
                                             flux_reschedule_f reschedule_cb,
                                             flux_watcher_f cb, void *arg);
void flux_periodic_watcher_reset(flux_watcher_t *w, double next_wakeup, double interval,
                                 flux_reschedule_f reschedule_cb);
flux_watcher_t *flux_prepare_watcher_create(flux_reactor_t *r, flux_watcher_f cb,
                                            void *arg);
flux_watcher_t *flux_check_watcher_create(flux_reactor_t *r, flux_watcher_f cb,
                                          void *arg);
flux_watcher_t *flux_idle_watcher_create(flux_reactor_t *r, flux_watcher_f cb, void *arg);
flux_watcher_t *flux_signal_watcher_create(flux_reactor_t *r, int signum,
                                           flux_watcher_f cb, void *arg);
flux_watcher_t *flux_stat_watcher_create(flux_reactor_t *r, const char *path,
                                         double interval, flux_watcher_f cb, void *arg);
void flux_watcher_start(flux_watcher_t *w);
void flux_watcher_stop(flux_watcher_t *w);
void flux_watcher_unref(flux_watcher_t *w);
void flux_watcher_destroy(flux_watcher_t *w);

/* message handlers */
flux_msg_handler_t *flux_msg_handler_create(flux_t *h, const struct flux_match match,
                                            flux_msg_handler_f cb, void *arg);
void flux_msg_handler_destroy(flux_msg_handler_t *mh);
int flux_msg_handler_addvec(flux_t *h, const struct flux_msg_handler_spec tab[],
                            void *arg, flux_msg_handler_t **msg_handlers[]);
int flux_msg_handler_addvec_ex(flux_t *h, const char *service_name,
                               const struct flux_msg_handler_spec tab[], void *arg,
                               flux_msg_handler_t **hp[]);

/* events */
int flux_event_subscribe(flux_t *h, const char *topic);
int flux_event_unsubscribe(flux_t *h, const char *topic);
flux_future_t *flux_event_subscribe_ex(flux_t *h, const char *topic, int flags);
flux_future_t *flux_event_unsubscribe_ex(flux_t *h, const char *topic, int flags);
flux_future_t *flux_event_publish(flux_t *h, const char *topic, int flags, const char *s);
flux_future_t *flux_event_publish_raw(flux_t *h, const char *topic, int flags,
                                      const void *data, size_t len);
int flux_event_publish_get_seq(flux_future_t *f, int *seq);

/* kvs */
flux_future_t *flux_kvs_lookup(flux_t *h, const char *ns, int flags, const char *key);
flux_future_t *flux_kvs_lookupat(flux_t *h, int flags, const char *key,
                                 const char *treeobj);
int flux_kvs_lookup_get(flux_future_t *f, const char **value);
int flux_kvs_lookup_get_raw(flux_future_t *f, const void **data, size_t *len);
int flux_kvs_lookup_get_treeobj(flux_future_t *f, const char **treeobj);
int flux_kvs_lookup_get_dir(flux_future_t *f, const flux_kvsdir_t **dir);
int flux_kvs_lookup_get_symlink(flux_future_t *f, const char **ns, const char **target);
const char *flux_kvs_lookup_get_key(flux_future_t *f);
int flux_kvs_lookup_cancel(flux_future_t *f);
flux_future_t *flux_kvs_commit(flux_t *h, const char *ns, int flags, flux_kvs_txn_t *txn);
int flux_kvs_commit_get_treeobj(flux_future_t *f, const char **treeobj);
int flux_kvs_commit_get_rootref(flux_future_t *f, const char **rootref);
int flux_kvs_commit_get_sequence(flux_future_t *f, int *rootseq);
flux_kvs_txn_t *flux_kvs_txn_create(void);
void flux_kvs_txn_destroy(flux_kvs_txn_t *txn);
int flux_kvs_txn_put(flux_kvs_txn_t *txn, int flags, const char *key, const char *value);
int flux_kvs_txn_vpack(flux_kvs_txn_t *txn, int flags, const char *key, const char *fmt,
                       va_list ap);
int flux_kvs_txn_pack(flux_kvs_txn_t *txn, int flags, const char *key, const char *fmt,
                      ...);
int flux_kvs_txn_put_raw(flux_kvs_txn_t *txn, int flags, const char *key,
                         const void *data, size_t len);
int flux_kvs_txn_put_treeobj(flux_kvs_txn_t *txn, int flags, const char *key,
                             const char *treeobj);
int flux_kvs_txn_mkdir(flux_kvs_txn_t *txn, int flags, const char *key);
int flux_kvs_txn_unlink(flux_kvs_txn_t *txn, int flags, const char *key);
int flux_kvs_txn_symlink(flux_kvs_txn_t *txn, int flags, const char *key, const char *ns,
                         const char *target);
int flux_kvs_txn_clear(flux_kvs_txn_t *txn);
int flux_kvs_get_version(flux_t *h, const char *ns, int *versionp);
int flux_kvs_wait_version(flux_t *h, const char *ns, int version);
flux_future_t *flux_kvs_getroot(flux_t *h, const char *ns, int flags);
int flux_kvs_getroot_get_treeobj(flux_future_t *f, const char **treeobj);
int flux_kvs_getroot_get_blobref(flux_future_t *f, const char **blobref);
int flux_kvs_getroot_get_sequence(flux_future_t *f, int *seq);

#ifdef __cplusplus
}
#endif

#endif
