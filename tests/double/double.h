/* The test double of libflux-core: what its tests need beyond preload/flux_api.h.
 *
 * Every name here exists in real libflux-core with the same prototype and
 * meaning (the shim does not interpose them), so a test program written against
 * this header also builds against flux-core's <flux/core.h>.
 *
 * The double serves "loop://" only: requests to kvs.*, kvs-watch.*, event.pub,
 * event.(un)subscribe, attr.get and test.echo are answered in-process, at once,
 * from one in-memory KVS shared by all handles of the process; any other request
 * loops back to the sending handle when one of its message handlers matches it,
 * and is answered ENOSYS otherwise.
 */
#ifndef FLUXTRACE_DOUBLE_H
#define FLUXTRACE_DOUBLE_H

#include "flux_api.h"

#ifdef __cplusplus
extern "C" {
#endif

#define FLUX_MATCH_ANY ((struct flux_match){FLUX_MSGTYPE_ANY, FLUX_MATCHTAG_NONE, NULL})
#define FLUX_MATCH_REQUEST                                                               \
    ((struct flux_match){FLUX_MSGTYPE_REQUEST, FLUX_MATCHTAG_NONE, NULL})
#define FLUX_MATCH_RESPONSE                                                              \
    ((struct flux_match){FLUX_MSGTYPE_RESPONSE, FLUX_MATCHTAG_NONE, NULL})
#define FLUX_MATCH_EVENT                                                                 \
    ((struct flux_match){FLUX_MSGTYPE_EVENT, FLUX_MATCHTAG_NONE, NULL})
#define FLUX_MSGHANDLER_TABLE_END                                                        \
    { 0, NULL, NULL, 0 }

enum { FLUX_RQ_HEAD = 1, FLUX_RQ_TAIL = 2 };

/* reactor */
flux_reactor_t *flux_reactor_create(int flags);
void flux_reactor_destroy(flux_reactor_t *r);
void flux_reactor_stop(flux_reactor_t *r);
void flux_reactor_stop_error(flux_reactor_t *r);
double flux_reactor_now(flux_reactor_t *r);
int flux_set_reactor(flux_t *h, flux_reactor_t *r);

/* handle */
void *flux_aux_get(flux_t *h, const char *name);
int flux_aux_set(flux_t *h, const char *name, void *aux, flux_free_f destroy);

/* messages */
flux_msg_t *flux_msg_create(int type);
void flux_msg_destroy(flux_msg_t *msg);
const flux_msg_t *flux_msg_incref(const flux_msg_t *msg);
void flux_msg_decref(const flux_msg_t *msg);
flux_msg_t *flux_msg_copy(const flux_msg_t *msg, bool payload);
int flux_msg_set_topic(flux_msg_t *msg, const char *topic);
int flux_msg_set_nodeid(flux_msg_t *msg, uint32_t nodeid);
int flux_msg_set_matchtag(flux_msg_t *msg, uint32_t matchtag);
int flux_msg_set_flag(flux_msg_t *msg, int flag);
int flux_msg_set_payload(flux_msg_t *msg, const void *buf, size_t size);
int flux_msg_set_string(flux_msg_t *msg, const char *s);
int flux_msg_get_string(const flux_msg_t *msg, const char **s);
int flux_msg_unpack(const flux_msg_t *msg, const char *fmt, ...);
bool flux_msg_cmp(const flux_msg_t *msg, struct flux_match match);
int flux_request_decode(const flux_msg_t *msg, const char **topic, const char **s);
int flux_request_unpack(const flux_msg_t *msg, const char **topic, const char *fmt, ...);
int flux_event_decode(const flux_msg_t *msg, const char **topic, const char **s);
int flux_respond(flux_t *h, const flux_msg_t *request, const char *s);
int flux_respond_pack(flux_t *h, const flux_msg_t *request, const char *fmt, ...);
int flux_respond_raw(flux_t *h, const flux_msg_t *request, const void *data, size_t len);
int flux_respond_error(flux_t *h, const flux_msg_t *request, int errnum,
                       const char *errstr);

/* message handlers */
void flux_msg_handler_start(flux_msg_handler_t *mh);
void flux_msg_handler_stop(flux_msg_handler_t *mh);
void flux_msg_handler_delvec(flux_msg_handler_t *handlers[]);

/* futures and rpcs */
void flux_future_set_flux(flux_future_t *f, flux_t *h);
flux_t *flux_future_get_flux(flux_future_t *f);
void flux_future_set_reactor(flux_future_t *f, flux_reactor_t *r);
flux_reactor_t *flux_future_get_reactor(flux_future_t *f);
const char *flux_future_error_string(flux_future_t *f);
int flux_rpc_get_unpack(flux_future_t *f, const char *fmt, ...);
flux_future_t *flux_event_publish_pack(flux_t *h, const char *topic, int flags,
                                       const char *fmt, ...);

#ifdef __cplusplus
}
#endif

#endif
