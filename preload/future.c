/* Futures and the reactor: fulfilment, waits that may block (how long, on what),
 * nested reactor runs, and each loop iteration's busy time. */
#include "shim.h"

/* ---- life of a future ------------------------------------------------------ */

static void emit_future(const struct ft_call *c, enum ft_future_op op, flux_future_t *f,
                        uint64_t fn, int errnum, int rc) {
    (void)c;
    struct ft_future rec = {
        .op = op, .f = ft_ptr(f), .fn = fn, .errnum = errnum, .rc = rc};
    ft_ops()->future(&rec);
}

static void after_create(struct ft_call *c, flux_future_t *f, flux_future_init_f cb,
                         void *arg) {
    (void)arg;
    emit_future(c, FT_FUTURE_CREATE, f, (uint64_t)(uintptr_t)cb, 0, f ? 0 : -1);
}
static void after_fulfill(struct ft_call *c, flux_future_t *f, void *result,
                          flux_free_f free_fn) {
    (void)result, (void)free_fn;
    emit_future(c, FT_FUTURE_FULFILL, f, 0, 0, 0);
}
static void after_fulfill_error(struct ft_call *c, flux_future_t *f, int errnum,
                                const char *errstr) {
    (void)errstr;
    emit_future(c, FT_FUTURE_FULFILL_ERROR, f, 0, errnum, 0);
}
static void after_reset(struct ft_call *c, flux_future_t *f) {
    emit_future(c, FT_FUTURE_RESET, f, 0, 0, 0);
}
/* Recorded before: afterwards the address may already be reused. */
static void before_destroy(struct ft_call *c, flux_future_t *f) {
    emit_future(c, FT_FUTURE_DESTROY, f, 0, 0, 0);
}

FT_WRAP(flux_future_t *, NULL, flux_future_create, (flux_future_init_f cb, void *arg),
        (cb, arg), FT_EV_FUTURE, FT_NOHOOK, after_create)
FT_WRAP_VOID(flux_future_fulfill, (flux_future_t * f, void *result, flux_free_f free_fn),
             (f, result, free_fn), FT_EV_FUTURE, FT_NOHOOK, after_fulfill)
FT_WRAP_VOID(flux_future_fulfill_error,
             (flux_future_t * f, int errnum, const char *errstr), (f, errnum, errstr),
             FT_EV_FUTURE, FT_NOHOOK, after_fulfill_error)
FT_WRAP_VOID(flux_future_reset, (flux_future_t * f), (f), FT_EV_FUTURE, FT_NOHOOK,
             after_reset)
FT_WRAP_VOID(flux_future_destroy, (flux_future_t * f), (f), FT_EV_FUTURE, before_destroy,
             FT_NOHOOK)

/* ---- waits ------------------------------------------------------------------ */

#define WAIT_OUTER 1u
#define WAIT_READY 2u

void ft_wait_begin(struct ft_call *c, flux_future_t *f) {
    c->state = 0;
    if (!(c->busy & FT_WAIT_KINDS)) {
        c->state = WAIT_OUTER;
        if (f != NULL && FT_REAL(flux_future_is_ready)(f))
            c->state |= WAIT_READY;
    }
}

void ft_wait_end(struct ft_call *c, enum ft_wait_api api, flux_future_t *f, int rc,
                 double timeout) {
    if (!(c->state & WAIT_OUTER))
        return;
    bool ready = (c->state & WAIT_READY) != 0;
    struct ft_future_wait w = {
        .api = api,
        .f = ft_ptr(f),
        .was_ready = ready,
        .timeout = timeout,
        .blocked_ns = ready ? 0 : ft_call_elapsed(c),
        .rc = rc,
        .err = ft_call_err(c, rc < 0),
    };
    ft_ops()->future_wait(&w);
}

static void before_get(struct ft_call *c, flux_future_t *f, const void **result) {
    (void)result;
    ft_wait_begin(c, f);
}
static void after_get(struct ft_call *c, int rc, flux_future_t *f, const void **result) {
    (void)result;
    ft_wait_end(c, FT_WAIT_FUTURE_GET, f, rc, -1.0);
}
static void before_wait_for(struct ft_call *c, flux_future_t *f, double timeout) {
    (void)timeout;
    ft_wait_begin(c, f);
}
static void after_wait_for(struct ft_call *c, int rc, flux_future_t *f, double timeout) {
    ft_wait_end(c, FT_WAIT_FUTURE_WAIT_FOR, f, rc, timeout);
}
static void before_rpc_get(struct ft_call *c, flux_future_t *f, const char **s) {
    (void)s;
    ft_wait_begin(c, f);
}
static void after_rpc_get(struct ft_call *c, int rc, flux_future_t *f, const char **s) {
    (void)s;
    ft_wait_end(c, FT_WAIT_RPC_GET, f, rc, -1.0);
}
static void before_rpc_get_raw(struct ft_call *c, flux_future_t *f, const void **data,
                               size_t *len) {
    (void)data, (void)len;
    ft_wait_begin(c, f);
}
static void after_rpc_get_raw(struct ft_call *c, int rc, flux_future_t *f,
                              const void **data, size_t *len) {
    (void)data, (void)len;
    ft_wait_end(c, FT_WAIT_RPC_GET_RAW, f, rc, -1.0);
}

FT_WRAP(int, -1, flux_future_get, (flux_future_t * f, const void **result), (f, result),
        FT_EV_FUTURE_WAIT, before_get, after_get)
FT_WRAP(int, -1, flux_future_wait_for, (flux_future_t * f, double timeout), (f, timeout),
        FT_EV_FUTURE_WAIT, before_wait_for, after_wait_for)
FT_WRAP(int, -1, flux_rpc_get, (flux_future_t * f, const char **s), (f, s),
        FT_EV_FUTURE_WAIT, before_rpc_get, after_rpc_get)
FT_WRAP(int, -1, flux_rpc_get_raw, (flux_future_t * f, const void **data, size_t *len),
        (f, data, len), FT_EV_FUTURE_WAIT, before_rpc_get_raw, after_rpc_get_raw)

/* ---- the reactor -------------------------------------------------------------
 * Busy time of an iteration: from the check watcher (poll returned) to the
 * prepare watcher (about to poll again).  An iteration that ran callbacks
 * (ft_callback_runs) gets a `loop` record; those that ran none (libflux-core's
 * own message plumbing, spurious wake-ups) are only counted, summed
 * and their longest kept, in the next record or in one written when the run
 * returns.  The two probe watchers live only while the outermost run on this
 * thread lasts, are created with the real functions (no trampolines), and are
 * unref'd so they never keep a reactor running that would otherwise stop.
 */
struct loop_probe {
    flux_watcher_t *prepare;
    flux_watcher_t *check;
    uint64_t woke_ns;       /* 0 until the first check */
    uint32_t callback_runs; /* ft_callback_runs at the previous prepare */
    struct ft_loop pending; /* the record being gathered */
};

static void probe_check(flux_reactor_t *r, flux_watcher_t *w, int revents, void *arg) {
    (void)r, (void)w, (void)revents;
    struct loop_probe *p = arg;
    const struct fluxtrace_ops *o = ft_ops_if_loaded();
    if (o != NULL)
        p->woke_ns = o->now_ns();
}

static void probe_emit(struct loop_probe *p, const struct fluxtrace_ops *o) {
    int saved = errno;
    ft_guard++;
    o->loop(&p->pending);
    ft_guard--;
    errno = saved;
    p->pending = (struct ft_loop){0};
}

static void probe_prepare(flux_reactor_t *r, flux_watcher_t *w, int revents, void *arg) {
    (void)r, (void)w, (void)revents;
    struct loop_probe *p = arg;
    const struct fluxtrace_ops *o = ft_ops_if_loaded();
    const uint32_t runs = ft_callback_runs - p->callback_runs;
    p->callback_runs = ft_callback_runs;
    if (o == NULL || p->woke_ns == 0)
        return;
    const uint64_t busy_ns = o->now_ns() - p->woke_ns;
    if (runs == 0) {
        p->pending.idle_iterations++;
        p->pending.idle_busy_ns += busy_ns;
        if (busy_ns > p->pending.idle_max_ns)
            p->pending.idle_max_ns = busy_ns;
        return;
    }
    p->pending.busy_ns = busy_ns;
    p->pending.callbacks = runs;
    probe_emit(p, o);
}

static void probe_start(struct loop_probe *p, flux_reactor_t *r) {
    *p = (struct loop_probe){.callback_runs = ft_callback_runs};
    __typeof__(&flux_watcher_unref) unref = FT_REAL(flux_watcher_unref);
    if (unref == NULL) /* without unref the probes would keep the loop alive */
        return;
    p->prepare = FT_REAL(flux_prepare_watcher_create)(r, probe_prepare, p);
    p->check = FT_REAL(flux_check_watcher_create)(r, probe_check, p);
    if (p->prepare == NULL || p->check == NULL) {
        if (p->prepare)
            FT_REAL(flux_watcher_destroy)(p->prepare);
        if (p->check)
            FT_REAL(flux_watcher_destroy)(p->check);
        p->prepare = p->check = NULL;
        return;
    }
    unref(p->prepare);
    unref(p->check);
    FT_REAL(flux_watcher_start)(p->prepare);
    FT_REAL(flux_watcher_start)(p->check);
}

static void probe_stop(struct loop_probe *p) {
    if (p->prepare == NULL)
        return;
    const struct fluxtrace_ops *o = ft_ops_if_loaded();
    if (o != NULL && p->pending.idle_iterations > 0 && ft_enabled(o, FT_EV_LOOP))
        probe_emit(p, o);
    FT_REAL(flux_watcher_destroy)(p->prepare);
    FT_REAL(flux_watcher_destroy)(p->check);
}

static __thread uint32_t run_depth __attribute__((tls_model("initial-exec")));

int flux_reactor_run(flux_reactor_t *r, int flags) {
    __typeof__(&flux_reactor_run) real = FT_REAL(flux_reactor_run);
    if (real == NULL) {
        errno = ENOSYS;
        return -1;
    }
    const struct fluxtrace_ops *o = ft_guard ? NULL : ft_ops();
    if (o == NULL || r == NULL)
        return real(r, flags);

    struct ft_call call;
    ft_call_enter(&call);
    struct ft_reactor_run rec = {.r = ft_ptr(r), .flags = flags, .depth = ++run_depth};
    struct loop_probe probe = {0};
    if (rec.depth == 1 && ft_enabled(o, FT_EV_LOOP))
        probe_start(&probe, r);
    o->reactor_run(&rec);
    ft_call_real(&call, FT_EV_REACTOR_RUN);

    int rc = real(r, flags);

    ft_call_return(&call);
    probe_stop(&probe);
    rec.end = 1;
    rec.rc = rc;
    rec.duration_ns = ft_call_elapsed(&call);
    o->reactor_run(&rec);
    run_depth--;
    ft_call_leave(&call);
    return rc;
}
