#include "server/tools/latency_histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace mnemo::tools {

std::size_t LatencyHistogram::bucket_of(std::uint64_t ns) {
  if (ns < kLinear) return static_cast<std::size_t>(ns);
  const int msb = 63 - std::countl_zero(ns);  // >= 6
  const int shift = msb - 5;                  // keeps the top 6 bits: 32..63
  return kLinear + static_cast<std::size_t>(msb - 6) * kSub + static_cast<std::size_t>((ns >> shift) - kSub);
}

std::uint64_t LatencyHistogram::bucket_low(std::size_t bucket) {
  if (bucket < kLinear) return bucket;
  const std::size_t k = bucket - kLinear;
  const int msb = static_cast<int>(k / kSub) + 6;
  return static_cast<std::uint64_t>(k % kSub + kSub) << (msb - 5);
}

std::uint64_t LatencyHistogram::bucket_width(std::size_t bucket) {
  if (bucket < kLinear) return 1;
  const int msb = static_cast<int>((bucket - kLinear) / kSub) + 6;
  return std::uint64_t{1} << (msb - 5);
}

void LatencyHistogram::record(std::uint64_t ns) {
  ++counts_[bucket_of(ns)];
  ++count_;
  max_ = std::max(max_, ns);
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  for (std::size_t i = 0; i < kBuckets; ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  max_ = std::max(max_, other.max_);
}

std::uint64_t LatencyHistogram::quantile(double q) const {
  if (count_ == 0) return 0;
  const auto rank = static_cast<std::uint64_t>(std::ceil(std::clamp(q, 0.0, 1.0) * static_cast<double>(count_)));
  if (rank >= count_) return max_;  // the top rank is known exactly
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < kBuckets; ++i) {
    seen += counts_[i];
    if (seen >= std::max<std::uint64_t>(rank, 1)) {
      return std::min(max_, bucket_low(i) + bucket_width(i) / 2);
    }
  }
  return max_;
}

}  // namespace mnemo::tools
