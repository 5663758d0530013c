// Small distinct integer types for the causal model, as ThreadSanitizer keeps
// thread slots and epochs apart: a record, a thread slot, a position in a
// thread, and the rows of the model's tables.
#pragma once

#include <cstdint>
#include <limits>

namespace fluxtrace::hb {

// Index of a record in the sequence the model was built from.
using RecordId = std::uint32_t;
// A thread of one process image: a dense slot, the index of a vector clock entry.
using ThreadId = std::uint32_t;
// Position of a record in its thread, from 1; 0 means "nothing of that thread".
using Epoch = std::uint32_t;
using ProcessId = std::uint32_t;
using ConnectionId = std::uint32_t;
using InstanceId = std::uint32_t;
using MessageId = std::uint32_t; // a request/response exchange (Journey)
using EventId = std::uint32_t;   // a published event and its deliveries
using FutureId = std::uint32_t;
using CallbackId = std::uint32_t;
using CommitId = std::uint32_t;
using ReadId = std::uint32_t;

template <typename T>
inline constexpr T kNone = std::numeric_limits<T>::max();

inline constexpr RecordId kNoRecord = kNone<RecordId>;
inline constexpr ThreadId kNoThread = kNone<ThreadId>;
inline constexpr ProcessId kNoProcess = kNone<ProcessId>;
inline constexpr ConnectionId kNoConnection = kNone<ConnectionId>;
inline constexpr InstanceId kNoInstance = kNone<InstanceId>;
inline constexpr MessageId kNoMessage = kNone<MessageId>;
inline constexpr EventId kNoEvent = kNone<EventId>;
inline constexpr FutureId kNoFuture = kNone<FutureId>;
inline constexpr CallbackId kNoCallback = kNone<CallbackId>;
inline constexpr CommitId kNoCommit = kNone<CommitId>;
inline constexpr ReadId kNoRead = kNone<ReadId>;

} // namespace fluxtrace::hb
