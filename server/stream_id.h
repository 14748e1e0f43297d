// A stream entry's id, ms-seq (Redis's streamID). Plain value; thread-safe.
#pragma once

#include <compare>
#include <cstdint>
#include <string>

namespace mnemo::server {

struct StreamId {
  std::uint64_t ms = 0;
  std::uint64_t seq = 0;
  auto operator<=>(const StreamId&) const = default;
  bool zero() const { return ms == 0 && seq == 0; }
  std::string str() const { return std::to_string(ms) + "-" + std::to_string(seq); }
  static constexpr StreamId max() { return {UINT64_MAX, UINT64_MAX}; }
};

}  // namespace mnemo::server
