/* Futures, with flux-core's two contexts:
 *  - "then": the continuation runs from the future's reactor, from a check
 *    watcher (a prepare watcher starts an idle one so the loop does not block
 *    while a result waits);
 *  - "now": flux_future_wait_for / flux_future_get on an unready future run a
 *    private reactor (flux_reactor_run, nested inside whatever is running) with
 *    a clone of the handle, so that only this future's messages are handled;
 *    the others are set aside and requeued afterwards.
 * The init callback runs once per context; flux_future_get_flux tells it which
 * handle to use.  Results fulfilled while one is current are queued, and
 * flux_future_reset moves to the next (streaming RPCs).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct result {
    void *val;
    flux_free_f free_fn;
    bool is_error;
    int errnum;
    char *errstr;
    struct result *next;
};

struct then_ctx {
    flux_continuation_f cb;
    void *arg;
    double timeout;
    flux_watcher_t *prepare, *check, *idle, *timer;
    bool init_called;
};

struct now_ctx {
    flux_reactor_t *r;
    flux_t *h;
    bool init_called, running;
};

struct flux_future {
    flux_future_init_f init;
    void *init_arg;
    flux_t *h;
    flux_reactor_t *r;
    struct result *result; /* current */
    struct result *queue, *queue_tail;
    struct then_ctx *then;
    struct now_ctx *now;
    struct dbl_aux *aux;
};

static void result_destroy(struct result *res) {
    if (res != NULL) {
        if (res->free_fn != NULL)
            res->free_fn(res->val);
        free(res->errstr);
        free(res);
    }
}

flux_future_t *flux_future_create(flux_future_init_f cb, void *arg) {
    flux_future_t *f = calloc(1, sizeof *f);
    if (f == NULL)
        return NULL;
    f->init = cb;
    f->init_arg = arg;
    return f;
}

void flux_future_destroy(flux_future_t *f) {
    if (f == NULL)
        return;
    int saved = errno;
    dbl_aux_destroy(&f->aux);
    if (f->now != NULL) {
        flux_close(f->now->h);
        flux_reactor_destroy(f->now->r);
        free(f->now);
    }
    if (f->then != NULL) {
        flux_watcher_destroy(f->then->prepare);
        flux_watcher_destroy(f->then->check);
        flux_watcher_destroy(f->then->idle);
        flux_watcher_destroy(f->then->timer);
        free(f->then);
    }
    result_destroy(f->result);
    while (f->queue != NULL) {
        struct result *next = f->queue->next;
        result_destroy(f->queue);
        f->queue = next;
    }
    free(f);
    errno = saved;
}

void flux_future_set_reactor(flux_future_t *f, flux_reactor_t *r) {
    if (f != NULL)
        f->r = r;
}

flux_reactor_t *flux_future_get_reactor(flux_future_t *f) {
    if (f == NULL || f->r == NULL) {
        errno = EINVAL;
        return NULL;
    }
    if (f->now != NULL && f->now->running)
        return f->now->r;
    return f->r;
}

void flux_future_set_flux(flux_future_t *f, flux_t *h) {
    if (f == NULL)
        return;
    f->h = h;
    if (h != NULL && f->r == NULL)
        f->r = flux_get_reactor(h);
}

flux_t *flux_future_get_flux(flux_future_t *f) {
    if (f == NULL || f->h == NULL) {
        errno = EINVAL;
        return NULL;
    }
    if (f->now != NULL && f->now->running) {
        if (f->now->h == NULL) {
            if ((f->now->h = flux_clone(f->h)) == NULL)
                return NULL;
            flux_set_reactor(f->now->h, f->now->r);
        }
        return f->now->h;
    }
    return f->h;
}

bool flux_future_is_ready(flux_future_t *f) {
    return f != NULL && f->result != NULL;
}

static void post_fulfill(flux_future_t *f) {
    if (f->now != NULL && f->now->running)
        flux_reactor_stop(f->now->r);
    if (f->then != NULL) {
        flux_watcher_start(f->then->prepare);
        flux_watcher_start(f->then->check);
    }
}

static void push_result(flux_future_t *f, struct result *res) {
    if (f->result == NULL) {
        f->result = res;
        post_fulfill(f);
    } else {
        if (f->queue_tail != NULL)
            f->queue_tail->next = res;
        else
            f->queue = res;
        f->queue_tail = res;
    }
}

void flux_future_fulfill(flux_future_t *f, void *result, flux_free_f free_fn) {
    struct result *res = f != NULL ? calloc(1, sizeof *res) : NULL;
    if (res == NULL) {
        if (free_fn != NULL)
            free_fn(result);
        return;
    }
    res->val = result;
    res->free_fn = free_fn;
    push_result(f, res);
}

void flux_future_fulfill_error(flux_future_t *f, int errnum, const char *errstr) {
    struct result *res = f != NULL ? calloc(1, sizeof *res) : NULL;
    if (res == NULL)
        return;
    res->is_error = true;
    res->errnum = errnum;
    res->errstr = errstr != NULL ? strdup(errstr) : NULL;
    push_result(f, res);
}

void flux_future_reset(flux_future_t *f) {
    if (f == NULL || f->result == NULL)
        return;
    result_destroy(f->result);
    f->result = f->queue;
    if (f->queue != NULL && (f->queue = f->queue->next) == NULL)
        f->queue_tail = NULL;
    if (f->then != NULL && f->then->timer != NULL) {
        flux_watcher_stop(f->then->timer);
        flux_watcher_start(f->then->timer);
    }
    if (f->result != NULL) {
        f->result->next = NULL;
        post_fulfill(f);
    }
}

const char *flux_future_error_string(flux_future_t *f) {
    if (f == NULL || f->result == NULL || !f->result->is_error)
        return NULL;
    return f->result->errstr != NULL ? f->result->errstr : strerror(f->result->errnum);
}

/* ---- then ----------------------------------------------------------------------- */

static void then_prepare_cb(flux_reactor_t *r, flux_watcher_t *w, int revents,
                            void *arg) {
    (void)r, (void)w, (void)revents;
    flux_future_t *f = arg;
    if (flux_future_is_ready(f))
        flux_watcher_start(f->then->idle);
}

/* The continuation may destroy the future: nothing touches it afterwards. */
static void then_check_cb(flux_reactor_t *r, flux_watcher_t *w, int revents, void *arg) {
    (void)r, (void)w, (void)revents;
    flux_future_t *f = arg;
    flux_watcher_stop(f->then->idle);
    if (!flux_future_is_ready(f))
        return;
    flux_watcher_stop(f->then->timer);
    flux_watcher_stop(f->then->prepare);
    flux_watcher_stop(f->then->check);
    f->then->cb(f, f->then->arg);
}

static void then_timer_cb(flux_reactor_t *r, flux_watcher_t *w, int revents, void *arg) {
    (void)r, (void)w, (void)revents;
    flux_future_fulfill_error(arg, ETIMEDOUT, NULL);
}

int flux_future_then(flux_future_t *f, double timeout, flux_continuation_f cb,
                     void *arg) {
    if (f == NULL || f->r == NULL || cb == NULL) {
        errno = EINVAL;
        return -1;
    }
    if (f->then == NULL) {
        struct then_ctx *t = calloc(1, sizeof *t);
        if (t == NULL)
            return -1;
        if (!(t->prepare = flux_prepare_watcher_create(f->r, then_prepare_cb, f)) ||
            !(t->check = flux_check_watcher_create(f->r, then_check_cb, f)) ||
            !(t->idle = flux_idle_watcher_create(f->r, NULL, NULL))) {
            flux_watcher_destroy(t->prepare);
            flux_watcher_destroy(t->check);
            free(t);
            return -1;
        }
        f->then = t;
    }
    f->then->cb = cb;
    f->then->arg = arg;
    if (timeout >= 0) {
        flux_watcher_destroy(f->then->timer);
        f->then->timer = flux_timer_watcher_create(f->r, timeout, 0, then_timer_cb, f);
        if (f->then->timer == NULL)
            return -1;
        flux_watcher_start(f->then->timer);
    }
    if (f->init != NULL && !f->then->init_called) {
        f->then->init_called = true;
        f->init(f, f->init_arg);
    }
    if (flux_future_is_ready(f))
        post_fulfill(f);
    return 0;
}

/* ---- now -------------------------------------------------------------------------- */

static void now_timer_cb(flux_reactor_t *r, flux_watcher_t *w, int revents, void *arg) {
    (void)w, (void)revents, (void)arg;
    flux_reactor_stop(r);
}

int flux_future_wait_for(flux_future_t *f, double timeout) {
    if (f == NULL) {
        errno = EINVAL;
        return -1;
    }
    if (flux_future_is_ready(f))
        return 0;
    if (f->now == NULL) {
        if ((f->now = calloc(1, sizeof *f->now)) == NULL)
            return -1;
        if ((f->now->r = flux_reactor_create(0)) == NULL) {
            free(f->now);
            f->now = NULL;
            return -1;
        }
    }
    struct now_ctx *now = f->now;
    if (now->running) { /* waiting on it already, further up this stack */
        errno = EDEADLK;
        return -1;
    }
    flux_watcher_t *timer = NULL;
    if (timeout >= 0) {
        if (!(timer = flux_timer_watcher_create(now->r, timeout, 0, now_timer_cb, f)))
            return -1;
        flux_watcher_start(timer);
    }
    now->running = true;
    if (f->init != NULL && !now->init_called) {
        now->init_called = true;
        f->init(f, f->init_arg);
    }
    int rc = 0;
    if (!flux_future_is_ready(f))
        rc = flux_reactor_run(now->r, 0);
    now->running = false;
    flux_watcher_destroy(timer);
    if (now->h != NULL)
        dbl_dispatch_requeue(now->h);
    if (rc < 0)
        return -1;
    if (!flux_future_is_ready(f)) {
        errno = ETIMEDOUT;
        return -1;
    }
    return 0;
}

int flux_future_get(flux_future_t *f, const void **result) {
    if (f == NULL) {
        errno = EINVAL;
        return -1;
    }
    if (flux_future_wait_for(f, -1.0) < 0)
        return -1;
    if (f->result->is_error) {
        errno = f->result->errnum;
        return -1;
    }
    if (result != NULL)
        *result = f->result->val;
    return 0;
}

/* ---- aux -------------------------------------------------------------------------- */

int flux_future_aux_set(flux_future_t *f, const char *name, void *aux,
                        flux_free_f destroy) {
    if (f == NULL) {
        errno = EINVAL;
        return -1;
    }
    return dbl_aux_set(&f->aux, name, aux, destroy);
}

void *flux_future_aux_get(flux_future_t *f, const char *name) {
    if (f == NULL || name == NULL) {
        errno = EINVAL;
        return NULL;
    }
    return dbl_aux_get(f->aux, name);
}
