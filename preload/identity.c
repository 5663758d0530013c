/* Who a process is in the instance: its handles (and the URI each connects to),
 * and the broker rank and instance size, learned only from what the process
 * itself does: the attribute cache the broker fills for each module, and the
 * program's own rank/size queries.  The shim never asks: flux_get_rank can
 * send an attr.get RPC, which would change the traffic it records. */
#include "shim.h"

#include <stdio.h>
#include <string.h>

static void emit_handle(const struct ft_call *c, enum ft_handle_op op, flux_t *h,
                        flux_t *orig, const char *uri, int flags) {
    struct ft_handle e = {.op = op,
                          .h = ft_ptr(h),
                          .orig = ft_ptr(orig),
                          .uri = uri,
                          .flags = flags,
                          .err = ft_call_err(c, op != FT_HANDLE_CLOSE && h == NULL)};
    ft_ops()->handle(&e);
}

static void after_open(struct ft_call *c, flux_t *h, const char *uri, int flags) {
    emit_handle(c, FT_HANDLE_OPEN, h, NULL, uri, flags);
}
static void after_open_ex(struct ft_call *c, flux_t *h, const char *uri, int flags,
                          flux_error_t *error) {
    (void)error;
    emit_handle(c, FT_HANDLE_OPEN, h, NULL, uri, flags);
}
static void after_clone(struct ft_call *c, flux_t *h, flux_t *orig) {
    emit_handle(c, FT_HANDLE_CLONE, h, orig, NULL, 0);
}
static void before_close(struct ft_call *c, flux_t *h) {
    emit_handle(c, FT_HANDLE_CLOSE, h, NULL, NULL, 0);
}

FT_WRAP(flux_t *, NULL, flux_open, (const char *uri, int flags), (uri, flags),
        FT_EV_HANDLE, FT_NOHOOK, after_open)
FT_WRAP(flux_t *, NULL, flux_open_ex, (const char *uri, int flags, flux_error_t *error),
        (uri, flags, error), FT_EV_HANDLE, FT_NOHOOK, after_open_ex)
FT_WRAP(flux_t *, NULL, flux_clone, (flux_t * orig), (orig), FT_EV_HANDLE, FT_NOHOOK,
        after_clone)
FT_WRAP_VOID(flux_close, (flux_t * h), (h), FT_EV_HANDLE, before_close, FT_NOHOOK)

/* The broker caches dozens of attributes in each module's handle: only those
 * that place a process in the instance are kept. */
static bool is_identity_attr(const char *name) {
    static const char *const names[] = {
        "rank", "size", "local-uri", "parent-uri", "instance-level", "jobid", "hostname",
    };
    if (name == NULL)
        return false;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i]) == 0)
            return true;
    return false;
}

static void emit_attr(enum ft_attr_source source, flux_t *h, const char *name,
                      const char *value) {
    struct ft_attr a = {.source = source, .h = ft_ptr(h), .name = name, .value = value};
    ft_ops()->attr(&a);
}

static void after_set_cacheonly(struct ft_call *c, int rc, flux_t *h, const char *name,
                                const char *val) {
    (void)c;
    if (rc == 0 && is_identity_attr(name))
        emit_attr(FT_ATTR_CACHE, h, name, val);
}
static void after_attr_get(struct ft_call *c, const char *val, flux_t *h,
                           const char *name) {
    (void)c;
    if (val != NULL && is_identity_attr(name))
        emit_attr(FT_ATTR_GET, h, name, val);
}

static void emit_number(enum ft_attr_source source, flux_t *h, const char *name,
                        uint32_t value) {
    char buf[16];
    snprintf(buf, sizeof buf, "%u", value);
    emit_attr(source, h, name, buf);
}

static void after_get_rank(struct ft_call *c, int rc, flux_t *h, uint32_t *rank) {
    (void)c;
    if (rc == 0 && rank != NULL)
        emit_number(FT_ATTR_GET_RANK, h, "rank", *rank);
}
static void after_get_size(struct ft_call *c, int rc, flux_t *h, uint32_t *size) {
    (void)c;
    if (rc == 0 && size != NULL)
        emit_number(FT_ATTR_GET_SIZE, h, "size", *size);
}

FT_WRAP(int, -1, flux_attr_set_cacheonly, (flux_t * h, const char *name, const char *val),
        (h, name, val), FT_EV_ATTR, FT_NOHOOK, after_set_cacheonly)
FT_WRAP(const char *, NULL, flux_attr_get, (flux_t * h, const char *name), (h, name),
        FT_EV_ATTR, FT_NOHOOK, after_attr_get)
FT_WRAP(int, -1, flux_get_rank, (flux_t * h, uint32_t *rank), (h, rank), FT_EV_ATTR,
        FT_NOHOOK, after_get_rank)
FT_WRAP(int, -1, flux_get_size, (flux_t * h, uint32_t *size), (h, size), FT_EV_ATTR,
        FT_NOHOOK, after_get_size)
