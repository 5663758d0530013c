/* The KVS client API, built like flux-core's on the exported RPC functions.
 * Values travel as RFC 11 tree objects: {"ver":1,"type":"val","data":<base64>}.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct flux_kvs_txn {
    json_t *ops;
};

struct flux_kvsdir {
    json_t *dirent;
    char *key;
};

struct lookup {
    char *key;
    int flags;
};

static const char *namespace(const char *ns) {
    if (ns == NULL && (ns = getenv("FLUX_KVS_NAMESPACE")) == NULL)
        ns = "primary";
    return ns;
}

/* ---- lookups ------------------------------------------------------------------ */

enum {
    LOOKUP_FLAGS = FLUX_KVS_READDIR | FLUX_KVS_READLINK | FLUX_KVS_WATCH |
                   FLUX_KVS_WAITCREATE | FLUX_KVS_TREEOBJ | FLUX_KVS_WATCH_FULL |
                   FLUX_KVS_WATCH_UNIQ | FLUX_KVS_WATCH_APPEND | FLUX_KVS_STREAM |
                   FLUX_KVS_WATCH_INITIAL_SENTINEL,
    WATCH_VARIANTS = FLUX_KVS_WATCH_FULL | FLUX_KVS_WATCH_UNIQ | FLUX_KVS_WATCH_APPEND,
};

static void lookup_free(void *arg) {
    struct lookup *l = arg;
    free(l->key);
    free(l);
}

static int lookup_attach(flux_future_t *f, const char *key, int flags) {
    struct lookup *l = calloc(1, sizeof *l);
    if (l == NULL || (l->key = strdup(key)) == NULL) {
        free(l);
        return -1;
    }
    l->flags = flags;
    if (flux_future_aux_set(f, "flux::kvs_lookup", l, lookup_free) < 0) {
        lookup_free(l);
        return -1;
    }
    return 0;
}

flux_future_t *flux_kvs_lookup(flux_t *h, const char *ns, int flags, const char *key) {
    if (h == NULL || key == NULL || (flags & ~LOOKUP_FLAGS) != 0 ||
        ((flags & WATCH_VARIANTS) && !(flags & FLUX_KVS_WATCH))) {
        errno = EINVAL;
        return NULL;
    }
    bool watch = flags & (FLUX_KVS_WATCH | FLUX_KVS_WAITCREATE | FLUX_KVS_STREAM);
    int rpc_flags = flags & (FLUX_KVS_WATCH | FLUX_KVS_STREAM) ? FLUX_RPC_STREAMING : 0;
    flux_future_t *f = flux_rpc_pack(h, watch ? "kvs-watch.lookup" : "kvs.lookup",
                                     FLUX_NODEID_ANY, rpc_flags, "{s:s s:s s:i}", "key",
                                     key, "namespace", namespace(ns), "flags", flags);
    if (f != NULL && lookup_attach(f, key, flags) < 0) {
        flux_future_destroy(f);
        return NULL;
    }
    return f;
}

flux_future_t *flux_kvs_lookupat(flux_t *h, int flags, const char *key,
                                 const char *treeobj) {
    if (treeobj == NULL)
        return flux_kvs_lookup(h, NULL, flags, key);
    json_t *root;
    if (h == NULL || key == NULL ||
        (flags &
         (FLUX_KVS_WATCH | FLUX_KVS_WAITCREATE | FLUX_KVS_STREAM | WATCH_VARIANTS)) ||
        (flags & ~LOOKUP_FLAGS) || (root = json_loads(treeobj, 0, NULL)) == NULL) {
        errno = EINVAL;
        return NULL;
    }
    flux_future_t *f = flux_rpc_pack(h, "kvs.lookup", FLUX_NODEID_ANY, 0, "{s:s s:i s:o}",
                                     "key", key, "flags", flags, "rootdir", root);
    if (f != NULL && lookup_attach(f, key, flags) < 0) {
        flux_future_destroy(f);
        return NULL;
    }
    return f;
}

/* The current response's tree object, of the given type (NULL: any). */
static json_t *lookup_dirent(flux_future_t *f, const char *type) {
    const flux_msg_t *msg;
    json_t *dirent;
    if (f == NULL || flux_future_aux_get(f, "flux::kvs_lookup") == NULL) {
        errno = EINVAL;
        return NULL;
    }
    if (flux_future_get(f, (const void **)&msg) < 0)
        return NULL;
    if (msg == NULL || dbl_msg_json(msg) == NULL ||
        (dirent = json_object_get(msg->json, "val")) == NULL) {
        errno = EPROTO;
        return NULL;
    }
    const char *t = json_string_value(json_object_get(dirent, "type"));
    if (type != NULL && (t == NULL || strcmp(t, type) != 0)) {
        errno = strcmp(type, "dir") == 0 ? ENOTDIR
                : t && !strcmp(t, "dir") ? EISDIR
                                         : EINVAL;
        return NULL;
    }
    return dirent;
}

/* The value decoded once per response, kept with the response. */
static int lookup_val(flux_future_t *f, const char **data, size_t *len) {
    json_t *dirent = lookup_dirent(f, "val");
    if (dirent == NULL)
        return -1;
    const flux_msg_t *msg;
    flux_future_get(f, (const void **)&msg);
    if (msg->val == NULL) {
        const char *b64 = json_string_value(json_object_get(dirent, "data"));
        size_t n;
        char *val = b64 != NULL ? dbl_base64_decode(b64, &n) : NULL;
        if (val == NULL) {
            errno = EPROTO;
            return -1;
        }
        ((flux_msg_t *)msg)->val = val;
        ((flux_msg_t *)msg)->val_len = n;
    }
    *data = msg->val_len > 0 ? msg->val : NULL;
    *len = msg->val_len;
    return 0;
}

int flux_kvs_lookup_get(flux_future_t *f, const char **value) {
    const char *data;
    size_t len;
    if (lookup_val(f, &data, &len) < 0)
        return -1;
    if (value != NULL)
        *value = data;
    return 0;
}

int flux_kvs_lookup_get_raw(flux_future_t *f, const void **data, size_t *len) {
    const char *d;
    size_t n;
    if (lookup_val(f, &d, &n) < 0)
        return -1;
    if (data != NULL)
        *data = d;
    if (len != NULL)
        *len = n;
    return 0;
}

int flux_kvs_lookup_get_treeobj(flux_future_t *f, const char **treeobj) {
    json_t *dirent = lookup_dirent(f, NULL);
    if (dirent == NULL)
        return -1;
    const flux_msg_t *msg;
    flux_future_get(f, (const void **)&msg);
    if (msg->treeobj == NULL &&
        (((flux_msg_t *)msg)->treeobj = json_dumps(dirent, JSON_COMPACT)) == NULL)
        return -1;
    if (treeobj != NULL)
        *treeobj = msg->treeobj;
    return 0;
}

static void kvsdir_free(void *arg) {
    struct flux_kvsdir *dir = arg;
    json_decref(dir->dirent);
    free(dir->key);
    free(dir);
}

int flux_kvs_lookup_get_dir(flux_future_t *f, const flux_kvsdir_t **dirp) {
    json_t *dirent = lookup_dirent(f, "dir");
    if (dirent == NULL)
        return -1;
    struct lookup *l = flux_future_aux_get(f, "flux::kvs_lookup");
    struct flux_kvsdir *dir = calloc(1, sizeof *dir);
    if (dir == NULL || (dir->key = strdup(l->key)) == NULL) {
        free(dir);
        return -1;
    }
    dir->dirent = json_incref(dirent);
    if (flux_future_aux_set(f, "flux::kvsdir", dir, kvsdir_free) < 0) {
        kvsdir_free(dir);
        return -1;
    }
    if (dirp != NULL)
        *dirp = dir;
    return 0;
}

int flux_kvs_lookup_get_symlink(flux_future_t *f, const char **ns, const char **target) {
    json_t *dirent = lookup_dirent(f, "symlink");
    if (dirent == NULL)
        return -1;
    json_t *data = json_object_get(dirent, "data");
    if (ns != NULL)
        *ns = json_string_value(json_object_get(data, "namespace"));
    if (target != NULL)
        *target = json_string_value(json_object_get(data, "target"));
    return 0;
}

const char *flux_kvs_lookup_get_key(flux_future_t *f) {
    struct lookup *l = f != NULL ? flux_future_aux_get(f, "flux::kvs_lookup") : NULL;
    if (l == NULL) {
        errno = EINVAL;
        return NULL;
    }
    return l->key;
}

/* The watch ends with an ENODATA response once kvs-watch sees the cancel. */
int flux_kvs_lookup_cancel(flux_future_t *f) {
    struct lookup *l = f != NULL ? flux_future_aux_get(f, "flux::kvs_lookup") : NULL;
    if (l == NULL || !(l->flags & FLUX_KVS_WATCH)) {
        errno = EINVAL;
        return -1;
    }
    flux_future_t *f2 = flux_rpc_pack(flux_future_get_flux(f), "kvs-watch.cancel",
                                      FLUX_NODEID_ANY, FLUX_RPC_NORESPONSE, "{s:i}",
                                      "matchtag", (int)flux_rpc_get_matchtag(f));
    if (f2 == NULL)
        return -1;
    flux_future_destroy(f2);
    return 0;
}

/* ---- transactions --------------------------------------------------------------- */

flux_kvs_txn_t *flux_kvs_txn_create(void) {
    flux_kvs_txn_t *txn = calloc(1, sizeof *txn);
    if (txn != NULL && (txn->ops = json_array()) == NULL) {
        free(txn);
        return NULL;
    }
    return txn;
}

void flux_kvs_txn_destroy(flux_kvs_txn_t *txn) {
    if (txn != NULL) {
        int saved = errno;
        json_decref(txn->ops);
        free(txn);
        errno = saved;
    }
}

/* Steals dirent (json null: unlink). */
static int txn_add(flux_kvs_txn_t *txn, int flags, int valid, const char *key,
                   json_t *dirent) {
    if (txn == NULL || key == NULL || key[0] == '\0' || dirent == NULL ||
        (flags & ~valid) != 0) {
        json_decref(dirent);
        errno = EINVAL;
        return -1;
    }
    json_t *op = json_pack("{s:s s:i s:o}", "key", key, "flags", flags, "dirent", dirent);
    if (op == NULL || json_array_append_new(txn->ops, op) < 0) {
        errno = ENOMEM;
        return -1;
    }
    return 0;
}

static json_t *treeobj_val(const void *data, size_t len) {
    char *b64 = dbl_base64_encode(data, len);
    json_t *o =
        b64 ? json_pack("{s:i s:s s:s}", "ver", 1, "type", "val", "data", b64) : NULL;
    free(b64);
    return o;
}

int flux_kvs_txn_put_raw(flux_kvs_txn_t *txn, int flags, const char *key,
                         const void *data, size_t len) {
    if (data == NULL && len > 0) {
        errno = EINVAL;
        return -1;
    }
    return txn_add(txn, flags, FLUX_KVS_APPEND, key, treeobj_val(data, len));
}

int flux_kvs_txn_put(flux_kvs_txn_t *txn, int flags, const char *key, const char *value) {
    return txn_add(txn, flags, FLUX_KVS_APPEND, key,
                   treeobj_val(value, value != NULL ? strlen(value) : 0));
}

int flux_kvs_txn_vpack(flux_kvs_txn_t *txn, int flags, const char *key, const char *fmt,
                       va_list ap) {
    char *s = fmt != NULL ? dbl_vpack(fmt, ap) : NULL;
    if (s == NULL) {
        errno = EINVAL;
        return -1;
    }
    int rc = txn_add(txn, flags, FLUX_KVS_APPEND, key, treeobj_val(s, strlen(s)));
    free(s);
    return rc;
}

int flux_kvs_txn_pack(flux_kvs_txn_t *txn, int flags, const char *key, const char *fmt,
                      ...) {
    va_list ap;
    va_start(ap, fmt);
    int rc = flux_kvs_txn_vpack(txn, flags, key, fmt, ap);
    va_end(ap);
    return rc;
}

int flux_kvs_txn_put_treeobj(flux_kvs_txn_t *txn, int flags, const char *key,
                             const char *treeobj) {
    json_t *o = treeobj != NULL ? json_loads(treeobj, 0, NULL) : NULL;
    const char *type = json_string_value(json_object_get(o, "type"));
    if (o == NULL || json_integer_value(json_object_get(o, "ver")) != 1 || type == NULL ||
        json_object_get(o, "data") == NULL ||
        (strcmp(type, "val") && strcmp(type, "valref") && strcmp(type, "dir") &&
         strcmp(type, "dirref") && strcmp(type, "symlink"))) {
        json_decref(o);
        errno = EINVAL;
        return -1;
    }
    return txn_add(txn, flags, 0, key, o);
}

int flux_kvs_txn_mkdir(flux_kvs_txn_t *txn, int flags, const char *key) {
    return txn_add(txn, flags, 0, key,
                   json_pack("{s:i s:s s:{}}", "ver", 1, "type", "dir", "data"));
}

int flux_kvs_txn_unlink(flux_kvs_txn_t *txn, int flags, const char *key) {
    return txn_add(txn, flags, 0, key, json_null());
}

int flux_kvs_txn_symlink(flux_kvs_txn_t *txn, int flags, const char *key, const char *ns,
                         const char *target) {
    if (target == NULL) {
        errno = EINVAL;
        return -1;
    }
    json_t *data = json_pack("{s:s}", "target", target);
    if (data != NULL && ns != NULL)
        json_object_set_new(data, "namespace", json_string(ns));
    return txn_add(
        txn, flags, 0, key,
        data ? json_pack("{s:i s:s s:o}", "ver", 1, "type", "symlink", "data", data)
             : NULL);
}

int flux_kvs_txn_clear(flux_kvs_txn_t *txn) {
    if (txn == NULL) {
        errno = EINVAL;
        return -1;
    }
    json_array_clear(txn->ops);
    return 0;
}

/* ---- commits and roots ----------------------------------------------------------- */

flux_future_t *flux_kvs_commit(flux_t *h, const char *ns, int flags,
                               flux_kvs_txn_t *txn) {
    if (h == NULL || txn == NULL ||
        (flags & ~(FLUX_KVS_NO_MERGE | FLUX_KVS_TXN_COMPACT | FLUX_KVS_SYNC)) != 0) {
        errno = EINVAL;
        return NULL;
    }
    return flux_rpc_pack(h, "kvs.commit", FLUX_NODEID_ANY, 0, "{s:s s:i s:O}",
                         "namespace", namespace(ns), "flags", flags, "ops", txn->ops);
}

static int get_rootref(flux_future_t *f, const char **rootref) {
    const char *ref;
    if (f == NULL) {
        errno = EINVAL;
        return -1;
    }
    if (flux_rpc_get_unpack(f, "{s:s}", "rootref", &ref) < 0)
        return -1;
    if (rootref != NULL)
        *rootref = ref;
    return 0;
}

static int get_rootseq(flux_future_t *f, int *seq) {
    int s;
    if (f == NULL) {
        errno = EINVAL;
        return -1;
    }
    if (flux_rpc_get_unpack(f, "{s:i}", "rootseq", &s) < 0)
        return -1;
    if (seq != NULL)
        *seq = s;
    return 0;
}

/* A dirref naming the root, kept with the future. */
static int get_dirref(flux_future_t *f, const char **treeobj) {
    const char *ref;
    if (get_rootref(f, &ref) < 0)
        return -1;
    json_t *o = json_pack("{s:i s:s s:[s]}", "ver", 1, "type", "dirref", "data", ref);
    char *s = o != NULL ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    if (s == NULL || flux_future_aux_set(f, "flux::kvs_dirref", s, free) < 0) {
        free(s);
        return -1;
    }
    if (treeobj != NULL)
        *treeobj = s;
    return 0;
}

int flux_kvs_commit_get_treeobj(flux_future_t *f, const char **treeobj) {
    return get_dirref(f, treeobj);
}

int flux_kvs_commit_get_rootref(flux_future_t *f, const char **rootref) {
    return get_rootref(f, rootref);
}

int flux_kvs_commit_get_sequence(flux_future_t *f, int *rootseq) {
    return get_rootseq(f, rootseq);
}

flux_future_t *flux_kvs_getroot(flux_t *h, const char *ns, int flags) {
    if (h == NULL || flags != 0) {
        errno = EINVAL;
        return NULL;
    }
    return flux_rpc_pack(h, "kvs.getroot", FLUX_NODEID_ANY, 0, "{s:s s:i}", "namespace",
                         namespace(ns), "flags", flags);
}

int flux_kvs_getroot_get_treeobj(flux_future_t *f, const char **treeobj) {
    return get_dirref(f, treeobj);
}

int flux_kvs_getroot_get_blobref(flux_future_t *f, const char **blobref) {
    return get_rootref(f, blobref);
}

int flux_kvs_getroot_get_sequence(flux_future_t *f, int *seq) {
    return get_rootseq(f, seq);
}

/* Synchronous, on top of the exported getroot, as in flux-core. */
int flux_kvs_get_version(flux_t *h, const char *ns, int *versionp) {
    if (h == NULL || versionp == NULL) {
        errno = EINVAL;
        return -1;
    }
    flux_future_t *f = flux_kvs_getroot(h, ns, 0);
    int rc = -1;
    if (f != NULL && flux_future_get(f, NULL) == 0 &&
        flux_kvs_getroot_get_sequence(f, versionp) == 0)
        rc = 0;
    flux_future_destroy(f);
    return rc;
}

/* A variant of the double lacks it, to test a shim whose real symbol is missing. */
#ifndef DOUBLE_NO_WAIT_VERSION
int flux_kvs_wait_version(flux_t *h, const char *ns, int version) {
    if (h == NULL) {
        errno = EINVAL;
        return -1;
    }
    flux_future_t *f =
        flux_rpc_pack(h, "kvs.wait-version", FLUX_NODEID_ANY, 0, "{s:i s:s}", "rootseq",
                      version, "namespace", namespace(ns));
    int rc = f != NULL ? flux_future_get(f, NULL) : -1;
    flux_future_destroy(f);
    return rc;
}
#endif
