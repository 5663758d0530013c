#include "happens_before.hpp"

#include <algorithm>
#include <deque>
#include <functional>
#include <queue>
#include <tuple>

namespace fluxtrace::hb {

HappensBefore::HappensBefore(std::vector<ThreadId> thread_of, std::vector<Epoch> epoch_of,
                             size_t thread_count, std::vector<Edge> edges)
    : own_thread_of_(std::move(thread_of)), own_epoch_of_(std::move(epoch_of)),
      thread_of_(own_thread_of_.data()), epoch_of_(own_epoch_of_.data()),
      record_count_(own_thread_of_.size()), acquires_(thread_count),
      forest_(thread_count) {
    build(std::move(edges));
}

HappensBefore::HappensBefore(const std::vector<ThreadId> *thread_of,
                             const std::vector<Epoch> *epoch_of, size_t thread_count,
                             std::vector<Edge> edges)
    : thread_of_(thread_of->data()), epoch_of_(epoch_of->data()),
      record_count_(thread_of->size()), acquires_(thread_count), forest_(thread_count) {
    build(std::move(edges));
}

void HappensBefore::build(std::vector<Edge> edges) {
    const auto n = static_cast<RecordId>(record_count_);
    // Keeps the edges between threads, in place and in their order.
    size_t count = 0;
    for (const Edge &e : edges) {
        if (e.from >= n || e.to >= n || e.from == e.to) {
            dropped_.push_back(e);
            continue;
        }
        if (thread_of_[e.from] == thread_of_[e.to]) {
            // Program order already says this, or the edge contradicts it.
            if (epoch_of_[e.from] < epoch_of_[e.to])
                redundant_++;
            else
                dropped_.push_back(e);
            continue;
        }
        edges[count++] = e;
    }
    edges.resize(count);
    const auto key = [&](const Edge &e) {
        return std::make_tuple(thread_of_[e.to], epoch_of_[e.to], e.kind, e.from);
    };
    std::sort(edges.begin(), edges.end(),
              [&](const Edge &a, const Edge &b) { return key(a) < key(b); });
    edges.erase(std::unique(edges.begin(), edges.end(),
                            [](const Edge &a, const Edge &b) {
                                return a.from == b.from && a.to == b.to;
                            }),
                edges.end());
    edges.shrink_to_fit();
    edges_ = std::move(edges);
    for (std::uint32_t i = 0; i < edges_.size(); i++) {
        auto &acq = acquires_[thread_of_[edges_[i].to]];
        const Epoch e = epoch_of_[edges_[i].to];
        if (acq.empty() || acq.back().epoch != e)
            acq.push_back(Acquire{e, ClockForest::kEmpty, i, 0});
        acq.back().edge_count++;
    }
    compute();
}

ClockForest::Ref HappensBefore::clock_at(ThreadId t, Epoch e) const {
    const auto &acq = acquires_[t];
    auto it = std::upper_bound(acq.begin(), acq.end(), e,
                               [](Epoch x, const Acquire &a) { return x < a.epoch; });
    return it == acq.begin() ? ClockForest::kEmpty : std::prev(it)->clock;
}

// Kahn's algorithm over acquires: a thread computes its next acquire once every
// source of its edges has computed all its acquires up to the source's epoch.
void HappensBefore::compute() {
    const size_t threads = acquires_.size();
    std::vector<std::uint32_t> next(threads, 0);
    std::vector<bool> dead(edges_.size(), false);
    using Waiter = std::pair<Epoch, ThreadId>;
    std::vector<std::priority_queue<Waiter, std::vector<Waiter>, std::greater<Waiter>>>
        waiters(threads);
    std::vector<std::uint32_t> blocked_on(threads, UINT32_MAX); // an edge index
    std::deque<ThreadId> work;
    for (ThreadId t = 0; t < threads; t++)
        if (!acquires_[t].empty())
            work.push_back(t);

    const auto next_epoch = [&](ThreadId t) {
        return next[t] < acquires_[t].size() ? acquires_[t][next[t]].epoch : UINT32_MAX;
    };
    const auto released = [&](ThreadId s, Epoch p) { return next_epoch(s) > p; };
    const auto wake = [&](ThreadId s) {
        auto &w = waiters[s];
        while (!w.empty() && released(s, w.top().first)) {
            work.push_back(w.top().second);
            w.pop();
        }
    };
    size_t remaining = 0;
    for (const auto &a : acquires_)
        remaining += a.size();

    while (remaining > 0) {
        while (!work.empty()) {
            const ThreadId t = work.front();
            work.pop_front();
            while (next[t] < acquires_[t].size()) {
                Acquire &acq = acquires_[t][next[t]];
                blocked_on[t] = UINT32_MAX;
                for (std::uint32_t i = acq.first_edge;
                     i < acq.first_edge + acq.edge_count; i++) {
                    const Edge &e = edges_[i];
                    const ThreadId s = thread_of_[e.from];
                    if (!dead[i] && !released(s, epoch_of_[e.from])) {
                        blocked_on[t] = i;
                        waiters[s].push({epoch_of_[e.from], t});
                        break;
                    }
                }
                if (blocked_on[t] != UINT32_MAX)
                    break;
                ClockForest::View into{next[t] == 0 ? ClockForest::kEmpty
                                                    : acquires_[t][next[t] - 1].clock,
                                       t, acq.epoch};
                for (std::uint32_t i = acq.first_edge;
                     i < acq.first_edge + acq.edge_count; i++) {
                    if (dead[i])
                        continue;
                    const Edge &e = edges_[i];
                    const ThreadId s = thread_of_[e.from];
                    const Epoch p = epoch_of_[e.from];
                    const ClockForest::View from{clock_at(s, p), s, p};
                    into.clock = forest_.join(into, from, t, acq.epoch);
                    into.clock = forest_.raise(into.clock, s, p, t, acq.epoch);
                }
                acq.clock = into.clock;
                next[t]++;
                remaining--;
                wake(t);
            }
        }
        if (remaining == 0)
            break;
        // Every thread left is waiting on another: the edges form a cycle, so
        // some pairing was wrong.  Drop the least certain edge in the way.
        std::uint32_t victim = UINT32_MAX;
        for (ThreadId t = 0; t < threads; t++) {
            const std::uint32_t i = blocked_on[t];
            if (next[t] >= acquires_[t].size() || i == UINT32_MAX)
                continue;
            if (victim == UINT32_MAX || edges_[i].kind > edges_[victim].kind ||
                (edges_[i].kind == edges_[victim].kind && i < victim))
                victim = i;
        }
        if (victim == UINT32_MAX) { // cannot happen: every unfinished thread is blocked
            for (ThreadId t = 0; t < threads; t++)
                if (next[t] < acquires_[t].size())
                    work.push_back(t);
            continue;
        }
        dead[victim] = true;
        dropped_.push_back(edges_[victim]);
        work.push_back(thread_of_[edges_[victim].to]);
    }

    // Keep only the edges in use, re-indexing the acquires.
    std::vector<Edge> live;
    live.reserve(edges_.size());
    for (auto &thread : acquires_)
        for (auto &acq : thread) {
            const auto first = static_cast<std::uint32_t>(live.size());
            for (std::uint32_t i = acq.first_edge; i < acq.first_edge + acq.edge_count;
                 i++)
                if (!dead[i])
                    live.push_back(edges_[i]);
            acq.first_edge = first;
            acq.edge_count = static_cast<std::uint32_t>(live.size()) - first;
        }
    edges_ = std::move(live);
}

bool HappensBefore::happens_before(RecordId a, RecordId b) const {
    if (a == b || a >= record_count_ || b >= record_count_)
        return false;
    const ThreadId ta = thread_of_[a], tb = thread_of_[b];
    if (ta == tb)
        return epoch_of_[a] < epoch_of_[b];
    return forest_.get(clock_at(tb, epoch_of_[b]), ta) >= epoch_of_[a];
}

size_t HappensBefore::acquire_count() const {
    size_t n = 0;
    for (const auto &a : acquires_)
        n += a.size();
    return n;
}

size_t HappensBefore::bytes_reserved() const {
    size_t n = own_thread_of_.capacity() * sizeof(ThreadId) +
               own_epoch_of_.capacity() * sizeof(Epoch) +
               edges_.capacity() * sizeof(Edge) + forest_.bytes_reserved();
    for (const auto &a : acquires_)
        n += a.capacity() * sizeof(Acquire);
    return n;
}

} // namespace fluxtrace::hb
