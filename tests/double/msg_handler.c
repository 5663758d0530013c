/* Message handlers and the per-handle dispatcher, as flux-core's: a handle
 * watcher calls flux_recv (h, FLUX_MATCH_ANY, FLUX_O_NONBLOCK) through the PLT
 * and hands the message to the handlers that match (responses by matchtag
 * first; events to every match; others to the first).  An unmatched request
 * gets ENOSYS; on a clone, unmatched messages are set aside and requeued when
 * the clone's wait ends.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct flux_msg_handler {
    struct dbl_dispatch *d;
    struct flux_match match;
    char *glob;
    flux_msg_handler_f cb;
    void *arg;
    bool running;
    struct flux_msg_handler *next;
};

struct dbl_dispatch {
    flux_t *h;
    flux_watcher_t *w;
    struct flux_msg_handler *handlers; /* in creation order */
    int running;
    flux_msg_t **unmatched;
    size_t nunmatched;
};

static void handle_cb(flux_reactor_t *r, flux_watcher_t *w, int revents, void *arg);

static struct dbl_dispatch *dispatch_get(flux_t *h) {
    if (h->dispatch == NULL) {
        struct dbl_dispatch *d = calloc(1, sizeof *d);
        flux_reactor_t *r = flux_get_reactor(h);
        if (d == NULL || r == NULL) {
            free(d);
            return NULL;
        }
        d->h = h;
        if ((d->w = flux_handle_watcher_create(r, h, FLUX_POLLIN, handle_cb, d)) ==
            NULL) {
            free(d);
            return NULL;
        }
        h->dispatch = d;
    }
    return h->dispatch;
}

void dbl_dispatch_requeue(flux_t *h) {
    struct dbl_dispatch *d = h->dispatch;
    if (d == NULL)
        return;
    /* Back at the head, in the order they arrived. */
    while (d->nunmatched > 0) {
        flux_msg_t *msg = d->unmatched[--d->nunmatched];
        flux_requeue(h, msg, FLUX_RQ_HEAD);
        flux_msg_destroy(msg);
    }
}

void dbl_dispatch_destroy(flux_t *h) {
    struct dbl_dispatch *d = h->dispatch;
    if (d == NULL)
        return;
    dbl_dispatch_requeue(h);
    free(d->unmatched);
    flux_watcher_destroy(d->w);
    for (struct flux_msg_handler *mh = d->handlers; mh != NULL; mh = mh->next)
        mh->d = NULL;
    h->dispatch = NULL;
    free(d);
}

static bool dispatch_message(struct dbl_dispatch *d, const flux_msg_t *msg) {
    bool match = false;
    if (msg->type == FLUX_MSGTYPE_RESPONSE && msg->matchtag != FLUX_MATCHTAG_NONE) {
        for (struct flux_msg_handler *mh = d->handlers; mh != NULL; mh = mh->next) {
            if (mh->running && mh->match.matchtag == msg->matchtag &&
                flux_msg_cmp(msg, mh->match)) {
                mh->cb(d->h, mh, msg, mh->arg);
                return true;
            }
        }
    }
    /* A handler may create or destroy handlers: walk a snapshot. */
    size_t n = 0;
    for (struct flux_msg_handler *mh = d->handlers; mh != NULL; mh = mh->next)
        n++;
    flux_msg_handler_t **v = calloc(n + 1, sizeof *v);
    if (v == NULL)
        return false;
    n = 0;
    for (struct flux_msg_handler *mh = d->handlers; mh != NULL; mh = mh->next)
        if (mh->running && mh->match.matchtag == FLUX_MATCHTAG_NONE &&
            flux_msg_cmp(msg, mh->match))
            v[n++] = mh;
    for (size_t i = 0; i < n; i++) {
        bool still = false;
        for (struct flux_msg_handler *mh = d->handlers; mh != NULL; mh = mh->next)
            still |= mh == v[i];
        if (!still || !v[i]->running)
            continue;
        v[i]->cb(d->h, v[i], msg, v[i]->arg);
        match = true;
        if (msg->type != FLUX_MSGTYPE_EVENT)
            break;
    }
    free(v);
    return match;
}

static void handle_cb(flux_reactor_t *r, flux_watcher_t *w, int revents, void *arg) {
    (void)r, (void)w, (void)revents;
    struct dbl_dispatch *d = arg;
    flux_t *h = d->h;
    flux_msg_t *msg = flux_recv(h, FLUX_MATCH_ANY, FLUX_O_NONBLOCK);
    if (msg == NULL)
        return;
    if (dispatch_message(d, msg)) {
        flux_msg_destroy(msg);
        return;
    }
    if (h->parent != NULL) {
        flux_msg_t **v = realloc(d->unmatched, (d->nunmatched + 1) * sizeof *v);
        if (v != NULL) {
            d->unmatched = v;
            d->unmatched[d->nunmatched++] = msg;
            return;
        }
    } else if (msg->type == FLUX_MSGTYPE_REQUEST) {
        flux_respond_error(h, msg, ENOSYS, NULL);
    }
    flux_msg_destroy(msg);
}

bool dbl_conn_serves(struct dbl_conn *c, const flux_msg_t *msg) {
    for (flux_t *h = c->handles; h != NULL; h = h->next) {
        if (h->dispatch == NULL)
            continue;
        for (struct flux_msg_handler *mh = h->dispatch->handlers; mh != NULL;
             mh = mh->next)
            if (mh->running && flux_msg_cmp(msg, mh->match))
                return true;
    }
    return false;
}

flux_msg_handler_t *flux_msg_handler_create(flux_t *h, const struct flux_match match,
                                            flux_msg_handler_f cb, void *arg) {
    if (h == NULL || cb == NULL) {
        errno = EINVAL;
        return NULL;
    }
    struct dbl_dispatch *d = dispatch_get(h);
    if (d == NULL)
        return NULL;
    if (match.typemask == FLUX_MSGTYPE_RESPONSE && match.matchtag != FLUX_MATCHTAG_NONE) {
        for (struct flux_msg_handler *mh = d->handlers; mh != NULL; mh = mh->next) {
            if (mh->match.matchtag == match.matchtag) {
                errno = EEXIST;
                return NULL;
            }
        }
    }
    struct flux_msg_handler *mh = calloc(1, sizeof *mh);
    if (mh == NULL)
        return NULL;
    mh->d = d;
    mh->match = match;
    if (match.topic_glob != NULL && (mh->glob = strdup(match.topic_glob)) == NULL) {
        free(mh);
        return NULL;
    }
    mh->match.topic_glob = mh->glob;
    mh->cb = cb;
    mh->arg = arg;
    struct flux_msg_handler **pp = &d->handlers;
    while (*pp != NULL)
        pp = &(*pp)->next;
    *pp = mh;
    return mh;
}

void flux_msg_handler_start(flux_msg_handler_t *mh) {
    if (mh == NULL || mh->running || mh->d == NULL)
        return;
    mh->running = true;
    if (mh->d->running++ == 0)
        flux_watcher_start(mh->d->w);
}

void flux_msg_handler_stop(flux_msg_handler_t *mh) {
    if (mh == NULL || !mh->running || mh->d == NULL)
        return;
    mh->running = false;
    if (--mh->d->running == 0)
        flux_watcher_stop(mh->d->w);
}

void flux_msg_handler_destroy(flux_msg_handler_t *mh) {
    if (mh == NULL)
        return;
    int saved = errno;
    flux_msg_handler_stop(mh);
    if (mh->d != NULL) {
        for (struct flux_msg_handler **pp = &mh->d->handlers; *pp != NULL;
             pp = &(*pp)->next) {
            if (*pp == mh) {
                *pp = mh->next;
                break;
            }
        }
    }
    free(mh->glob);
    free(mh);
    errno = saved;
}

static bool at_end(const struct flux_msg_handler_spec *s) {
    return s->typemask == 0 && s->topic_glob == NULL && s->cb == NULL && s->rolemask == 0;
}

int flux_msg_handler_addvec_ex(flux_t *h, const char *service_name,
                               const struct flux_msg_handler_spec tab[], void *arg,
                               flux_msg_handler_t **hp[]) {
    (void)service_name;
    if (h == NULL || tab == NULL || hp == NULL) {
        errno = EINVAL;
        return -1;
    }
    size_t count = 0;
    while (!at_end(&tab[count]))
        count++;
    flux_msg_handler_t **v = calloc(count + 1, sizeof *v);
    if (v == NULL)
        return -1;
    for (size_t i = 0; i < count; i++) {
        struct flux_match match = {tab[i].typemask, FLUX_MATCHTAG_NONE,
                                   tab[i].topic_glob};
        /* Through the PLT: this is how a tracer sees addvec's callbacks. */
        if ((v[i] = flux_msg_handler_create(h, match, tab[i].cb, arg)) == NULL) {
            flux_msg_handler_delvec(v);
            return -1;
        }
        flux_msg_handler_start(v[i]);
    }
    *hp = v;
    return 0;
}

int flux_msg_handler_addvec(flux_t *h, const struct flux_msg_handler_spec tab[],
                            void *arg, flux_msg_handler_t **hp[]) {
    return flux_msg_handler_addvec_ex(h, NULL, tab, arg, hp);
}

void flux_msg_handler_delvec(flux_msg_handler_t *handlers[]) {
    if (handlers == NULL)
        return;
    int saved = errno;
    for (size_t i = 0; handlers[i] != NULL; i++)
        flux_msg_handler_destroy(handlers[i]);
    free(handlers);
    errno = saved;
}
