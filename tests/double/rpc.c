/* RPCs: a request sent through the exported flux_send, and a future whose init
 * callback (once per context) creates the response handler through the
 * exported flux_msg_handler_create.  The matchtag returns to the pool when the
 * future is destroyed after its final response, as in flux-core; a future
 * destroyed earlier leaks it, since a late response could still carry it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct rpc {
    flux_t *h;
    uint32_t matchtag;
    uint32_t nodeid;
    int flags;
    bool final;
};

static void rpc_destroy(void *arg) {
    struct rpc *rpc = arg;
    if (rpc->final)
        dbl_matchtag_free(rpc->h->conn, rpc->matchtag);
    free(rpc);
}

static void response_cb(flux_t *h, flux_msg_handler_t *mh, const flux_msg_t *msg,
                        void *arg) {
    (void)h;
    flux_future_t *f = arg;
    struct rpc *rpc = flux_future_aux_get(f, "flux::rpc");
    int errnum = 0;
    if (rpc == NULL || flux_msg_get_errnum(msg, &errnum) < 0)
        return;
    if (errnum != 0) {
        const char *errstr = NULL;
        (void)flux_msg_get_string(msg, &errstr);
        rpc->final = true;
        flux_future_fulfill_error(f, errnum, errstr);
    } else {
        if (!(rpc->flags & FLUX_RPC_STREAMING))
            rpc->final = true;
        flux_future_fulfill(f, (void *)flux_msg_incref(msg),
                            (flux_free_f)flux_msg_decref);
    }
    if (rpc->final)
        flux_msg_handler_stop(mh);
}

static void initialize_cb(flux_future_t *f, void *arg) {
    struct rpc *rpc = arg;
    if (rpc->flags & FLUX_RPC_NORESPONSE)
        return;
    flux_t *h = flux_future_get_flux(f);
    struct flux_match match = {FLUX_MSGTYPE_RESPONSE, rpc->matchtag, NULL};
    flux_msg_handler_t *mh = h ? flux_msg_handler_create(h, match, response_cb, f) : NULL;
    if (mh == NULL ||
        flux_future_aux_set(f, NULL, mh, (flux_free_f)flux_msg_handler_destroy) < 0) {
        flux_msg_handler_destroy(mh);
        flux_future_fulfill_error(f, errno, NULL);
        return;
    }
    flux_msg_handler_start(mh);
}

/* Takes ownership of msg. */
static flux_future_t *rpc_request(flux_t *h, flux_msg_t *msg, uint32_t nodeid,
                                  int flags) {
    if (h == NULL || msg == NULL ||
        (flags & ~(FLUX_RPC_NORESPONSE | FLUX_RPC_STREAMING)) != 0) {
        flux_msg_destroy(msg);
        errno = EINVAL;
        return NULL;
    }
    struct rpc *rpc = calloc(1, sizeof *rpc);
    flux_future_t *f;
    if (rpc == NULL)
        goto error;
    rpc->h = h;
    rpc->nodeid = nodeid;
    rpc->flags = flags;
    if (nodeid == FLUX_NODEID_UPSTREAM) {
        uint32_t rank;
        if (flux_get_rank(h, &rank) < 0)
            goto error;
        msg->flags |= FLUX_MSGFLAG_UPSTREAM;
        nodeid = rank;
    }
    msg->nodeid = nodeid;
    if (flags & FLUX_RPC_NORESPONSE) {
        msg->flags |= FLUX_MSGFLAG_NORESPONSE;
    } else if ((rpc->matchtag = dbl_matchtag_alloc(h->conn)) == FLUX_MATCHTAG_NONE) {
        errno = EAGAIN;
        goto error;
    }
    if (flags & FLUX_RPC_STREAMING)
        msg->flags |= FLUX_MSGFLAG_STREAMING;
    msg->matchtag = rpc->matchtag;
    if ((f = flux_future_create(initialize_cb, rpc)) == NULL)
        goto error;
    if (flux_future_aux_set(f, "flux::rpc", rpc, rpc_destroy) < 0) {
        flux_future_destroy(f);
        goto error;
    }
    flux_future_set_flux(f, h);
    if (flux_send(h, msg, 0) < 0) {
        rpc->final = true; /* nothing can answer: the tag is free again */
        flux_future_destroy(f);
        flux_msg_destroy(msg);
        return NULL;
    }
    flux_msg_destroy(msg);
    if (flags & FLUX_RPC_NORESPONSE)
        flux_future_fulfill(f, NULL, NULL);
    return f;
error:
    if (rpc != NULL)
        dbl_matchtag_free(h->conn, rpc->matchtag);
    free(rpc);
    flux_msg_destroy(msg);
    return NULL;
}

static flux_msg_t *request_create(flux_t *h, const char *topic) {
    if (h == NULL || topic == NULL) {
        errno = EINVAL;
        return NULL;
    }
    flux_msg_t *msg = flux_msg_create(FLUX_MSGTYPE_REQUEST);
    if (msg != NULL && flux_msg_set_topic(msg, topic) < 0) {
        flux_msg_destroy(msg);
        return NULL;
    }
    return msg;
}

flux_future_t *flux_rpc(flux_t *h, const char *topic, const char *s, uint32_t nodeid,
                        int flags) {
    flux_msg_t *msg = request_create(h, topic);
    if (msg == NULL)
        return NULL;
    if (s != NULL && flux_msg_set_string(msg, s) < 0) {
        flux_msg_destroy(msg);
        return NULL;
    }
    return rpc_request(h, msg, nodeid, flags);
}

flux_future_t *flux_rpc_raw(flux_t *h, const char *topic, const void *data, size_t len,
                            uint32_t nodeid, int flags) {
    flux_msg_t *msg = request_create(h, topic);
    if (msg == NULL)
        return NULL;
    if (flux_msg_set_payload(msg, data, len) < 0) {
        flux_msg_destroy(msg);
        return NULL;
    }
    return rpc_request(h, msg, nodeid, flags);
}

flux_future_t *flux_rpc_vpack(flux_t *h, const char *topic, uint32_t nodeid, int flags,
                              const char *fmt, va_list ap) {
    if (fmt == NULL) {
        errno = EINVAL;
        return NULL;
    }
    flux_msg_t *msg = request_create(h, topic);
    if (msg == NULL)
        return NULL;
    char *s = dbl_vpack(fmt, ap);
    if (s == NULL || flux_msg_set_string(msg, s) < 0) {
        free(s);
        flux_msg_destroy(msg);
        errno = EINVAL;
        return NULL;
    }
    free(s);
    return rpc_request(h, msg, nodeid, flags);
}

flux_future_t *flux_rpc_pack(flux_t *h, const char *topic, uint32_t nodeid, int flags,
                             const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    flux_future_t *f = flux_rpc_vpack(h, topic, nodeid, flags, fmt, ap);
    va_end(ap);
    return f;
}

flux_future_t *flux_rpc_message(flux_t *h, const flux_msg_t *msg, uint32_t nodeid,
                                int flags) {
    if (h == NULL || msg == NULL || msg->type != FLUX_MSGTYPE_REQUEST) {
        errno = EINVAL;
        return NULL;
    }
    flux_msg_t *cpy = flux_msg_copy(msg, true);
    if (cpy == NULL)
        return NULL;
    return rpc_request(h, cpy, nodeid, flags);
}

int flux_rpc_get(flux_future_t *f, const char **s) {
    const flux_msg_t *msg;
    if (flux_future_get(f, (const void **)&msg) < 0)
        return -1;
    if (msg == NULL) {
        if (s != NULL)
            *s = NULL;
        return 0;
    }
    return flux_msg_get_string(msg, s);
}

int flux_rpc_get_raw(flux_future_t *f, const void **data, size_t *len) {
    const flux_msg_t *msg;
    if (flux_future_get(f, (const void **)&msg) < 0)
        return -1;
    const void *buf = NULL;
    size_t size = 0;
    if (msg != NULL && flux_msg_has_flag(msg, FLUX_MSGFLAG_PAYLOAD))
        flux_msg_get_payload(msg, &buf, &size);
    if (data != NULL)
        *data = buf;
    if (len != NULL)
        *len = size;
    return 0;
}

int flux_rpc_get_unpack(flux_future_t *f, const char *fmt, ...) {
    const flux_msg_t *msg;
    if (fmt == NULL) {
        errno = EINVAL;
        return -1;
    }
    if (flux_future_get(f, (const void **)&msg) < 0)
        return -1;
    json_t *o = msg != NULL ? dbl_msg_json(msg) : NULL;
    if (o == NULL) {
        errno = EPROTO;
        return -1;
    }
    va_list ap;
    va_start(ap, fmt);
    int rc = json_vunpack_ex(o, NULL, 0, fmt, ap);
    va_end(ap);
    if (rc < 0) {
        errno = EPROTO;
        return -1;
    }
    return 0;
}

uint32_t flux_rpc_get_matchtag(flux_future_t *f) {
    struct rpc *rpc = flux_future_aux_get(f, "flux::rpc");
    return rpc != NULL ? rpc->matchtag : FLUX_MATCHTAG_NONE;
}

uint32_t flux_rpc_get_nodeid(flux_future_t *f) {
    struct rpc *rpc = flux_future_aux_get(f, "flux::rpc");
    return rpc != NULL ? rpc->nodeid : FLUX_NODEID_ANY;
}
