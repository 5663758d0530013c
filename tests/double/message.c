/* Messages, and the small helpers every other file uses. */
#define _GNU_SOURCE
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

flux_msg_t *flux_msg_create(int type) {
    if (type != FLUX_MSGTYPE_REQUEST && type != FLUX_MSGTYPE_RESPONSE &&
        type != FLUX_MSGTYPE_EVENT && type != FLUX_MSGTYPE_CONTROL) {
        errno = EINVAL;
        return NULL;
    }
    flux_msg_t *msg = calloc(1, sizeof *msg);
    if (msg == NULL)
        return NULL;
    msg->refcount = 1;
    msg->type = type;
    msg->nodeid = FLUX_NODEID_ANY;
    msg->route_count = -1;
    return msg;
}

void flux_msg_destroy(flux_msg_t *msg) {
    if (msg == NULL || --msg->refcount > 0)
        return;
    int saved = errno;
    free(msg->topic);
    free(msg->payload);
    free(msg->route_first);
    json_decref(msg->json);
    free(msg->val);
    free(msg->treeobj);
    free(msg);
    errno = saved;
}

const flux_msg_t *flux_msg_incref(const flux_msg_t *msg) {
    if (msg != NULL)
        ((flux_msg_t *)msg)->refcount++;
    return msg;
}

void flux_msg_decref(const flux_msg_t *msg) {
    flux_msg_destroy((flux_msg_t *)msg);
}

flux_msg_t *flux_msg_copy(const flux_msg_t *msg, bool payload) {
    if (msg == NULL) {
        errno = EINVAL;
        return NULL;
    }
    flux_msg_t *cpy = flux_msg_create(msg->type);
    if (cpy == NULL)
        return NULL;
    cpy->flags = msg->flags & ~FLUX_MSGFLAG_PAYLOAD;
    cpy->nodeid = msg->nodeid;
    cpy->matchtag = msg->matchtag;
    cpy->seq = msg->seq;
    cpy->errnum = msg->errnum;
    cpy->route_count = msg->route_count;
    if (msg->topic != NULL)
        cpy->topic = strdup(msg->topic);
    if (msg->route_first != NULL)
        cpy->route_first = strdup(msg->route_first);
    if (payload && msg->payload != NULL)
        flux_msg_set_payload(cpy, msg->payload, msg->payload_len);
    return cpy;
}

int flux_msg_get_type(const flux_msg_t *msg, int *type) {
    if (msg == NULL || type == NULL) {
        errno = EINVAL;
        return -1;
    }
    *type = msg->type;
    return 0;
}

int flux_msg_set_topic(flux_msg_t *msg, const char *topic) {
    if (msg == NULL) {
        errno = EINVAL;
        return -1;
    }
    free(msg->topic);
    msg->topic = topic != NULL ? strdup(topic) : NULL;
    if (topic != NULL)
        msg->flags |= FLUX_MSGFLAG_TOPIC;
    else
        msg->flags &= ~FLUX_MSGFLAG_TOPIC;
    return 0;
}

int flux_msg_get_topic(const flux_msg_t *msg, const char **topic) {
    if (msg == NULL || topic == NULL) {
        errno = EINVAL;
        return -1;
    }
    if (msg->topic == NULL) {
        errno = EPROTO;
        return -1;
    }
    *topic = msg->topic;
    return 0;
}

int flux_msg_set_nodeid(flux_msg_t *msg, uint32_t nodeid) {
    if (msg == NULL || msg->type != FLUX_MSGTYPE_REQUEST ||
        nodeid == FLUX_NODEID_UPSTREAM) {
        errno = EINVAL;
        return -1;
    }
    msg->nodeid = nodeid;
    return 0;
}

int flux_msg_get_nodeid(const flux_msg_t *msg, uint32_t *nodeid) {
    if (msg == NULL) {
        errno = EINVAL;
        return -1;
    }
    if (msg->type != FLUX_MSGTYPE_REQUEST) {
        errno = EPROTO;
        return -1;
    }
    if (nodeid != NULL)
        *nodeid = msg->nodeid;
    return 0;
}

int flux_msg_set_matchtag(flux_msg_t *msg, uint32_t matchtag) {
    if (msg == NULL ||
        (msg->type != FLUX_MSGTYPE_REQUEST && msg->type != FLUX_MSGTYPE_RESPONSE)) {
        errno = EINVAL;
        return -1;
    }
    msg->matchtag = matchtag;
    return 0;
}

int flux_msg_get_matchtag(const flux_msg_t *msg, uint32_t *matchtag) {
    if (msg == NULL || matchtag == NULL) {
        errno = EINVAL;
        return -1;
    }
    if (msg->type != FLUX_MSGTYPE_REQUEST && msg->type != FLUX_MSGTYPE_RESPONSE) {
        errno = EPROTO;
        return -1;
    }
    *matchtag = msg->matchtag;
    return 0;
}

int flux_msg_get_seq(const flux_msg_t *msg, uint32_t *seq) {
    if (msg == NULL || seq == NULL) {
        errno = EINVAL;
        return -1;
    }
    if (msg->type != FLUX_MSGTYPE_EVENT) {
        errno = EPROTO;
        return -1;
    }
    *seq = msg->seq;
    return 0;
}

int flux_msg_get_errnum(const flux_msg_t *msg, int *errnum) {
    if (msg == NULL || errnum == NULL) {
        errno = EINVAL;
        return -1;
    }
    if (msg->type != FLUX_MSGTYPE_RESPONSE) {
        errno = EPROTO;
        return -1;
    }
    *errnum = msg->errnum;
    return 0;
}

int flux_msg_set_flag(flux_msg_t *msg, int flag) {
    if (msg == NULL || flag == 0 || (flag & (flag - 1)) != 0 || flag > 0x80) {
        errno = EINVAL;
        return -1;
    }
    msg->flags |= flag;
    return 0;
}

bool flux_msg_has_flag(const flux_msg_t *msg, int flag) {
    if (msg == NULL) {
        errno = EINVAL;
        return false;
    }
    return (msg->flags & flag) != 0;
}

const char *flux_msg_route_first(const flux_msg_t *msg) {
    if (msg == NULL || !(msg->flags & FLUX_MSGFLAG_ROUTE))
        return NULL;
    return msg->route_first;
}

int flux_msg_route_count(const flux_msg_t *msg) {
    if (msg == NULL) {
        errno = EINVAL;
        return -1;
    }
    if (!(msg->flags & FLUX_MSGFLAG_ROUTE)) {
        errno = EPROTO;
        return -1;
    }
    return msg->route_count;
}

int flux_msg_set_payload(flux_msg_t *msg, const void *buf, size_t size) {
    if (msg == NULL || (buf == NULL && size > 0)) {
        errno = EINVAL;
        return -1;
    }
    void *cpy = NULL;
    if (buf != NULL) {
        if ((cpy = malloc(size > 0 ? size : 1)) == NULL)
            return -1;
        memcpy(cpy, buf, size);
    }
    free(msg->payload);
    json_decref(msg->json);
    msg->json = NULL;
    msg->payload = cpy;
    msg->payload_len = buf != NULL ? size : 0;
    if (buf != NULL)
        msg->flags |= FLUX_MSGFLAG_PAYLOAD;
    else
        msg->flags &= ~FLUX_MSGFLAG_PAYLOAD;
    return 0;
}

int flux_msg_get_payload(const flux_msg_t *msg, const void **buf, size_t *size) {
    if (msg == NULL) {
        errno = EINVAL;
        return -1;
    }
    if (!(msg->flags & FLUX_MSGFLAG_PAYLOAD)) {
        errno = EPROTO;
        return -1;
    }
    if (buf != NULL)
        *buf = msg->payload;
    if (size != NULL)
        *size = msg->payload_len;
    return 0;
}

/* String payloads carry their NUL, as in flux-core. */
int flux_msg_set_string(flux_msg_t *msg, const char *s) {
    return flux_msg_set_payload(msg, s, s != NULL ? strlen(s) + 1 : 0);
}

int flux_msg_get_string(const flux_msg_t *msg, const char **s) {
    if (msg == NULL) {
        errno = EINVAL;
        return -1;
    }
    const char *p = NULL;
    if (msg->flags & FLUX_MSGFLAG_PAYLOAD) {
        p = msg->payload;
        if (msg->payload_len == 0 || p[msg->payload_len - 1] != '\0') {
            errno = EPROTO;
            return -1;
        }
    }
    if (s != NULL)
        *s = p;
    return 0;
}

json_t *dbl_msg_json(const flux_msg_t *msg) {
    const char *s;
    if (flux_msg_get_string(msg, &s) < 0)
        return NULL;
    if (msg->json == NULL) {
        if (s == NULL || (((flux_msg_t *)msg)->json = json_loads(s, 0, NULL)) == NULL) {
            errno = EPROTO;
            return NULL;
        }
    }
    return msg->json;
}

static int vunpack(const flux_msg_t *msg, const char *fmt, va_list ap) {
    json_t *o = dbl_msg_json(msg);
    if (o == NULL)
        return -1;
    if (json_vunpack_ex(o, NULL, 0, fmt, ap) < 0) {
        errno = EPROTO;
        return -1;
    }
    return 0;
}

int flux_msg_unpack(const flux_msg_t *msg, const char *fmt, ...) {
    if (msg == NULL || fmt == NULL) {
        errno = EINVAL;
        return -1;
    }
    va_list ap;
    va_start(ap, fmt);
    int rc = vunpack(msg, fmt, ap);
    va_end(ap);
    return rc;
}

bool flux_msg_cmp(const flux_msg_t *msg, struct flux_match match) {
    if (msg == NULL || !(msg->type & match.typemask))
        return false;
    if (match.matchtag != FLUX_MATCHTAG_NONE && match.matchtag != msg->matchtag)
        return false;
    if (match.topic_glob != NULL && match.topic_glob[0] != '\0' &&
        strcmp(match.topic_glob, "*") != 0) {
        if (msg->topic == NULL || fnmatch(match.topic_glob, msg->topic, 0) != 0)
            return false;
    }
    return true;
}

static int decode(const flux_msg_t *msg, int type, const char **topic, const char **s) {
    if (msg == NULL) {
        errno = EINVAL;
        return -1;
    }
    if (msg->type != type) {
        errno = EPROTO;
        return -1;
    }
    if (topic != NULL && flux_msg_get_topic(msg, topic) < 0)
        return -1;
    if (s != NULL && flux_msg_get_string(msg, s) < 0)
        return -1;
    return 0;
}

int flux_request_decode(const flux_msg_t *msg, const char **topic, const char **s) {
    return decode(msg, FLUX_MSGTYPE_REQUEST, topic, s);
}

int flux_event_decode(const flux_msg_t *msg, const char **topic, const char **s) {
    return decode(msg, FLUX_MSGTYPE_EVENT, topic, s);
}

int flux_request_unpack(const flux_msg_t *msg, const char **topic, const char *fmt, ...) {
    if (fmt == NULL || flux_request_decode(msg, topic, NULL) < 0) {
        if (fmt == NULL)
            errno = EINVAL;
        return -1;
    }
    va_list ap;
    va_start(ap, fmt);
    int rc = vunpack(msg, fmt, ap);
    va_end(ap);
    return rc;
}

flux_msg_t *dbl_response_create(const flux_msg_t *request, int errnum) {
    flux_msg_t *rsp = flux_msg_create(FLUX_MSGTYPE_RESPONSE);
    if (rsp == NULL)
        return NULL;
    flux_msg_set_topic(rsp, request->topic);
    rsp->matchtag = request->matchtag;
    rsp->errnum = errnum;
    rsp->flags |= FLUX_MSGFLAG_ROUTE | (request->flags & FLUX_MSGFLAG_STREAMING);
    rsp->route_count = 0;
    return rsp;
}

/* ---- responding: every flux_respond* goes through flux_send_new --------------- */

static int respond(flux_t *h, const flux_msg_t *request, int errnum, const void *data,
                   size_t len, bool string) {
    if (h == NULL || request == NULL || request->type != FLUX_MSGTYPE_REQUEST) {
        errno = EINVAL;
        return -1;
    }
    if (request->flags & FLUX_MSGFLAG_NORESPONSE)
        return 0;
    flux_msg_t *rsp = dbl_response_create(request, errnum);
    if (rsp == NULL)
        return -1;
    if ((string ? flux_msg_set_string(rsp, data) : flux_msg_set_payload(rsp, data, len)) <
            0 ||
        flux_send_new(h, &rsp, 0) < 0) {
        flux_msg_destroy(rsp);
        return -1;
    }
    return 0;
}

int flux_respond(flux_t *h, const flux_msg_t *request, const char *s) {
    return respond(h, request, 0, s, 0, true);
}

int flux_respond_raw(flux_t *h, const flux_msg_t *request, const void *data, size_t len) {
    return respond(h, request, 0, data, len, false);
}

int flux_respond_error(flux_t *h, const flux_msg_t *request, int errnum,
                       const char *errstr) {
    if (errnum == 0) {
        errno = EINVAL;
        return -1;
    }
    return respond(h, request, errnum, errstr, 0, true);
}

int flux_respond_pack(flux_t *h, const flux_msg_t *request, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *s = fmt != NULL ? dbl_vpack(fmt, ap) : NULL;
    va_end(ap);
    if (s == NULL) {
        errno = EINVAL;
        return -1;
    }
    int rc = respond(h, request, 0, s, 0, true);
    free(s);
    return rc;
}

/* ---- helpers ---------------------------------------------------------------- */

char *dbl_vpack(const char *fmt, va_list ap) {
    json_t *o = json_vpack_ex(NULL, 0, fmt, ap);
    if (o == NULL)
        return NULL;
    char *s = json_dumps(o, JSON_COMPACT | JSON_ENCODE_ANY);
    json_decref(o);
    return s;
}

double dbl_monotime(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *dbl_base64_encode(const void *data, size_t len) {
    const unsigned char *in = data;
    char *out = malloc(4 * ((len + 2) / 3) + 1), *p = out;
    if (out == NULL)
        return NULL;
    for (size_t i = 0; i < len; i += 3) {
        unsigned v = (unsigned)in[i] << 16;
        if (i + 1 < len)
            v |= (unsigned)in[i + 1] << 8;
        if (i + 2 < len)
            v |= in[i + 2];
        *p++ = b64[(v >> 18) & 63];
        *p++ = b64[(v >> 12) & 63];
        *p++ = i + 1 < len ? b64[(v >> 6) & 63] : '=';
        *p++ = i + 2 < len ? b64[v & 63] : '=';
    }
    *p = '\0';
    return out;
}

void *dbl_base64_decode(const char *s, size_t *len) {
    size_t n = strlen(s);
    unsigned char *out = malloc(n / 4 * 3 + 1), *p = out;
    if (out == NULL)
        return NULL;
    unsigned v = 0;
    int bits = 0;
    for (size_t i = 0; i < n && s[i] != '='; i++) {
        const char *c = strchr(b64, s[i]);
        if (c == NULL || s[i] == '\0') {
            free(out);
            errno = EPROTO;
            return NULL;
        }
        v = (v << 6) | (unsigned)(c - b64);
        if ((bits += 6) >= 8) {
            bits -= 8;
            *p++ = (unsigned char)(v >> bits);
        }
    }
    *p = '\0';
    *len = (size_t)(p - out);
    return out;
}

/* ---- aux -------------------------------------------------------------------- */

int dbl_aux_set(struct dbl_aux **head, const char *name, void *val, flux_free_f destroy) {
    if (name == NULL && destroy == NULL) {
        errno = EINVAL;
        return -1;
    }
    if (name != NULL) {
        for (struct dbl_aux **pp = head; *pp != NULL; pp = &(*pp)->next) {
            struct dbl_aux *a = *pp;
            if (a->name != NULL && strcmp(a->name, name) == 0) {
                *pp = a->next;
                if (a->destroy != NULL)
                    a->destroy(a->val);
                free(a->name);
                free(a);
                break;
            }
        }
        if (val == NULL)
            return 0;
    }
    struct dbl_aux *a = calloc(1, sizeof *a);
    if (a == NULL || (name != NULL && (a->name = strdup(name)) == NULL)) {
        free(a);
        return -1;
    }
    a->val = val;
    a->destroy = destroy;
    a->next = *head;
    *head = a;
    return 0;
}

void *dbl_aux_get(struct dbl_aux *head, const char *name) {
    for (struct dbl_aux *a = head; a != NULL; a = a->next)
        if (a->name != NULL && strcmp(a->name, name) == 0)
            return a->val;
    errno = ENOENT;
    return NULL;
}

void dbl_aux_destroy(struct dbl_aux **head) {
    int saved = errno;
    while (*head != NULL) {
        struct dbl_aux *a = *head;
        *head = a->next;
        if (a->destroy != NULL)
            a->destroy(a->val);
        free(a->name);
        free(a);
    }
    errno = saved;
}
