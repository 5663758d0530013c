#include "distribution.hpp"

#include <algorithm>
#include <stdexcept>

namespace fluxtrace::latency {

void Distribution::add_aggregate(std::uint64_t count, std::uint64_t total,
                                 std::uint64_t max) {
    if (count == 0)
        return;
    add(max);
    const std::uint64_t rest = total > max ? total - max : 0;
    const std::uint64_t others = count - 1;
    for (std::uint64_t i = 0; i < others; i++)
        add(rest / others + (i < rest % others ? 1 : 0));
}

void Distribution::merge(const Distribution &other) {
    values_.insert(values_.end(), other.values_.begin(), other.values_.end());
    total_ += other.total_;
    sorted_ = values_.size() == other.values_.size() && other.sorted_;
}

void Distribution::sort() const {
    if (!sorted_) {
        std::sort(values_.begin(), values_.end());
        sorted_ = true;
    }
}

DistributionSummary Distribution::summary() const {
    DistributionSummary s{count(), total(), median(), p99(), max(), {}};
    for (const std::uint64_t v : values_) {
        size_t width = 0;
        for (std::uint64_t x = v; x != 0; x >>= 1)
            width++;
        if (s.log2_counts.size() <= width)
            s.log2_counts.resize(width + 1);
        s.log2_counts[width]++;
    }
    return s;
}

std::uint64_t Distribution::max() const {
    if (values_.empty())
        return 0;
    sort();
    return values_.back();
}

std::uint64_t Distribution::quantile(std::uint64_t numerator,
                                     std::uint64_t denominator) const {
    if (denominator == 0 || numerator > denominator)
        throw std::invalid_argument("quantile " + std::to_string(numerator) + "/" +
                                    std::to_string(denominator) +
                                    " is not within [0, 1]");
    if (values_.empty())
        return 0;
    sort();
    const std::uint64_t n = values_.size();
    // ceil(n * numerator / denominator) without floating point; n and the
    // numerator are small enough that the product does not overflow.
    std::uint64_t rank = (n * numerator + denominator - 1) / denominator;
    if (rank == 0)
        rank = 1;
    return values_[rank - 1];
}

} // namespace fluxtrace::latency
