// Who recorded what: process images, their threads, and their connections to a
// broker.  A process image is what one `process` record introduces (an exec
// starts a new image under the same pid); records of a pid seen before any
// `process` record belong to an image that started before the session.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "ids.hpp"

namespace fluxtrace::hb {

enum class ProcessRole : std::uint8_t {
    Unknown,  // no connection to a broker seen
    Broker,   // a flux-broker (its module threads included)
    Client,   // talks to a broker over its local connector
    ExecChild // a fork child seen only through its exec attempts (no fork hooks ran)
};

enum class ThreadRole : std::uint8_t {
    Worker, // any thread of a client, or a broker thread of unknown purpose
    Main,   // a broker's main thread: routes every message of its rank
    Router, // forwards other processes' messages (connector, overlay)
    Module  // a broker module's thread (its own interthread connection)
};

std::string_view process_role_name(ProcessRole role);
std::string_view thread_role_name(ThreadRole role);

struct Process {
    std::uint16_t src = 0;
    std::int32_t vpid = -1;
    std::int32_t ppid = -1;
    RecordId first = kNoRecord;          // its first record
    RecordId process_record = kNoRecord; // none when it started before the session
    std::uint64_t format = 0; // its `process` record's format version (0: none)
    bool ended = false;       // it wrote a life exit record, or exec'd
    std::string_view exe;
    std::string_view procname;
    std::string_view flux_uri;
    ProcessId previous_image = kNoProcess; // the image that exec'd into this one
    ProcessId parent = kNoProcess;         // from life fork / spawn, else ppid
    ProcessRole role = ProcessRole::Unknown;
    std::int32_t rank = -1; // a broker's own; a client's broker's
    std::int32_t size = -1;
    std::string_view local_uri;    // brokers: clients connect here
    ProcessId broker = kNoProcess; // clients: the broker their URI names
    InstanceId instance = kNoInstance;
    std::vector<ThreadId> threads;
};

struct Thread {
    ProcessId process = kNoProcess;
    std::int32_t vtid = -1;
    ThreadRole role = ThreadRole::Worker;
    // Modules: the service it answered most requests for ("kvs"), if any.
    std::string_view service;
    // In program order: records[e - 1] has epoch e (ProcessTable::list_thread_records).
    std::vector<RecordId> records;
};

// One flux_t connection: a handle from flux_open (or seen before the session)
// and every clone of it, until flux_close.
struct Connection {
    ProcessId process = kNoProcess;
    RecordId opened = kNoRecord;
    std::uint64_t h = 0;  // the handle address it was opened (or first seen) as
    std::string_view uri; // as opened; "" = the process's FLUX_URI
    // The route uuid brokers know it by: from an interthread:// URI (modules), or
    // learned by pairing its requests with the first hop's (clients).
    std::string_view uuid;
    bool uuid_learned = false;
    ProcessId broker = kNoProcess; // the broker process at the other end
};

} // namespace fluxtrace::hb
