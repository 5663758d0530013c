// The causal model of a trace: who recorded what (processes, threads,
// connections), how messages, futures, callbacks and KVS operations tie records
// together, and the happens-before relation over all records.  Built from
// records alone (no Babeltrace2), so tests and other readers can feed it.
//
//     std::vector<Record> records = ...;          // as read, sources in order
//     hb::Model model(records, {lossy_sources});
//     if (model.concurrent(write, read)) ...
//     const hb::Callback *cb = model.callback_of(read);
//
// Records are named by their index in `records`, which must outlive the model.
// A model moves but does not copy: its relation reads its process table's
// per-record thread and epoch arrays rather than keeping copies.
#pragma once

#include <vector>

#include "../record.hpp"
#include "edge.hpp"
#include "happens_before.hpp"
#include "kvs_table.hpp"
#include "message_table.hpp"
#include "process_table.hpp"
#include "runtime_table.hpp"

namespace fluxtrace::hb {

struct ModelOptions {
    // Indexed by Record::src(): that source lost records (discarded events or
    // packets), so pairings there must be unambiguous even among identical
    // messages.
    std::vector<bool> lossy_sources;
};

class Model {
  public:
    explicit Model(const std::vector<Record> &records, ModelOptions options = {});

    const std::vector<Record> &records() const { return *records_; }

    // Happens-before.
    bool happens_before(RecordId a, RecordId b) const { return hb_.happens_before(a, b); }
    bool concurrent(RecordId a, RecordId b) const { return hb_.concurrent(a, b); }
    const HappensBefore &relation() const { return hb_; }

    // Who.
    const Process &process_of(RecordId r) const {
        return procs_.processes[procs_.process_of(r)];
    }
    const Thread &thread_of(RecordId r) const {
        return procs_.threads[procs_.thread_of[r]];
    }
    const ProcessTable &processes() const { return procs_; }

    // What ties records together.
    const MessageTable &messages() const { return msgs_; }
    const RuntimeTable &runtime() const { return runtime_; }
    const KvsTable &kvs() const { return kvs_; }

    // The innermost callback run a record lies in; nullptr outside callbacks.
    const Callback *callback_of(RecordId r) const;
    // The watch (a kvs_lookup future with FLUX_KVS_WATCH) whose continuation a
    // record runs in, directly or nested; nullptr if none.
    const Future *watch_of(RecordId r) const;
    // The message behind a record: any hop of it, the request a handler
    // handles, the response a continuation continues, the answer a kvs_value
    // or future record read.
    const Message *message_of(RecordId r) const;
    // What a blocking wait (a future_wait or kvs_version record) waited for:
    // the topic of its request, the key of a lookup, "kvs.commit",
    // "kvs.getroot" / "kvs.wait-version" for the version calls; "" when
    // nothing says.
    std::string waited_for(RecordId wait) const;
    // The event a delivery or handler run belongs to.
    const Event *event_of(RecordId r) const;
    // For a read (its receipt or kvs_value record): the commit whose value it
    // returned.  For a commit's own records: that commit.
    const Commit *commit_of(RecordId r) const;
    const Read *read_of(RecordId r) const;

  private:
    const std::vector<Record> *records_;
    ProcessTable procs_;
    MessageTable msgs_;
    RuntimeTable runtime_;
    KvsTable kvs_;
    HappensBefore hb_;
};

} // namespace fluxtrace::hb
