#include "vector_clock.hpp"

#include <algorithm>

namespace fluxtrace::hb {

ClockForest::ClockForest(size_t thread_count) {
    while ((size_t{1} << (kFanoutBits * depth_)) < thread_count)
        depth_++;
    nodes_.emplace_back(); // kEmpty: all zeros, at every level
}

Epoch ClockForest::get(Ref clock, ThreadId t) const {
    for (unsigned level = 0; level < depth_; level++) {
        if (clock == kEmpty)
            return 0;
        clock = nodes_[clock].slot[digit(t, level)];
    }
    return clock;
}

ClockForest::Ref ClockForest::make(const std::array<std::uint32_t, kFanout> &slot) {
    Node n;
    n.slot = slot;
    n.owner = tag_thread_;
    n.epoch = tag_epoch_;
    nodes_.push_back(n);
    return static_cast<Ref>(nodes_.size() - 1);
}

ClockForest::Ref ClockForest::join_at(Ref a, Ref b, unsigned level, const View &into,
                                      const View &from) {
    if (a == b || b == kEmpty)
        return a;
    if (a == kEmpty)
        return b;
    visited_++;
    // Copies: make() may move the nodes.
    const Node na = nodes_[a];
    const Node nb = nodes_[b];
    if (known(into, nb.owner) >= nb.epoch) {
        pruned_++;
        return a;
    }
    if (known(from, na.owner) >= na.epoch) {
        pruned_++;
        return b;
    }
    std::array<std::uint32_t, kFanout> out;
    const bool leaf = level + 1 == depth_;
    for (unsigned i = 0; i < kFanout; i++)
        out[i] = leaf ? std::max(na.slot[i], nb.slot[i])
                      : join_at(na.slot[i], nb.slot[i], level + 1, into, from);
    if (out == na.slot)
        return a;
    if (out == nb.slot)
        return b;
    return make(out);
}

ClockForest::Ref ClockForest::join(const View &into, const View &from,
                                   ThreadId tag_thread, Epoch tag_epoch) {
    tag_thread_ = tag_thread;
    tag_epoch_ = tag_epoch;
    return join_at(into.clock, from.clock, 0, into, from);
}

ClockForest::Ref ClockForest::raise(Ref clock, ThreadId t, Epoch e, ThreadId tag_thread,
                                    Epoch tag_epoch) {
    if (get(clock, t) >= e)
        return clock;
    tag_thread_ = tag_thread;
    tag_epoch_ = tag_epoch;
    // Copy the path top-down, then link it bottom-up.
    std::array<Ref, 16> path{};
    Ref n = clock;
    for (unsigned level = 0; level < depth_; level++) {
        path[level] = n;
        n = n == kEmpty ? kEmpty : nodes_[n].slot[digit(t, level)];
    }
    std::uint32_t child = e;
    for (unsigned level = depth_; level-- > 0;) {
        std::array<std::uint32_t, kFanout> slot{};
        if (path[level] != kEmpty)
            slot = nodes_[path[level]].slot;
        slot[digit(t, level)] = child;
        child = make(slot);
    }
    return child;
}

} // namespace fluxtrace::hb
