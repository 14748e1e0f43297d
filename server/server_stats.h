// Traffic counters of the running server, reported by STATS, INFO and
// /metrics.
//
// The counters every request bumps (ops by type, error replies, bytes in and
// out) live in per-io-thread blocks, each on cache lines of its own, so io
// threads never pull the same line back and forth; a reader sums the blocks.
// The rest are rare events and stay single atomics.
// Threads: io thread i calls bind_io_thread(i) once before serving; the
// count_* and add_* calls may come from any thread (a thread that is not a
// bound io thread, or io thread kThreadBlocks and later, counts into a shared
// block). A block's one owner adds with a relaxed load and store, no locked
// instruction; the shared block with relaxed atomic additions. The
// sums may be read from any thread and give a loosely consistent view, which
// is all a metric needs.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>

#include "protocol/message.h"

namespace mnemo::server {

struct ServerStats {
  static constexpr std::size_t kOps = 256;  // indexed by opcode byte
  static constexpr std::size_t kThreadBlocks = 16;  // io thread i < kThreadBlocks owns block i

  // Bumped per request; one block per io thread (plus one shared block), summed when read.
  // 128-byte aligned: adjacent-line prefetch must not pair two blocks either.
  struct alignas(128) TrafficBlock {
    std::array<std::atomic<std::uint64_t>, kOps> ops_by_type{};
    std::atomic<std::uint64_t> local_commands{0};  // RESP commands answered without an Executor request
    std::atomic<std::uint64_t> errors{0};     // non-OK replies
    std::atomic<std::uint64_t> bytes_in{0};
    std::atomic<std::uint64_t> bytes_out{0};
  };

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
  std::atomic<std::uint64_t> pubsub_limit_closes{0};   // subscribers closed past --pubsub-output-limit
  // The native change feed (server/feed/).
  std::atomic<std::uint64_t> feed_watches_total{0};    // WATCH requests accepted
  std::atomic<std::uint64_t> feed_frames_sent{0};      // pushes of event frames to watchers
  std::atomic<std::uint64_t> feed_replayed_changes{0}; // changes sent from the journal to resuming watchers
  std::atomic<std::uint64_t> feed_limit_closes{0};     // watchers closed past --pubsub-output-limit
  std::int64_t started_at_ms = 0;                      // set once before serving

  // Makes the calling thread the owner of block `index` (past the last one, it
  // counts into the shared block); unbind_io_thread() undoes it.
  void bind_io_thread(std::size_t index) {
    if (index >= kThreadBlocks) return unbind_io_thread();
    tls_owner_ = this;
    tls_block_ = &blocks_[index];
  }
  static void unbind_io_thread() {
    tls_owner_ = nullptr;
    tls_block_ = nullptr;
  }

  void count_op(protocol::Opcode op) { bump([op](TrafficBlock& b) { return &b.ops_by_type[static_cast<std::uint8_t>(op)]; }, 1); }
  void count_local_command() { bump([](TrafficBlock& b) { return &b.local_commands; }, 1); }
  void count_error() { bump([](TrafficBlock& b) { return &b.errors; }, 1); }
  void add_bytes_in(std::uint64_t n) { bump([](TrafficBlock& b) { return &b.bytes_in; }, n); }
  void add_bytes_out(std::uint64_t n) { bump([](TrafficBlock& b) { return &b.bytes_out; }, n); }

  // Sums over every block.
  std::uint64_t ops(std::size_t op) const { return sum([op](const TrafficBlock& b) { return &b.ops_by_type[op]; }); }
  std::uint64_t total_ops() const {
    std::uint64_t n = 0;
    for (const auto& b : all_blocks())
      for (const auto& c : b.ops_by_type) n += c.load(std::memory_order_relaxed);
    return n;
  }
  // Every command of either protocol (Redis's total_commands_processed).
  std::uint64_t total_commands() const {
    return total_ops() + sum([](const TrafficBlock& b) { return &b.local_commands; });
  }
  std::uint64_t errors() const { return sum([](const TrafficBlock& b) { return &b.errors; }); }

  // Redis's instantaneous_ops_per_sec: sample() is called every ~100 ms (the
  // server's sweep timer); the rate is the mean of the last kRateSamples
  // per-interval rates. Both may be called from any thread.
  static constexpr std::size_t kRateSamples = 16;
  void sample_commands(std::int64_t now_ms) {
    const std::uint64_t total = total_commands();
    std::lock_guard lock(rate_mu_);
    if (last_sample_ms_ != 0 && now_ms > last_sample_ms_) {
      rates_[next_rate_++ % kRateSamples] = (total - last_sample_total_) * 1000 / static_cast<std::uint64_t>(now_ms - last_sample_ms_);
    }
    last_sample_ms_ = now_ms;
    last_sample_total_ = total;
  }
  std::uint64_t instantaneous_ops_per_sec() const {
    std::lock_guard lock(rate_mu_);
    std::uint64_t sum = 0;
    for (std::uint64_t r : rates_) sum += r;
    return sum / kRateSamples;
  }
  std::uint64_t bytes_in() const { return sum([](const TrafficBlock& b) { return &b.bytes_in; }); }
  std::uint64_t bytes_out() const { return sum([](const TrafficBlock& b) { return &b.bytes_out; }); }

 private:
  // Blocks [0, kThreadBlocks) belong to bound io threads; the last one is shared by the rest.
  using Blocks = std::array<TrafficBlock, kThreadBlocks + 1>;

  const Blocks& all_blocks() const { return blocks_; }
  // Adds n to the counter `field` picks in the calling thread's block: its own
  // (only this thread writes it; readers see whole values) or the shared one.
  template <typename Field>
  void bump(Field field, std::uint64_t n) {
    if (tls_owner_ == this) {
      std::atomic<std::uint64_t>& c = *field(*tls_block_);
      c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
      return;
    }
    field(blocks_[kThreadBlocks])->fetch_add(n, std::memory_order_relaxed);
  }
  template <typename Field>
  std::uint64_t sum(Field field) const {
    std::uint64_t n = 0;
    for (const auto& b : blocks_) n += field(b)->load(std::memory_order_relaxed);
    return n;
  }

  Blocks blocks_{};

  mutable std::mutex rate_mu_;
  std::array<std::uint64_t, kRateSamples> rates_{};
  std::size_t next_rate_ = 0;
  std::int64_t last_sample_ms_ = 0;
  std::uint64_t last_sample_total_ = 0;

  // -- per thread: which ServerStats the thread is bound to, and its block there --
  static inline thread_local const ServerStats* tls_owner_ = nullptr;
  static inline thread_local TrafficBlock* tls_block_ = nullptr;
};

}  // namespace mnemo::server
