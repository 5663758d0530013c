// Bit-level reads of little-endian CTF data, and the clock arithmetic of CTF
// 1.8 (§8: an event timestamp of N < 64 bits updates the low N bits of the
// stream's clock, and a smaller value than those bits means they wrapped once).
#pragma once

#include <cstdint>
#include <cstring>

namespace fluxtrace::ctf {

// `align` is a power of two (the metadata parser checks).
constexpr std::uint64_t align_up(std::uint64_t bits, unsigned align) {
    return (bits + align - 1) & ~std::uint64_t{align - 1};
}

// `size` (1..64) bits at bit `pos` of `base`, least significant bit first.
// The caller has checked that they lie inside the buffer.
inline std::uint64_t read_bits_le(const std::uint8_t *base, std::uint64_t pos,
                                  unsigned size) {
    const std::uint8_t *p = base + pos / 8;
    const unsigned shift = static_cast<unsigned>(pos % 8);
    if (shift == 0) {
        // Whole bytes: fixed-size copies the compiler turns into plain loads.
        switch (size) {
        case 8:
            return *p;
        case 16: {
            std::uint16_t v;
            std::memcpy(&v, p, 2);
            return v;
        }
        case 32: {
            std::uint32_t v;
            std::memcpy(&v, p, 4);
            return v;
        }
        case 64: {
            std::uint64_t v;
            std::memcpy(&v, p, 8);
            return v;
        }
        default:
            break;
        }
    }
    // Bytes covering the field: at most 9.
    const unsigned bytes = (shift + size + 7) / 8;
    std::uint64_t lo = 0;
    std::memcpy(&lo, p, bytes < 8 ? bytes : 8);
    std::uint64_t v = lo >> shift;
    if (bytes > 8)
        v |= static_cast<std::uint64_t>(p[8]) << (64 - shift);
    return size == 64 ? v : v & ((std::uint64_t{1} << size) - 1);
}

inline std::int64_t sign_extend(std::uint64_t v, unsigned size) {
    if (size >= 64)
        return static_cast<std::int64_t>(v);
    const std::uint64_t sign = std::uint64_t{1} << (size - 1);
    return static_cast<std::int64_t>((v ^ sign) - sign);
}

// The stream clock after a clock-mapped field of `size` bits read `value`.
inline std::uint64_t update_clock(std::uint64_t clock, std::uint64_t value,
                                  unsigned size) {
    if (size >= 64)
        return value;
    const std::uint64_t mask = (std::uint64_t{1} << size) - 1;
    if (value < (clock & mask))
        clock += mask + 1; // wrapped (once: a longer gap needs a full timestamp)
    return (clock & ~mask) | value;
}

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "the fast CTF reader copies little-endian integers as they are");

} // namespace fluxtrace::ctf
