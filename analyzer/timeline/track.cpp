#include "track.hpp"

#include <algorithm>
#include <tuple>

namespace fluxtrace::timeline {

namespace {

// A loose start can move at most this many times: each move takes in one
// more slice, and a track is rarely wrong by more than one or two.
constexpr int kMaxLoosePasses = 8;

void sort_slices(std::vector<Slice> &slices) {
    // Stable, so that equal slices keep the order they were made in (a
    // reactor run before the callback that starts with it).
    std::stable_sort(slices.begin(), slices.end(), [](const Slice &a, const Slice &b) {
        return std::make_tuple(a.start_ns, b.end_ns, a.marker) <
               std::make_tuple(b.start_ns, a.end_ns, b.marker);
    });
}

// One pass over sorted slices with the stack of those still open.  With
// `move_loose`, a loose slice that crosses the end of the open one starts with
// it instead (and the pass reports it, for the caller to sort again);
// otherwise the crossing slice is cut.
bool fix_crossings(std::vector<Slice> &slices, bool move_loose) {
    std::vector<Slice *> open;
    bool moved = false;
    for (Slice &s : slices) {
        while (!open.empty()) {
            Slice &top = *open.back();
            if (top.end_ns <= s.start_ns) {
                open.pop_back();
                continue;
            }
            if (top.marker) {
                // Markers hold nothing: they end where the next slice starts.
                top.end_ns = s.start_ns;
                open.pop_back();
                continue;
            }
            if (s.end_ns <= top.end_ns)
                break; // inside it
            if (move_loose && s.loose_start && top.start_ns < s.start_ns) {
                s.start_ns = top.start_ns;
                moved = true;
                break;
            }
            s.end_ns = top.end_ns;
            break;
        }
        open.push_back(&s);
    }
    return moved;
}

} // namespace

void nest(std::vector<Slice> &slices) {
    for (Slice &s : slices)
        s.end_ns = std::max(s.end_ns, s.start_ns);
    for (int pass = 0; pass < kMaxLoosePasses; pass++) {
        sort_slices(slices);
        if (!fix_crossings(slices, true))
            return;
    }
    sort_slices(slices);
    fix_crossings(slices, false);
    // Cutting ends does not change the order.
}

bool nests(const std::vector<Slice> &slices) {
    std::vector<const Slice *> open;
    for (const Slice &s : slices) {
        while (!open.empty() && open.back()->end_ns <= s.start_ns)
            open.pop_back();
        if (!open.empty() && s.end_ns > open.back()->end_ns)
            return false;
        open.push_back(&s);
    }
    return true;
}

} // namespace fluxtrace::timeline
