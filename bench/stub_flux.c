/* A stand-in for libflux-core (SONAME libflux-core.so.2) whose functions do
 * almost nothing, so a benchmark measures the shim's cost and not flux's.
 * Not a test double: it has no behaviour to speak of. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct flux_handle flux_t;
typedef struct flux_msg flux_msg_t;
typedef struct flux_kvs_txn flux_kvs_txn_t;

static const char payload[] = "{\"namespace\":\"primary\",\"flags\":0,\"ops\":[]}";

int flux_send(flux_t *h, const flux_msg_t *msg, int flags)
{
    (void)h, (void)msg, (void)flags;
    return 0;
}
int flux_msg_get_type(const flux_msg_t *msg, int *type)
{
    (void)msg;
    *type = 1;
    return 0;
}
int flux_msg_get_topic(const flux_msg_t *msg, const char **topic)
{
    (void)msg;
    *topic = "kvs.commit";
    return 0;
}
int flux_msg_get_nodeid(const flux_msg_t *msg, uint32_t *nodeid)
{
    (void)msg;
    *nodeid = 0;
    return 0;
}
int flux_msg_get_matchtag(const flux_msg_t *msg, uint32_t *matchtag)
{
    (void)msg;
    *matchtag = 7;
    return 0;
}
int flux_msg_get_seq(const flux_msg_t *msg, uint32_t *seq)
{
    (void)msg;
    *seq = 0;
    return 0;
}
int flux_msg_get_errnum(const flux_msg_t *msg, int *errnum)
{
    (void)msg;
    *errnum = 0;
    return 0;
}
int flux_msg_get_payload(const flux_msg_t *msg, const void **buf, size_t *size)
{
    (void)msg;
    *buf = payload;
    *size = sizeof payload - 1;
    return 0;
}
int flux_msg_has_flag(const flux_msg_t *msg, int flag)
{
    (void)msg, (void)flag;
    return 0;
}
const char *flux_msg_route_first(const flux_msg_t *msg)
{
    (void)msg;
    return NULL;
}
int flux_msg_route_count(const flux_msg_t *msg)
{
    (void)msg;
    return 0;
}
int flux_kvs_txn_put(flux_kvs_txn_t *txn, int flags, const char *key, const char *value)
{
    (void)txn, (void)flags, (void)key, (void)value;
    return 0;
}
