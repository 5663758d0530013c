/* The "broker" of the double: services answered in-process, at once, from state
 * shared by every handle of the process (one lock).
 *
 *   kvs.commit        {namespace, flags, ops:[{key, flags, dirent}]}
 *                     -> {rootref, rootseq}; one root sequence per commit, then
 *                     kvs.namespace-<ns>-setroot is published
 *   kvs.lookup        {key, namespace | rootdir, flags} -> {val: treeobj}
 *   kvs-watch.lookup  the same, streaming with WATCH: one response per commit
 *                     naming the key; WAITCREATE waits for it to exist
 *   kvs-watch.cancel  {matchtag}: ends that watch with ENODATA
 *   kvs.getroot       -> {rootref, rootseq, flags, namespace, owner}
 *   kvs.wait-version  {rootseq} -> answered once the root reaches it
 *   event.pub         {topic, flags, payload?} -> {seq}; the event (with a
 *                     process-wide sequence) goes to subscribed connections
 *   event.(un)subscribe {topic}: a topic prefix, per connection
 *   attr.get          ENOENT: the attributes the double has are cached
 *   test.echo         its own payload back
 * Only the "primary" namespace exists (ENOTSUP otherwise), and each key keeps
 * its history, so a lookup at an older root sees the value of that time.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

pthread_mutex_t dbl_lock = PTHREAD_MUTEX_INITIALIZER;

struct watch {
    struct dbl_conn *c;
    flux_msg_t *req;
    char *key;
    int flags;
    bool answered;   /* the initial value went out */
    size_t appended; /* WATCH_APPEND: bytes sent so far */
    json_t *last;    /* WATCH_UNIQ */
    struct watch *next;
};

struct waiter {
    struct dbl_conn *c;
    flux_msg_t *req;
    int rootseq;
    struct waiter *next;
};

static struct dbl_conn *conns;
static json_t *history; /* key -> [[rootseq, dirent | null], ...] */
static int rootseq;
static uint32_t event_seq;
static struct watch *watches;
static struct waiter *waiters;

static void atfork_prepare(void) {
    pthread_mutex_lock(&dbl_lock);
}

static void atfork_release(void) {
    pthread_mutex_unlock(&dbl_lock);
}

__attribute__((constructor)) static void server_init(void) {
    pthread_atfork(atfork_prepare, atfork_release, atfork_release);
}

void dbl_server_register(struct dbl_conn *c) {
    pthread_mutex_lock(&dbl_lock);
    c->next = conns;
    conns = c;
    pthread_mutex_unlock(&dbl_lock);
}

static void watch_free(struct watch *w) {
    flux_msg_destroy(w->req);
    free(w->key);
    json_decref(w->last);
    free(w);
}

void dbl_server_unregister(struct dbl_conn *c) {
    pthread_mutex_lock(&dbl_lock);
    for (struct dbl_conn **pp = &conns; *pp != NULL; pp = &(*pp)->next) {
        if (*pp == c) {
            *pp = c->next;
            break;
        }
    }
    for (struct watch **pp = &watches; *pp != NULL;) {
        struct watch *w = *pp;
        if (w->c == c) {
            *pp = w->next;
            watch_free(w);
        } else {
            pp = &w->next;
        }
    }
    for (struct waiter **pp = &waiters; *pp != NULL;) {
        struct waiter *w = *pp;
        if (w->c == c) {
            *pp = w->next;
            flux_msg_destroy(w->req);
            free(w);
        } else {
            pp = &w->next;
        }
    }
    pthread_mutex_unlock(&dbl_lock);
}

/* ---- answering ------------------------------------------------------------------ */

/* Steals payload (may be NULL). */
static void reply(struct dbl_conn *c, const flux_msg_t *req, int errnum,
                  json_t *payload) {
    if (req->flags & FLUX_MSGFLAG_NORESPONSE) {
        json_decref(payload);
        return;
    }
    flux_msg_t *rsp = dbl_response_create(req, errnum);
    char *s = payload != NULL ? json_dumps(payload, JSON_COMPACT) : NULL;
    json_decref(payload);
    if (rsp == NULL || (s != NULL && flux_msg_set_string(rsp, s) < 0)) {
        flux_msg_destroy(rsp);
        free(s);
        return;
    }
    free(s);
    dbl_conn_deliver(c, rsp, false);
}

static void deliver_event(flux_msg_t *msg) {
    msg->seq = ++event_seq;
    for (struct dbl_conn *c = conns; c != NULL; c = c->next) {
        size_t i;
        json_t *prefix;
        json_array_foreach(c->subs, i, prefix) {
            const char *p = json_string_value(prefix);
            if (strncmp(msg->topic, p, strlen(p)) == 0) {
                flux_msg_t *cpy = flux_msg_copy(msg, true);
                if (cpy != NULL)
                    dbl_conn_deliver(c, cpy, false);
                break;
            }
        }
    }
}

void dbl_server_event(flux_msg_t *msg) {
    if (msg->topic != NULL) {
        pthread_mutex_lock(&dbl_lock);
        deliver_event(msg);
        pthread_mutex_unlock(&dbl_lock);
    }
    flux_msg_destroy(msg);
}

/* ---- the KVS -------------------------------------------------------------------- */

static void rootref(int seq, char *buf, size_t size) {
    snprintf(buf, size, "sha1-%040x", (unsigned)seq);
}

static json_t *root_payload(const char *ns) {
    char ref[64];
    rootref(rootseq, ref, sizeof ref);
    return json_pack("{s:s s:i s:i s:s s:i}", "rootref", ref, "rootseq", rootseq, "flags",
                     0, "namespace", ns, "owner", (int)getuid());
}

/* The dirent of key at root `seq` (-1: now), or NULL. */
static json_t *dirent_at(const char *key, int seq) {
    json_t *versions = history != NULL ? json_object_get(history, key) : NULL;
    for (size_t i = json_array_size(versions); i-- > 0;) {
        json_t *v = json_array_get(versions, i);
        if (seq < 0 || json_integer_value(json_array_get(v, 0)) <= seq) {
            json_t *d = json_array_get(v, 1);
            return json_is_null(d) ? NULL : d;
        }
    }
    return NULL;
}

static bool ns_ok(const char *ns) {
    return ns == NULL || strcmp(ns, "primary") == 0;
}

static const char *dirent_type(json_t *dirent) {
    const char *t = json_string_value(json_object_get(dirent, "type"));
    return t != NULL ? t : "";
}

static int decode_val(json_t *dirent, char **data, size_t *len) {
    const char *b64 = json_string_value(json_object_get(dirent, "data"));
    if (strcmp(dirent_type(dirent), "val") != 0 || b64 == NULL ||
        (*data = dbl_base64_decode(b64, len)) == NULL)
        return -1;
    return 0;
}

static json_t *val_treeobj(const char *data, size_t len) {
    char *b64 = dbl_base64_encode(data, len);
    json_t *o =
        b64 ? json_pack("{s:i s:s s:s}", "ver", 1, "type", "val", "data", b64) : NULL;
    free(b64);
    return o;
}

/* kvs.lookup: errno-style result; *val borrowed. */
static int lookup(const char *key, int flags, int seq, json_t **val) {
    json_t *d = dirent_at(key, seq);
    if (d != NULL && !strcmp(dirent_type(d), "symlink") &&
        !(flags & (FLUX_KVS_READLINK | FLUX_KVS_TREEOBJ))) {
        const char *target =
            json_string_value(json_object_get(json_object_get(d, "data"), "target"));
        d = target != NULL ? dirent_at(target, seq) : NULL;
    }
    if (d == NULL)
        return ENOENT;
    if (flags & FLUX_KVS_TREEOBJ) {
        *val = d;
        return 0;
    }
    bool dir = !strcmp(dirent_type(d), "dir");
    if ((flags & FLUX_KVS_READDIR) && !dir)
        return ENOTDIR;
    if (!(flags & FLUX_KVS_READDIR) && dir)
        return EISDIR;
    if ((flags & FLUX_KVS_READLINK) && strcmp(dirent_type(d), "symlink") != 0)
        return EINVAL;
    *val = d;
    return 0;
}

static void kvs_lookup(struct dbl_conn *c, const flux_msg_t *req) {
    const char *key, *ns = NULL;
    int flags = 0, seq = -1;
    json_t *rootdir = NULL, *val = NULL;
    if (flux_request_unpack(req, NULL, "{s:s s:i s?s s?o}", "key", &key, "flags", &flags,
                            "namespace", &ns, "rootdir", &rootdir) < 0) {
        reply(c, req, EPROTO, NULL);
        return;
    }
    if (!ns_ok(ns)) {
        reply(c, req, ENOTSUP, NULL);
        return;
    }
    if (rootdir != NULL) {
        const char *ref =
            json_string_value(json_array_get(json_object_get(rootdir, "data"), 0));
        unsigned s;
        if (strcmp(dirent_type(rootdir), "dirref") != 0 || ref == NULL ||
            sscanf(ref, "sha1-%x", &s) != 1) {
            reply(c, req, EINVAL, NULL);
            return;
        }
        seq = (int)s;
    }
    int err = lookup(key, flags, seq, &val);
    reply(c, req, err, err ? NULL : json_pack("{s:O}", "val", val));
}

/* A watch's next response for the key's current dirent, or false when it ends. */
static bool watch_send(struct watch *w, json_t *d) {
    if (d == NULL) {
        reply(w->c, w->req, ENOENT, NULL);
        return false;
    }
    if ((w->flags & FLUX_KVS_WATCH_UNIQ) && w->last != NULL && json_equal(w->last, d))
        return true;
    json_t *val = json_incref(d);
    if ((w->flags & FLUX_KVS_WATCH_APPEND) && w->answered) {
        char *data;
        size_t len;
        json_decref(val);
        if (decode_val(d, &data, &len) < 0 || len < w->appended) {
            free(data);
            reply(w->c, w->req, EINVAL, NULL);
            return false;
        }
        val = val_treeobj(data + w->appended, len - w->appended);
        w->appended = len;
        free(data);
    } else if (w->flags & FLUX_KVS_WATCH_APPEND) {
        char *data;
        if (decode_val(d, &data, &w->appended) == 0)
            free(data);
    }
    json_decref(w->last);
    w->last = json_incref(d);
    w->answered = true;
    reply(w->c, w->req, 0, json_pack("{s:o}", "val", val));
    if (!(w->flags & FLUX_KVS_WATCH)) {
        if (w->flags & FLUX_KVS_STREAM)
            reply(w->c, w->req, ENODATA, NULL);
        return false;
    }
    return true;
}

static void kvs_watch_lookup(struct dbl_conn *c, flux_msg_t *req) {
    const char *key, *ns = NULL;
    int flags = 0;
    if (flux_request_unpack(req, NULL, "{s:s s:i s?s}", "key", &key, "flags", &flags,
                            "namespace", &ns) < 0) {
        reply(c, req, EPROTO, NULL);
        return;
    }
    if (!ns_ok(ns)) {
        reply(c, req, ENOTSUP, NULL);
        return;
    }
    struct watch *w = calloc(1, sizeof *w);
    if (w == NULL || (w->key = strdup(key)) == NULL) {
        free(w);
        reply(c, req, ENOMEM, NULL);
        return;
    }
    w->c = c;
    w->req = (flux_msg_t *)flux_msg_incref(req);
    w->flags = flags;
    json_t *d = dirent_at(key, -1);
    if (d != NULL                       ? watch_send(w, d)
        : (flags & FLUX_KVS_WAITCREATE) ? true
                                        : watch_send(w, d)) {
        w->next = watches;
        watches = w;
    } else {
        watch_free(w);
    }
}

static void kvs_watch_cancel(struct dbl_conn *c, const flux_msg_t *req) {
    int matchtag;
    if (flux_request_unpack(req, NULL, "{s:i}", "matchtag", &matchtag) < 0)
        return;
    for (struct watch **pp = &watches; *pp != NULL; pp = &(*pp)->next) {
        struct watch *w = *pp;
        if (w->c == c && w->req->matchtag == (uint32_t)matchtag) {
            *pp = w->next;
            reply(c, w->req, ENODATA, NULL);
            watch_free(w);
            return;
        }
    }
}

/* Applies one op at root `seq`; errno-style result. */
static int apply(json_t *op, int seq, json_t *keys) {
    const char *key;
    int flags;
    json_t *dirent;
    if (json_unpack(op, "{s:s s:i s:o}", "key", &key, "flags", &flags, "dirent",
                    &dirent) < 0)
        return EPROTO;
    json_t *newd = json_incref(dirent);
    if ((flags & FLUX_KVS_APPEND) && !json_is_null(dirent)) {
        json_t *old = dirent_at(key, -1);
        char *a = NULL, *b = NULL;
        size_t alen = 0, blen = 0;
        if ((old != NULL && decode_val(old, &a, &alen) < 0) ||
            decode_val(dirent, &b, &blen) < 0) {
            free(a);
            free(b);
            json_decref(newd);
            return EINVAL;
        }
        char *cat = malloc(alen + blen + 1);
        if (alen)
            memcpy(cat, a, alen);
        if (blen)
            memcpy(cat + alen, b, blen);
        json_decref(newd);
        newd = val_treeobj(cat, alen + blen);
        free(a);
        free(b);
        free(cat);
    }
    json_t *versions = json_object_get(history, key);
    if (versions == NULL) {
        versions = json_array();
        json_object_set_new(history, key, versions);
    }
    json_array_append_new(versions, json_pack("[i o]", seq, newd));
    json_array_append_new(keys, json_string(key));
    return 0;
}

static void kvs_commit(struct dbl_conn *c, const flux_msg_t *req) {
    const char *ns = NULL;
    int flags;
    json_t *ops, *op;
    size_t i;
    if (flux_request_unpack(req, NULL, "{s?s s:i s:o}", "namespace", &ns, "flags", &flags,
                            "ops", &ops) < 0 ||
        !json_is_array(ops)) {
        reply(c, req, EPROTO, NULL);
        return;
    }
    if (!ns_ok(ns)) {
        reply(c, req, ENOTSUP, NULL);
        return;
    }
    json_array_foreach(ops, i, op) {
        json_t *dirent = json_object_get(op, "dirent");
        if (!json_is_string(json_object_get(op, "key")) || dirent == NULL ||
            (!json_is_null(dirent) && !json_is_string(json_object_get(dirent, "type")))) {
            reply(c, req, EINVAL, NULL);
            return;
        }
    }
    if (history == NULL)
        history = json_object();
    int seq = rootseq + 1;
    json_t *keys = json_array();
    json_array_foreach(ops, i, op) {
        int err = apply(op, seq, keys);
        if (err != 0) { /* earlier ops of this commit stay: good enough for a double */
            json_decref(keys);
            reply(c, req, err, NULL);
            return;
        }
    }
    rootseq = seq;
    char ref[64];
    rootref(rootseq, ref, sizeof ref);
    reply(c, req, 0, json_pack("{s:s s:i}", "rootref", ref, "rootseq", rootseq));

    flux_msg_t *ev = flux_msg_create(FLUX_MSGTYPE_EVENT);
    json_t *evp = json_pack("{s:s s:i s:s s:[s] s:O}", "namespace", "primary", "rootseq",
                            rootseq, "rootref", ref, "names", "primary", "keys", keys);
    char *s = evp ? json_dumps(evp, JSON_COMPACT) : NULL;
    if (ev != NULL && s != NULL &&
        flux_msg_set_topic(ev, "kvs.namespace-primary-setroot") == 0 &&
        flux_msg_set_string(ev, s) == 0)
        deliver_event(ev);
    flux_msg_destroy(ev);
    json_decref(evp);
    free(s);

    for (struct watch **pp = &watches; *pp != NULL;) {
        struct watch *w = *pp;
        bool named = false;
        json_t *k;
        json_array_foreach(keys, i, k) named |= strcmp(json_string_value(k), w->key) == 0;
        if (named && !watch_send(w, dirent_at(w->key, -1))) {
            *pp = w->next;
            watch_free(w);
        } else {
            pp = &w->next;
        }
    }
    json_decref(keys);
    for (struct waiter **pp = &waiters; *pp != NULL;) {
        struct waiter *w = *pp;
        if (w->rootseq <= rootseq) {
            *pp = w->next;
            reply(w->c, w->req, 0, root_payload("primary"));
            flux_msg_destroy(w->req);
            free(w);
        } else {
            pp = &w->next;
        }
    }
}

static void kvs_getroot(struct dbl_conn *c, const flux_msg_t *req) {
    const char *ns = NULL;
    int flags = 0;
    if (flux_request_unpack(req, NULL, "{s?s s?i}", "namespace", &ns, "flags", &flags) <
        0) {
        reply(c, req, EPROTO, NULL);
        return;
    }
    if (!ns_ok(ns)) {
        reply(c, req, ENOTSUP, NULL);
        return;
    }
    reply(c, req, 0, root_payload("primary"));
}

static void kvs_wait_version(struct dbl_conn *c, flux_msg_t *req) {
    const char *ns = NULL;
    int seq;
    if (flux_request_unpack(req, NULL, "{s:i s?s}", "rootseq", &seq, "namespace", &ns) <
        0) {
        reply(c, req, EPROTO, NULL);
        return;
    }
    if (!ns_ok(ns)) {
        reply(c, req, ENOTSUP, NULL);
        return;
    }
    if (seq <= rootseq) {
        reply(c, req, 0, root_payload("primary"));
        return;
    }
    struct waiter *w = calloc(1, sizeof *w);
    if (w == NULL) {
        reply(c, req, ENOMEM, NULL);
        return;
    }
    w->c = c;
    w->req = (flux_msg_t *)flux_msg_incref(req);
    w->rootseq = seq;
    w->next = waiters;
    waiters = w;
}

/* ---- events --------------------------------------------------------------------- */

static void event_pub(struct dbl_conn *c, const flux_msg_t *req) {
    const char *topic, *payload = NULL;
    int flags;
    if (flux_request_unpack(req, NULL, "{s:s s:i s?s}", "topic", &topic, "flags", &flags,
                            "payload", &payload) < 0) {
        reply(c, req, EPROTO, NULL);
        return;
    }
    flux_msg_t *ev = flux_msg_create(FLUX_MSGTYPE_EVENT);
    if (ev == NULL || flux_msg_set_topic(ev, topic) < 0) {
        flux_msg_destroy(ev);
        reply(c, req, ENOMEM, NULL);
        return;
    }
    if (payload != NULL) {
        size_t len;
        void *data = dbl_base64_decode(payload, &len);
        if (data == NULL || flux_msg_set_payload(ev, data, len) < 0) {
            free(data);
            flux_msg_destroy(ev);
            reply(c, req, EPROTO, NULL);
            return;
        }
        free(data);
    }
    ev->flags |= flags & FLUX_MSGFLAG_PRIVATE;
    deliver_event(ev);
    int seq = (int)ev->seq;
    flux_msg_destroy(ev);
    reply(c, req, 0, json_pack("{s:i}", "seq", seq));
}

static void event_sub(struct dbl_conn *c, const flux_msg_t *req, bool subscribe) {
    const char *topic;
    if (flux_request_unpack(req, NULL, "{s:s}", "topic", &topic) < 0) {
        reply(c, req, EPROTO, NULL);
        return;
    }
    size_t i;
    json_t *t;
    json_array_foreach(c->subs, i, t) {
        if (strcmp(json_string_value(t), topic) == 0) {
            if (!subscribe)
                json_array_remove(c->subs, i);
            reply(c, req, 0, NULL);
            return;
        }
    }
    if (subscribe)
        json_array_append_new(c->subs, json_string(topic));
    reply(c, req, subscribe ? 0 : ENOENT, NULL);
}

/* ---- entry ---------------------------------------------------------------------- */

bool dbl_server_request(struct dbl_conn *c, flux_msg_t *msg) {
    const char *t = msg->topic != NULL ? msg->topic : "";
    void (*fn)(struct dbl_conn *, const flux_msg_t *) = NULL;
    void (*keep)(struct dbl_conn *, flux_msg_t *) = NULL;
    bool sub = false, unsub = false;
    if (!strcmp(t, "kvs.commit"))
        fn = kvs_commit;
    else if (!strcmp(t, "kvs.lookup"))
        fn = kvs_lookup;
    else if (!strcmp(t, "kvs.getroot"))
        fn = kvs_getroot;
    else if (!strcmp(t, "kvs-watch.cancel"))
        fn = kvs_watch_cancel;
    else if (!strcmp(t, "event.pub"))
        fn = event_pub;
    else if (!strcmp(t, "kvs-watch.lookup"))
        keep = kvs_watch_lookup;
    else if (!strcmp(t, "kvs.wait-version"))
        keep = kvs_wait_version;
    else if (!strcmp(t, "event.subscribe"))
        sub = true;
    else if (!strcmp(t, "event.unsubscribe"))
        unsub = true;
    else if (strcmp(t, "attr.get") != 0 && strcmp(t, "test.echo") != 0)
        return false;

    pthread_mutex_lock(&dbl_lock);
    if (fn != NULL)
        fn(c, msg);
    else if (keep != NULL)
        keep(c, msg);
    else if (sub || unsub)
        event_sub(c, msg, sub);
    else if (!strcmp(t, "attr.get"))
        reply(c, msg, ENOENT, NULL);
    else if (!(msg->flags & FLUX_MSGFLAG_NORESPONSE)) {
        flux_msg_t *rsp = dbl_response_create(msg, 0);
        if (rsp != NULL && (msg->flags & FLUX_MSGFLAG_PAYLOAD))
            flux_msg_set_payload(rsp, msg->payload, msg->payload_len);
        if (rsp != NULL)
            dbl_conn_deliver(c, rsp, false);
    }
    pthread_mutex_unlock(&dbl_lock);
    flux_msg_destroy(msg);
    return true;
}
