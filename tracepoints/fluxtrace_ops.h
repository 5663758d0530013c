/* The contract between the preload shim and the tracepoint provider.
 *
 * The shim (libfluxtrace.so) never links LTTng-UST: a process that never calls
 * libflux-core must not load it or start its threads.  On the first traced call
 * the shim dlopens libfluxtrace-tp.so and asks it for this table.  Each record
 * is passed as a small struct of plain values the shim read through the real
 * flux functions; the provider adds what is policy or costly (payload hash and
 * prefix, stack) and fires the tracepoint.
 *
 * Bump FLUXTRACE_OPS_ABI when a struct or the table changes, and
 * FLUXTRACE_FORMAT_VERSION (recorded in every `process` record) when a record's
 * fields change, so the analyzer can refuse traces it does not know.
 */
#ifndef FLUXTRACE_OPS_H
#define FLUXTRACE_OPS_H

#include <signal.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FLUXTRACE_OPS_ABI 3
#define FLUXTRACE_FORMAT_VERSION 1

/* Every record kind, so the shim can ask cheaply whether anyone listens. */
enum ft_event {
    FT_EV_PROCESS,
    FT_EV_DSO,
    FT_EV_HANDLE,
    FT_EV_ATTR,
    FT_EV_MSG,
    FT_EV_RPC,
    FT_EV_CB_BEGIN,
    FT_EV_CB_END,
    FT_EV_FUTURE,
    FT_EV_FUTURE_WAIT,
    FT_EV_REACTOR_RUN,
    FT_EV_LOOP,
    FT_EV_KVS_LOOKUP,
    FT_EV_KVS_VALUE,
    FT_EV_KVS_TXN,
    FT_EV_KVS_COMMIT,
    FT_EV_KVS_RESULT,
    FT_EV_KVS_VERSION,
    FT_EV_EVENT_SUB,
    FT_EV_EVENT_PUB,
    FT_EV_PROC_LIFE,
    FT_EV_COUNT
};

/* flux_send/_new/recv/requeue: one record class, `op` says which. */
enum ft_msg_op {
    FT_MSG_SEND = 0,
    FT_MSG_SEND_NEW = 1,
    FT_MSG_RECV = 2,
    FT_MSG_REQUEUE = 3
};

struct ft_msg {
    uint64_t h;
    uint64_t m; /* the message object, to tie a handler's run to its receipt */
    uint8_t op;
    int32_t rc;
    int32_t err; /* errno of the call when rc < 0 */
    int32_t type;
    const char *topic;
    uint32_t nodeid;
    uint32_t matchtag;
    uint32_t msgflags;
    const char *route_first;
    int32_t route_count;
    uint32_t seq;
    int32_t errnum; /* the message's error number (responses) */
    const void *payload;
    uint32_t payload_len;
};

enum ft_rpc_api { FT_RPC = 0, FT_RPC_PACK, FT_RPC_VPACK, FT_RPC_RAW, FT_RPC_MESSAGE };

struct ft_rpc {
    uint64_t f;
    uint64_t h;
    uint8_t api;
    const char *topic;
    uint32_t nodeid;
    int32_t flags;
    uint32_t matchtag;
    int32_t err; /* errno when f == 0 */
};

/* What kind of callback a trampoline ran. */
enum ft_cb_kind {
    FT_CB_CONTINUATION = 0,
    FT_CB_MSG_HANDLER,
    FT_CB_FD,
    FT_CB_HANDLE,
    FT_CB_TIMER,
    FT_CB_PERIODIC,
    FT_CB_PREPARE,
    FT_CB_CHECK,
    FT_CB_IDLE,
    FT_CB_SIGNAL,
    FT_CB_STAT,
    FT_CB_RESCHEDULE,
};

struct ft_cb {
    uint8_t kind;
    uint64_t obj;         /* future, msg handler or watcher */
    uint64_t fn;          /* the program's callback */
    uint64_t arg;         /* for handlers: the message being handled */
    uint64_t duration_ns; /* cb_end only */
};

enum ft_future_op {
    FT_FUTURE_CREATE = 0,
    FT_FUTURE_FULFILL,
    FT_FUTURE_FULFILL_ERROR,
    FT_FUTURE_RESET,
    FT_FUTURE_DESTROY,
    FT_FUTURE_THEN,
};

struct ft_future {
    uint8_t op;
    uint64_t f;
    uint64_t fn; /* then: continuation; create: init callback */
    double timeout;
    int32_t errnum;
    int32_t rc;
};

/* Calls that may wait for a future.  `blocked_ns` is the time spent in the call
 * when the future was not ready on entry. */
enum ft_wait_api {
    FT_WAIT_FUTURE_GET = 0,
    FT_WAIT_FUTURE_WAIT_FOR,
    FT_WAIT_RPC_GET,
    FT_WAIT_RPC_GET_RAW,
    FT_WAIT_KVS_LOOKUP_GET,
    FT_WAIT_KVS_COMMIT_GET,
    FT_WAIT_EVENT_PUBLISH_GET_SEQ,
    FT_WAIT_KVS_GETROOT_GET,
};

struct ft_future_wait {
    uint8_t api;
    uint64_t f;
    uint8_t was_ready;
    double timeout;
    uint64_t blocked_ns;
    int32_t rc;
    int32_t err;
};

struct ft_reactor_run {
    uint64_t r;
    int32_t flags;
    uint32_t depth; /* 1 for the outermost run on this thread */
    uint8_t end;    /* 0 at entry, 1 at return */
    int32_t rc;
    uint64_t duration_ns;
};

enum ft_lookup_api { FT_LOOKUP = 0, FT_LOOKUPAT, FT_LOOKUP_CANCEL };

struct ft_kvs_lookup {
    uint8_t api;
    uint64_t f;
    uint64_t h;
    const char *ns;
    const char *key;
    int32_t flags;
    const char *treeobj; /* lookupat only */
    int32_t rc;
    int32_t err;
};

enum ft_value_api {
    FT_VALUE_LOOKUP_GET = 0,
    FT_VALUE_LOOKUP_GET_RAW,
    FT_VALUE_LOOKUP_GET_TREEOBJ,
    FT_VALUE_LOOKUP_GET_DIR,
    FT_VALUE_LOOKUP_GET_SYMLINK,
};

/* A value a reader obtained; hashed over the decoded raw bytes, as the writer's
 * side is, so the two can be matched. */
struct ft_kvs_value {
    uint8_t api;
    uint64_t f;
    int32_t rc;
    int32_t err;
    const void *data;
    uint32_t len;
    uint8_t has_data; /* 0 when the value cannot be hashed here (dir, treeobj) */
};

enum ft_txn_op {
    FT_TXN_CREATE = 0,
    FT_TXN_DESTROY,
    FT_TXN_PUT,
    FT_TXN_PACK,
    FT_TXN_PUT_RAW,
    FT_TXN_PUT_TREEOBJ,
    FT_TXN_MKDIR,
    FT_TXN_UNLINK,
    FT_TXN_SYMLINK,
    FT_TXN_CLEAR,
};

struct ft_kvs_txn {
    uint8_t op;
    uint64_t txn;
    int32_t flags;
    const char *key;
    const void *data; /* raw value bytes; NULL when not known at this layer */
    uint32_t len;
    int32_t rc;
    int32_t err;
};

struct ft_kvs_commit {
    uint64_t f;
    uint64_t h;
    const char *ns;
    int32_t flags;
    uint64_t txn;
    int32_t err;
};

enum ft_result_api {
    FT_RESULT_COMMIT_SEQUENCE = 0,
    FT_RESULT_COMMIT_ROOTREF,
    FT_RESULT_COMMIT_TREEOBJ,
    FT_RESULT_GETROOT_SEQUENCE,
    FT_RESULT_GETROOT_BLOBREF,
    FT_RESULT_GETROOT_TREEOBJ,
    FT_RESULT_GETROOT_REQUEST,
};

struct ft_kvs_result {
    uint8_t api;
    uint64_t f;
    uint64_t h;
    const char *ns; /* getroot request */
    int32_t rc;
    int32_t err;
    int64_t seq;
    const char *ref;
};

enum ft_version_api { FT_VERSION_GET = 0, FT_VERSION_WAIT };

struct ft_kvs_version {
    uint8_t api;
    uint64_t h;
    const char *ns;
    int32_t version;
    int32_t rc;
    int32_t err;
    uint64_t blocked_ns;
};

enum ft_sub_op { FT_SUB = 0, FT_UNSUB, FT_SUB_EX, FT_UNSUB_EX };

struct ft_event_sub {
    uint8_t op;
    uint64_t h;
    const char *topic;
    int32_t flags;
    int32_t rc;
    int32_t err;
    uint64_t f;
};

enum ft_pub_api { FT_PUB = 0, FT_PUB_RAW, FT_PUB_GET_SEQ };

struct ft_event_pub {
    uint8_t api;
    uint64_t h;
    uint64_t f;
    const char *topic;
    int32_t flags;
    const void *payload;
    uint32_t payload_len;
    int32_t seq;
    int32_t rc;
    int32_t err;
};

enum ft_handle_op { FT_HANDLE_OPEN = 0, FT_HANDLE_CLOSE, FT_HANDLE_CLONE };

struct ft_handle {
    uint8_t op;
    uint64_t h;
    uint64_t orig; /* clone: the original handle */
    const char *uri;
    int32_t flags;
    int32_t err;
};

/* Identity a process learned on its own: attribute cache entries the broker
 * or the program set, and the results of the program's own rank/size calls. */
enum ft_attr_source {
    FT_ATTR_CACHE = 0,
    FT_ATTR_GET,
    FT_ATTR_GET_RANK,
    FT_ATTR_GET_SIZE
};

struct ft_attr {
    uint8_t source;
    uint64_t h;
    const char *name;
    const char *value;
};

enum ft_life_op {
    FT_LIFE_FORK_PARENT = 0, /* pid = child */
    FT_LIFE_SPAWN,           /* pid = child, path */
    FT_LIFE_EXEC,            /* path, just before exec */
    FT_LIFE_THREAD_CREATE,   /* token: matches the new thread's THREAD_START */
    FT_LIFE_THREAD_START,
};

struct ft_life {
    uint8_t op;
    int32_t pid;
    const char *path;
    uint64_t token;
    int32_t rc;
    int32_t err;
};

/* The table the provider hands to the shim.  `state[ev]` is non-zero while a
 * session listens to that record kind (LTTng's own flag for the tracepoint);
 * the shim skips all field gathering while it is zero. */
struct fluxtrace_ops {
    uint32_t abi;
    const int *state[FT_EV_COUNT];
    void (*msg)(const struct ft_msg *m);
    void (*rpc)(const struct ft_rpc *r);
    void (*cb_begin)(const struct ft_cb *c);
    void (*cb_end)(const struct ft_cb *c);
    void (*future)(const struct ft_future *f);
    void (*future_wait)(const struct ft_future_wait *w);
    void (*reactor_run)(const struct ft_reactor_run *r);
    void (*loop)(uint64_t r, uint64_t busy_ns);
    void (*kvs_lookup)(const struct ft_kvs_lookup *l);
    void (*kvs_value)(const struct ft_kvs_value *v);
    void (*kvs_txn)(const struct ft_kvs_txn *t);
    void (*kvs_commit)(const struct ft_kvs_commit *c);
    void (*kvs_result)(const struct ft_kvs_result *r);
    void (*kvs_version)(const struct ft_kvs_version *v);
    void (*event_sub)(const struct ft_event_sub *s);
    void (*event_pub)(const struct ft_event_pub *p);
    void (*handle)(const struct ft_handle *h);
    void (*attr)(const struct ft_attr *a);
    void (*life)(const struct ft_life *l);
    /* lttng-ust's fork hooks, so a child of fork() gets its own vpid. */
    void (*before_fork)(sigset_t *save);
    void (*after_fork_parent)(sigset_t *restore);
    void (*after_fork_child)(sigset_t *restore);
    /* lttng-ust's guarded close: a program that closes every descriptor (as
     * flux's libsubprocess does between fork and exec) must not close the
     * tracer's sockets and shared memory under it (lttng-ust(3), "fd"). */
    int (*safe_close)(int fd, int (*close_cb)(int fd));
    int (*safe_fclose)(FILE *stream, int (*fclose_cb)(FILE *stream));
    /* Monotonic clock, in ns, the same one LTTng stamps records with. */
    uint64_t (*now_ns)(void);
};

/* Exported by libfluxtrace-tp.so. */
const struct fluxtrace_ops *fluxtrace_tp_ops(void);

#ifdef __cplusplus
}
#endif

#endif
