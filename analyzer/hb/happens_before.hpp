// The happens-before relation over numbered records: program order within each
// thread plus the edges the model derived, closed transitively.
//
// Representation: per-thread epochs (a record's position in its thread), and a
// vector clock stored only at records that receive an edge ("acquires"), kept in
// a ClockForest so clocks share structure.  happens_before(a, b) looks up the
// last acquire of b's thread at or before b (binary search) and reads a's thread
// from its clock (a walk of depth log16(threads)): O(log n) with no allocation.
//
//     HappensBefore hb(thread_of, epoch_of, thread_count, std::move(edges));
//     hb.happens_before(a, b);
//
// The per-record thread and epoch arrays are either its own (the constructor
// taking vectors) or the caller's (the one taking pointers: the Model shares
// its ProcessTable's, which must then outlive the relation, unchanged).
//
// Edges that would close a cycle (contradicting pairings) are dropped, the
// least certain kind first, and listed in dropped().
#pragma once

#include <cstdint>
#include <vector>

#include "edge.hpp"
#include "ids.hpp"
#include "vector_clock.hpp"

namespace fluxtrace::hb {

class HappensBefore {
  public:
    HappensBefore() : forest_(1) {}
    // thread_of / epoch_of: one entry per record; epochs count from 1 in each thread.
    HappensBefore(std::vector<ThreadId> thread_of, std::vector<Epoch> epoch_of,
                  size_t thread_count, std::vector<Edge> edges);
    // The same over arrays it does not own: they must outlive it, unchanged.
    HappensBefore(const std::vector<ThreadId> *thread_of,
                  const std::vector<Epoch> *epoch_of, size_t thread_count,
                  std::vector<Edge> edges);
    // Moving keeps the views valid (a moved vector keeps its buffer); a copy
    // would not, so there is none.
    HappensBefore(HappensBefore &&) = default;
    HappensBefore &operator=(HappensBefore &&) = default;
    HappensBefore(const HappensBefore &) = delete;
    HappensBefore &operator=(const HappensBefore &) = delete;

    // a -> b: a is ordered before b by program order and the edges.  Irreflexive.
    bool happens_before(RecordId a, RecordId b) const;
    // Neither is ordered before the other (false for a record and itself).
    bool concurrent(RecordId a, RecordId b) const {
        return a != b && !happens_before(a, b) && !happens_before(b, a);
    }

    ThreadId thread_of(RecordId r) const { return thread_of_[r]; }
    Epoch epoch_of(RecordId r) const { return epoch_of_[r]; }
    size_t record_count() const { return record_count_; }
    size_t thread_count() const { return acquires_.size(); }

    // The edges in use, sorted by target; and those refused.
    const std::vector<Edge> &edges() const { return edges_; }
    const std::vector<Edge> &dropped() const { return dropped_; }
    // Edges within one thread that program order already implies.
    std::uint64_t redundant() const { return redundant_; }

    size_t acquire_count() const;
    const ClockForest &forest() const { return forest_; }
    size_t bytes_reserved() const;

  private:
    struct Acquire {
        Epoch epoch = 0;
        ClockForest::Ref clock = ClockForest::kEmpty;
        std::uint32_t first_edge = 0; // in edges_, `edge_count` of them
        std::uint32_t edge_count = 0;
    };
    // The clock a thread released at epoch e: that of its last acquire at or before e.
    ClockForest::Ref clock_at(ThreadId t, Epoch e) const;
    void build(std::vector<Edge> edges);
    void compute();

    std::vector<ThreadId> own_thread_of_; // empty when the arrays are the caller's
    std::vector<Epoch> own_epoch_of_;
    // One entry per record: the own vectors' data or the caller's.
    const ThreadId *thread_of_ = nullptr;
    const Epoch *epoch_of_ = nullptr;
    size_t record_count_ = 0;
    std::vector<Edge> edges_;
    std::vector<Edge> dropped_;
    std::uint64_t redundant_ = 0;
    std::vector<std::vector<Acquire>> acquires_;
    ClockForest forest_;
};

} // namespace fluxtrace::hb
