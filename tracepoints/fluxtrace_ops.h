/* The contract between the preload shim and the tracepoint provider.
 *
 * The shim (libfluxtrace.so) never links LTTng-UST: a process that never calls
 * libflux-core must not load it or start its threads.  On the first traced call
 * the shim dlopens libfluxtrace-tp.so and asks it for this table.  Each record
 * is passed as a small struct of plain values the shim read through the real
 * flux functions; the provider adds what is policy or costly (payload hash and
 * prefix, stack) and fires the tracepoint.
 *
 * Record kinds, fields and sub-operation codes come from fluxtrace_schema.h.
 * Bump FLUXTRACE_OPS_ABI when a struct or the table changes.
 */
#ifndef FLUXTRACE_OPS_H
#define FLUXTRACE_OPS_H

#include <signal.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>

#include "fluxtrace_schema.h"

#ifdef __cplusplus
extern "C" {
#endif

#define FLUXTRACE_OPS_ABI 6

/* Every record kind, so the shim can ask cheaply whether anyone listens. */
#define FT_EVENT_ENUMERATOR(name, CxxName, c_enum) c_enum,
enum ft_event { FT_RECORDS(FT_EVENT_ENUMERATOR) FT_EV_COUNT };
#undef FT_EVENT_ENUMERATOR

/* The sub-operation codes of fluxtrace_schema.h, as C enums (enum ft_msg_op,
 * ...). */
#define FT_CODE_ENUMERATOR(c_enum, CxxName, what) c_enum,
#define FT_CODE_ENUM(record, field, list, c_enum, CxxEnum)                               \
    enum c_enum { list(FT_CODE_ENUMERATOR) };
FT_CODES(FT_CODE_ENUM)
#undef FT_CODE_ENUM
#undef FT_CODE_ENUMERATOR

/* flux_send/_new/recv/requeue: one record class, `op` says which. */
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

struct ft_cb {
    uint8_t kind;
    uint64_t obj;         /* future, msg handler or watcher */
    uint64_t fn;          /* the program's callback */
    uint64_t arg;         /* for handlers: the message being handled */
    uint64_t duration_ns; /* cb_end only */
};

/* A reactor iteration that ran callbacks, and the ones before it that ran
 * none (or, at the run's return, only those: callbacks = 0). */
struct ft_loop {
    uint64_t busy_ns;
    uint32_t callbacks; /* callback runs the iteration made */
    uint32_t idle_iterations;
    uint64_t idle_busy_ns;
    uint64_t idle_max_ns;
};

struct ft_future {
    uint8_t op;
    uint64_t f;
    uint64_t fn; /* then: continuation; create: init callback */
    double timeout;
    int32_t errnum;
    int32_t rc;
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

struct ft_kvs_version {
    uint8_t api;
    uint64_t h;
    const char *ns;
    int32_t version;
    int32_t rc;
    int32_t err;
    uint64_t blocked_ns;
};

struct ft_event_sub {
    uint8_t op;
    uint64_t h;
    const char *topic;
    int32_t flags;
    int32_t rc;
    int32_t err;
    uint64_t f;
};

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

struct ft_handle {
    uint8_t op;
    uint64_t h;
    uint64_t orig; /* clone: the original handle */
    const char *uri;
    int32_t flags;
    int32_t err;
};

struct ft_attr {
    uint8_t source;
    uint64_t h;
    const char *name;
    const char *value;
};

struct ft_life {
    uint8_t op;
    int32_t pid;
    const char *path;
    uint64_t token;
    int32_t rc;
    int32_t err;
};

struct ft_watcher {
    uint8_t op;
    uint64_t w;
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
    void (*loop)(const struct ft_loop *l);
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
    void (*watcher)(const struct ft_watcher *w);
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
