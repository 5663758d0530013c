/* Handles on the "loop://" connector: an in-memory FIFO per connection, shared
 * by the handle and its clones, plus matchtags and the attribute cache. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "internal.h"

/* ---- the connection's queue ------------------------------------------------ */

void dbl_conn_deliver(struct dbl_conn *c, flux_msg_t *msg, bool head) {
    struct dbl_qnode *n = malloc(sizeof *n);
    if (n == NULL) {
        flux_msg_destroy(msg);
        return;
    }
    n->msg = msg;
    pthread_mutex_lock(&c->lock);
    if (head) {
        n->next = c->head;
        c->head = n;
        if (c->tail == NULL)
            c->tail = n;
    } else {
        n->next = NULL;
        if (c->tail != NULL)
            c->tail->next = n;
        else
            c->head = n;
        c->tail = n;
    }
    pthread_mutex_unlock(&c->lock);
    uint64_t one = 1;
    (void)!write(c->efd, &one, sizeof one);
}

bool dbl_conn_pending(struct dbl_conn *c) {
    pthread_mutex_lock(&c->lock);
    bool pending = c->head != NULL;
    pthread_mutex_unlock(&c->lock);
    return pending;
}

/* The first queued message that matches, or NULL. */
static flux_msg_t *conn_take(struct dbl_conn *c, struct flux_match match) {
    uint64_t v;
    (void)!read(c->efd, &v, sizeof v);
    pthread_mutex_lock(&c->lock);
    flux_msg_t *msg = NULL;
    struct dbl_qnode *prev = NULL;
    for (struct dbl_qnode *n = c->head; n != NULL; prev = n, n = n->next) {
        if (!flux_msg_cmp(n->msg, match))
            continue;
        msg = n->msg;
        if (prev != NULL)
            prev->next = n->next;
        else
            c->head = n->next;
        if (c->tail == n)
            c->tail = prev;
        free(n);
        break;
    }
    pthread_mutex_unlock(&c->lock);
    return msg;
}

/* Lowest free tag first, as flux-core's tag pool hands them out. */
uint32_t dbl_matchtag_alloc(struct dbl_conn *c) {
    for (size_t i = 1; i < c->ntags; i++) {
        if (!c->tags[i]) {
            c->tags[i] = 1;
            return (uint32_t)i;
        }
    }
    size_t n = c->ntags ? c->ntags * 2 : 64;
    uint8_t *tags = realloc(c->tags, n);
    if (tags == NULL)
        return FLUX_MATCHTAG_NONE;
    memset(tags + c->ntags, 0, n - c->ntags);
    size_t tag = c->ntags ? c->ntags : 1;
    tags[tag] = 1;
    c->tags = tags;
    c->ntags = n;
    return (uint32_t)tag;
}

void dbl_matchtag_free(struct dbl_conn *c, uint32_t tag) {
    if (tag != FLUX_MATCHTAG_NONE && tag < c->ntags)
        c->tags[tag] = 0;
}

static void conn_destroy(struct dbl_conn *c) {
    dbl_server_unregister(c);
    for (struct dbl_qnode *n = c->head, *next; n != NULL; n = next) {
        next = n->next;
        flux_msg_destroy(n->msg);
        free(n);
    }
    close(c->efd);
    free(c->tags);
    json_decref(c->attrs);
    json_decref(c->subs);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

/* ---- handles ------------------------------------------------------------------ */

static void handle_decref(flux_t *h);

flux_t *flux_open_ex(const char *uri, int flags, flux_error_t *error) {
    if (error != NULL)
        error->text[0] = '\0';
    if (uri == NULL && (uri = getenv("FLUX_URI")) == NULL)
        uri = "loop://";
    if (strncmp(uri, "loop://", 7) != 0) {
        if (error != NULL)
            snprintf(error->text, sizeof error->text,
                     "Unable to find connector name '%.*s'", (int)strcspn(uri, ":"), uri);
        errno = ENOENT;
        return NULL;
    }
    static int serial;
    flux_t *h = calloc(1, sizeof *h);
    struct dbl_conn *c = calloc(1, sizeof *c);
    if (h == NULL || c == NULL || (c->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0) {
        free(h);
        free(c);
        return NULL;
    }
    pthread_mutex_init(&c->lock, NULL);
    snprintf(c->uuid, sizeof c->uuid, "double-%d-%d", (int)getpid(),
             __atomic_add_fetch(&serial, 1, __ATOMIC_RELAXED));
    c->attrs = json_object();
    c->subs = json_array();
    c->handles = h;
    h->conn = c;
    h->usecount = 1;
    h->flags = flags;
    dbl_server_register(c);
    /* Through the public symbol, as a connector caching the broker's answers. */
    if (flux_attr_set_cacheonly(h, "rank", "0") < 0 ||
        flux_attr_set_cacheonly(h, "size", "1") < 0) {
        handle_decref(h);
        return NULL;
    }
    return h;
}

flux_t *flux_open(const char *uri, int flags) {
    return flux_open_ex(uri, flags, NULL);
}

flux_t *flux_clone(flux_t *orig) {
    if (orig == NULL) {
        errno = EINVAL;
        return NULL;
    }
    flux_t *h = calloc(1, sizeof *h);
    if (h == NULL)
        return NULL;
    h->parent = orig;
    orig->usecount++;
    h->conn = orig->conn;
    h->usecount = 1;
    h->flags = orig->flags;
    h->next = orig->conn->handles;
    orig->conn->handles = h;
    return h;
}

/* A clone holds a reference on its parent, dropped here and not through
 * flux_close: flux-core does the same, so a tracer sees one close per close. */
static void handle_decref(flux_t *h) {
    if (h == NULL || --h->usecount > 0)
        return;
    int saved = errno;
    dbl_aux_destroy(&h->aux);
    dbl_dispatch_destroy(h);
    if (h->own_reactor)
        flux_reactor_destroy(h->reactor);
    struct dbl_conn *c = h->conn;
    for (struct flux_handle **pp = &c->handles; *pp != NULL; pp = &(*pp)->next) {
        if (*pp == h) {
            *pp = h->next;
            break;
        }
    }
    if (h->parent != NULL)
        handle_decref(h->parent);
    else
        conn_destroy(c);
    free(h);
    errno = saved;
}

void flux_close(flux_t *h) {
    handle_decref(h);
}

flux_reactor_t *flux_get_reactor(flux_t *h) {
    if (h == NULL) {
        errno = EINVAL;
        return NULL;
    }
    if (h->reactor == NULL) {
        if ((h->reactor = flux_reactor_create(0)) == NULL)
            return NULL;
        h->own_reactor = true;
    }
    return h->reactor;
}

int flux_set_reactor(flux_t *h, flux_reactor_t *r) {
    if (h == NULL || r == NULL || h->reactor != NULL) {
        errno = h != NULL && h->reactor != NULL ? EEXIST : EINVAL;
        return -1;
    }
    h->reactor = r;
    return 0;
}

void *flux_aux_get(flux_t *h, const char *name) {
    if (h == NULL || name == NULL) {
        errno = EINVAL;
        return NULL;
    }
    return dbl_aux_get(h->aux, name);
}

int flux_aux_set(flux_t *h, const char *name, void *aux, flux_free_f destroy) {
    if (h == NULL) {
        errno = EINVAL;
        return -1;
    }
    return dbl_aux_set(&h->aux, name, aux, destroy);
}

/* ---- sending and receiving ------------------------------------------------------ */

/* The answer of a broker that cannot deliver a request.  Takes ownership. */
static void bounce(struct dbl_conn *c, flux_msg_t *req, int errnum) {
    if (!(req->flags & FLUX_MSGFLAG_NORESPONSE)) {
        flux_msg_t *rsp = dbl_response_create(req, errnum);
        if (rsp != NULL)
            dbl_conn_deliver(c, rsp, false);
    }
    flux_msg_destroy(req);
}

/* Where a message goes once sent: requests to the double's services, or back
 * to this connection when one of its handlers takes them; events to the
 * subscribers; anything else back to this connection.  Takes ownership. */
static void route(flux_t *h, flux_msg_t *msg) {
    struct dbl_conn *c = h->conn;
    switch (msg->type) {
    case FLUX_MSGTYPE_REQUEST:
        if (msg->nodeid != FLUX_NODEID_ANY && msg->nodeid != 0) {
            bounce(c, msg, EHOSTUNREACH);
            return;
        }
        msg->flags |= FLUX_MSGFLAG_ROUTE;
        msg->route_count = 1;
        free(msg->route_first);
        msg->route_first = strdup(c->uuid);
        if (dbl_server_request(c, msg))
            return;
        if (dbl_conn_serves(c, msg))
            dbl_conn_deliver(c, msg, false);
        else
            bounce(c, msg, ENOSYS);
        return;
    case FLUX_MSGTYPE_EVENT:
        dbl_server_event(msg);
        return;
    default:
        msg->flags |= FLUX_MSGFLAG_ROUTE;
        msg->route_count = 0;
        dbl_conn_deliver(c, msg, false);
        return;
    }
}

int flux_send(flux_t *h, const flux_msg_t *msg, int flags) {
    (void)flags;
    if (h == NULL || msg == NULL) {
        errno = EINVAL;
        return -1;
    }
    flux_msg_t *cpy = flux_msg_copy(msg, true);
    if (cpy == NULL)
        return -1;
    route(h, cpy);
    return 0;
}

int flux_send_new(flux_t *h, flux_msg_t **msg, int flags) {
    (void)flags;
    if (h == NULL || msg == NULL || *msg == NULL) {
        errno = EINVAL;
        return -1;
    }
    if ((*msg)->refcount > 1) {
        /* flux-core falls back to a copying send here. */
        if (flux_send(h, *msg, flags) < 0)
            return -1;
        flux_msg_destroy(*msg);
    } else {
        route(h, *msg);
    }
    *msg = NULL;
    return 0;
}

flux_msg_t *flux_recv(flux_t *h, struct flux_match match, int flags) {
    if (h == NULL) {
        errno = EINVAL;
        return NULL;
    }
    for (;;) {
        flux_msg_t *msg = conn_take(h->conn, match);
        if (msg != NULL)
            return msg;
        if (flags & FLUX_O_NONBLOCK) {
            errno = EWOULDBLOCK;
            return NULL;
        }
        struct pollfd pfd = {.fd = h->conn->efd, .events = POLLIN};
        if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
            return NULL;
    }
}

int flux_requeue(flux_t *h, const flux_msg_t *msg, int flags) {
    if (h == NULL || msg == NULL || (flags != FLUX_RQ_HEAD && flags != FLUX_RQ_TAIL)) {
        errno = EINVAL;
        return -1;
    }
    flux_msg_t *cpy = flux_msg_copy(msg, true);
    if (cpy == NULL)
        return -1;
    dbl_conn_deliver(h->conn, cpy, flags == FLUX_RQ_HEAD);
    return 0;
}

/* ---- attributes ----------------------------------------------------------------- */

int flux_attr_set_cacheonly(flux_t *h, const char *name, const char *val) {
    if (h == NULL || name == NULL) {
        errno = EINVAL;
        return -1;
    }
    if (val == NULL) {
        json_object_del(h->conn->attrs, name);
        return 0;
    }
    if (json_object_set_new(h->conn->attrs, name, json_string(val)) < 0) {
        errno = ENOMEM;
        return -1;
    }
    return 0;
}

/* Not cached: ask the broker, as flux-core does (attr.get). */
const char *flux_attr_get(flux_t *h, const char *name) {
    if (h == NULL || name == NULL) {
        errno = EINVAL;
        return NULL;
    }
    json_t *v = json_object_get(h->conn->attrs, name);
    if (v != NULL)
        return json_string_value(v);
    flux_future_t *f =
        flux_rpc_pack(h, "attr.get", FLUX_NODEID_ANY, 0, "{s:s}", "name", name);
    const char *val = NULL;
    if (f == NULL || flux_rpc_get_unpack(f, "{s:s}", "value", &val) < 0 ||
        flux_attr_set_cacheonly(h, name, val) < 0) {
        flux_future_destroy(f);
        return NULL;
    }
    flux_future_destroy(f);
    return json_string_value(json_object_get(h->conn->attrs, name));
}

static int get_u32(flux_t *h, const char *name, uint32_t *out) {
    if (h == NULL || out == NULL) {
        errno = EINVAL;
        return -1;
    }
    const char *s = flux_attr_get(h, name);
    if (s == NULL)
        return -1;
    *out = (uint32_t)strtoul(s, NULL, 10);
    return 0;
}

int flux_get_rank(flux_t *h, uint32_t *rank) {
    return get_u32(h, "rank", rank);
}

int flux_get_size(flux_t *h, uint32_t *size) {
    return get_u32(h, "size", size);
}
