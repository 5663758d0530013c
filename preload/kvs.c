/* The KVS API: lookups and watches (key, flags, what was read), transactions
 * (each operation and its value's hash), commits and the versions they made,
 * and version waits.  Values are hashed over their raw bytes, as the analyzer
 * hashes the tree objects it decodes from the wire, so writes and reads match
 * at either layer. */
#include "shim.h"

#include <stdarg.h>
#include <string.h>

/* ---- lookups ----------------------------------------------------------------- */

static void emit_lookup(const struct ft_call *c, enum ft_lookup_api api, flux_future_t *f,
                        flux_t *h, const char *ns, const char *key, int flags,
                        const char *treeobj) {
    struct ft_kvs_lookup l = {.api = api,
                              .f = ft_ptr(f),
                              .h = ft_ptr(h),
                              .ns = ns,
                              .key = key,
                              .flags = flags,
                              .treeobj = treeobj,
                              .rc = f ? 0 : -1,
                              .err = ft_call_err(c, f == NULL)};
    ft_ops()->kvs_lookup(&l);
}

static void after_lookup(struct ft_call *c, flux_future_t *f, flux_t *h, const char *ns,
                         int flags, const char *key) {
    emit_lookup(c, FT_LOOKUP, f, h, ns, key, flags, NULL);
}
static void after_lookupat(struct ft_call *c, flux_future_t *f, flux_t *h, int flags,
                           const char *key, const char *treeobj) {
    emit_lookup(c, FT_LOOKUPAT, f, h, NULL, key, flags, treeobj);
}
static void after_cancel(struct ft_call *c, int rc, flux_future_t *f) {
    struct ft_kvs_lookup l = {
        .api = FT_LOOKUP_CANCEL, .f = ft_ptr(f), .rc = rc, .err = ft_call_err(c, rc < 0)};
    ft_ops()->kvs_lookup(&l);
}

FT_WRAP(flux_future_t *, NULL, flux_kvs_lookup,
        (flux_t * h, const char *ns, int flags, const char *key), (h, ns, flags, key),
        FT_EV_KVS_LOOKUP, FT_NOHOOK, after_lookup)
FT_WRAP(flux_future_t *, NULL, flux_kvs_lookupat,
        (flux_t * h, int flags, const char *key, const char *treeobj),
        (h, flags, key, treeobj), FT_EV_KVS_LOOKUP, FT_NOHOOK, after_lookupat)
FT_WRAP(int, -1, flux_kvs_lookup_cancel, (flux_future_t * f), (f), FT_EV_KVS_LOOKUP,
        FT_NOHOOK, after_cancel)

/* ---- what a reader got ---------------------------------------------------------- */

static void emit_value(struct ft_call *c, enum ft_value_api api, flux_future_t *f, int rc,
                       const void *data, size_t len, bool has_data) {
    ft_wait_end(c, FT_WAIT_KVS_LOOKUP_GET, f, rc, -1.0);
    struct ft_kvs_value v = {.api = api,
                             .f = ft_ptr(f),
                             .rc = rc,
                             .err = ft_call_err(c, rc < 0),
                             .data = data,
                             .len = (uint32_t)len,
                             .has_data = rc == 0 && has_data};
    ft_ops()->kvs_value(&v);
}

static void before_value(struct ft_call *c, flux_future_t *f, ...) {
    ft_wait_begin(c, f);
}

static void after_get(struct ft_call *c, int rc, flux_future_t *f, const char **value) {
    const char *s = rc == 0 && value ? *value : NULL;
    emit_value(c, FT_VALUE_LOOKUP_GET, f, rc, s, s ? strlen(s) : 0, s != NULL);
}
static void after_get_raw(struct ft_call *c, int rc, flux_future_t *f, const void **data,
                          size_t *len) {
    bool ok = rc == 0 && data && len;
    emit_value(c, FT_VALUE_LOOKUP_GET_RAW, f, rc, ok ? *data : NULL, ok ? *len : 0,
               ok && *data != NULL);
}
static void after_get_treeobj(struct ft_call *c, int rc, flux_future_t *f,
                              const char **treeobj) {
    (void)treeobj;
    emit_value(c, FT_VALUE_LOOKUP_GET_TREEOBJ, f, rc, NULL, 0, false);
}
static void after_get_dir(struct ft_call *c, int rc, flux_future_t *f,
                          const flux_kvsdir_t **dir) {
    (void)dir;
    emit_value(c, FT_VALUE_LOOKUP_GET_DIR, f, rc, NULL, 0, false);
}
static void after_get_symlink(struct ft_call *c, int rc, flux_future_t *f,
                              const char **ns, const char **target) {
    (void)ns;
    const char *s = rc == 0 && target ? *target : NULL;
    emit_value(c, FT_VALUE_LOOKUP_GET_SYMLINK, f, rc, s, s ? strlen(s) : 0, s != NULL);
}

FT_WRAP(int, -1, flux_kvs_lookup_get, (flux_future_t * f, const char **value), (f, value),
        FT_EV_KVS_VALUE, before_value, after_get)
FT_WRAP(int, -1, flux_kvs_lookup_get_raw,
        (flux_future_t * f, const void **data, size_t *len), (f, data, len),
        FT_EV_KVS_VALUE, before_value, after_get_raw)
FT_WRAP(int, -1, flux_kvs_lookup_get_treeobj, (flux_future_t * f, const char **treeobj),
        (f, treeobj), FT_EV_KVS_VALUE, before_value, after_get_treeobj)
FT_WRAP(int, -1, flux_kvs_lookup_get_dir, (flux_future_t * f, const flux_kvsdir_t **dir),
        (f, dir), FT_EV_KVS_VALUE, before_value, after_get_dir)
FT_WRAP(int, -1, flux_kvs_lookup_get_symlink,
        (flux_future_t * f, const char **ns, const char **target), (f, ns, target),
        FT_EV_KVS_VALUE, before_value, after_get_symlink)

/* ---- transactions --------------------------------------------------------------- */

static void emit_txn(const struct ft_call *c, enum ft_txn_op op, flux_kvs_txn_t *txn,
                     int flags, const char *key, const void *data, size_t len, int rc) {
    struct ft_kvs_txn t = {.op = op,
                           .txn = ft_ptr(txn),
                           .flags = flags,
                           .key = key,
                           .data = data,
                           .len = (uint32_t)len,
                           .rc = rc,
                           .err = ft_call_err(c, rc < 0)};
    ft_ops()->kvs_txn(&t);
}

static void after_txn_create(struct ft_call *c, flux_kvs_txn_t *txn) {
    emit_txn(c, FT_TXN_CREATE, txn, 0, NULL, NULL, 0, txn ? 0 : -1);
}
/* Recorded before: the address may be reused by the next transaction. */
static void before_txn_destroy(struct ft_call *c, flux_kvs_txn_t *txn) {
    emit_txn(c, FT_TXN_DESTROY, txn, 0, NULL, NULL, 0, 0);
}
static void after_put(struct ft_call *c, int rc, flux_kvs_txn_t *txn, int flags,
                      const char *key, const char *value) {
    /* flux stores a string value as its bytes without the NUL */
    emit_txn(c, FT_TXN_PUT, txn, flags, key, value ? value : "",
             value ? strlen(value) : 0, rc);
}
static void after_put_raw(struct ft_call *c, int rc, flux_kvs_txn_t *txn, int flags,
                          const char *key, const void *data, size_t len) {
    emit_txn(c, FT_TXN_PUT_RAW, txn, flags, key, data ? data : "", data ? len : 0, rc);
}
/* The value a pack or treeobj put encodes is not visible here; the analyzer
 * takes its hash from the kvs.commit request on the wire. */
static void after_put_treeobj(struct ft_call *c, int rc, flux_kvs_txn_t *txn, int flags,
                              const char *key, const char *treeobj) {
    (void)treeobj;
    emit_txn(c, FT_TXN_PUT_TREEOBJ, txn, flags, key, NULL, 0, rc);
}
static void after_vpack(struct ft_call *c, int rc, flux_kvs_txn_t *txn, int flags,
                        const char *key, const char *fmt, va_list ap) {
    (void)fmt, (void)ap;
    emit_txn(c, FT_TXN_PACK, txn, flags, key, NULL, 0, rc);
}
static void after_mkdir(struct ft_call *c, int rc, flux_kvs_txn_t *txn, int flags,
                        const char *key) {
    emit_txn(c, FT_TXN_MKDIR, txn, flags, key, NULL, 0, rc);
}
static void after_unlink(struct ft_call *c, int rc, flux_kvs_txn_t *txn, int flags,
                         const char *key) {
    emit_txn(c, FT_TXN_UNLINK, txn, flags, key, NULL, 0, rc);
}
static void after_symlink(struct ft_call *c, int rc, flux_kvs_txn_t *txn, int flags,
                          const char *key, const char *ns, const char *target) {
    (void)ns;
    emit_txn(c, FT_TXN_SYMLINK, txn, flags, key, target, target ? strlen(target) : 0, rc);
}
static void after_clear(struct ft_call *c, int rc, flux_kvs_txn_t *txn) {
    emit_txn(c, FT_TXN_CLEAR, txn, 0, NULL, NULL, 0, rc);
}

FT_WRAP(flux_kvs_txn_t *, NULL, flux_kvs_txn_create, (void), (), FT_EV_KVS_TXN, FT_NOHOOK,
        after_txn_create)
FT_WRAP_VOID(flux_kvs_txn_destroy, (flux_kvs_txn_t * txn), (txn), FT_EV_KVS_TXN,
             before_txn_destroy, FT_NOHOOK)
FT_WRAP(int, -1, flux_kvs_txn_put,
        (flux_kvs_txn_t * txn, int flags, const char *key, const char *value),
        (txn, flags, key, value), FT_EV_KVS_TXN, FT_NOHOOK, after_put)
FT_WRAP(int, -1, flux_kvs_txn_put_raw,
        (flux_kvs_txn_t * txn, int flags, const char *key, const void *data, size_t len),
        (txn, flags, key, data, len), FT_EV_KVS_TXN, FT_NOHOOK, after_put_raw)
FT_WRAP(int, -1, flux_kvs_txn_put_treeobj,
        (flux_kvs_txn_t * txn, int flags, const char *key, const char *treeobj),
        (txn, flags, key, treeobj), FT_EV_KVS_TXN, FT_NOHOOK, after_put_treeobj)
FT_WRAP(int, -1, flux_kvs_txn_vpack,
        (flux_kvs_txn_t * txn, int flags, const char *key, const char *fmt, va_list ap),
        (txn, flags, key, fmt, ap), FT_EV_KVS_TXN, FT_NOHOOK, after_vpack)
FT_WRAP(int, -1, flux_kvs_txn_mkdir, (flux_kvs_txn_t * txn, int flags, const char *key),
        (txn, flags, key), FT_EV_KVS_TXN, FT_NOHOOK, after_mkdir)
FT_WRAP(int, -1, flux_kvs_txn_unlink, (flux_kvs_txn_t * txn, int flags, const char *key),
        (txn, flags, key), FT_EV_KVS_TXN, FT_NOHOOK, after_unlink)
FT_WRAP(int, -1, flux_kvs_txn_symlink,
        (flux_kvs_txn_t * txn, int flags, const char *key, const char *ns,
         const char *target),
        (txn, flags, key, ns, target), FT_EV_KVS_TXN, FT_NOHOOK, after_symlink)
FT_WRAP(int, -1, flux_kvs_txn_clear, (flux_kvs_txn_t * txn), (txn), FT_EV_KVS_TXN,
        FT_NOHOOK, after_clear)

/* No way to forward `...`: go through the v twin, as flux itself does. */
int flux_kvs_txn_pack(flux_kvs_txn_t *txn, int flags, const char *key, const char *fmt,
                      ...) {
    va_list ap;
    va_start(ap, fmt);
    int rc = flux_kvs_txn_vpack(txn, flags, key, fmt, ap);
    va_end(ap);
    return rc;
}

/* ---- commits and versions -------------------------------------------------------- */

static void after_commit(struct ft_call *c, flux_future_t *f, flux_t *h, const char *ns,
                         int flags, flux_kvs_txn_t *txn) {
    struct ft_kvs_commit rec = {.f = ft_ptr(f),
                                .h = ft_ptr(h),
                                .ns = ns,
                                .flags = flags,
                                .txn = ft_ptr(txn),
                                .err = ft_call_err(c, f == NULL)};
    ft_ops()->kvs_commit(&rec);
}

FT_WRAP(flux_future_t *, NULL, flux_kvs_commit,
        (flux_t * h, const char *ns, int flags, flux_kvs_txn_t *txn), (h, ns, flags, txn),
        FT_EV_KVS_COMMIT, FT_NOHOOK, after_commit)

static void emit_result(struct ft_call *c, enum ft_wait_api wait, enum ft_result_api api,
                        flux_future_t *f, int rc, int64_t seq, const char *ref) {
    ft_wait_end(c, wait, f, rc, -1.0);
    struct ft_kvs_result r = {.api = api,
                              .f = ft_ptr(f),
                              .rc = rc,
                              .err = ft_call_err(c, rc < 0),
                              .seq = rc == 0 ? seq : -1,
                              .ref = rc == 0 ? ref : NULL};
    ft_ops()->kvs_result(&r);
}

static void before_result(struct ft_call *c, flux_future_t *f, ...) {
    ft_wait_begin(c, f);
}

/* One line per result getter: (name, wait kind, record kind, out type, how to
 * read seq, how to read ref). */
#define FT_RESULT_GETTER(name, wait, api, type, seq, ref)                                \
    static void after_##name(struct ft_call *c, int rc, flux_future_t *f, type *out) {   \
        emit_result(c, wait, api, f, rc, rc == 0 && out ? (seq) : -1,                    \
                    rc == 0 && out ? (ref) : NULL);                                      \
    }                                                                                    \
    FT_WRAP(int, -1, name, (flux_future_t * f, type * out), (f, out), FT_EV_KVS_RESULT,  \
            before_result, after_##name)

FT_RESULT_GETTER(flux_kvs_commit_get_sequence, FT_WAIT_KVS_COMMIT_GET,
                 FT_RESULT_COMMIT_SEQUENCE, int, *out, NULL)
FT_RESULT_GETTER(flux_kvs_commit_get_rootref, FT_WAIT_KVS_COMMIT_GET,
                 FT_RESULT_COMMIT_ROOTREF, const char *, -1, *out)
FT_RESULT_GETTER(flux_kvs_commit_get_treeobj, FT_WAIT_KVS_COMMIT_GET,
                 FT_RESULT_COMMIT_TREEOBJ, const char *, -1, *out)
FT_RESULT_GETTER(flux_kvs_getroot_get_sequence, FT_WAIT_KVS_GETROOT_GET,
                 FT_RESULT_GETROOT_SEQUENCE, int, *out, NULL)
FT_RESULT_GETTER(flux_kvs_getroot_get_blobref, FT_WAIT_KVS_GETROOT_GET,
                 FT_RESULT_GETROOT_BLOBREF, const char *, -1, *out)
FT_RESULT_GETTER(flux_kvs_getroot_get_treeobj, FT_WAIT_KVS_GETROOT_GET,
                 FT_RESULT_GETROOT_TREEOBJ, const char *, -1, *out)

static void after_getroot(struct ft_call *c, flux_future_t *f, flux_t *h, const char *ns,
                          int flags) {
    (void)flags;
    struct ft_kvs_result r = {.api = FT_RESULT_GETROOT_REQUEST,
                              .f = ft_ptr(f),
                              .h = ft_ptr(h),
                              .ns = ns,
                              .rc = f ? 0 : -1,
                              .err = ft_call_err(c, f == NULL),
                              .seq = -1};
    ft_ops()->kvs_result(&r);
}

FT_WRAP(flux_future_t *, NULL, flux_kvs_getroot, (flux_t * h, const char *ns, int flags),
        (h, ns, flags), FT_EV_KVS_RESULT, FT_NOHOOK, after_getroot)

static void emit_version(struct ft_call *c, enum ft_version_api api, flux_t *h,
                         const char *ns, int version, int rc) {
    struct ft_kvs_version v = {.api = api,
                               .h = ft_ptr(h),
                               .ns = ns,
                               .version = version,
                               .rc = rc,
                               .err = ft_call_err(c, rc < 0),
                               .blocked_ns = ft_call_elapsed(c)};
    ft_ops()->kvs_version(&v);
}

static void after_get_version(struct ft_call *c, int rc, flux_t *h, const char *ns,
                              int *versionp) {
    emit_version(c, FT_VERSION_GET, h, ns, rc == 0 && versionp ? *versionp : -1, rc);
}
static void after_wait_version(struct ft_call *c, int rc, flux_t *h, const char *ns,
                               int version) {
    emit_version(c, FT_VERSION_WAIT, h, ns, version, rc);
}

FT_WRAP(int, -1, flux_kvs_get_version, (flux_t * h, const char *ns, int *versionp),
        (h, ns, versionp), FT_EV_KVS_VERSION, FT_NOHOOK, after_get_version)
FT_WRAP(int, -1, flux_kvs_wait_version, (flux_t * h, const char *ns, int version),
        (h, ns, version), FT_EV_KVS_VERSION, FT_NOHOOK, after_wait_version)
