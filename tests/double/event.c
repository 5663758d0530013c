/* Events: (un)subscribing and publishing are RPCs, through the exported
 * flux_rpc_pack, as in flux-core ("event.subscribe", "event.pub"). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static flux_future_t *sub_ex(flux_t *h, const char *topic, int flags,
                             const char *service) {
    if (h == NULL || topic == NULL || (flags & ~FLUX_RPC_NORESPONSE) != 0) {
        errno = EINVAL;
        return NULL;
    }
    return flux_rpc_pack(h, service, FLUX_NODEID_ANY, flags, "{s:s}", "topic", topic);
}

flux_future_t *flux_event_subscribe_ex(flux_t *h, const char *topic, int flags) {
    return sub_ex(h, topic, flags, "event.subscribe");
}

flux_future_t *flux_event_unsubscribe_ex(flux_t *h, const char *topic, int flags) {
    return sub_ex(h, topic, flags, "event.unsubscribe");
}

static int wait_destroy(flux_future_t *f) {
    if (f == NULL)
        return -1;
    int rc = flux_future_get(f, NULL);
    flux_future_destroy(f);
    return rc;
}

int flux_event_subscribe(flux_t *h, const char *topic) {
    return wait_destroy(flux_event_subscribe_ex(h, topic, 0));
}

int flux_event_unsubscribe(flux_t *h, const char *topic) {
    return wait_destroy(flux_event_unsubscribe_ex(h, topic, 0));
}

/* The payload travels base64-encoded inside the event.pub request. */
static flux_future_t *publish(flux_t *h, const char *topic, int flags, const void *data,
                              size_t len) {
    if (h == NULL || topic == NULL || (flags & ~FLUX_MSGFLAG_PRIVATE) != 0 ||
        (data == NULL && len > 0)) {
        errno = EINVAL;
        return NULL;
    }
    if (data == NULL)
        return flux_rpc_pack(h, "event.pub", FLUX_NODEID_ANY, 0, "{s:s s:i}", "topic",
                             topic, "flags", flags);
    char *b64 = dbl_base64_encode(data, len);
    if (b64 == NULL)
        return NULL;
    flux_future_t *f = flux_rpc_pack(h, "event.pub", FLUX_NODEID_ANY, 0, "{s:s s:i s:s}",
                                     "topic", topic, "flags", flags, "payload", b64);
    free(b64);
    return f;
}

flux_future_t *flux_event_publish(flux_t *h, const char *topic, int flags,
                                  const char *s) {
    return publish(h, topic, flags, s, s != NULL ? strlen(s) + 1 : 0);
}

flux_future_t *flux_event_publish_raw(flux_t *h, const char *topic, int flags,
                                      const void *data, size_t len) {
    return publish(h, topic, flags, data, len);
}

flux_future_t *flux_event_publish_pack(flux_t *h, const char *topic, int flags,
                                       const char *fmt, ...) {
    if (fmt == NULL) {
        errno = EINVAL;
        return NULL;
    }
    va_list ap;
    va_start(ap, fmt);
    char *s = dbl_vpack(fmt, ap);
    va_end(ap);
    if (s == NULL) {
        errno = EINVAL;
        return NULL;
    }
    flux_future_t *f = publish(h, topic, flags, s, strlen(s) + 1);
    free(s);
    return f;
}

int flux_event_publish_get_seq(flux_future_t *f, int *seq) {
    if (f == NULL || seq == NULL) {
        errno = EINVAL;
        return -1;
    }
    return flux_rpc_get_unpack(f, "{s:i}", "seq", seq);
}
