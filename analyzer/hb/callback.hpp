// One run of a program callback, from its cb_begin to its cb_end on one thread,
// and what made it run: the message a handler handles, the future (and the
// response that fulfilled it) a continuation continues, the call that armed it.
#pragma once

#include <cstdint>
#include <string_view>

#include "analyzer/hb/ids.hpp"
#include "analyzer/schema.hpp"

namespace fluxtrace::hb {

// The schema's callback kinds; Unknown for a code this analyzer does not know.
using CallbackKind = CbKind;

std::string_view callback_kind_name(CallbackKind kind);

struct Callback {
    ThreadId thread = kNoThread;
    CallbackKind kind = CallbackKind::Unknown;
    RecordId begin = kNoRecord;
    RecordId end = kNoRecord; // kNoRecord: the trace ends (or lost the record) inside it
    std::uint64_t obj = 0;    // the future, handler or watcher
    std::uint64_t fn = 0;
    CallbackId parent = kNoCallback; // the run it is nested in (a wait inside a callback)
    FutureId future = kNoFuture;     // continuations
    // Handlers: the receive of the message handled.  Continuations: the last
    // receipt of a response to the future's request before the run.
    RecordId message_record = kNoRecord;
    MessageId message = kNoMessage;
    EventId event = kNoEvent; // handlers of an event
    // The record on the same thread that armed this run, for the first run
    // after it: the flux_future_then of a continuation, the
    // flux_watcher_start of a watcher (format 5), the send of a message the
    // thread sent to itself.  Later runs of the same arming (a stream's next
    // response, a repeating timer) have none: what they react to is not that
    // record's callback alone.
    RecordId armed = kNoRecord;
};

} // namespace fluxtrace::hb
