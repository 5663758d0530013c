/* What a record may hold of a payload or value, from FLUXTRACE_PAYLOAD, and how
 * deep stacks go, from FLUXTRACE_STACK.  Pure functions: unit tested alone.
 *
 * FLUXTRACE_PAYLOAD:
 *   (unset)  bytes (up to FT_PAYLOAD_DEFAULT_CAP) of the topics the analyzer
 *            decodes (kvs.*, kvs-watch.*, event.*, and every event message),
 *            a hash of every other payload;
 *   hash     hashes only, no payload bytes;
 *   none     no payload bytes and no hashes at all, of messages or KVS values;
 *   all      bytes (up to FT_PAYLOAD_MAX) of every payload;
 *   N        bytes (up to N, at most FT_PAYLOAD_MAX) of every payload.
 * Payloads can hold secrets (job submissions carry users' environments): the
 * default keeps bytes only where an analysis needs them.
 */
#ifndef FLUXTRACE_POLICY_H
#define FLUXTRACE_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FT_PAYLOAD_DEFAULT_CAP 4096u
#define FT_PAYLOAD_MAX 65536u
#define FT_STACK_DEFAULT 16u
#define FT_STACK_LIMIT 64u

enum ft_payload_mode {
    FT_PAYLOAD_DECODED,
    FT_PAYLOAD_HASH,
    FT_PAYLOAD_NONE,
    FT_PAYLOAD_ALL
};

struct ft_policy {
    enum ft_payload_mode mode;
    uint32_t cap;          /* bytes kept at most, where bytes are kept */
    uint32_t stack_depth;  /* frames kept, 0 for none */
    const char *mode_name; /* as recorded in the `process` record */
    bool valid;            /* false when an environment value was not understood */
};

struct ft_payload {
    const void *bytes; /* prefix kept, or NULL */
    uint32_t len;      /* its length */
    bool has_hash;
    uint64_t hash; /* XXH3-64 of the whole payload */
};

struct ft_hash {
    bool has_hash;
    uint64_t hash;
};

/* Unparseable values fall back to the defaults, and `valid` says so: a traced
 * program must never fail because of its tracer's settings. */
void ft_policy_from_env(struct ft_policy *p, const char *payload, const char *stack);

/* Whether the analyzer decodes this message's payload (message type, topic). */
bool ft_topic_is_decoded(int type, const char *topic);

struct ft_payload ft_policy_payload(const struct ft_policy *p, int type,
                                    const char *topic, const void *data, uint32_t len);

struct ft_hash ft_policy_value_hash(const struct ft_policy *p, const void *data,
                                    uint32_t len);

uint64_t ft_hash_bytes(const void *data, size_t len);

#ifdef __cplusplus
}
#endif

#endif
