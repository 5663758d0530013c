/* The message layer: every message a process sends or receives through
 * libflux-core, whatever API produced it.  Executables and modules that carry
 * private copies of the higher layers are still seen here. */
#include "shim.h"

void ft_msg_fill(struct ft_msg *m, const flux_msg_t *msg) {
    m->m = ft_ptr(msg);
    if (msg == NULL)
        return;
    int type = 0, errnum = 0;
    FT_REAL(flux_msg_get_type)(msg, &type);
    m->type = type;
    FT_REAL(flux_msg_get_topic)(msg, &m->topic);
    FT_REAL(flux_msg_get_nodeid)(msg, &m->nodeid);
    FT_REAL(flux_msg_get_matchtag)(msg, &m->matchtag);
    if (type == FLUX_MSGTYPE_EVENT)
        FT_REAL(flux_msg_get_seq)(msg, &m->seq);
    if (type == FLUX_MSGTYPE_RESPONSE && FT_REAL(flux_msg_get_errnum)(msg, &errnum) == 0)
        m->errnum = errnum;
    static const int flags[] = {
        FLUX_MSGFLAG_NORESPONSE, FLUX_MSGFLAG_UPSTREAM, FLUX_MSGFLAG_PRIVATE,
        FLUX_MSGFLAG_STREAMING,  FLUX_MSGFLAG_USER1,
    };
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
        if (FT_REAL(flux_msg_has_flag)(msg, flags[i]))
            m->msgflags |= (uint32_t)flags[i];
    m->route_first = FT_REAL(flux_msg_route_first)(msg);
    int count = FT_REAL(flux_msg_route_count)(msg);
    m->route_count = count < 0 ? 0 : count;
    const void *buf = NULL;
    size_t size = 0;
    if (FT_REAL(flux_msg_get_payload)(msg, &buf, &size) == 0) {
        m->payload = buf;
        m->payload_len = (uint32_t)size;
    }
}

static void emit(const struct ft_call *c, enum ft_msg_op op, flux_t *h, int rc,
                 const flux_msg_t *msg) {
    struct ft_msg m = {.h = ft_ptr(h), .op = op, .rc = rc, .err = ft_call_err(c, rc < 0)};
    ft_msg_fill(&m, msg);
    ft_ops()->msg(&m);
}

static void after_send(struct ft_call *c, int rc, flux_t *h, const flux_msg_t *msg,
                       int flags) {
    (void)flags;
    emit(c, FT_MSG_SEND, h, rc, msg);
}

static void after_requeue(struct ft_call *c, int rc, flux_t *h, const flux_msg_t *msg,
                          int flags) {
    (void)flags;
    emit(c, FT_MSG_REQUEUE, h, rc, msg);
}

/* A receive that found nothing (the dispatcher polls with FLUX_O_NONBLOCK) is
 * not an event of the program's: only messages received are recorded. */
static void after_recv(struct ft_call *c, flux_msg_t *msg, flux_t *h,
                       struct flux_match match, int flags) {
    (void)match;
    (void)flags;
    if (msg != NULL)
        emit(c, FT_MSG_RECV, h, 0, msg);
}

FT_WRAP(int, -1, flux_send, (flux_t * h, const flux_msg_t *msg, int flags),
        (h, msg, flags), FT_EV_MSG, FT_NOHOOK, after_send)
FT_WRAP(int, -1, flux_requeue, (flux_t * h, const flux_msg_t *msg, int flags),
        (h, msg, flags), FT_EV_MSG, FT_NOHOOK, after_requeue)
FT_WRAP(flux_msg_t *, NULL, flux_recv, (flux_t * h, struct flux_match match, int flags),
        (h, match, flags), FT_EV_MSG, FT_NOHOOK, after_recv)

/* flux_send_new consumes the message on success, and refuses a message with a
 * second reference: it is recorded before the call.  Should the send fail, a
 * second record with rc < 0 and no message follows it. */
static void before_send_new(struct ft_call *c, flux_t *h, flux_msg_t **msg, int flags) {
    (void)flags;
    emit(c, FT_MSG_SEND_NEW, h, 0, msg != NULL ? *msg : NULL);
}

static void after_send_new(struct ft_call *c, int rc, flux_t *h, flux_msg_t **msg,
                           int flags) {
    (void)msg;
    (void)flags;
    if (rc < 0)
        emit(c, FT_MSG_SEND_NEW, h, rc, NULL);
}

FT_WRAP(int, -1, flux_send_new, (flux_t * h, flux_msg_t **msg, int flags),
        (h, msg, flags), FT_EV_MSG, before_send_new, after_send_new)
