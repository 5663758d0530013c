// Builds the processes, threads and connections of a record sequence, each
// record's thread and epoch, and the edges of process structure (fork, spawn,
// exec, thread creation).  Ranks come from what processes learned themselves
// (`attr` records) and from matching a client's URI to a broker's `local-uri`.
#pragma once

#include <utility>
#include <vector>

#include "../record.hpp"
#include "edge.hpp"
#include "fields.hpp"
#include "process.hpp"

namespace fluxtrace::hb {

class ProcessTable {
  public:
    void build(const std::vector<Record> &records, Fields &fields,
               std::vector<Edge> &edges);
    // Groups processes into Flux instances: a client with its broker, brokers
    // that carried the same message (`linked`), and what is left in a source
    // with the source's only instance.
    void assign_instances(const std::vector<std::pair<ProcessId, ProcessId>> &linked);
    // Fills Thread::records from thread_of, each in a vector of its exact size.
    // The message table does not need them: the model lists them after it.
    void list_thread_records();

    ProcessId process_of(RecordId r) const { return threads[thread_of[r]].process; }
    // The connection of a msg record's `h` (kNoConnection for msg records
    // without one, and for records of other kinds: only the message table asks).
    ConnectionId connection_of(RecordId r) const;
    // The main thread of a process (vtid == vpid), if it recorded anything.
    ThreadId main_thread(ProcessId p) const;

    std::vector<Process> processes;
    std::vector<Thread> threads;
    std::vector<Connection> connections;
    std::vector<ThreadId> thread_of; // per record
    std::vector<Epoch> epoch_of;     // per record
    size_t instance_count = 0;

  private:
    std::vector<std::pair<RecordId, ConnectionId>>
        connection_of_; // msg records, in order
};

} // namespace fluxtrace::hb
