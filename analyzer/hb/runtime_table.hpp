// Futures and callback runs of every process, their ties to messages, and the
// future fulfilment -> continuation edges between threads.
#pragma once

#include <utility>
#include <vector>

#include "../record.hpp"
#include "callback.hpp"
#include "edge.hpp"
#include "fields.hpp"
#include "future.hpp"
#include "message_table.hpp"
#include "process_table.hpp"

namespace fluxtrace::hb {

class RuntimeTable {
  public:
    void build(const std::vector<Record> &records, Fields &fields,
               const ProcessTable &procs, const MessageTable &msgs,
               std::vector<Edge> &edges);

    // The future a record names (its `f`, or a continuation's `obj`).
    FutureId future_of(RecordId r) const;
    // The innermost callback run a record lies in (cb_begin / cb_end included).
    CallbackId callback_of(RecordId r, const ProcessTable &procs) const;

    std::vector<Future> futures;
    std::vector<Callback> callbacks;

  private:
    std::vector<std::pair<RecordId, FutureId>> future_of_;
    // Per thread: its callbacks in order of their begin.
    std::vector<std::vector<CallbackId>> by_thread_;
};

} // namespace fluxtrace::hb
