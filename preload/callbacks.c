/* Trampolines: the program's continuations, message handlers and watcher
 * callbacks run through the shim, so each run is recorded (begin, end,
 * duration, the callback's address) and every record made inside it can be
 * attributed to it.  Trampolines are installed whenever the provider is loaded,
 * so a session started later still sees callbacks registered earlier. */
#include "shim.h"

#include <dlfcn.h>
#include <link.h>
#include <pthread.h>
#include <stdlib.h>

#include "ptrmap.h"

/* ---- whose callback ----------------------------------------------------------
 * libflux-core registers callbacks of its own through the same public calls
 * (the handle watcher's prepare/check/idle watchers, RPC plumbing): they are
 * not the program's, would dominate the trace, and are passed through.  A
 * callback is libflux-core's when its address lies in libflux-core's code.
 */
struct code_range {
    uintptr_t lo, hi;
};
static struct code_range flux_code[4];
static int flux_code_count;
static pthread_once_t flux_code_once = PTHREAD_ONCE_INIT;

static int find_flux_code(struct dl_phdr_info *info, size_t size, void *arg) {
    (void)size;
    uintptr_t base = (uintptr_t)arg;
    if (info->dlpi_addr != base)
        return 0;
    int n = 0;
    for (int i = 0; i < info->dlpi_phnum && n < 4; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X)) {
            flux_code[n].lo = info->dlpi_addr + ph->p_vaddr;
            flux_code[n].hi = flux_code[n].lo + ph->p_memsz;
            n++;
        }
    }
    return n;
}

/* Once per process: two threads registering their first callbacks at once
 * would otherwise both fill flux_code (shim.life.threads under TSan). */
static void look_up_flux_code(void) {
    Dl_info info;
    void *flux_open_real = (void *)FT_REAL(flux_open);
    if (flux_open_real != NULL && dladdr(flux_open_real, &info) != 0)
        flux_code_count = dl_iterate_phdr(find_flux_code, info.dli_fbase);
}

static bool is_flux_internal(void (*fn)(void)) {
    pthread_once(&flux_code_once, look_up_flux_code);
    uintptr_t p = (uintptr_t)fn;
    for (int i = 0; i < flux_code_count; i++)
        if (p >= flux_code[i].lo && p < flux_code[i].hi)
            return true;
    return false;
}

struct trampoline {
    uint8_t kind;
    union {
        flux_continuation_f continuation;
        flux_msg_handler_f handler;
        flux_watcher_f watcher;
        void (*any)(void);
    } fn;
    flux_reschedule_f reschedule;
    void *arg;
};

/* The saved state of the thread around one callback run. */
struct run {
    struct ft_cb cb;
    uint64_t t0;
    uint32_t busy;
    bool traced;
};

static void run_begin(struct run *run, uint8_t kind, const void *obj, void (*fn)(void),
                      const void *msg) {
    const struct fluxtrace_ops *o = ft_guard ? NULL : ft_ops_if_loaded();
    run->busy = ft_busy;
    ft_busy = 0; /* waits and calls inside this callback are its own */
    run->traced = o != NULL && ft_enabled(o, FT_EV_CB_BEGIN);
    if (!run->traced)
        return;
    /* Prepare, check and idle watchers run in every iteration they are
     * started for: they do not make an iteration one that did work. */
    if (kind != FT_CB_PREPARE && kind != FT_CB_CHECK && kind != FT_CB_IDLE)
        ft_callback_runs++;
    int saved = errno;
    ft_guard++;
    run->cb = (struct ft_cb){.kind = kind,
                             .obj = ft_ptr(obj),
                             .fn = (uint64_t)(uintptr_t)fn,
                             .arg = ft_ptr(msg)};
    o->cb_begin(&run->cb);
    run->t0 = o->now_ns();
    ft_guard--;
    errno = saved;
}

static void run_end(struct run *run) {
    ft_busy = run->busy;
    if (!run->traced)
        return;
    const struct fluxtrace_ops *o = ft_ops_if_loaded();
    int saved = errno;
    ft_guard++;
    run->cb.duration_ns = o->now_ns() - run->t0;
    o->cb_end(&run->cb);
    ft_guard--;
    errno = saved;
}

/* ---- continuations --------------------------------------------------------- */

#define THEN_AUX_KEY "fluxtrace::then"

static void continuation_trampoline(flux_future_t *f, void *arg) {
    const struct trampoline *t = arg;
    /* The continuation may destroy the future, and with it `t`. */
    flux_continuation_f fn = t->fn.continuation;
    void *fn_arg = t->arg;
    struct run run;
    run_begin(&run, FT_CB_CONTINUATION, f, (void (*)(void))fn, NULL);
    fn(f, fn_arg);
    run_end(&run);
}

/* The `future` record of a call that armed the program's continuation of `f`. */
static void record_arming(const struct fluxtrace_ops *o, enum ft_future_op op,
                          flux_future_t *f, flux_continuation_f cb, double timeout,
                          int rc, int err) {
    if (!ft_enabled(o, FT_EV_FUTURE))
        return;
    ft_guard++;
    struct ft_future rec = {.op = op,
                            .f = ft_ptr(f),
                            .fn = (uint64_t)(uintptr_t)cb,
                            .timeout = timeout,
                            .rc = rc,
                            .errnum = rc < 0 ? err : 0};
    o->future(&rec);
    ft_guard--;
}

int flux_future_then(flux_future_t *f, double timeout, flux_continuation_f cb,
                     void *arg) {
    __typeof__(&flux_future_then) real = FT_REAL(flux_future_then);
    if (real == NULL) {
        errno = ENOSYS;
        return -1;
    }
    const struct fluxtrace_ops *o = ft_guard ? NULL : ft_ops();
    if (o == NULL || f == NULL || cb == NULL || is_flux_internal((void (*)(void))cb))
        return real(f, timeout, cb, arg);

    int saved = errno;
    ft_guard++;
    /* One trampoline per future, kept as its aux so it dies with it; a new
     * registration (often made from inside the continuation) updates it in
     * place: the running trampoline has already copied what it needs. */
    struct trampoline *t = FT_REAL(flux_future_aux_get)(f, THEN_AUX_KEY);
    if (t == NULL && (t = calloc(1, sizeof *t)) != NULL &&
        FT_REAL(flux_future_aux_set)(f, THEN_AUX_KEY, t, free) < 0) {
        free(t);
        t = NULL;
    }
    ft_guard--;
    errno = saved;
    if (t == NULL)
        return real(f, timeout, cb, arg);
    t->kind = FT_CB_CONTINUATION;
    t->fn.continuation = cb;
    t->arg = arg;

    int rc = real(f, timeout, continuation_trampoline, t);
    int err = errno;
    record_arming(o, FT_FUTURE_THEN, f, cb, timeout, rc, err);
    errno = err;
    return rc;
}

/* flux_future_and_then / _or_then: libflux-core runs the program's step from a
 * continuation of its own, so the step is trampolined here (a continuation of
 * `prev`, its trampoline an aux of `prev`) and recorded as armed by this call.
 * The composite future's own continuation goes through flux_future_then. */
static flux_future_t *chain_step(flux_future_t *prev, flux_continuation_f cb, void *arg,
                                 enum ft_future_op op) {
    __typeof__(&flux_future_and_then) real = op == FT_FUTURE_AND_THEN
                                                 ? FT_REAL(flux_future_and_then)
                                                 : FT_REAL(flux_future_or_then);
    if (real == NULL) {
        errno = ENOSYS;
        return NULL;
    }
    const struct fluxtrace_ops *o = ft_guard ? NULL : ft_ops();
    if (o == NULL || prev == NULL || cb == NULL || is_flux_internal((void (*)(void))cb))
        return real(prev, cb, arg);

    /* A second step of the same kind on `prev` (which libflux-core refuses)
     * must not replace, and so free, the trampoline of the first. */
    int saved = errno;
    ft_guard++;
    const char *key =
        op == FT_FUTURE_AND_THEN ? "fluxtrace::and_then" : "fluxtrace::or_then";
    struct trampoline *t =
        FT_REAL(flux_future_aux_get)(prev, key) == NULL ? calloc(1, sizeof *t) : NULL;
    if (t != NULL && FT_REAL(flux_future_aux_set)(prev, key, t, free) < 0) {
        free(t);
        t = NULL;
    }
    ft_guard--;
    errno = saved;
    if (t == NULL)
        return real(prev, cb, arg);
    t->kind = FT_CB_CONTINUATION;
    t->fn.continuation = cb;
    t->arg = arg;

    flux_future_t *next = real(prev, continuation_trampoline, t);
    int err = errno;
    record_arming(o, op, prev, cb, -1.0, next != NULL ? 0 : -1, err);
    errno = err;
    return next;
}

flux_future_t *flux_future_and_then(flux_future_t *prev, flux_continuation_f cb,
                                    void *arg) {
    return chain_step(prev, cb, arg, FT_FUTURE_AND_THEN);
}

flux_future_t *flux_future_or_then(flux_future_t *prev, flux_continuation_f cb,
                                   void *arg) {
    return chain_step(prev, cb, arg, FT_FUTURE_OR_THEN);
}

/* ---- message handlers -------------------------------------------------------- */

static void handler_trampoline(flux_t *h, flux_msg_handler_t *mh, const flux_msg_t *msg,
                               void *arg) {
    const struct trampoline *t = arg;
    flux_msg_handler_f fn = t->fn.handler;
    void *fn_arg = t->arg;
    struct run run;
    run_begin(&run, FT_CB_MSG_HANDLER, mh, (void (*)(void))fn, msg);
    fn(h, mh, msg, fn_arg);
    run_end(&run);
}

static struct trampoline *trampoline_new(uint8_t kind, void (*fn)(void), void *arg) {
    if (ft_guard || ft_ops() == NULL || fn == NULL || is_flux_internal(fn))
        return NULL;
    struct trampoline *t = calloc(1, sizeof *t);
    if (t != NULL) {
        t->kind = kind;
        t->fn.any = fn;
        t->arg = arg;
    }
    return t;
}

/* Register the trampoline for `obj`, or free it if creation failed. */
static void *trampoline_bind(struct trampoline *t, void *obj) {
    if (t != NULL) {
        int saved = errno;
        if (obj != NULL)
            ft_ptrmap_put(obj, t);
        else
            free(t);
        errno = saved;
    }
    return obj;
}

static void trampoline_release(const void *obj) {
    int saved = errno;
    free(ft_ptrmap_take(obj));
    errno = saved;
}

/* addvec and addvec_ex call flux_msg_handler_create through libflux-core's PLT,
 * so this one wrapper covers them too. */
flux_msg_handler_t *flux_msg_handler_create(flux_t *h, const struct flux_match match,
                                            flux_msg_handler_f cb, void *arg) {
    __typeof__(&flux_msg_handler_create) real = FT_REAL(flux_msg_handler_create);
    if (real == NULL) {
        errno = ENOSYS;
        return NULL;
    }
    struct trampoline *t = trampoline_new(FT_CB_MSG_HANDLER, (void (*)(void))cb, arg);
    if (t == NULL)
        return real(h, match, cb, arg);
    return trampoline_bind(t, real(h, match, handler_trampoline, t));
}

void flux_msg_handler_destroy(flux_msg_handler_t *mh) {
    __typeof__(&flux_msg_handler_destroy) real = FT_REAL(flux_msg_handler_destroy);
    if (real == NULL) {
        errno = ENOSYS;
        return;
    }
    real(mh);
    if (mh != NULL)
        trampoline_release(mh);
}

/* ---- watchers ------------------------------------------------------------- */

static void watcher_trampoline(flux_reactor_t *r, flux_watcher_t *w, int revents,
                               void *arg) {
    const struct trampoline *t = arg;
    flux_watcher_f fn = t->fn.watcher;
    void *fn_arg = t->arg;
    struct run run;
    run_begin(&run, t->kind, w, (void (*)(void))fn, NULL);
    fn(r, w, revents, fn_arg);
    run_end(&run);
}

static double reschedule_trampoline(flux_watcher_t *w, double now, void *arg) {
    const struct trampoline *t = arg;
    struct run run;
    run_begin(&run, FT_CB_RESCHEDULE, w, (void (*)(void))t->reschedule, NULL);
    double next = t->reschedule(w, now, t->arg);
    run_end(&run);
    return next;
}

/* One line per watcher type: (name, kind, params before cb, args before cb). */
#define FT_WATCHER(name, kind, params, args)                                             \
    flux_watcher_t *name(FT_UNPAREN params, flux_watcher_f cb, void *arg) {              \
        __typeof__(&name) real = FT_REAL(name);                                          \
        if (real == NULL) {                                                              \
            errno = ENOSYS;                                                              \
            return NULL;                                                                 \
        }                                                                                \
        struct trampoline *t = trampoline_new(kind, (void (*)(void))cb, arg);            \
        if (t == NULL)                                                                   \
            return real(FT_UNPAREN args, cb, arg);                                       \
        return trampoline_bind(t, real(FT_UNPAREN args, watcher_trampoline, t));         \
    }
#define FT_UNPAREN(...) __VA_ARGS__

FT_WATCHER(flux_handle_watcher_create, FT_CB_HANDLE,
           (flux_reactor_t * r, flux_t *h, int events), (r, h, events))
FT_WATCHER(flux_fd_watcher_create, FT_CB_FD, (flux_reactor_t * r, int fd, int events),
           (r, fd, events))
FT_WATCHER(flux_timer_watcher_create, FT_CB_TIMER,
           (flux_reactor_t * r, double after, double repeat), (r, after, repeat))
FT_WATCHER(flux_prepare_watcher_create, FT_CB_PREPARE, (flux_reactor_t * r), (r))
FT_WATCHER(flux_check_watcher_create, FT_CB_CHECK, (flux_reactor_t * r), (r))
FT_WATCHER(flux_idle_watcher_create, FT_CB_IDLE, (flux_reactor_t * r), (r))
FT_WATCHER(flux_signal_watcher_create, FT_CB_SIGNAL, (flux_reactor_t * r, int signum),
           (r, signum))
FT_WATCHER(flux_stat_watcher_create, FT_CB_STAT,
           (flux_reactor_t * r, const char *path, double interval), (r, path, interval))

/* The periodic watcher's reschedule callback gets the same `arg`: it goes
 * through the trampoline too. */
flux_watcher_t *flux_periodic_watcher_create(flux_reactor_t *r, double offset,
                                             double interval,
                                             flux_reschedule_f reschedule_cb,
                                             flux_watcher_f cb, void *arg) {
    __typeof__(&flux_periodic_watcher_create) real =
        FT_REAL(flux_periodic_watcher_create);
    if (real == NULL) {
        errno = ENOSYS;
        return NULL;
    }
    struct trampoline *t = trampoline_new(FT_CB_PERIODIC, (void (*)(void))cb, arg);
    if (t == NULL)
        return real(r, offset, interval, reschedule_cb, cb, arg);
    t->reschedule = reschedule_cb;
    return trampoline_bind(t, real(r, offset, interval,
                                   reschedule_cb ? reschedule_trampoline : NULL,
                                   watcher_trampoline, t));
}

void flux_watcher_destroy(flux_watcher_t *w) {
    __typeof__(&flux_watcher_destroy) real = FT_REAL(flux_watcher_destroy);
    if (real == NULL) {
        errno = ENOSYS;
        return;
    }
    real(w);
    if (w != NULL)
        trampoline_release(w);
}

/* Starting and stopping the program's watchers: the record's callback armed
 * the watcher's next run, which ties a timer started in a watch callback to the
 * timer's own callback (watch chaining through asynchronous steps).
 * libflux-core's own watchers (no trampoline) are not recorded. */
static void after_watcher(struct ft_call *c, enum ft_watcher_op op, flux_watcher_t *w) {
    (void)c;
    if (w == NULL || !ft_ptrmap_has(w))
        return;
    struct ft_watcher e = {.op = op, .w = ft_ptr(w)};
    ft_ops()->watcher(&e);
}
static void after_start(struct ft_call *c, flux_watcher_t *w) {
    after_watcher(c, FT_WATCHER_START, w);
}
static void after_stop(struct ft_call *c, flux_watcher_t *w) {
    after_watcher(c, FT_WATCHER_STOP, w);
}
FT_WRAP_VOID(flux_watcher_start, (flux_watcher_t * w), (w), FT_EV_WATCHER, FT_NOHOOK,
             after_start)
FT_WRAP_VOID(flux_watcher_stop, (flux_watcher_t * w), (w), FT_EV_WATCHER, FT_NOHOOK,
             after_stop)

/* A new reschedule callback would otherwise be handed the trampoline as its
 * argument. */
void flux_periodic_watcher_reset(flux_watcher_t *w, double next_wakeup, double interval,
                                 flux_reschedule_f reschedule_cb) {
    __typeof__(&flux_periodic_watcher_reset) real = FT_REAL(flux_periodic_watcher_reset);
    if (real == NULL) {
        errno = ENOSYS;
        return;
    }
    struct trampoline *t = NULL;
    if (w != NULL && (t = ft_ptrmap_take(w)) != NULL) {
        t->reschedule = reschedule_cb;
        ft_ptrmap_put(w, t);
        real(w, next_wakeup, interval, reschedule_cb ? reschedule_trampoline : NULL);
        return;
    }
    real(w, next_wakeup, interval, reschedule_cb);
}
