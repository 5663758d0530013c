// A set of durations (or any non-negative integers) and the order statistics
// reports print.  Percentiles use the nearest-rank definition: the p-th
// percentile is the smallest recorded value with at least p% of the values at
// or below it, so it is always a value that occurred (the median of an even
// count is the lower middle one) and is exact in integer arithmetic.
#pragma once

#include <cstdint>
#include <vector>

namespace fluxtrace::latency {

// What a report prints of a Distribution.
struct DistributionSummary {
    std::uint64_t count = 0;
    std::uint64_t total = 0;
    std::uint64_t median = 0;
    std::uint64_t p99 = 0;
    std::uint64_t max = 0;
    // A histogram in powers of two: [i] counts the values of bit width i
    // (0: the value 0; 1: 1; 2: 2-3; 3: 4-7; ...), up to the max's.  For
    // reports that draw the distribution (HTML); the text report does not.
    std::vector<std::uint64_t> log2_counts;
};

class Distribution {
  public:
    void add(std::uint64_t value) {
        values_.push_back(value);
        total_ += value;
        sorted_ = false;
    }
    // `count` values known only by their sum and maximum: the maximum once and
    // the others as equal shares of the rest, so the count, total and maximum
    // are exact and the quantiles an estimate.
    void add_aggregate(std::uint64_t count, std::uint64_t total, std::uint64_t max);
    void merge(const Distribution &other);

    std::uint64_t count() const { return values_.size(); }
    bool empty() const { return values_.empty(); }
    std::uint64_t total() const { return total_; }
    // 0 when empty.
    std::uint64_t max() const;
    // The nearest-rank quantile numerator/denominator (1/2: median, 99/100:
    // p99): the value of rank ceil(count * numerator / denominator), counting
    // from 1 in ascending order.  0 when empty; the minimum for 0/1.
    std::uint64_t quantile(std::uint64_t numerator, std::uint64_t denominator) const;
    std::uint64_t median() const { return quantile(1, 2); }
    std::uint64_t p99() const { return quantile(99, 100); }

    DistributionSummary summary() const;

  private:
    void sort() const;

    // Sorted on demand: queries come after all values are in.
    mutable std::vector<std::uint64_t> values_;
    mutable bool sorted_ = true;
    std::uint64_t total_ = 0;
};

} // namespace fluxtrace::latency
