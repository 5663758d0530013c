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
#include "pyframes.h"

#define FT_STR(s) ((s) ? (s) : "")

/* Each record's tracepoint arguments: what provider.c passes.  Its fields
 * (fluxtrace_schema.h) are expressions over these. */
#define FT_STACK_ARGS                                                                    \
    const uint64_t *, ips, uint32_t, nips, const uint64_t *, pys, uint32_t, npys
#define FT_HASH_ARGS uint8_t, has_hash, uint64_t, hash
#define FT_TP_ARGS_process                                                               \
    int32_t, ppid, const char *, exe, const char *, uri, const char *, payload_mode,     \
        uint32_t, stack_depth, const char *, flux_core_version
#define FT_TP_ARGS_dso                                                                   \
    uint64_t, base, uint64_t, memsz, const char *, path, const uint8_t *, build_id,      \
        uint32_t, build_id_len
#define FT_TP_ARGS_handle const struct ft_handle *, e
#define FT_TP_ARGS_attr const struct ft_attr *, e
#define FT_TP_ARGS_msg                                                                   \
    const struct ft_msg *, e, FT_HASH_ARGS, uint32_t, plen, FT_STACK_ARGS
#define FT_TP_ARGS_rpc const struct ft_rpc *, e, FT_STACK_ARGS
#define FT_TP_ARGS_cb_begin const struct ft_cb *, e, FT_STACK_ARGS
#define FT_TP_ARGS_cb_end const struct ft_cb *, e
#define FT_TP_ARGS_future const struct ft_future *, e
#define FT_TP_ARGS_future_wait const struct ft_future_wait *, e, FT_STACK_ARGS
#define FT_TP_ARGS_reactor_run const struct ft_reactor_run *, e
#define FT_TP_ARGS_loop const struct ft_loop *, e
#define FT_TP_ARGS_kvs_lookup const struct ft_kvs_lookup *, e, FT_STACK_ARGS
#define FT_TP_ARGS_kvs_value const struct ft_kvs_value *, e, FT_HASH_ARGS
#define FT_TP_ARGS_kvs_txn const struct ft_kvs_txn *, e, FT_HASH_ARGS
#define FT_TP_ARGS_kvs_commit const struct ft_kvs_commit *, e, FT_STACK_ARGS
#define FT_TP_ARGS_kvs_result const struct ft_kvs_result *, e
#define FT_TP_ARGS_kvs_version const struct ft_kvs_version *, e, FT_STACK_ARGS
#define FT_TP_ARGS_event_sub const struct ft_event_sub *, e
#define FT_TP_ARGS_event_pub                                                             \
    const struct ft_event_pub *, e, FT_HASH_ARGS, uint32_t, plen, FT_STACK_ARGS
#define FT_TP_ARGS_life const struct ft_life *, e
#define FT_TP_ARGS_watcher const struct ft_watcher *, e
#define FT_TP_ARGS_pycode const struct ft_pycode *, e

/* A schema field as an LTTng-UST field. */
#define FT_TP_FIELD(record, TYPE, ctype, name, ...)                                      \
    FT_TP_FIELD_##TYPE(ctype, name, __VA_ARGS__)
#define FT_TP_FIELD_INT(ctype, name, v) lttng_ust_field_integer(ctype, name, v)
#define FT_TP_FIELD_HEX(ctype, name, v) lttng_ust_field_integer_hex(ctype, name, v)
#define FT_TP_FIELD_STR(ctype, name, v) lttng_ust_field_string(name, v)
#define FT_TP_FIELD_FLOAT(ctype, name, v) lttng_ust_field_float(ctype, name, v)
#define FT_TP_FIELD_SEQ_HEX(ctype, name, p, ltype, len)                                  \
    lttng_ust_field_sequence_hex(ctype, name, p, ltype, len)

/* One event per record kind of the schema. */
#define FT_TP_EVENT(name, CxxName, c_enum)                                               \
    LTTNG_UST_TRACEPOINT_EVENT(fluxtrace, name, LTTNG_UST_TP_ARGS(FT_TP_ARGS_##name),    \
                               LTTNG_UST_TP_FIELDS(FT_FIELDS_##name(FT_TP_FIELD, name)))
FT_RECORDS(FT_TP_EVENT)

#endif /* FLUXTRACE_TP_H */

#include <lttng/tracepoint-event.h>
