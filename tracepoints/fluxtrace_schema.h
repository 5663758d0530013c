/* The record schema of the `fluxtrace` provider: the one place where a record
 * kind, a field or a sub-operation code is named.
 *
 * Everything else is generated from these lists, for C and C++ alike: the
 * provider's LTTng-UST events (fluxtrace_tp.h), the shim's record-kind and
 * sub-operation enums and its table of enabled states (fluxtrace_ops.h,
 * provider.c), and the analyzer's record kinds, field references and
 * sub-operation enums (analyzer/schema.hpp).  A record or field added here
 * appears everywhere at once; one removed here fails to build wherever it is
 * still used.  docs/events.md says what each field means.
 *
 * Bump FLUXTRACE_FORMAT_VERSION (recorded in every `process` record) when a
 * record's fields change, so the analyzer can refuse traces it does not know.
 */
#ifndef FLUXTRACE_SCHEMA_H
#define FLUXTRACE_SCHEMA_H

#define FLUXTRACE_FORMAT_VERSION 6
/* The oldest format the analyzer still reads: format 1 lacks only the
 * `process` record's flux_core_version; format 2 wrote a `loop` record per
 * reactor iteration and repeated kind, obj and fn in `cb_end`; format 3 has no
 * `life` exit record, so a process killed cannot be told from one that ended;
 * format 4 has no `watcher` record, so a watcher's run cannot be tied to the
 * callback that started it; format 5 has no Python frames (`pystack`,
 * `pycode`). */
#define FLUXTRACE_OLDEST_FORMAT_VERSION 1

/* The lists below are edited one entry per line. */
/* clang-format off */

/* Every record kind, in the order of its id: R(name, CxxName, C_ENUMERATOR). */
#define FT_RECORDS(R)                                  \
    R(process,     Process,    FT_EV_PROCESS)          \
    R(dso,         Dso,        FT_EV_DSO)              \
    R(handle,      Handle,     FT_EV_HANDLE)           \
    R(attr,        Attr,       FT_EV_ATTR)             \
    R(msg,         Msg,        FT_EV_MSG)              \
    R(rpc,         Rpc,        FT_EV_RPC)              \
    R(cb_begin,    CbBegin,    FT_EV_CB_BEGIN)         \
    R(cb_end,      CbEnd,      FT_EV_CB_END)           \
    R(future,      Future,     FT_EV_FUTURE)           \
    R(future_wait, FutureWait, FT_EV_FUTURE_WAIT)      \
    R(reactor_run, ReactorRun, FT_EV_REACTOR_RUN)      \
    R(loop,        Loop,       FT_EV_LOOP)             \
    R(kvs_lookup,  KvsLookup,  FT_EV_KVS_LOOKUP)       \
    R(kvs_value,   KvsValue,   FT_EV_KVS_VALUE)        \
    R(kvs_txn,     KvsTxn,     FT_EV_KVS_TXN)          \
    R(kvs_commit,  KvsCommit,  FT_EV_KVS_COMMIT)       \
    R(kvs_result,  KvsResult,  FT_EV_KVS_RESULT)       \
    R(kvs_version, KvsVersion, FT_EV_KVS_VERSION)      \
    R(event_sub,   EventSub,   FT_EV_EVENT_SUB)        \
    R(event_pub,   EventPub,   FT_EV_EVENT_PUB)        \
    R(life,        Life,       FT_EV_LIFE)             \
    R(watcher,     Watcher,    FT_EV_WATCHER)          \
    R(pycode,      PyCode,     FT_EV_PYCODE)

/* The fields of each record, in the order they are written:
 *   F(record, TYPE, ctype, name, value...)
 * TYPE: INT (integer), HEX (integer shown in hex), STR (string), FLOAT
 * (double), SEQ_HEX (sequence of ctype; value: pointer, length type, length).
 * Values are expressions over the tracepoint's arguments (fluxtrace_tp.h):
 * `e` is the record's struct (fluxtrace_ops.h); FT_STR maps NULL to "". */
/* Every record a person sees a stack of: the native return addresses, and,
 * in a Python program, its Python frames as (code object, line) pairs, innermost
 * first (the code objects are named by `pycode` records). */
#define FT_STACK(F, R_)                                                   \
    F(R_, SEQ_HEX, uint64_t, stack, ips, uint32_t, nips)                  \
    F(R_, SEQ_HEX, uint64_t, pystack, pys, uint32_t, npys)

#define FT_FIELDS_process(F, R_)                                          \
    F(R_, INT,   uint32_t, format_version, FLUXTRACE_FORMAT_VERSION)      \
    F(R_, INT,   int32_t,  ppid,           ppid)                          \
    F(R_, STR,   char,     exe,            FT_STR(exe))                   \
    F(R_, STR,   char,     flux_uri,       FT_STR(uri))                   \
    F(R_, STR,   char,     payload_mode,   FT_STR(payload_mode))          \
    F(R_, INT,   uint32_t, stack_depth,    stack_depth)                   \
    F(R_, STR,   char,     flux_core_version, FT_STR(flux_core_version))

#define FT_FIELDS_dso(F, R_)                                              \
    F(R_, HEX,   uint64_t, base,           base)                          \
    F(R_, INT,   uint64_t, memsz,          memsz)                         \
    F(R_, STR,   char,     path,           FT_STR(path))                  \
    F(R_, SEQ_HEX, uint8_t, build_id,      build_id, uint32_t, build_id_len)

#define FT_FIELDS_handle(F, R_)                                           \
    F(R_, INT,   uint8_t,  op,             e->op)                         \
    F(R_, HEX,   uint64_t, h,              e->h)                          \
    F(R_, HEX,   uint64_t, orig,           e->orig)                       \
    F(R_, STR,   char,     uri,            FT_STR(e->uri))                \
    F(R_, INT,   int32_t,  flags,          e->flags)                      \
    F(R_, INT,   int32_t,  err,            e->err)

#define FT_FIELDS_attr(F, R_)                                             \
    F(R_, INT,   uint8_t,  source,         e->source)                     \
    F(R_, HEX,   uint64_t, h,              e->h)                          \
    F(R_, STR,   char,     attr,           FT_STR(e->name))               \
    F(R_, STR,   char,     value,          FT_STR(e->value))

#define FT_FIELDS_msg(F, R_)                                              \
    F(R_, INT,   uint8_t,  op,             e->op)                         \
    F(R_, HEX,   uint64_t, h,              e->h)                          \
    F(R_, HEX,   uint64_t, m,              e->m)                          \
    F(R_, INT,   int32_t,  rc,             e->rc)                         \
    F(R_, INT,   int32_t,  err,            e->err)                        \
    F(R_, INT,   int32_t,  type,           e->type)                       \
    F(R_, STR,   char,     topic,          FT_STR(e->topic))              \
    F(R_, INT,   uint32_t, nodeid,         e->nodeid)                     \
    F(R_, INT,   uint32_t, matchtag,       e->matchtag)                   \
    F(R_, INT,   uint32_t, msgflags,       e->msgflags)                   \
    F(R_, STR,   char,     route_first,    FT_STR(e->route_first))        \
    F(R_, INT,   int32_t,  route_count,    e->route_count)                \
    F(R_, INT,   uint32_t, seq,            e->seq)                        \
    F(R_, INT,   int32_t,  errnum,         e->errnum)                     \
    F(R_, INT,   uint32_t, payload_len,    e->payload_len)                \
    F(R_, INT,   uint8_t,  has_hash,       has_hash)                      \
    F(R_, HEX,   uint64_t, payload_hash,   hash)                          \
    F(R_, SEQ_HEX, uint8_t, payload,       (const uint8_t *)e->payload, uint32_t, plen) \
    FT_STACK(F, R_)

#define FT_FIELDS_rpc(F, R_)                                              \
    F(R_, INT,   uint8_t,  api,            e->api)                        \
    F(R_, HEX,   uint64_t, f,              e->f)                          \
    F(R_, HEX,   uint64_t, h,              e->h)                          \
    F(R_, STR,   char,     topic,          FT_STR(e->topic))              \
    F(R_, INT,   uint32_t, nodeid,         e->nodeid)                     \
    F(R_, INT,   int32_t,  flags,          e->flags)                      \
    F(R_, INT,   uint32_t, matchtag,       e->matchtag)                   \
    F(R_, INT,   int32_t,  err,            e->err)                        \
    FT_STACK(F, R_)

#define FT_FIELDS_cb_begin(F, R_)                                         \
    F(R_, INT,   uint8_t,  kind,           e->kind)                       \
    F(R_, HEX,   uint64_t, obj,            e->obj)                        \
    F(R_, HEX,   uint64_t, fn,             e->fn)                         \
    F(R_, HEX,   uint64_t, msg,            e->arg)                        \
    FT_STACK(F, R_)

/* cb_end closes the innermost open cb_begin of its thread: the trampolines
 * nest on the C stack. */
#define FT_FIELDS_cb_end(F, R_)                                           \
    F(R_, INT,   uint64_t, duration_ns,    e->duration_ns)

#define FT_FIELDS_future(F, R_)                                           \
    F(R_, INT,   uint8_t,  op,             e->op)                         \
    F(R_, HEX,   uint64_t, f,              e->f)                          \
    F(R_, HEX,   uint64_t, fn,             e->fn)                         \
    F(R_, FLOAT, double,   timeout,        e->timeout)                    \
    F(R_, INT,   int32_t,  errnum,         e->errnum)                     \
    F(R_, INT,   int32_t,  rc,             e->rc)

#define FT_FIELDS_future_wait(F, R_)                                      \
    F(R_, INT,   uint8_t,  api,            e->api)                        \
    F(R_, HEX,   uint64_t, f,              e->f)                          \
    F(R_, INT,   uint8_t,  was_ready,      e->was_ready)                  \
    F(R_, FLOAT, double,   timeout,        e->timeout)                    \
    F(R_, INT,   uint64_t, blocked_ns,     e->blocked_ns)                 \
    F(R_, INT,   int32_t,  rc,             e->rc)                         \
    F(R_, INT,   int32_t,  err,            e->err)                        \
    FT_STACK(F, R_)

#define FT_FIELDS_reactor_run(F, R_)                                      \
    F(R_, HEX,   uint64_t, r,              e->r)                          \
    F(R_, INT,   int32_t,  flags,          e->flags)                      \
    F(R_, INT,   uint32_t, depth,          e->depth)                      \
    F(R_, INT,   uint8_t,  end,            e->end)                        \
    F(R_, INT,   int32_t,  rc,             e->rc)                         \
    F(R_, INT,   uint64_t, duration_ns,    e->duration_ns)

/* One record per reactor iteration that ran callbacks (prepare, check and
 * idle watchers aside), carrying the iterations before it that ran none as a
 * count, a sum and a maximum. */
#define FT_FIELDS_loop(F, R_)                                             \
    F(R_, INT,   uint64_t, busy_ns,        e->busy_ns)                    \
    F(R_, INT,   uint32_t, callbacks,      e->callbacks)                  \
    F(R_, INT,   uint32_t, idle_iterations, e->idle_iterations)           \
    F(R_, INT,   uint64_t, idle_busy_ns,   e->idle_busy_ns)               \
    F(R_, INT,   uint64_t, idle_max_ns,    e->idle_max_ns)

#define FT_FIELDS_kvs_lookup(F, R_)                                       \
    F(R_, INT,   uint8_t,  api,            e->api)                        \
    F(R_, HEX,   uint64_t, f,              e->f)                          \
    F(R_, HEX,   uint64_t, h,              e->h)                          \
    F(R_, STR,   char,     ns,             FT_STR(e->ns))                 \
    F(R_, STR,   char,     key,            FT_STR(e->key))                \
    F(R_, INT,   int32_t,  flags,          e->flags)                      \
    F(R_, STR,   char,     treeobj,        FT_STR(e->treeobj))            \
    F(R_, INT,   int32_t,  rc,             e->rc)                         \
    F(R_, INT,   int32_t,  err,            e->err)                        \
    FT_STACK(F, R_)

#define FT_FIELDS_kvs_value(F, R_)                                        \
    F(R_, INT,   uint8_t,  api,            e->api)                        \
    F(R_, HEX,   uint64_t, f,              e->f)                          \
    F(R_, INT,   int32_t,  rc,             e->rc)                         \
    F(R_, INT,   int32_t,  err,            e->err)                        \
    F(R_, INT,   uint32_t, len,            e->len)                        \
    F(R_, INT,   uint8_t,  has_hash,       has_hash)                      \
    F(R_, HEX,   uint64_t, value_hash,     hash)

#define FT_FIELDS_kvs_txn(F, R_)                                          \
    F(R_, INT,   uint8_t,  op,             e->op)                         \
    F(R_, HEX,   uint64_t, txn,            e->txn)                        \
    F(R_, INT,   int32_t,  flags,          e->flags)                      \
    F(R_, STR,   char,     key,            FT_STR(e->key))                \
    F(R_, INT,   uint32_t, len,            e->len)                        \
    F(R_, INT,   uint8_t,  has_hash,       has_hash)                      \
    F(R_, HEX,   uint64_t, value_hash,     hash)                          \
    F(R_, INT,   int32_t,  rc,             e->rc)                         \
    F(R_, INT,   int32_t,  err,            e->err)

#define FT_FIELDS_kvs_commit(F, R_)                                       \
    F(R_, HEX,   uint64_t, f,              e->f)                          \
    F(R_, HEX,   uint64_t, h,              e->h)                          \
    F(R_, STR,   char,     ns,             FT_STR(e->ns))                 \
    F(R_, INT,   int32_t,  flags,          e->flags)                      \
    F(R_, HEX,   uint64_t, txn,            e->txn)                        \
    F(R_, INT,   int32_t,  err,            e->err)                        \
    FT_STACK(F, R_)

#define FT_FIELDS_kvs_result(F, R_)                                       \
    F(R_, INT,   uint8_t,  api,            e->api)                        \
    F(R_, HEX,   uint64_t, f,              e->f)                          \
    F(R_, HEX,   uint64_t, h,              e->h)                          \
    F(R_, STR,   char,     ns,             FT_STR(e->ns))                 \
    F(R_, INT,   int32_t,  rc,             e->rc)                         \
    F(R_, INT,   int32_t,  err,            e->err)                        \
    F(R_, INT,   int64_t,  seq,            e->seq)                        \
    F(R_, STR,   char,     ref,            FT_STR(e->ref))

#define FT_FIELDS_kvs_version(F, R_)                                      \
    F(R_, INT,   uint8_t,  api,            e->api)                        \
    F(R_, HEX,   uint64_t, h,              e->h)                          \
    F(R_, STR,   char,     ns,             FT_STR(e->ns))                 \
    F(R_, INT,   int32_t,  version,        e->version)                    \
    F(R_, INT,   int32_t,  rc,             e->rc)                         \
    F(R_, INT,   int32_t,  err,            e->err)                        \
    F(R_, INT,   uint64_t, blocked_ns,     e->blocked_ns)                 \
    FT_STACK(F, R_)

#define FT_FIELDS_event_sub(F, R_)                                        \
    F(R_, INT,   uint8_t,  op,             e->op)                         \
    F(R_, HEX,   uint64_t, h,              e->h)                          \
    F(R_, STR,   char,     topic,          FT_STR(e->topic))              \
    F(R_, INT,   int32_t,  flags,          e->flags)                      \
    F(R_, INT,   int32_t,  rc,             e->rc)                         \
    F(R_, INT,   int32_t,  err,            e->err)                        \
    F(R_, HEX,   uint64_t, f,              e->f)

#define FT_FIELDS_event_pub(F, R_)                                        \
    F(R_, INT,   uint8_t,  api,            e->api)                        \
    F(R_, HEX,   uint64_t, h,              e->h)                          \
    F(R_, HEX,   uint64_t, f,              e->f)                          \
    F(R_, STR,   char,     topic,          FT_STR(e->topic))              \
    F(R_, INT,   int32_t,  flags,          e->flags)                      \
    F(R_, INT,   uint32_t, payload_len,    e->payload_len)                \
    F(R_, INT,   uint8_t,  has_hash,       has_hash)                      \
    F(R_, HEX,   uint64_t, payload_hash,   hash)                          \
    F(R_, SEQ_HEX, uint8_t, payload,       (const uint8_t *)e->payload, uint32_t, plen) \
    F(R_, INT,   int32_t,  seq,            e->seq)                        \
    F(R_, INT,   int32_t,  rc,             e->rc)                         \
    F(R_, INT,   int32_t,  err,            e->err)                        \
    FT_STACK(F, R_)

#define FT_FIELDS_life(F, R_)                                             \
    F(R_, INT,   uint8_t,  op,             e->op)                         \
    F(R_, INT,   int32_t,  pid,            e->pid)                        \
    F(R_, STR,   char,     path,           FT_STR(e->path))               \
    F(R_, HEX,   uint64_t, token,          e->token)                      \
    F(R_, INT,   int32_t,  rc,             e->rc)                         \
    F(R_, INT,   int32_t,  err,            e->err)

/* flux_watcher_start/stop of a watcher whose callback is the program's (one
 * the shim gave a trampoline): the record's callback (the run it is made in)
 * is what armed the watcher's next run. */
#define FT_FIELDS_watcher(F, R_)                                          \
    F(R_, INT,   uint8_t,  op,             e->op)                         \
    F(R_, HEX,   uint64_t, w,              e->w)

/* A Python code object, before the first `pystack` that names it (again if
 * another code object takes its address). */
#define FT_FIELDS_pycode(F, R_)                                           \
    F(R_, HEX,   uint64_t, code,           e->code)                       \
    F(R_, STR,   char,     qualname,       FT_STR(e->qualname))           \
    F(R_, STR,   char,     file,           FT_STR(e->file))               \
    F(R_, INT,   int32_t,  firstlineno,    e->firstlineno)

/* Fields older formats wrote that the analyzer still reads when a trace has
 * them: F(record, CxxName, TYPE, ctype, name, last format). */
#define FT_RETIRED_FIELDS(F)                                              \
    F(cb_end,      CbEnd,      HEX,   uint64_t, obj,      2)

/* Sub-operation codes, numbered from 0 in list order:
 *   O(C_ENUMERATOR, CxxName, "what it stands for")
 * FT_CODES(C) lists them as C(record, field, list, c_enum, CxxEnum). */
#define FT_CODES(C)                                                    \
    C(msg,         op,     FT_MSG_OPS,      ft_msg_op,      MsgOp)     \
    C(rpc,         api,    FT_RPC_APIS,     ft_rpc_api,     RpcApi)    \
    C(cb_begin,    kind,   FT_CB_KINDS,     ft_cb_kind,     CbKind)    \
    C(future,      op,     FT_FUTURE_OPS,   ft_future_op,   FutureOp)  \
    C(future_wait, api,    FT_WAIT_APIS,    ft_wait_api,    WaitApi)   \
    C(kvs_lookup,  api,    FT_LOOKUP_APIS,  ft_lookup_api,  LookupApi) \
    C(kvs_value,   api,    FT_VALUE_APIS,   ft_value_api,   ValueApi)  \
    C(kvs_txn,     op,     FT_TXN_OPS,      ft_txn_op,      TxnOp)     \
    C(kvs_result,  api,    FT_RESULT_APIS,  ft_result_api,  ResultApi) \
    C(kvs_version, api,    FT_VERSION_APIS, ft_version_api, VersionApi) \
    C(event_sub,   op,     FT_SUB_OPS,      ft_sub_op,      SubOp)     \
    C(event_pub,   api,    FT_PUB_APIS,     ft_pub_api,     PubApi)    \
    C(handle,      op,     FT_HANDLE_OPS,   ft_handle_op,   HandleOp)  \
    C(attr,        source, FT_ATTR_SOURCES, ft_attr_source, AttrSource) \
    C(life,        op,     FT_LIFE_OPS,     ft_life_op,     LifeOp)    \
    C(watcher,     op,     FT_WATCHER_OPS,  ft_watcher_op,  WatcherOp)

#define FT_MSG_OPS(O)                                                  \
    O(FT_MSG_SEND,             Send,          "flux_send")             \
    O(FT_MSG_SEND_NEW,         SendNew,       "flux_send_new")         \
    O(FT_MSG_RECV,             Recv,          "flux_recv")             \
    O(FT_MSG_REQUEUE,          Requeue,       "flux_requeue")

#define FT_RPC_APIS(O)                                                 \
    O(FT_RPC,                  Rpc,           "flux_rpc")              \
    O(FT_RPC_PACK,             Pack,          "flux_rpc_pack")         \
    O(FT_RPC_VPACK,            Vpack,         "flux_rpc_vpack")        \
    O(FT_RPC_RAW,              Raw,           "flux_rpc_raw")          \
    O(FT_RPC_MESSAGE,          Message,       "flux_rpc_message")

/* What kind of callback a trampoline ran (cb_begin and cb_end). */
#define FT_CB_KINDS(O)                                                 \
    O(FT_CB_CONTINUATION,      Continuation,  "continuation")          \
    O(FT_CB_MSG_HANDLER,       MsgHandler,    "msg_handler")           \
    O(FT_CB_FD,                Fd,            "fd")                    \
    O(FT_CB_HANDLE,            Handle,        "handle")                \
    O(FT_CB_TIMER,             Timer,         "timer")                 \
    O(FT_CB_PERIODIC,          Periodic,      "periodic")              \
    O(FT_CB_PREPARE,           Prepare,       "prepare")               \
    O(FT_CB_CHECK,             Check,         "check")                 \
    O(FT_CB_IDLE,              Idle,          "idle")                  \
    O(FT_CB_SIGNAL,            Signal,        "signal")                \
    O(FT_CB_STAT,              Stat,          "stat")                  \
    O(FT_CB_RESCHEDULE,        Reschedule,    "reschedule")

#define FT_FUTURE_OPS(O)                                               \
    O(FT_FUTURE_CREATE,        Create,        "flux_future_create")    \
    O(FT_FUTURE_FULFILL,       Fulfill,       "flux_future_fulfill")   \
    O(FT_FUTURE_FULFILL_ERROR, FulfillError,  "flux_future_fulfill_error") \
    O(FT_FUTURE_RESET,         Reset,         "flux_future_reset")     \
    O(FT_FUTURE_DESTROY,       Destroy,       "flux_future_destroy")   \
    O(FT_FUTURE_THEN,          Then,          "flux_future_then")      \
    O(FT_FUTURE_AND_THEN,      AndThen,       "flux_future_and_then")  \
    O(FT_FUTURE_OR_THEN,       OrThen,        "flux_future_or_then")

/* Calls that may wait for a future. */
#define FT_WAIT_APIS(O)                                                \
    O(FT_WAIT_FUTURE_GET,      FutureGet,     "flux_future_get")       \
    O(FT_WAIT_FUTURE_WAIT_FOR, FutureWaitFor, "flux_future_wait_for")  \
    O(FT_WAIT_RPC_GET,         RpcGet,        "flux_rpc_get")          \
    O(FT_WAIT_RPC_GET_RAW,     RpcGetRaw,     "flux_rpc_get_raw")      \
    O(FT_WAIT_KVS_LOOKUP_GET,  KvsLookupGet,  "flux_kvs_lookup_get")   \
    O(FT_WAIT_KVS_COMMIT_GET,  KvsCommitGet,  "flux_kvs_commit_get_*") \
    O(FT_WAIT_EVENT_PUBLISH_GET_SEQ, EventPublishGetSeq, "flux_event_publish_get_seq") \
    O(FT_WAIT_KVS_GETROOT_GET, KvsGetrootGet, "flux_kvs_getroot_get_*")

#define FT_LOOKUP_APIS(O)                                              \
    O(FT_LOOKUP,               Lookup,        "flux_kvs_lookup")       \
    O(FT_LOOKUPAT,             Lookupat,      "flux_kvs_lookupat")     \
    O(FT_LOOKUP_CANCEL,        Cancel,        "flux_kvs_lookup_cancel")

#define FT_VALUE_APIS(O)                                               \
    O(FT_VALUE_LOOKUP_GET,         Get,        "flux_kvs_lookup_get")  \
    O(FT_VALUE_LOOKUP_GET_RAW,     GetRaw,     "flux_kvs_lookup_get_raw") \
    O(FT_VALUE_LOOKUP_GET_TREEOBJ, GetTreeobj, "flux_kvs_lookup_get_treeobj") \
    O(FT_VALUE_LOOKUP_GET_DIR,     GetDir,     "flux_kvs_lookup_get_dir") \
    O(FT_VALUE_LOOKUP_GET_SYMLINK, GetSymlink, "flux_kvs_lookup_get_symlink")

#define FT_TXN_OPS(O)                                                  \
    O(FT_TXN_CREATE,           Create,        "flux_kvs_txn_create")   \
    O(FT_TXN_DESTROY,          Destroy,       "flux_kvs_txn_destroy")  \
    O(FT_TXN_PUT,              Put,           "flux_kvs_txn_put")      \
    O(FT_TXN_PACK,             Pack,          "flux_kvs_txn_pack")     \
    O(FT_TXN_PUT_RAW,          PutRaw,        "flux_kvs_txn_put_raw")  \
    O(FT_TXN_PUT_TREEOBJ,      PutTreeobj,    "flux_kvs_txn_put_treeobj") \
    O(FT_TXN_MKDIR,            Mkdir,         "flux_kvs_txn_mkdir")    \
    O(FT_TXN_UNLINK,           Unlink,        "flux_kvs_txn_unlink")   \
    O(FT_TXN_SYMLINK,          Symlink,       "flux_kvs_txn_symlink")  \
    O(FT_TXN_CLEAR,            Clear,         "flux_kvs_txn_clear")

#define FT_RESULT_APIS(O)                                              \
    O(FT_RESULT_COMMIT_SEQUENCE,  CommitSequence, "flux_kvs_commit_get_sequence") \
    O(FT_RESULT_COMMIT_ROOTREF,   CommitRootref,  "flux_kvs_commit_get_rootref") \
    O(FT_RESULT_COMMIT_TREEOBJ,   CommitTreeobj,  "flux_kvs_commit_get_treeobj") \
    O(FT_RESULT_GETROOT_SEQUENCE, GetrootSequence, "flux_kvs_getroot_get_sequence") \
    O(FT_RESULT_GETROOT_BLOBREF,  GetrootBlobref, "flux_kvs_getroot_get_blobref") \
    O(FT_RESULT_GETROOT_TREEOBJ,  GetrootTreeobj, "flux_kvs_getroot_get_treeobj") \
    O(FT_RESULT_GETROOT_REQUEST,  GetrootRequest, "flux_kvs_getroot")

#define FT_VERSION_APIS(O)                                             \
    O(FT_VERSION_GET,          Get,           "flux_kvs_get_version")  \
    O(FT_VERSION_WAIT,         Wait,          "flux_kvs_wait_version")

#define FT_SUB_OPS(O)                                                  \
    O(FT_SUB,                  Subscribe,     "flux_event_subscribe")  \
    O(FT_UNSUB,                Unsubscribe,   "flux_event_unsubscribe") \
    O(FT_SUB_EX,               SubscribeEx,   "flux_event_subscribe_ex") \
    O(FT_UNSUB_EX,             UnsubscribeEx, "flux_event_unsubscribe_ex")

#define FT_PUB_APIS(O)                                                 \
    O(FT_PUB,                  Publish,       "flux_event_publish")    \
    O(FT_PUB_RAW,              PublishRaw,    "flux_event_publish_raw") \
    O(FT_PUB_GET_SEQ,          GetSeq,        "flux_event_publish_get_seq")

#define FT_HANDLE_OPS(O)                                               \
    O(FT_HANDLE_OPEN,          Open,          "flux_open")             \
    O(FT_HANDLE_CLOSE,         Close,         "flux_close")            \
    O(FT_HANDLE_CLONE,         Clone,         "flux_clone")

/* Identity a process learned on its own: attribute cache entries the broker
 * or the program set, and the results of the program's own rank/size calls. */
#define FT_ATTR_SOURCES(O)                                             \
    O(FT_ATTR_CACHE,           Cache,         "attribute cache")       \
    O(FT_ATTR_GET,             Get,           "flux_attr_get")         \
    O(FT_ATTR_GET_RANK,        GetRank,       "flux_get_rank")         \
    O(FT_ATTR_GET_SIZE,        GetSize,       "flux_get_size")

/* FORK_PARENT: pid = child; SPAWN: pid = child, path; EXEC: path, just before
 * exec; THREAD_CREATE: token matches the new thread's THREAD_START. */
#define FT_LIFE_OPS(O)                                                 \
    O(FT_LIFE_FORK_PARENT,     ForkParent,    "fork")                  \
    O(FT_LIFE_SPAWN,           Spawn,         "posix_spawn")           \
    O(FT_LIFE_EXEC,            Exec,          "exec")                  \
    O(FT_LIFE_THREAD_CREATE,   ThreadCreate,  "pthread_create")        \
    O(FT_LIFE_THREAD_START,    ThreadStart,   "thread start")          \
    O(FT_LIFE_EXIT,            Exit,          "exit")

#define FT_WATCHER_OPS(O)                                              \
    O(FT_WATCHER_START,        Start,         "flux_watcher_start")    \
    O(FT_WATCHER_STOP,         Stop,          "flux_watcher_stop")

/* clang-format on */

#endif
