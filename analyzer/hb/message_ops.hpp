// The message operations and keys the message table shares between its files.
#pragma once

#include <cstdint>

#include "analyzer/schema.hpp"

namespace fluxtrace::hb::msg {

// The `op` of a msg record (the schema's MsgOp), as sightings keep it.
inline constexpr std::uint8_t kSend = static_cast<std::uint8_t>(MsgOp::Send);
inline constexpr std::uint8_t kSendNew = static_cast<std::uint8_t>(MsgOp::SendNew);
inline constexpr std::uint8_t kRecv = static_cast<std::uint8_t>(MsgOp::Recv);
inline constexpr std::uint8_t kRequeue = static_cast<std::uint8_t>(MsgOp::Requeue);

inline bool is_send(std::int64_t op) {
    return op == kSend || op == kSendNew;
}

// Combines two 64-bit values into a key (splitmix-style finaliser).
inline std::uint64_t mix(std::uint64_t h, std::uint64_t v) {
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    h ^= h >> 31;
    h *= 0xbf58476d1ce4e5b9ull;
    return h ^ (h >> 29);
}

} // namespace fluxtrace::hb::msg
