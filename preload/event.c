/* Events: subscriptions, and publications with the sequence number rank 0
 * assigned (every delivery carries it: that is how a publish is tied to its
 * receipts).  flux_event_publish_pack has no v twin and is not wrapped: it is
 * an `event.pub` RPC, seen at the message layer with its payload. */
#include "shim.h"

#include <string.h>

static void emit_sub(const struct ft_call *c, enum ft_sub_op op, flux_t *h,
                     const char *topic, int flags, int rc, flux_future_t *f) {
    struct ft_event_sub s = {.op = op,
                             .h = ft_ptr(h),
                             .topic = topic,
                             .flags = flags,
                             .rc = rc,
                             .err = ft_call_err(c, rc < 0),
                             .f = ft_ptr(f)};
    ft_ops()->event_sub(&s);
}

static void after_sub(struct ft_call *c, int rc, flux_t *h, const char *topic) {
    emit_sub(c, FT_SUB, h, topic, 0, rc, NULL);
}
static void after_unsub(struct ft_call *c, int rc, flux_t *h, const char *topic) {
    emit_sub(c, FT_UNSUB, h, topic, 0, rc, NULL);
}
static void after_sub_ex(struct ft_call *c, flux_future_t *f, flux_t *h,
                         const char *topic, int flags) {
    emit_sub(c, FT_SUB_EX, h, topic, flags, f ? 0 : -1, f);
}
static void after_unsub_ex(struct ft_call *c, flux_future_t *f, flux_t *h,
                           const char *topic, int flags) {
    emit_sub(c, FT_UNSUB_EX, h, topic, flags, f ? 0 : -1, f);
}

FT_WRAP(int, -1, flux_event_subscribe, (flux_t * h, const char *topic), (h, topic),
        FT_EV_EVENT_SUB, FT_NOHOOK, after_sub)
FT_WRAP(int, -1, flux_event_unsubscribe, (flux_t * h, const char *topic), (h, topic),
        FT_EV_EVENT_SUB, FT_NOHOOK, after_unsub)
FT_WRAP(flux_future_t *, NULL, flux_event_subscribe_ex,
        (flux_t * h, const char *topic, int flags), (h, topic, flags), FT_EV_EVENT_SUB,
        FT_NOHOOK, after_sub_ex)
FT_WRAP(flux_future_t *, NULL, flux_event_unsubscribe_ex,
        (flux_t * h, const char *topic, int flags), (h, topic, flags), FT_EV_EVENT_SUB,
        FT_NOHOOK, after_unsub_ex)

static void emit_pub(const struct ft_call *c, enum ft_pub_api api, flux_t *h,
                     flux_future_t *f, const char *topic, int flags, const void *data,
                     size_t len) {
    struct ft_event_pub p = {.api = api,
                             .h = ft_ptr(h),
                             .f = ft_ptr(f),
                             .topic = topic,
                             .flags = flags,
                             .payload = data,
                             .payload_len = (uint32_t)len,
                             .seq = -1,
                             .rc = f ? 0 : -1,
                             .err = ft_call_err(c, f == NULL)};
    ft_ops()->event_pub(&p);
}

static void after_pub(struct ft_call *c, flux_future_t *f, flux_t *h, const char *topic,
                      int flags, const char *s) {
    /* flux sends the JSON string with its NUL, as receivers get it */
    emit_pub(c, FT_PUB, h, f, topic, flags, s, s ? strlen(s) + 1 : 0);
}
static void after_pub_raw(struct ft_call *c, flux_future_t *f, flux_t *h,
                          const char *topic, int flags, const void *data, size_t len) {
    emit_pub(c, FT_PUB_RAW, h, f, topic, flags, data, len);
}

FT_WRAP(flux_future_t *, NULL, flux_event_publish,
        (flux_t * h, const char *topic, int flags, const char *s), (h, topic, flags, s),
        FT_EV_EVENT_PUB, FT_NOHOOK, after_pub)
FT_WRAP(flux_future_t *, NULL, flux_event_publish_raw,
        (flux_t * h, const char *topic, int flags, const void *data, size_t len),
        (h, topic, flags, data, len), FT_EV_EVENT_PUB, FT_NOHOOK, after_pub_raw)

static void before_get_seq(struct ft_call *c, flux_future_t *f, int *seq) {
    (void)seq;
    ft_wait_begin(c, f);
}
static void after_get_seq(struct ft_call *c, int rc, flux_future_t *f, int *seq) {
    ft_wait_end(c, FT_WAIT_EVENT_PUBLISH_GET_SEQ, f, rc, -1.0);
    struct ft_event_pub p = {.api = FT_PUB_GET_SEQ,
                             .f = ft_ptr(f),
                             .seq = rc == 0 && seq ? *seq : -1,
                             .rc = rc,
                             .err = ft_call_err(c, rc < 0)};
    ft_ops()->event_pub(&p);
}

FT_WRAP(int, -1, flux_event_publish_get_seq, (flux_future_t * f, int *seq), (f, seq),
        FT_EV_EVENT_PUB, before_get_seq, after_get_seq)
