/* The double's private structures, shared by its files.
 *
 * Everything exported is called through the PLT, from inside the double too,
 * as in libflux-core (no -Bsymbolic): the shim must see and survive those
 * nested calls.  Helpers that are not flux API are hidden.
 */
#ifndef FLUXTRACE_DOUBLE_INTERNAL_H
#define FLUXTRACE_DOUBLE_INTERNAL_H

#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "double.h"

#define DBL_HIDDEN __attribute__((visibility("hidden")))

/* ---- aux containers (handles, futures) ------------------------------------ */
struct dbl_aux {
    char *name; /* NULL: anonymous, kept only for its destructor */
    void *val;
    flux_free_f destroy;
    struct dbl_aux *next;
};
DBL_HIDDEN int dbl_aux_set(struct dbl_aux **head, const char *name, void *val,
                           flux_free_f destroy);
DBL_HIDDEN void *dbl_aux_get(struct dbl_aux *head, const char *name);
DBL_HIDDEN void dbl_aux_destroy(struct dbl_aux **head);

/* ---- messages ------------------------------------------------------------- */
struct flux_msg {
    int refcount;
    int type;
    int flags;
    char *topic;
    uint32_t nodeid;   /* requests */
    uint32_t matchtag; /* requests and responses */
    uint32_t seq;      /* events */
    int errnum;        /* responses */
    void *payload;
    size_t payload_len;
    char *route_first;
    int route_count;
    /* Decoded forms cached with the message, so pointers handed out stay valid
     * as long as the message (the future's current result) does. */
    json_t *json;
    char *val; /* a KVS value, decoded and NUL-terminated */
    size_t val_len;
    char *treeobj; /* a KVS treeobj as text */
};
DBL_HIDDEN flux_msg_t *dbl_response_create(const flux_msg_t *request, int errnum);
DBL_HIDDEN json_t *dbl_msg_json(const flux_msg_t *msg);

/* ---- the connection: what handles and their clones share ------------------ */
struct dbl_qnode {
    flux_msg_t *msg;
    struct dbl_qnode *next;
};

struct dbl_conn {
    pthread_mutex_t lock; /* the queue; other threads' services deliver to it */
    struct dbl_qnode *head, *tail;
    int efd; /* eventfd, readable after a delivery: wakes a polling reactor */
    char uuid[48];
    uint8_t *tags; /* matchtags in use, one byte each, index = tag */
    size_t ntags;
    json_t *attrs;
    json_t *subs;                /* event topic prefixes; under dbl_lock */
    struct flux_handle *handles; /* the handle and its clones */
    struct dbl_conn *next;       /* all connections; under dbl_lock */
};
DBL_HIDDEN void dbl_conn_deliver(struct dbl_conn *c, flux_msg_t *msg, bool head);
DBL_HIDDEN bool dbl_conn_pending(struct dbl_conn *c);
DBL_HIDDEN uint32_t dbl_matchtag_alloc(struct dbl_conn *c);
DBL_HIDDEN void dbl_matchtag_free(struct dbl_conn *c, uint32_t tag);

struct dbl_dispatch;

struct flux_handle {
    struct flux_handle *parent; /* clones */
    struct dbl_conn *conn;
    int usecount;
    int flags;
    flux_reactor_t *reactor;
    bool own_reactor;
    struct dbl_aux *aux;
    struct dbl_dispatch *dispatch;
    struct flux_handle *next; /* in conn->handles */
};

/* ---- dispatch ------------------------------------------------------------- */
DBL_HIDDEN void dbl_dispatch_destroy(flux_t *h);
DBL_HIDDEN void dbl_dispatch_requeue(flux_t *h);
/* Whether a handler of any handle on the connection takes this request. */
DBL_HIDDEN bool dbl_conn_serves(struct dbl_conn *c, const flux_msg_t *msg);

/* ---- the in-process services (server.c) ---------------------------------- */
extern DBL_HIDDEN pthread_mutex_t dbl_lock;
DBL_HIDDEN void dbl_server_register(struct dbl_conn *c);
DBL_HIDDEN void dbl_server_unregister(struct dbl_conn *c);
/* True when a service of the double took the request (and ownership of msg). */
DBL_HIDDEN bool dbl_server_request(struct dbl_conn *c, flux_msg_t *msg);
DBL_HIDDEN void dbl_server_event(flux_msg_t *msg);

/* ---- small helpers -------------------------------------------------------- */
DBL_HIDDEN char *dbl_base64_encode(const void *data, size_t len);
DBL_HIDDEN void *dbl_base64_decode(const char *s, size_t *len);
DBL_HIDDEN double dbl_monotime(void);
DBL_HIDDEN char *dbl_vpack(const char *fmt, va_list ap);

#endif
