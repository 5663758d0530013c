// Persistent vector clocks: each clock is an immutable radix tree of fan-out 16
// over thread slots, and clocks share every subtree they have in common.  A join
// copies only the paths where the result differs from both inputs, so storing
// the clock of every synchronising record costs a few nodes per edge instead of
// one entry per thread.
//
// Joins also skip whole subtrees without reading them, the idea of tree clocks
// (Mathur et al., ASPLOS 2022) applied to shared nodes: every node remembers
// the (thread, epoch) whose clock it was built for, so its content is at most
// that clock.  If the other side already knows that thread up to that epoch, it
// knows everything in the node (vector clocks are transitive), and the node can
// be neither newer nor needed.
//
//     ClockForest forest(thread_count);
//     auto c = forest.join({a, ta, ea}, {b, tb, eb}, ta, ea);
//     c = forest.raise(c, tb, eb, ta, ea);
//     forest.get(c, tb) >= eb;
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "ids.hpp"

namespace fluxtrace::hb {

class ClockForest {
  public:
    using Ref = std::uint32_t;
    static constexpr Ref kEmpty = 0; // knows nothing of any thread
    static constexpr unsigned kFanoutBits = 4;
    static constexpr unsigned kFanout = 1u << kFanoutBits;

    explicit ClockForest(size_t thread_count);

    // The last epoch of `t` that `clock` knows of (0: none).
    Epoch get(Ref clock, ThreadId t) const;

    // A clock seen from its owner: a stored clock leaves its own thread's entry
    // stale (program order gives it), so `own` says how far its owner has run.
    struct View {
        Ref clock = kEmpty;
        ThreadId self = kNoThread;
        Epoch own = 0;
    };

    // Pointwise maximum of the two clocks, except for `into.self`'s own entry,
    // which is left as either side had it.  Nodes it creates belong to the
    // clock of (tag_thread, tag_epoch), which must know everything `into` and
    // `from` know.
    Ref join(const View &into, const View &from, ThreadId tag_thread, Epoch tag_epoch);
    // `clock` with t's entry raised to at least e.
    Ref raise(Ref clock, ThreadId t, Epoch e, ThreadId tag_thread, Epoch tag_epoch);

    size_t node_count() const { return nodes_.size(); }
    size_t bytes_reserved() const { return nodes_.capacity() * sizeof(Node); }
    // Subtrees a join skipped through provenance, and nodes it had to compare.
    std::uint64_t pruned() const { return pruned_; }
    std::uint64_t visited() const { return visited_; }

  private:
    struct Node {
        std::array<std::uint32_t, kFanout> slot{}; // epochs in leaves, children above
        ThreadId owner = kNoThread;
        Epoch epoch = 0;
    };
    unsigned digit(ThreadId t, unsigned level) const {
        return (t >> (kFanoutBits * (depth_ - 1 - level))) & (kFanout - 1);
    }
    Epoch known(const View &v, ThreadId t) const {
        return t == v.self ? v.own : get(v.clock, t);
    }
    Ref join_at(Ref a, Ref b, unsigned level, const View &into, const View &from);
    Ref make(const std::array<std::uint32_t, kFanout> &slot);

    std::vector<Node> nodes_;
    unsigned depth_ = 1;
    ThreadId tag_thread_ = kNoThread;
    Epoch tag_epoch_ = 0;
    std::uint64_t pruned_ = 0;
    std::uint64_t visited_ = 0;
};

} // namespace fluxtrace::hb
