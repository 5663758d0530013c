// Pairs the items of two ordered sequences that saw the same messages, without
// clocks: only the order within each sequence and the items' keys count.
//
// Keys found once in each sequence anchor the alignment (as in patience diff);
// between anchors, a key paired in order only where both sides hold it the
// same number of times.  A run of identical items that lost one on either side
// (records lost, a trace begun late) is left unpaired rather than shifted: an
// unpaired message costs an edge, a wrongly paired one invents causality.
// With `strict` (a source lost records), only items unique within their stretch
// are paired.  The result is increasing in both indexes.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace fluxtrace::hb {

inline constexpr std::uint64_t kUnmatchable = UINT64_MAX;

std::vector<std::pair<std::uint32_t, std::uint32_t>>
align(const std::vector<std::uint64_t> &a, const std::vector<std::uint64_t> &b,
      bool strict);

} // namespace fluxtrace::hb
