#include "policy.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

uint64_t ft_hash_bytes(const void *data, size_t len) {
    return XXH3_64bits(data, len);
}

static bool parse_uint(const char *s, unsigned long max, unsigned long *out) {
    if (s == NULL || *s == '\0')
        return false;
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno != 0 || *end != '\0' || s[0] == '-' || v > max)
        return false;
    *out = v;
    return true;
}

void ft_policy_from_env(struct ft_policy *p, const char *payload, const char *stack) {
    p->mode = FT_PAYLOAD_DECODED;
    p->cap = FT_PAYLOAD_DEFAULT_CAP;
    p->mode_name = "decoded";
    p->stack_depth = FT_STACK_DEFAULT;
    p->valid = true;

    unsigned long n;
    if (payload == NULL || *payload == '\0') {
    } else if (strcmp(payload, "none") == 0) {
        p->mode = FT_PAYLOAD_NONE;
        p->cap = 0;
        p->mode_name = "none";
    } else if (strcmp(payload, "hash") == 0) {
        p->mode = FT_PAYLOAD_HASH;
        p->cap = 0;
        p->mode_name = "hash";
    } else if (strcmp(payload, "all") == 0) {
        p->mode = FT_PAYLOAD_ALL;
        p->cap = FT_PAYLOAD_MAX;
        p->mode_name = "all";
    } else if (parse_uint(payload, FT_PAYLOAD_MAX, &n)) {
        p->mode = FT_PAYLOAD_ALL;
        p->cap = (uint32_t)n;
        p->mode_name = "prefix";
    } else {
        p->valid = false;
    }

    if (stack != NULL && *stack != '\0') {
        if (parse_uint(stack, FT_STACK_LIMIT, &n))
            p->stack_depth = (uint32_t)n;
        else
            p->valid = false;
    }
}

static bool starts_with(const char *s, const char *prefix) {
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool ft_topic_is_decoded(int type, const char *topic) {
    if (type == 4 /* FLUX_MSGTYPE_EVENT */)
        return true;
    if (topic == NULL)
        return false;
    return starts_with(topic, "kvs.") || starts_with(topic, "kvs-watch.") ||
           starts_with(topic, "event.");
}

struct ft_payload ft_policy_payload(const struct ft_policy *p, int type,
                                    const char *topic, const void *data, uint32_t len) {
    struct ft_payload out = {NULL, 0, false, 0};
    if (p->mode == FT_PAYLOAD_NONE || data == NULL)
        return out;
    out.has_hash = true;
    out.hash = ft_hash_bytes(data, len);
    bool keep = p->mode == FT_PAYLOAD_ALL ||
                (p->mode == FT_PAYLOAD_DECODED && ft_topic_is_decoded(type, topic));
    if (keep && p->cap > 0) {
        out.bytes = data;
        out.len = len < p->cap ? len : p->cap;
    }
    return out;
}

struct ft_hash ft_policy_value_hash(const struct ft_policy *p, const void *data,
                                    uint32_t len) {
    struct ft_hash out = {false, 0};
    if (p->mode == FT_PAYLOAD_NONE || data == NULL)
        return out;
    out.has_hash = true;
    out.hash = ft_hash_bytes(data, len);
    return out;
}
