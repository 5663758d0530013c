/* RPCs: each future tied to its request's topic, nodeid and matchtag, which
 * is how the analyzer pairs it with the request it sent and the responses. */
#include "shim.h"

#include <stdarg.h>

static void emit(const struct ft_call *c, enum ft_rpc_api api, flux_future_t *f,
                 flux_t *h, const char *topic, uint32_t nodeid, int flags) {
    struct ft_rpc r = {
        .f = ft_ptr(f),
        .h = ft_ptr(h),
        .api = api,
        .topic = topic,
        .nodeid = nodeid,
        .flags = flags,
        .err = ft_call_err(c, f == NULL),
    };
    if (f != NULL)
        r.matchtag = FT_REAL(flux_rpc_get_matchtag)(f);
    ft_ops()->rpc(&r);
}

static void after_rpc(struct ft_call *c, flux_future_t *f, flux_t *h, const char *topic,
                      const char *s, uint32_t nodeid, int flags) {
    (void)s;
    emit(c, FT_RPC, f, h, topic, nodeid, flags);
}

static void after_rpc_raw(struct ft_call *c, flux_future_t *f, flux_t *h,
                          const char *topic, const void *data, size_t len,
                          uint32_t nodeid, int flags) {
    (void)data;
    (void)len;
    emit(c, FT_RPC_RAW, f, h, topic, nodeid, flags);
}

static void after_rpc_message(struct ft_call *c, flux_future_t *f, flux_t *h,
                              const flux_msg_t *msg, uint32_t nodeid, int flags) {
    const char *topic = NULL;
    FT_REAL(flux_msg_get_topic)(msg, &topic);
    emit(c, FT_RPC_MESSAGE, f, h, topic, nodeid, flags);
}

static void after_rpc_vpack(struct ft_call *c, flux_future_t *f, flux_t *h,
                            const char *topic, uint32_t nodeid, int flags,
                            const char *fmt, va_list ap) {
    (void)fmt;
    (void)ap;
    emit(c, (enum ft_rpc_api)c->state, f, h, topic, nodeid, flags);
}

FT_WRAP(flux_future_t *, NULL, flux_rpc,
        (flux_t * h, const char *topic, const char *s, uint32_t nodeid, int flags),
        (h, topic, s, nodeid, flags), FT_EV_RPC, FT_NOHOOK, after_rpc)
FT_WRAP(flux_future_t *, NULL, flux_rpc_raw,
        (flux_t * h, const char *topic, const void *data, size_t len, uint32_t nodeid,
         int flags),
        (h, topic, data, len, nodeid, flags), FT_EV_RPC, FT_NOHOOK, after_rpc_raw)
FT_WRAP(flux_future_t *, NULL, flux_rpc_message,
        (flux_t * h, const flux_msg_t *msg, uint32_t nodeid, int flags),
        (h, msg, nodeid, flags), FT_EV_RPC, FT_NOHOOK, after_rpc_message)

/* The record says which entry point the program used: pack forwards here. */
static __thread int vpack_api __attribute__((tls_model("initial-exec"))) = FT_RPC_VPACK;
static void before_rpc_vpack(struct ft_call *c, flux_t *h, const char *topic,
                             uint32_t nodeid, int flags, const char *fmt, va_list ap) {
    (void)h, (void)topic, (void)nodeid, (void)flags, (void)fmt, (void)ap;
    c->state = (uint64_t)vpack_api;
    vpack_api = FT_RPC_VPACK;
}

FT_WRAP(flux_future_t *, NULL, flux_rpc_vpack,
        (flux_t * h, const char *topic, uint32_t nodeid, int flags, const char *fmt,
         va_list ap),
        (h, topic, nodeid, flags, fmt, ap), FT_EV_RPC, before_rpc_vpack, after_rpc_vpack)

/* No way to forward `...` to the real flux_rpc_pack: go through its v twin,
 * as flux_rpc_pack itself does. */
flux_future_t *flux_rpc_pack(flux_t *h, const char *topic, uint32_t nodeid, int flags,
                             const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    if (!ft_guard)
        vpack_api = FT_RPC_PACK;
    flux_future_t *f = flux_rpc_vpack(h, topic, nodeid, flags, fmt, ap);
    vpack_api = FT_RPC_VPACK;
    va_end(ap);
    return f;
}
