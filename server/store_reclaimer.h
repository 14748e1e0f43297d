// Frees the tables FLUSHDB and FLUSHALL take out of their shards, on a thread
// of its own, so that neither a shard lock nor the client's io thread waits
// while millions of entries are freed. Their bytes count in the store's
// memory total until they are freed.
//
// Threads: add() and wait_idle() from any thread; the freeing thread is
// started by the first add() and joined by the destructor.
// Lifetime: owned by Store::Impl; destroyed before the shards' memory total.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>

#include "server/store_shard.h"

namespace mnemo::server {

class Reclaimer {
 public:
  Reclaimer() = default;
  ~Reclaimer();
  Reclaimer(const Reclaimer&) = delete;
  Reclaimer& operator=(const Reclaimer&) = delete;

  // Below this many entries a table is freed by the caller: cheaper than a hand-off.
  static constexpr std::size_t kInlineEntries = 4096;

  void add(Shard::Detached table);
  // How many tables add() queued for the freeing thread so far (stats, tests).
  std::uint64_t handoffs() const { return handoffs_.load(std::memory_order_relaxed); }
  // Returns once every table added so far is freed (tests, shutdown).
  void wait_idle();

 private:
  void run();

  std::mutex mu_;
  std::condition_variable cv_;
  // -- guarded by mu_ --
  std::deque<Shard::Detached> queue_;
  bool busy_ = false;
  bool stop_ = false;
  std::thread thread_;  // started on first use
  // -- any thread --
  std::atomic<std::uint64_t> handoffs_{0};
};

}  // namespace mnemo::server
