/* Internals shared by the shim's wrappers. */
#ifndef FLUXTRACE_SHIM_H
#define FLUXTRACE_SHIM_H

#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include "flux_api.h"
#include "fluxtrace_ops.h"
#include "symbols.h"

/* ---- real symbols ----------------------------------------------------------
 * Filled lazily, once per symbol: other libraries' constructors can call into
 * the shim before its own constructor runs.  A flux symbol not found with
 * RTLD_NEXT is looked up in an already loaded libflux-core (Python's bindings
 * load it RTLD_LOCAL).  NULL when it does not exist at all.
 */
enum ft_sym {
#define FT_SYM_ENUM(name) FT_SYM_##name,
    FT_FLUX_SYMBOLS(FT_SYM_ENUM) FT_LIBC_SYMBOLS(FT_SYM_ENUM) FT_SYM_COUNT
#undef FT_SYM_ENUM
};

extern void *ft_sym_table[FT_SYM_COUNT];
#define FT_UNRESOLVED ((void *)1) /* no function lives at address 1 */
void *ft_real_resolve(enum ft_sym sym);

static inline void *ft_real(enum ft_sym sym) {
    void *p = __atomic_load_n(&ft_sym_table[sym], __ATOMIC_ACQUIRE);
    return __builtin_expect(p != FT_UNRESOLVED, 1) ? p : ft_real_resolve(sym);
}
#define FT_REAL(name) ((__typeof__(&name))ft_real(FT_SYM_##name))

/* ---- recursion guard -------------------------------------------------------
 * Set while the shim's own code runs (reading message fields, emitting), so
 * that libflux-core calling itself through its PLT from inside that code is
 * passed straight through.  initial-exec TLS: a general-dynamic access may call
 * __tls_get_addr, which can allocate, on a thread's first touch.
 */
extern __thread int ft_guard __attribute__((tls_model("initial-exec")));
/* One bit per record kind, set while a wrapper of that kind runs its real
 * call: libflux-core implementing one entry point with another of the same
 * kind (flux_open with flux_open_ex, flux_send_new falling back on flux_send,
 * subscribe with subscribe_ex) is recorded once, as the program's call.
 * Trampolines clear it: a callback's calls are its own. */
extern __thread uint32_t ft_busy __attribute__((tls_model("initial-exec")));
/* Traced callback runs on this thread so far, prepare, check and idle
 * watchers left out: the reactor probe writes a `loop` record only for
 * iterations that ran some. */
extern __thread uint32_t ft_callback_runs __attribute__((tls_model("initial-exec")));

/* The provider's table once loaded, else NULL. */
extern const struct fluxtrace_ops *ft_loaded_ops;
const struct fluxtrace_ops *ft_ops_load(void);

/* The table if already loaded, without loading it (fork, threads, exec: a
 * process that never called libflux must stay inert). */
static inline const struct fluxtrace_ops *ft_ops_if_loaded(void) {
    return __atomic_load_n(&ft_loaded_ops, __ATOMIC_ACQUIRE);
}

/* The provider's table: loaded on first use; NULL when it cannot be. */
static inline const struct fluxtrace_ops *ft_ops(void) {
    const struct fluxtrace_ops *o = ft_ops_if_loaded();
    return __builtin_expect(o != NULL, 1) ? o : ft_ops_load();
}

static inline bool ft_enabled(const struct fluxtrace_ops *o, enum ft_event ev) {
    return __atomic_load_n(o->state[ev], __ATOMIC_RELAXED) != 0;
}

static inline bool ft_tracing(enum ft_event ev) {
    if (ft_guard || (ft_busy & (1u << ev)))
        return false;
    const struct fluxtrace_ops *o = ft_ops();
    return o != NULL && ft_enabled(o, ev);
}

static inline uint64_t ft_ptr(const void *p) {
    return (uint64_t)(uintptr_t)p;
}

/* ---- one call through a wrapper -------------------------------------------
 * errno is the program's: the value on entry is restored before the real call
 * and the real call's value is restored on return, whatever the hooks did.
 */
struct ft_call {
    int errno_in;
    int errno_out;
    uint64_t t0; /* ns, just before the real call */
    uint64_t state;
    uint32_t busy; /* ft_busy on entry */
};

static inline void ft_call_enter(struct ft_call *c) {
    c->errno_in = errno;
    c->state = 0;
    c->busy = ft_busy;
    ft_guard++;
}

/* Record kinds whose wrappers report how long the call took (waits). */
/* Record kinds of calls that may wait for a future.  A wait inside another
 * (rpc_get calling future_get, lookup_get calling it too) is not a wait of its
 * own: only the outermost is recorded (ft_busy says which are running). */
#define FT_WAIT_KINDS                                                                    \
    ((1u << FT_EV_FUTURE_WAIT) | (1u << FT_EV_KVS_VALUE) | (1u << FT_EV_KVS_RESULT) |    \
     (1u << FT_EV_KVS_VERSION) | (1u << FT_EV_EVENT_PUB))
#define FT_TIMED(ev) (((FT_WAIT_KINDS | (1u << FT_EV_REACTOR_RUN)) >> (ev)) & 1u)

/* Reads the clock only for wrappers that report a duration (`ev` is a
 * constant at every call site), and marks the record kind busy. */
static inline void ft_call_real(struct ft_call *c, enum ft_event ev) {
    c->t0 = FT_TIMED(ev) ? ft_ops()->now_ns() : 0;
    ft_busy |= 1u << ev;
    ft_guard--;
    errno = c->errno_in;
}

static inline void ft_call_return(struct ft_call *c) {
    c->errno_out = errno;
    ft_busy = c->busy;
    ft_guard++;
}

static inline void ft_call_leave(struct ft_call *c) {
    ft_guard--;
    errno = c->errno_out;
}

static inline uint64_t ft_call_elapsed(const struct ft_call *c) {
    return ft_ops()->now_ns() - c->t0;
}

static inline int ft_call_err(const struct ft_call *c, int failed) {
    return failed ? c->errno_out : 0;
}

#define FT_COMMA_ARGS(...) , ##__VA_ARGS__
#define FT_NOHOOK(...) ((void)0)

/* One wrapper per line:
 *   FT_WRAP(ret, value-on-ENOSYS, name, (params), (args), record kind, pre, post)
 * `pre(call, args...)` runs before the real call, `post(call, rc, args...)`
 * after it; either may be FT_NOHOOK.  When no session listens to the record
 * kind, or the shim itself is the caller, the real function is called directly.
 */
#define FT_WRAP(ret, fail, name, params, args, ev, pre, post)                            \
    ret name params {                                                                    \
        __typeof__(&name) real_ = FT_REAL(name);                                         \
        if (__builtin_expect(real_ == NULL, 0)) {                                        \
            errno = ENOSYS;                                                              \
            return (ret)(fail);                                                          \
        }                                                                                \
        if (!ft_tracing(ev))                                                             \
            return real_ args;                                                           \
        struct ft_call call_;                                                            \
        ft_call_enter(&call_);                                                           \
        pre(&call_ FT_COMMA_ARGS args);                                                  \
        ft_call_real(&call_, ev);                                                        \
        ret rc_ = real_ args;                                                            \
        ft_call_return(&call_);                                                          \
        post(&call_, rc_ FT_COMMA_ARGS args);                                            \
        ft_call_leave(&call_);                                                           \
        return rc_;                                                                      \
    }

#define FT_WRAP_VOID(name, params, args, ev, pre, post)                                  \
    void name params {                                                                   \
        __typeof__(&name) real_ = FT_REAL(name);                                         \
        if (__builtin_expect(real_ == NULL, 0)) {                                        \
            errno = ENOSYS;                                                              \
            return;                                                                      \
        }                                                                                \
        if (!ft_tracing(ev)) {                                                           \
            real_ args;                                                                  \
            return;                                                                      \
        }                                                                                \
        struct ft_call call_;                                                            \
        ft_call_enter(&call_);                                                           \
        pre(&call_ FT_COMMA_ARGS args);                                                  \
        ft_call_real(&call_, ev);                                                        \
        real_ args;                                                                      \
        ft_call_return(&call_);                                                          \
        post(&call_ FT_COMMA_ARGS args);                                                 \
        ft_call_leave(&call_);                                                           \
    }

/* Read a message's identity and payload into a record (guard must be held). */
void ft_msg_fill(struct ft_msg *m, const flux_msg_t *msg);

/* Blocking-wait bookkeeping shared by every call that may wait on a future
 * (future.c): only the outermost wait of a thread is recorded. */
void ft_wait_begin(struct ft_call *c, flux_future_t *f);
void ft_wait_end(struct ft_call *c, enum ft_wait_api api, flux_future_t *f, int rc,
                 double timeout);
#endif
