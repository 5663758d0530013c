#include "align.hpp"

#include <algorithm>
#include <unordered_map>

namespace fluxtrace::hb {

namespace {

using Pair = std::pair<std::uint32_t, std::uint32_t>;

// The longest subsequence of `pairs` (sorted by first) increasing in second.
std::vector<Pair> increasing(const std::vector<Pair> &pairs) {
    std::vector<size_t> tails; // index into pairs of the smallest tail per length
    std::vector<size_t> prev(pairs.size(), SIZE_MAX);
    for (size_t i = 0; i < pairs.size(); i++) {
        auto it = std::lower_bound(
            tails.begin(), tails.end(), pairs[i].second,
            [&](size_t t, std::uint32_t v) { return pairs[t].second < v; });
        if (it != tails.begin())
            prev[i] = *std::prev(it);
        if (it == tails.end())
            tails.push_back(i);
        else
            *it = i;
    }
    std::vector<Pair> out;
    for (size_t i = tails.empty() ? SIZE_MAX : tails.back(); i != SIZE_MAX; i = prev[i])
        out.push_back(pairs[i]);
    std::reverse(out.begin(), out.end());
    return out;
}

// Pairs a[a0, a1) with b[b0, b1) key by key, where counts agree.
void pair_stretch(const std::vector<std::uint64_t> &a,
                  const std::vector<std::uint64_t> &b, std::uint32_t a0, std::uint32_t a1,
                  std::uint32_t b0, std::uint32_t b1, bool strict,
                  std::vector<Pair> &out) {
    if (a0 >= a1 || b0 >= b1)
        return;
    std::unordered_map<std::uint64_t,
                       std::pair<std::vector<std::uint32_t>, std::vector<std::uint32_t>>>
        at;
    for (std::uint32_t i = a0; i < a1; i++)
        if (a[i] != kUnmatchable)
            at[a[i]].first.push_back(i);
    for (std::uint32_t j = b0; j < b1; j++)
        if (b[j] != kUnmatchable) {
            auto it = at.find(b[j]);
            if (it != at.end())
                it->second.second.push_back(j);
        }
    for (const auto &[key, where] : at) {
        (void)key;
        const auto &[ia, ib] = where;
        if (ib.empty() || ia.size() != ib.size() || (strict && ia.size() != 1))
            continue;
        for (size_t k = 0; k < ia.size(); k++)
            out.push_back({ia[k], ib[k]});
    }
}

} // namespace

std::vector<Pair> align(const std::vector<std::uint64_t> &a,
                        const std::vector<std::uint64_t> &b, bool strict) {
    // Most calls pair one use with one (a request's single response): a key
    // found once on each side is an anchor, strict or not.
    if (a.empty() || b.empty())
        return {};
    if (a.size() == 1 && b.size() == 1) {
        if (a[0] == b[0] && a[0] != kUnmatchable)
            return {{0, 0}};
        return {};
    }
    std::unordered_map<std::uint64_t, std::pair<std::uint32_t, std::uint32_t>> count;
    std::unordered_map<std::uint64_t, Pair> where;
    for (std::uint32_t i = 0; i < a.size(); i++)
        if (a[i] != kUnmatchable) {
            count[a[i]].first++;
            where[a[i]].first = i;
        }
    for (std::uint32_t j = 0; j < b.size(); j++)
        if (b[j] != kUnmatchable) {
            auto it = count.find(b[j]);
            if (it == count.end())
                continue;
            it->second.second++;
            where[b[j]].second = j;
        }
    std::vector<Pair> anchors;
    for (const auto &[key, c] : count)
        if (c.first == 1 && c.second == 1)
            anchors.push_back(where[key]);
    std::sort(anchors.begin(), anchors.end());
    anchors = increasing(anchors);

    std::vector<Pair> pairs = anchors;
    std::uint32_t a0 = 0, b0 = 0;
    for (const Pair &anchor : anchors) {
        pair_stretch(a, b, a0, anchor.first, b0, anchor.second, strict, pairs);
        a0 = anchor.first + 1;
        b0 = anchor.second + 1;
    }
    pair_stretch(a, b, a0, static_cast<std::uint32_t>(a.size()), b0,
                 static_cast<std::uint32_t>(b.size()), strict, pairs);
    std::sort(pairs.begin(), pairs.end());
    return increasing(pairs);
}

} // namespace fluxtrace::hb
