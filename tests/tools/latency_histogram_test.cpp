#include "server/tools/latency_histogram.h"

#include <catch2/catch.hpp>

using mnemo::tools::LatencyHistogram;

TEST_CASE("histogram buckets cover every value with bounded relative error", "[tools]") {
  for (std::uint64_t v : {0ull, 1ull, 63ull, 64ull, 65ull, 127ull, 128ull, 1000ull, 123456789ull,
                          ~0ull >> 1, ~0ull}) {
    const auto b = LatencyHistogram::bucket_of(v);
    const auto low = LatencyHistogram::bucket_low(b);
    const auto width = LatencyHistogram::bucket_width(b);
    INFO(v);
    REQUIRE(low <= v);
    REQUIRE(v - low < width);
    REQUIRE(static_cast<double>(width) <= 1.0 + static_cast<double>(v) / 32.0);
  }
}

TEST_CASE("histogram quantiles follow the recorded distribution", "[tools]") {
  LatencyHistogram h;
  REQUIRE(h.quantile(0.5) == 0);
  for (std::uint64_t i = 1; i <= 1000; ++i) h.record(i * 1000);  // 1 us .. 1 ms
  LatencyHistogram other;
  other.record(50'000'000);
  h.merge(other);
  REQUIRE(h.count() == 1001);
  REQUIRE(h.max() == 50'000'000);
  REQUIRE(h.quantile(0.5) == Approx(500'000).epsilon(0.04));
  REQUIRE(h.quantile(0.99) == Approx(990'000).epsilon(0.04));
  REQUIRE(h.quantile(1.0) == 50'000'000);
}
