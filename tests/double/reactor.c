/* The reactor: a poll loop with libev's order and liveness rules, which is what
 * flux-core's reactor is.  Each iteration runs prepare watchers, polls, queues
 * ready fd/handle/timer/signal/stat watchers (idle ones when nothing else is
 * ready), then check watchers, and runs what it queued.  A run ends when no
 * active, referenced watcher is left, or on flux_reactor_stop (which ends every
 * nested run of the reactor, like ev_break (EVBREAK_ALL)).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

enum wtype {
    W_FD,
    W_HANDLE,
    W_TIMER,
    W_PERIODIC,
    W_PREPARE,
    W_CHECK,
    W_IDLE,
    W_SIGNAL,
    W_STAT
};

struct flux_watcher {
    flux_reactor_t *r;
    enum wtype type;
    flux_watcher_f cb;
    void *arg;
    bool active, referenced, dead;
    bool pending; /* queued to run this iteration; stopping clears it */
    int revents;
    int fd, events;           /* fd, handle */
    flux_t *h;                /* handle */
    double after, repeat, at; /* timer (monotonic), periodic (wall clock) */
    flux_reschedule_f reschedule;
    int signum;
    char *path;
    struct stat st;
    bool st_ok;
    struct flux_watcher *next;
};

struct flux_reactor {
    struct flux_watcher *watchers;
    int depth;
    bool stop, errflag;
};

/* ---- signals: one self-pipe for the process ------------------------------------ */

static int sig_pipe[2] = {-1, -1};
static unsigned long sig_pending;
static pthread_once_t sig_once = PTHREAD_ONCE_INIT;

static void sig_pipe_init(void) {
    if (pipe2(sig_pipe, O_NONBLOCK | O_CLOEXEC) < 0)
        sig_pipe[0] = sig_pipe[1] = -1;
}

static void sig_handler(int signum) {
    int saved = errno;
    __atomic_or_fetch(&sig_pending, 1UL << signum, __ATOMIC_SEQ_CST);
    (void)!write(sig_pipe[1], "", 1);
    errno = saved;
}

/* ---- reactors ----------------------------------------------------------------- */

flux_reactor_t *flux_reactor_create(int flags) {
    if (flags != 0) {
        errno = EINVAL;
        return NULL;
    }
    return calloc(1, sizeof(flux_reactor_t));
}

static void watcher_free(struct flux_watcher *w) {
    free(w->path);
    free(w);
}

/* Destroyed watchers are unlinked and freed only when no run of their reactor
 * is on the stack: an iteration may still hold them in its ready list. */
static void sweep(flux_reactor_t *r) {
    for (struct flux_watcher **pp = &r->watchers; *pp != NULL;) {
        struct flux_watcher *w = *pp;
        if (w->dead) {
            *pp = w->next;
            watcher_free(w);
        } else {
            pp = &w->next;
        }
    }
}

void flux_reactor_destroy(flux_reactor_t *r) {
    if (r == NULL)
        return;
    int saved = errno;
    /* Watchers still alive belong to their owners, who will destroy them
     * after us at worst: detach instead of freeing. */
    sweep(r);
    for (struct flux_watcher *w = r->watchers; w != NULL; w = w->next)
        w->r = NULL;
    free(r);
    errno = saved;
}

void flux_reactor_stop(flux_reactor_t *r) {
    if (r != NULL)
        r->stop = true;
}

void flux_reactor_stop_error(flux_reactor_t *r) {
    if (r != NULL) {
        r->stop = true;
        r->errflag = true;
    }
}

double flux_reactor_now(flux_reactor_t *r) {
    (void)r;
    return dbl_monotime();
}

static double walltime(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int alive(flux_reactor_t *r) {
    int n = 0;
    for (struct flux_watcher *w = r->watchers; w != NULL; w = w->next)
        if (w->active && w->referenced && !w->dead)
            n++;
    return n;
}

struct ready {
    struct flux_watcher **v;
    size_t n, cap;
};

static void ready_add(struct ready *rd, struct flux_watcher *w, int revents) {
    if (rd->n == rd->cap) {
        size_t cap = rd->cap ? rd->cap * 2 : 16;
        struct flux_watcher **v = realloc(rd->v, cap * sizeof *v);
        if (v == NULL)
            return;
        rd->v = v;
        rd->cap = cap;
    }
    w->revents = revents;
    w->pending = true;
    rd->v[rd->n++] = w;
}

/* Run what was queued; a watcher stopped or destroyed meanwhile is skipped,
 * as libev clears a stopped watcher's pending state (a one-shot timer is
 * inactive but still pending when it runs). */
static void ready_run(flux_reactor_t *r, struct ready *rd) {
    for (size_t i = 0; i < rd->n; i++) {
        struct flux_watcher *w = rd->v[i];
        if (w->dead || !w->pending || w->r != r)
            continue;
        w->pending = false;
        w->cb(r, w, w->revents, w->arg);
    }
    rd->n = 0;
}

static double periodic_next(struct flux_watcher *w, double now) {
    if (w->reschedule != NULL)
        return w->reschedule(w, now, w->arg);
    if (w->repeat > 0)
        return w->after + ceil((now - w->after) / w->repeat) * w->repeat;
    return w->after;
}

static bool stat_changed(struct flux_watcher *w) {
    struct stat st;
    bool ok = stat(w->path, &st) == 0;
    bool changed = ok != w->st_ok ||
                   (ok && (st.st_ino != w->st.st_ino || st.st_size != w->st.st_size ||
                           st.st_mtim.tv_sec != w->st.st_mtim.tv_sec ||
                           st.st_mtim.tv_nsec != w->st.st_mtim.tv_nsec ||
                           st.st_nlink != w->st.st_nlink || st.st_mode != w->st.st_mode));
    w->st_ok = ok;
    if (ok)
        w->st = st;
    return changed;
}

static void iterate(flux_reactor_t *r, int flags, struct ready *rd) {
    for (struct flux_watcher *w = r->watchers; w != NULL; w = w->next)
        if (w->type == W_PREPARE && w->active && !w->dead)
            ready_add(rd, w, 0);
    ready_run(r, rd);
    if (r->stop)
        return;

    /* How long to block, and on what. */
    double now = dbl_monotime(), wall = walltime();
    int timeout = (flags & FLUX_REACTOR_NOWAIT) || alive(r) == 0 ? 0 : -1;
    size_t nw = 0;
    for (struct flux_watcher *w = r->watchers; w != NULL; w = w->next)
        nw++;
    struct pollfd *pfds = calloc(nw + 1, sizeof *pfds);
    struct flux_watcher **pw = calloc(nw + 1, sizeof *pw);
    nfds_t npfd = 0;
    bool sig = false;
    for (struct flux_watcher *w = r->watchers; w != NULL; w = w->next) {
        if (!w->active || w->dead)
            continue;
        double due;
        switch (w->type) {
        case W_IDLE:
            timeout = 0;
            continue;
        case W_HANDLE:
            if ((w->events & FLUX_POLLOUT) ||
                ((w->events & FLUX_POLLIN) && dbl_conn_pending(w->h->conn)))
                timeout = 0;
            pfds[npfd] = (struct pollfd){.fd = w->h->conn->efd, .events = POLLIN};
            pw[npfd++] = w;
            continue;
        case W_FD:
            pfds[npfd] = (struct pollfd){
                .fd = w->fd,
                .events = (short)(((w->events & FLUX_POLLIN) ? POLLIN : 0) |
                                  ((w->events & FLUX_POLLOUT) ? POLLOUT : 0))};
            pw[npfd++] = w;
            continue;
        case W_SIGNAL:
            sig = true;
            continue;
        case W_TIMER:
        case W_STAT:
            due = w->at - now;
            break;
        case W_PERIODIC:
            due = w->at - wall;
            break;
        default:
            continue;
        }
        int ms = due <= 0 ? 0 : due > 86400 ? 86400000 : (int)ceil(due * 1000);
        if (timeout < 0 || ms < timeout)
            timeout = ms;
    }
    if (sig && sig_pipe[0] >= 0) {
        pfds[npfd] = (struct pollfd){.fd = sig_pipe[0], .events = POLLIN};
        pw[npfd++] = NULL;
    }
    int n = poll(pfds, npfd, timeout);
    now = dbl_monotime();
    wall = walltime();

    /* What is ready. */
    for (nfds_t i = 0; n > 0 && i < npfd; i++) {
        struct flux_watcher *w = pw[i];
        if (w == NULL) {
            char buf[64];
            while (read(sig_pipe[0], buf, sizeof buf) > 0)
                ;
        } else if (w->type == W_HANDLE && pfds[i].revents) {
            /* Drained before the queue is looked at below: a wakeup is never
             * lost, and a stale one does not make every poll return at once. */
            uint64_t v;
            (void)!read(pfds[i].fd, &v, sizeof v);
        } else if (w->type == W_FD && pfds[i].revents) {
            int rev =
                ((pfds[i].revents & POLLIN) ? FLUX_POLLIN : 0) |
                ((pfds[i].revents & POLLOUT) ? FLUX_POLLOUT : 0) |
                ((pfds[i].revents & (POLLERR | POLLHUP | POLLNVAL)) ? FLUX_POLLERR : 0);
            ready_add(rd, w, rev);
        }
    }
    free(pfds);
    free(pw);
    unsigned long sigs = sig ? __atomic_exchange_n(&sig_pending, 0, __ATOMIC_SEQ_CST) : 0;
    for (struct flux_watcher *w = r->watchers; w != NULL; w = w->next) {
        if (!w->active || w->dead)
            continue;
        switch (w->type) {
        case W_HANDLE: {
            int rev = (w->events & FLUX_POLLOUT) ? FLUX_POLLOUT : 0;
            if ((w->events & FLUX_POLLIN) && dbl_conn_pending(w->h->conn))
                rev |= FLUX_POLLIN;
            if (rev)
                ready_add(rd, w, rev);
            break;
        }
        case W_TIMER:
            if (w->at <= now) {
                if (w->repeat > 0)
                    w->at = now + w->repeat;
                else
                    w->active = false;
                ready_add(rd, w, 0);
            }
            break;
        case W_PERIODIC:
            if (w->at <= wall) {
                w->at =
                    w->repeat > 0 || w->reschedule ? periodic_next(w, wall + 1e-6) : 0;
                if (w->repeat <= 0 && w->reschedule == NULL)
                    w->active = false;
                ready_add(rd, w, 0);
            }
            break;
        case W_STAT:
            if (w->at <= now) {
                w->at = now + w->repeat;
                if (stat_changed(w))
                    ready_add(rd, w, 0);
            }
            break;
        case W_SIGNAL:
            if (sigs & (1UL << w->signum))
                ready_add(rd, w, 0);
            break;
        default:
            break;
        }
    }
    if (rd->n == 0) {
        for (struct flux_watcher *w = r->watchers; w != NULL; w = w->next)
            if (w->type == W_IDLE && w->active && !w->dead)
                ready_add(rd, w, 0);
    }
    for (struct flux_watcher *w = r->watchers; w != NULL; w = w->next)
        if (w->type == W_CHECK && w->active && !w->dead)
            ready_add(rd, w, 0);
    ready_run(r, rd);
}

int flux_reactor_run(flux_reactor_t *r, int flags) {
    if (r == NULL) {
        errno = EINVAL;
        return -1;
    }
    struct ready rd = {0};
    r->stop = false;
    r->errflag = false;
    r->depth++;
    do {
        iterate(r, flags, &rd);
    } while (!r->stop && alive(r) > 0 &&
             !(flags & (FLUX_REACTOR_NOWAIT | FLUX_REACTOR_ONCE)));
    free(rd.v);
    if (--r->depth == 0)
        sweep(r);
    return r->errflag ? -1 : alive(r);
}

/* ---- watchers ------------------------------------------------------------------- */

static flux_watcher_t *watcher_create(flux_reactor_t *r, enum wtype type,
                                      flux_watcher_f cb, void *arg) {
    if (r == NULL ||
        (cb == NULL && type != W_IDLE && type != W_PREPARE && type != W_CHECK)) {
        errno = EINVAL;
        return NULL;
    }
    struct flux_watcher *w = calloc(1, sizeof *w);
    if (w == NULL)
        return NULL;
    w->r = r;
    w->type = type;
    w->cb = cb;
    w->arg = arg;
    w->referenced = true;
    w->next = r->watchers;
    r->watchers = w;
    return w;
}

static void nop_cb(flux_reactor_t *r, flux_watcher_t *w, int revents, void *arg) {
    (void)r, (void)w, (void)revents, (void)arg;
}

flux_watcher_t *flux_handle_watcher_create(flux_reactor_t *r, flux_t *h, int events,
                                           flux_watcher_f cb, void *arg) {
    if (h == NULL) {
        errno = EINVAL;
        return NULL;
    }
    flux_watcher_t *w = watcher_create(r, W_HANDLE, cb, arg);
    if (w != NULL) {
        w->h = h;
        w->events = events;
    }
    return w;
}

flux_watcher_t *flux_fd_watcher_create(flux_reactor_t *r, int fd, int events,
                                       flux_watcher_f cb, void *arg) {
    if (fd < 0) {
        errno = EINVAL;
        return NULL;
    }
    flux_watcher_t *w = watcher_create(r, W_FD, cb, arg);
    if (w != NULL) {
        w->fd = fd;
        w->events = events;
    }
    return w;
}

flux_watcher_t *flux_timer_watcher_create(flux_reactor_t *r, double after, double repeat,
                                          flux_watcher_f cb, void *arg) {
    if (after < 0 || repeat < 0) {
        errno = EINVAL;
        return NULL;
    }
    flux_watcher_t *w = watcher_create(r, W_TIMER, cb, arg);
    if (w != NULL) {
        w->after = after;
        w->repeat = repeat;
    }
    return w;
}

flux_watcher_t *flux_periodic_watcher_create(flux_reactor_t *r, double offset,
                                             double interval,
                                             flux_reschedule_f reschedule_cb,
                                             flux_watcher_f cb, void *arg) {
    if (interval < 0) {
        errno = EINVAL;
        return NULL;
    }
    flux_watcher_t *w = watcher_create(r, W_PERIODIC, cb, arg);
    if (w != NULL) {
        w->after = offset;
        w->repeat = interval;
        w->reschedule = reschedule_cb;
    }
    return w;
}

void flux_periodic_watcher_reset(flux_watcher_t *w, double next_wakeup, double interval,
                                 flux_reschedule_f reschedule_cb) {
    if (w == NULL || w->type != W_PERIODIC)
        return;
    w->after = next_wakeup;
    w->repeat = interval;
    w->reschedule = reschedule_cb;
    if (w->active)
        w->at = periodic_next(w, walltime());
}

flux_watcher_t *flux_prepare_watcher_create(flux_reactor_t *r, flux_watcher_f cb,
                                            void *arg) {
    return watcher_create(r, W_PREPARE, cb ? cb : nop_cb, arg);
}

flux_watcher_t *flux_check_watcher_create(flux_reactor_t *r, flux_watcher_f cb,
                                          void *arg) {
    return watcher_create(r, W_CHECK, cb ? cb : nop_cb, arg);
}

flux_watcher_t *flux_idle_watcher_create(flux_reactor_t *r, flux_watcher_f cb,
                                         void *arg) {
    return watcher_create(r, W_IDLE, cb ? cb : nop_cb, arg);
}

flux_watcher_t *flux_signal_watcher_create(flux_reactor_t *r, int signum,
                                           flux_watcher_f cb, void *arg) {
    if (signum <= 0 || signum >= 64) {
        errno = EINVAL;
        return NULL;
    }
    flux_watcher_t *w = watcher_create(r, W_SIGNAL, cb, arg);
    if (w != NULL)
        w->signum = signum;
    return w;
}

flux_watcher_t *flux_stat_watcher_create(flux_reactor_t *r, const char *path,
                                         double interval, flux_watcher_f cb, void *arg) {
    if (path == NULL || interval < 0) {
        errno = EINVAL;
        return NULL;
    }
    flux_watcher_t *w = watcher_create(r, W_STAT, cb, arg);
    if (w != NULL) {
        w->path = strdup(path);
        w->repeat = interval > 0 ? interval : 1.0;
        stat_changed(w);
    }
    return w;
}

void flux_watcher_start(flux_watcher_t *w) {
    if (w == NULL || w->dead || w->active)
        return;
    w->active = true;
    switch (w->type) {
    case W_TIMER:
        w->at = dbl_monotime() + w->after;
        break;
    case W_PERIODIC:
        w->at = periodic_next(w, walltime());
        break;
    case W_STAT:
        w->at = dbl_monotime() + w->repeat;
        break;
    case W_SIGNAL: {
        pthread_once(&sig_once, sig_pipe_init);
        struct sigaction sa = {.sa_handler = sig_handler, .sa_flags = SA_RESTART};
        sigemptyset(&sa.sa_mask);
        sigaction(w->signum, &sa, NULL);
        break;
    }
    default:
        break;
    }
}

void flux_watcher_stop(flux_watcher_t *w) {
    if (w != NULL) {
        w->active = false;
        w->pending = false;
    }
}

void flux_watcher_unref(flux_watcher_t *w) {
    if (w != NULL)
        w->referenced = false;
}

void flux_watcher_destroy(flux_watcher_t *w) {
    if (w == NULL)
        return;
    w->active = false;
    w->pending = false;
    w->dead = true;
    if (w->r == NULL)
        watcher_free(w);
    else if (w->r->depth == 0)
        sweep(w->r);
}
