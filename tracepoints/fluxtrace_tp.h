/* The `fluxtrace` LTTng-UST provider: every record fluxtrace writes.
 *
 * docs/events.md is the catalogue (fields, units, which analysis reads each).
 * Records carry the values a shim read through libflux-core; `stack` fields hold
 * return addresses (innermost first) for offline symbolization against the
 * `dso` records.  Pointers (handles, futures, watchers) are identities within a
 * process only.
 */
#undef LTTNG_UST_TRACEPOINT_PROVIDER
#define LTTNG_UST_TRACEPOINT_PROVIDER fluxtrace

#undef LTTNG_UST_TRACEPOINT_INCLUDE
#define LTTNG_UST_TRACEPOINT_INCLUDE "./fluxtrace_tp.h"

#if !defined(FLUXTRACE_TP_H) || defined(LTTNG_UST_TRACEPOINT_HEADER_MULTI_READ)
#define FLUXTRACE_TP_H

#include <lttng/tracepoint.h>
#include "fluxtrace_ops.h"

#define FT_STR(s) ((s) ? (s) : "")

/* Shared argument tail of records that carry a stack. */
#define FT_STACK_ARGS const uint64_t *, ips, uint32_t, nips
#define FT_STACK_FIELD lttng_ust_field_sequence_hex(uint64_t, stack, ips, uint32_t, nips)

LTTNG_UST_TRACEPOINT_EVENT(fluxtrace, process,
    LTTNG_UST_TP_ARGS(int32_t, ppid, const char *, exe, const char *, uri,
                      const char *, payload_mode, uint32_t, stack_depth),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer(uint32_t, format_version, FLUXTRACE_FORMAT_VERSION)
        lttng_ust_field_integer(int32_t, ppid, ppid)
        lttng_ust_field_string(exe, FT_STR(exe))
        lttng_ust_field_string(flux_uri, FT_STR(uri))
        lttng_ust_field_string(payload_mode, FT_STR(payload_mode))
        lttng_ust_field_integer(uint32_t, stack_depth, stack_depth)))

LTTNG_UST_TRACEPOINT_EVENT(fluxtrace, dso,
    LTTNG_UST_TP_ARGS(uint64_t, base, uint64_t, memsz, const char *, path,
                      const uint8_t *, build_id, uint32_t, build_id_len),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer_hex(uint64_t, base, base)
        lttng_ust_field_integer(uint64_t, memsz, memsz)
        lttng_ust_field_string(path, FT_STR(path))
        lttng_ust_field_sequence_hex(uint8_t, build_id, build_id, uint32_t, build_id_len)))

LTTNG_UST_TRACEPOINT_EVENT(fluxtrace, handle,
    LTTNG_UST_TP_ARGS(const struct ft_handle *, e),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer(uint8_t, op, e->op)
        lttng_ust_field_integer_hex(uint64_t, h, e->h)
        lttng_ust_field_integer_hex(uint64_t, orig, e->orig)
        lttng_ust_field_string(uri, FT_STR(e->uri))
        lttng_ust_field_integer(int32_t, flags, e->flags)
        lttng_ust_field_integer(int32_t, err, e->err)))

LTTNG_UST_TRACEPOINT_EVENT(fluxtrace, attr,
    LTTNG_UST_TP_ARGS(const struct ft_attr *, e),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer(uint8_t, source, e->source)
        lttng_ust_field_integer_hex(uint64_t, h, e->h)
        lttng_ust_field_string(attr, FT_STR(e->name))
        lttng_ust_field_string(value, FT_STR(e->value))))

LTTNG_UST_TRACEPOINT_EVENT(fluxtrace, msg,
    LTTNG_UST_TP_ARGS(const struct ft_msg *, e, uint8_t, has_hash, uint64_t, hash,
                      uint32_t, plen, FT_STACK_ARGS),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer(uint8_t, op, e->op)
        lttng_ust_field_integer_hex(uint64_t, h, e->h)
        lttng_ust_field_integer_hex(uint64_t, m, e->m)
        lttng_ust_field_integer(int32_t, rc, e->rc)
        lttng_ust_field_integer(int32_t, err, e->err)
        lttng_ust_field_integer(int32_t, type, e->type)
        lttng_ust_field_string(topic, FT_STR(e->topic))
        lttng_ust_field_integer(uint32_t, nodeid, e->nodeid)
        lttng_ust_field_integer(uint32_t, matchtag, e->matchtag)
        lttng_ust_field_integer(uint32_t, msgflags, e->msgflags)
        lttng_ust_field_string(route_first, FT_STR(e->route_first))
        lttng_ust_field_integer(int32_t, route_count, e->route_count)
        lttng_ust_field_integer(uint32_t, seq, e->seq)
        lttng_ust_field_integer(int32_t, errnum, e->errnum)
        lttng_ust_field_integer(uint32_t, payload_len, e->payload_len)
        lttng_ust_field_integer(uint8_t, has_hash, has_hash)
        lttng_ust_field_integer_hex(uint64_t, payload_hash, hash)
        lttng_ust_field_sequence_hex(uint8_t, payload, (const uint8_t *)e->payload,
                                     uint32_t, plen)
        FT_STACK_FIELD))

LTTNG_UST_TRACEPOINT_EVENT(fluxtrace, rpc,
    LTTNG_UST_TP_ARGS(const struct ft_rpc *, e, FT_STACK_ARGS),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer(uint8_t, api, e->api)
        lttng_ust_field_integer_hex(uint64_t, f, e->f)
        lttng_ust_field_integer_hex(uint64_t, h, e->h)
        lttng_ust_field_string(topic, FT_STR(e->topic))
        lttng_ust_field_integer(uint32_t, nodeid, e->nodeid)
        lttng_ust_field_integer(int32_t, flags, e->flags)
        lttng_ust_field_integer(uint32_t, matchtag, e->matchtag)
        lttng_ust_field_integer(int32_t, err, e->err)
        FT_STACK_FIELD))

LTTNG_UST_TRACEPOINT_EVENT(fluxtrace, cb_begin,
    LTTNG_UST_TP_ARGS(const struct ft_cb *, e, FT_STACK_ARGS),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer(uint8_t, kind, e->kind)
        lttng_ust_field_integer_hex(uint64_t, obj, e->obj)
        lttng_ust_field_integer_hex(uint64_t, fn, e->fn)
        lttng_ust_field_integer_hex(uint64_t, msg, e->arg)
        FT_STACK_FIELD))

LTTNG_UST_TRACEPOINT_EVENT(fluxtrace, cb_end,
    LTTNG_UST_TP_ARGS(const struct ft_cb *, e),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer(uint8_t, kind, e->kind)
        lttng_ust_field_integer_hex(uint64_t, obj, e->obj)
        lttng_ust_field_integer_hex(uint64_t, fn, e->fn)
        lttng_ust_field_integer(uint64_t, duration_ns, e->duration_ns)))

LTTNG_UST_TRACEPOINT_EVENT(fluxtrace, future,
    LTTNG_UST_TP_ARGS(const struct ft_future *, e),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer(uint8_t, op, e->op)
        lttng_ust_field_integer_hex(uint64_t, f, e->f)
        lttng_ust_field_integer_hex(uint64_t, fn, e->fn)
        lttng_ust_field_float(double, timeout, e->timeout)
        lttng_ust_field_integer(int32_t, errnum, e->errnum)
        lttng_ust_field_integer(int32_t, rc, e->rc)))

LTTNG_UST_TRACEPOINT_EVENT(fluxtrace, future_wait,
    LTTNG_UST_TP_ARGS(const struct ft_future_wait *, e, FT_STACK_ARGS),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer(uint8_t, api, e->api)
        lttng_ust_field_integer_hex(uint64_t, f, e->f)
        lttng_ust_field_integer(uint8_t, was_ready, e->was_ready)
        lttng_ust_field_float(double, timeout, e->timeout)
        lttng_ust_field_integer(uint64_t, blocked_ns, e->blocked_ns)
        lttng_ust_field_integer(int32_t, rc, e->rc)
        lttng_ust_field_integer(int32_t, err, e->err)
        FT_STACK_FIELD))

LTTNG_UST_TRACEPOINT_EVENT(fluxtrace, reactor_run,
    LTTNG_UST_TP_ARGS(const struct ft_reactor_run *, e),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer_hex(uint64_t, r, e->r)
        lttng_ust_field_integer(int32_t, flags, e->flags)
        lttng_ust_field_integer(uint32_t, depth, e->depth)
        lttng_ust_field_integer(uint8_t, end, e->end)
        lttng_ust_field_integer(int32_t, rc, e->rc)
        lttng_ust_field_integer(uint64_t, duration_ns, e->duration_ns)))

LTTNG_UST_TRACEPOINT_EVENT(fluxtrace, loop,
    LTTNG_UST_TP_ARGS(uint64_t, r, uint64_t, busy_ns),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer_hex(uint64_t, r, r)
        lttng_ust_field_integer(uint64_t, busy_ns, busy_ns)))

LTTNG_UST_TRACEPOINT_EVENT(fluxtrace, kvs_lookup,
    LTTNG_UST_TP_ARGS(const struct ft_kvs_lookup *, e, FT_STACK_ARGS),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer(uint8_t, api, e->api)
        lttng_ust_field_integer_hex(uint64_t, f, e->f)
        lttng_ust_field_integer_hex(uint64_t, h, e->h)
        lttng_ust_field_string(ns, FT_STR(e->ns))
        lttng_ust_field_string(key, FT_STR(e->key))
        lttng_ust_field_integer(int32_t, flags, e->flags)
        lttng_ust_field_string(treeobj, FT_STR(e->treeobj))
        lttng_ust_field_integer(int32_t, rc, e->rc)
        lttng_ust_field_integer(int32_t, err, e->err)
        FT_STACK_FIELD))

LTTNG_UST_TRACEPOINT_EVENT(fluxtrace, kvs_value,
    LTTNG_UST_TP_ARGS(const struct ft_kvs_value *, e, uint8_t, has_hash, uint64_t, hash),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer(uint8_t, api, e->api)
        lttng_ust_field_integer_hex(uint64_t, f, e->f)
        lttng_ust_field_integer(int32_t, rc, e->rc)
        lttng_ust_field_integer(int32_t, err, e->err)
        lttng_ust_field_integer(uint32_t, len, e->len)
        lttng_ust_field_integer(uint8_t, has_hash, has_hash)
        lttng_ust_field_integer_hex(uint64_t, value_hash, hash)))

LTTNG_UST_TRACEPOINT_EVENT(fluxtrace, kvs_txn,
    LTTNG_UST_TP_ARGS(const struct ft_kvs_txn *, e, uint8_t, has_hash, uint64_t, hash),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer(uint8_t, op, e->op)
        lttng_ust_field_integer_hex(uint64_t, txn, e->txn)
        lttng_ust_field_integer(int32_t, flags, e->flags)
        lttng_ust_field_string(key, FT_STR(e->key))
        lttng_ust_field_integer(uint32_t, len, e->len)
        lttng_ust_field_integer(uint8_t, has_hash, has_hash)
        lttng_ust_field_integer_hex(uint64_t, value_hash, hash)
        lttng_ust_field_integer(int32_t, rc, e->rc)
        lttng_ust_field_integer(int32_t, err, e->err)))

LTTNG_UST_TRACEPOINT_EVENT(fluxtrace, kvs_commit,
    LTTNG_UST_TP_ARGS(const struct ft_kvs_commit *, e, FT_STACK_ARGS),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer_hex(uint64_t, f, e->f)
        lttng_ust_field_integer_hex(uint64_t, h, e->h)
        lttng_ust_field_string(ns, FT_STR(e->ns))
        lttng_ust_field_integer(int32_t, flags, e->flags)
        lttng_ust_field_integer_hex(uint64_t, txn, e->txn)
        lttng_ust_field_integer(int32_t, err, e->err)
        FT_STACK_FIELD))

LTTNG_UST_TRACEPOINT_EVENT(fluxtrace, kvs_result,
    LTTNG_UST_TP_ARGS(const struct ft_kvs_result *, e),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer(uint8_t, api, e->api)
        lttng_ust_field_integer_hex(uint64_t, f, e->f)
        lttng_ust_field_integer_hex(uint64_t, h, e->h)
        lttng_ust_field_string(ns, FT_STR(e->ns))
        lttng_ust_field_integer(int32_t, rc, e->rc)
        lttng_ust_field_integer(int32_t, err, e->err)
        lttng_ust_field_integer(int64_t, seq, e->seq)
        lttng_ust_field_string(ref, FT_STR(e->ref))))

LTTNG_UST_TRACEPOINT_EVENT(fluxtrace, kvs_version,
    LTTNG_UST_TP_ARGS(const struct ft_kvs_version *, e, FT_STACK_ARGS),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer(uint8_t, api, e->api)
        lttng_ust_field_integer_hex(uint64_t, h, e->h)
        lttng_ust_field_string(ns, FT_STR(e->ns))
        lttng_ust_field_integer(int32_t, version, e->version)
        lttng_ust_field_integer(int32_t, rc, e->rc)
        lttng_ust_field_integer(int32_t, err, e->err)
        lttng_ust_field_integer(uint64_t, blocked_ns, e->blocked_ns)
        FT_STACK_FIELD))

LTTNG_UST_TRACEPOINT_EVENT(fluxtrace, event_sub,
    LTTNG_UST_TP_ARGS(const struct ft_event_sub *, e),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer(uint8_t, op, e->op)
        lttng_ust_field_integer_hex(uint64_t, h, e->h)
        lttng_ust_field_string(topic, FT_STR(e->topic))
        lttng_ust_field_integer(int32_t, flags, e->flags)
        lttng_ust_field_integer(int32_t, rc, e->rc)
        lttng_ust_field_integer(int32_t, err, e->err)
        lttng_ust_field_integer_hex(uint64_t, f, e->f)))

LTTNG_UST_TRACEPOINT_EVENT(fluxtrace, event_pub,
    LTTNG_UST_TP_ARGS(const struct ft_event_pub *, e, uint8_t, has_hash, uint64_t, hash,
                      uint32_t, plen, FT_STACK_ARGS),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer(uint8_t, api, e->api)
        lttng_ust_field_integer_hex(uint64_t, h, e->h)
        lttng_ust_field_integer_hex(uint64_t, f, e->f)
        lttng_ust_field_string(topic, FT_STR(e->topic))
        lttng_ust_field_integer(int32_t, flags, e->flags)
        lttng_ust_field_integer(uint32_t, payload_len, e->payload_len)
        lttng_ust_field_integer(uint8_t, has_hash, has_hash)
        lttng_ust_field_integer_hex(uint64_t, payload_hash, hash)
        lttng_ust_field_sequence_hex(uint8_t, payload, (const uint8_t *)e->payload,
                                     uint32_t, plen)
        lttng_ust_field_integer(int32_t, seq, e->seq)
        lttng_ust_field_integer(int32_t, rc, e->rc)
        lttng_ust_field_integer(int32_t, err, e->err)
        FT_STACK_FIELD))

LTTNG_UST_TRACEPOINT_EVENT(fluxtrace, life,
    LTTNG_UST_TP_ARGS(const struct ft_life *, e),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer(uint8_t, op, e->op)
        lttng_ust_field_integer(int32_t, pid, e->pid)
        lttng_ust_field_string(path, FT_STR(e->path))
        lttng_ust_field_integer_hex(uint64_t, token, e->token)
        lttng_ust_field_integer(int32_t, rc, e->rc)
        lttng_ust_field_integer(int32_t, err, e->err)))

#endif /* FLUXTRACE_TP_H */

#include <lttng/tracepoint-event.h>
