// Latency histogram for mnemo-bench: log-linear buckets (32 per power of two,
// about 3% precision) over nanoseconds, fixed size, no allocation per record.
// Threads: not thread-safe; one per thread, merged at the end.
#pragma once

#include <array>
#include <cstdint>

namespace mnemo::tools {

class LatencyHistogram {
 public:
  void record(std::uint64_t ns);
  void merge(const LatencyHistogram& other);
  std::uint64_t count() const { return count_; }
  std::uint64_t max() const { return max_; }
  // Value at quantile q in [0, 1] (the midpoint of its bucket, capped at max()).
  std::uint64_t quantile(double q) const;

  static std::size_t bucket_of(std::uint64_t ns);
  static std::uint64_t bucket_low(std::size_t bucket);
  static std::uint64_t bucket_width(std::size_t bucket);

 private:
  static constexpr std::size_t kLinear = 64;  // values below are exact
  static constexpr std::size_t kSub = 32;     // buckets per power of two above
  static constexpr std::size_t kBuckets = kLinear + (64 - 6) * kSub;

  std::array<std::uint64_t, kBuckets> counts_{};
  std::uint64_t count_ = 0;
  std::uint64_t max_ = 0;
};

}  // namespace mnemo::tools
