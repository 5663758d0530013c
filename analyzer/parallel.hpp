// Work split over threads with results that do not depend on how many there
// are: parallel_for(n, jobs, f) calls f(i) once for each i in [0, n), on up
// to `jobs` threads (the calling thread included), each f(i) writing only
// what belongs to i.  If calls throw, the exception of the smallest i is
// rethrown once every thread has finished, as a loop in order would have
// thrown it (the calls after it have run, which a loop would not have done).
#pragma once

#include <sched.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <system_error>
#include <thread>
#include <vector>

namespace fluxtrace {

// The CPUs this process may run on (taskset and cgroup cpusets included).
inline unsigned available_cpus() {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
        return static_cast<unsigned>(CPU_COUNT(&set));
    return std::max(1u, std::thread::hardware_concurrency());
}

template <typename F>
void parallel_for(std::size_t n, unsigned jobs, const F &f) {
    const std::size_t threads = std::min<std::size_t>(std::max(jobs, 1u), n);
    if (threads <= 1) {
        for (std::size_t i = 0; i < n; i++)
            f(i);
        return;
    }
    std::atomic<std::size_t> next{0};
    std::vector<std::exception_ptr> errors(n);
    const auto work = [&] {
        for (std::size_t i; (i = next.fetch_add(1, std::memory_order_relaxed)) < n;) {
            try {
                f(i);
            } catch (...) {
                errors[i] = std::current_exception();
            }
        }
    };
    std::vector<std::thread> helpers;
    helpers.reserve(threads - 1);
    try {
        for (std::size_t t = 1; t < threads; t++)
            helpers.emplace_back(work);
    } catch (const std::system_error &) {
        // No more threads to be had: those started, and this one, do it all.
    }
    work();
    for (auto &t : helpers)
        t.join();
    for (const auto &e : errors)
        if (e)
            std::rethrow_exception(e);
}

} // namespace fluxtrace
