// The message operations and keys the message table shares between its files.
#pragma once

#include <cstdint>

namespace fluxtrace::hb::msg {

enum Op : std::int64_t { kSend = 0, kSendNew = 1, kRecv = 2, kRequeue = 3 };

inline bool is_send(std::uint8_t op) {
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
