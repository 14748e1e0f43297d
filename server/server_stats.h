// Traffic counters of the running server, reported by STATS, INFO and
// /metrics. Threads: every field is an atomic updated with relaxed ordering
// from io threads; readers get a loosely consistent view, which is all a
// metric needs.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

#include "protocol/message.h"

namespace mnemo::server {

struct ServerStats {
  static constexpr std::size_t kOps = 256;  // indexed by opcode byte
  std::array<std::atomic<std::uint64_t>, kOps> ops_by_type{};
  std::atomic<std::uint64_t> errors{0};            // non-OK replies
  std::atomic<std::uint64_t> connections_current{0};
  std::atomic<std::uint64_t> connections_total{0};
  std::atomic<std::uint64_t> connections_rejected{0};  // over --max-connections
  std::atomic<std::uint64_t> protocol_errors{0};       // malformed frames / commands
  std::atomic<std::uint64_t> auth_failures{0};
  std::atomic<std::uint64_t> busy_rejects{0};          // BUSY replies (journal queue full)
  std::atomic<std::uint64_t> read_only_rejects{0};     // writes refused while the disk fails
  std::atomic<std::uint64_t> durable_waits{0};
  std::atomic<std::uint64_t> pressure_pauses{0};       // reads paused for journal backpressure
  std::atomic<std::uint64_t> output_pauses{0};         // reads paused for a slow reader
  std::atomic<std::uint64_t> idle_closes{0};
  std::atomic<std::uint64_t> bytes_in{0};
  std::atomic<std::uint64_t> bytes_out{0};
  std::int64_t started_at_ms = 0;                      // set once before serving

  void count_op(protocol::Opcode op) { ops_by_type[static_cast<std::uint8_t>(op)].fetch_add(1, std::memory_order_relaxed); }
  std::uint64_t total_ops() const {
    std::uint64_t n = 0;
    for (const auto& c : ops_by_type) n += c.load(std::memory_order_relaxed);
    return n;
  }
};

}  // namespace mnemo::server
