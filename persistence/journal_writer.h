// The write-behind journal: a bounded in-memory queue of change units and the
// one thread that commits them to the JournalBackend, one row (one
// transaction) per batch.
//
// The queue is a short list of batches being built: append() encodes its
// changes (before taking the lock) and appends them to the newest one
// (ChangeBatchEncoder), so a queued change costs its encoded bytes and no
// allocation of its own, and the journal thread only adds the header and the
// CRC before the commit.
//
// Batching: the journal thread commits what is queued once the oldest unit is
// flush_interval_ms old, at once when a batch is full (max_batch_changes /
// max_batch_bytes) or when a durable waiter wants a seq that is queued (group
// commit: every waiter whose seq the commit covers is released by it). A unit
// (the changes of one append, e.g. an MSET) is never split across rows.
//
// Failure: a failed commit keeps its batch and is retried with backoff
// (retry_min_ms doubling up to retry_max_ms) until it succeeds; meanwhile the
// writer is "failing": append() answers Status::read_only, durable waiters get
// Status::read_only, stats() shows the error. Nothing queued is dropped or
// reordered, except by stop() after stop_retry_ms of a disk that stays
// failing (logged with the lost seq range).
//
// Outages (absorb_outages, for a shared database): while commits fail,
// appends are still queued up to queue_high_water_bytes, then answered
// Status::busy until the outage is durable_timeout_ms old and
// Status::read_only after that; durable waiters wait and get
// Status::read_only once they have waited durable_timeout_ms. The retries
// (with the same backoff) reconnect and drain the queue in order.
//
// Threads: append(), allocate_seq(), wait_durable(), the seq and pressure
// queries and stats() may be called from any thread and never touch the disk;
// they take mu_ briefly. Everything that uses the backend runs on the journal
// thread started by start(). wait_durable callbacks run on the journal thread
// (or on the caller's thread when the answer is known at once).
// Lifetime: `backend` and `clock` must outlive the writer; start()/stop()
// from one controlling thread; the destructor stops.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "persistence/backend.h"
#include "persistence/change_encoder.h"
#include "persistence/change_log.h"
#include "persistence/clock.h"
#include "persistence/options.h"
#include "persistence/stats.h"
#include "persistence/thread_annotations.h"

namespace mnemo::persistence {


class JournalWriter final : public ChangeLog {
 public:
  using Done = std::function<void(protocol::Status)>;

  JournalWriter(JournalBackend& backend, const JournalOptions& opts,
                const Clock& clock = SystemClock::instance());
  ~JournalWriter() override;
  JournalWriter(const JournalWriter&) = delete;
  JournalWriter& operator=(const JournalWriter&) = delete;

  // Seqs handed out before start() must not exceed last_seq; the first new one
  // is last_seq + 1.
  void set_last_seq(std::uint64_t last_seq);
  void start();
  // Drains the queue (retrying a failing disk for up to stop_retry_ms), stops
  // the thread, fails the remaining waiters with Status::shutting_down. Safe
  // to call twice. Later appends get Status::shutting_down.
  void stop();

  // ChangeLog
  protocol::Result<std::uint64_t> append(std::span<const ChangeRef> changes) override;
  std::uint64_t allocate_seq() override;
  protocol::Result<std::uint64_t> append_forced(std::span<const ChangeRef> changes) override;
  protocol::Error refusal() const override;
  void set_tap(ChangeTap* tap) override { tap_ = tap; }
  std::uint64_t allocate_noted(std::span<const ChangeRef> notice) override;

  // done(ok) once every seq <= `seq` is committed (at once if it is);
  // done(read_only) if the disk is failing; done(shutting_down) at stop.
  void wait_durable(std::uint64_t seq, Done done);

  std::uint64_t last_seq() const;
  std::uint64_t durable_seq() const;
  // Not while absorbing an outage: then writes are refused instead, so that
  // sessions keep reading and reads go on.
  bool under_pressure() const {
    return total_bytes_.load(std::memory_order_relaxed) >= opts_.queue_high_water_bytes &&
           !outage_.load(std::memory_order_relaxed);
  }
  std::uint64_t changes_written() const;
  JournalStats stats() const;

 private:
  using Steady = std::chrono::steady_clock;
  // A future row: whole units (appends), in seq order, encoded as they came.
  struct Pending {
    ChangeBatchEncoder encoder;
    std::uint64_t seq_first = 0;
    std::uint64_t seq_last = 0;
    std::uint64_t bytes = 0;  // queue accounting: the encoded size of its changes
    Steady::time_point queued_at;  // of its first unit
  };
  struct Waiter {
    Done done;
    Steady::time_point since;
  };
  struct Batch {
    JournalRow row;
    std::uint64_t bytes = 0;  // queue accounting, not payload size
  };

  protocol::Result<std::uint64_t> append_unit(std::span<const ChangeRef> changes, bool forced);
  void run();
  bool take_batch(Pending& out);
  bool batch_ready_locked() const MNEMO_REQUIRES(mu_);
  Pending& open_pending_locked(std::uint32_t changes, std::uint64_t bytes) MNEMO_REQUIRES(mu_);
  Batch finish_batch(Pending& pending) const;
  void commit(Batch& batch);
  void on_committed(const Batch& batch, Steady::duration took);
  void on_failed(const Batch& batch, const protocol::Error& error);
  bool wait_before_retry(std::chrono::milliseconds backoff);
  void give_up(const Batch& batch);
  std::uint64_t durable_seq_locked() const MNEMO_REQUIRES(mu_);
  std::vector<Done> take_waiters_locked(std::uint64_t upto_seq) MNEMO_REQUIRES(mu_);
  // journal_outage.cpp: the refusals while commits fail.
  protocol::Error failing_refusal_locked(std::uint64_t queued_bytes, std::uint64_t bytes) const MNEMO_REQUIRES(mu_);
  std::vector<Done> expire_waiters_locked(Steady::time_point now) MNEMO_REQUIRES(mu_);
  Steady::time_point next_expiry_locked() const MNEMO_REQUIRES(mu_);

  JournalBackend& backend_;
  const JournalOptions opts_;
  const Clock& clock_;

  // -- shared, guarded by mu_ --
  mutable Mutex mu_;
  std::condition_variable wake_;  // the journal thread: work, a flush request or stop
  std::deque<Pending> queue_ MNEMO_GUARDED_BY(mu_);     // appended, not yet taken; only back() takes appends
  std::string spare_buffer_ MNEMO_GUARDED_BY(mu_);      // a committed payload's buffer, reused by the next Pending
  std::uint64_t queued_changes_ MNEMO_GUARDED_BY(mu_) = 0;
  // Seqs start at 1 so that 0 can mean "nothing" everywhere.
  std::uint64_t last_seq_ MNEMO_GUARDED_BY(mu_) = 0;
  std::uint64_t inflight_first_ MNEMO_GUARDED_BY(mu_) = 0;  // first seq of the batch being committed; 0 = none
  std::uint64_t inflight_changes_ MNEMO_GUARDED_BY(mu_) = 0;
  Steady::time_point inflight_queued_at_ MNEMO_GUARDED_BY(mu_);
  std::uint64_t flush_upto_seq_ MNEMO_GUARDED_BY(mu_) = 0;  // a durable waiter wants every seq up to here now
  std::uint64_t durable_cap_ MNEMO_GUARDED_BY(mu_) = UINT64_MAX;  // lowered only when stop() gives up
  std::multimap<std::uint64_t, Waiter> waiters_ MNEMO_GUARDED_BY(mu_);
  bool running_ MNEMO_GUARDED_BY(mu_) = false;
  bool stopping_ MNEMO_GUARDED_BY(mu_) = false;
  bool stopped_ MNEMO_GUARDED_BY(mu_) = false;
  Steady::time_point stop_deadline_ MNEMO_GUARDED_BY(mu_);
  bool failing_ MNEMO_GUARDED_BY(mu_) = false;
  Steady::time_point failing_since_ MNEMO_GUARDED_BY(mu_);
  std::string last_error_ MNEMO_GUARDED_BY(mu_);
  std::int64_t last_error_at_ms_ MNEMO_GUARDED_BY(mu_) = 0;
  std::uint64_t batches_written_ MNEMO_GUARDED_BY(mu_) = 0;
  std::uint64_t changes_written_ MNEMO_GUARDED_BY(mu_) = 0;
  std::uint64_t bytes_written_ MNEMO_GUARDED_BY(mu_) = 0;
  std::uint64_t commit_failures_ MNEMO_GUARDED_BY(mu_) = 0;
  // Queued + in-flight bytes; written under mu_, read without it (relaxed: a
  // pressure hint, and a plain store keeps the append path free of a fence).
  std::atomic<std::uint64_t> total_bytes_{0};
  // failing_ while absorbing outages (absorb_outages); written under mu_.
  std::atomic<bool> outage_{false};

  // Set before the first append, then read-only; called under mu_.
  ChangeTap* tap_ = nullptr;

  // -- journal thread only --
  Steady::time_point last_failure_log_;
  Steady::time_point last_slow_log_;
  std::thread thread_;  // started and joined by the controlling thread
};

}  // namespace mnemo::persistence
