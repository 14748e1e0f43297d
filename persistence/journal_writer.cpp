#include "persistence/journal_writer.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

#include "persistence/record_codec.h"

namespace mnemo::persistence {

using protocol::Error;
using protocol::Result;
using protocol::Status;
using std::chrono::milliseconds;

namespace {

// An io thread keeps its encoding buffer between appends up to this size.
constexpr std::size_t kMaxKeptUnitBytes = 1 << 20;
// A new batch buffer starts this big, so the first appends of a batch do not
// each grow it; committed buffers are reused after that.
constexpr std::size_t kFirstBufferBytes = 64 * 1024;
// Commits slower than this are logged (rate-limited): a slow disk widens the loss window.
constexpr milliseconds kSlowCommit{1000};
constexpr milliseconds kLogEvery{10000};


// A batch limit of 0 would never let a batch start.
JournalOptions checked(JournalOptions o) {
  o.max_batch_changes = std::max<std::uint32_t>(1, o.max_batch_changes);
  o.max_batch_bytes = std::max<std::uint64_t>(1, o.max_batch_bytes);
  return o;
}

}  // namespace

JournalWriter::JournalWriter(JournalBackend& backend, const JournalOptions& opts,
                             const Clock& clock)
    : backend_(backend), opts_(checked(opts)), clock_(clock) {}

JournalWriter::~JournalWriter() { stop(); }

void JournalWriter::set_last_seq(std::uint64_t last_seq) {
  MutexLock lk(mu_);
  last_seq_ = std::max(last_seq_, last_seq);
}

void JournalWriter::start() {
  MutexLock lk(mu_);
  if (running_ || stopping_ || stopped_) return;
  running_ = true;
  thread_ = std::thread([this] { run(); });
}

void JournalWriter::stop() {
  {
    MutexLock lk(mu_);
    if (stopped_ || stopping_) return;
    stopping_ = true;
    stop_deadline_ = Steady::now() + milliseconds(opts_.stop_retry_ms);
  }
  wake_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  } else {
    run();  // never started: drain what was queued on this thread
  }
  std::vector<Done> left;
  {
    MutexLock lk(mu_);
    stopped_ = true;
    left = take_waiters_locked(UINT64_MAX);
  }
  for (Done& d : left) d(Status::shutting_down);
}

// ---- producers (any thread) --------------------------------------------------

Result<std::uint64_t> JournalWriter::append(std::span<const ChangeRef> changes) {
  return append_unit(changes, false);
}

Result<std::uint64_t> JournalWriter::append_forced(std::span<const ChangeRef> changes) {
  return append_unit(changes, true);
}

protocol::Error JournalWriter::refusal() const {
  MutexLock lk(mu_);
  if (stopping_ || stopped_) return {Status::shutting_down, "the journal is stopping"};
  if (failing_) return failing_refusal_locked(total_bytes_.load(std::memory_order_relaxed), 0);
  return {Status::ok, {}};
}

Result<std::uint64_t> JournalWriter::append_unit(std::span<const ChangeRef> changes, bool forced) {
  if (changes.empty()) return allocate_seq();
  // Encode before taking the lock; under it only the seq is stamped in.
  thread_local std::string unit;
  ChangeBatchEncoder::encode_unit(changes, unit);
  const std::uint64_t bytes = unit.size();
  bool wake = false;
  std::uint64_t seq = 0;
  {
    MutexLock lk(mu_, SpinFirst{});  // appends hold it for a copy of their bytes
    if (stopping_ || stopped_) {
      return Result<std::uint64_t>::failure(Status::shutting_down, "the journal is stopping");
    }
    const std::uint64_t total = total_bytes_.load(std::memory_order_relaxed);
    if (failing_ && !forced) {
      if (Error e = failing_refusal_locked(total, bytes); e.status != Status::ok) return e;
    }
    if (!forced && total > 0 && total + bytes > opts_.queue_limit_bytes) {
      return Result<std::uint64_t>::failure(
          Status::busy, "journal queue full (" + std::to_string(total) + " of " +
                            std::to_string(opts_.queue_limit_bytes) + " bytes); retry later");
    }
    wake = queue_.empty();
    Pending& p = open_pending_locked(static_cast<std::uint32_t>(changes.size()), bytes);
    seq = ++last_seq_;
    // Appending under the lock keeps each row's changes a contiguous seq range.
    p.encoder.add_encoded(seq, unit, changes);
    if (tap_ != nullptr) tap_->on_seq(seq, changes, true);  // under mu_: the feed sees seq order
    if (p.seq_first == 0) p.seq_first = seq;
    p.seq_last = seq;
    p.bytes += bytes;
    queued_changes_ += changes.size();
    total_bytes_.store(total + bytes, std::memory_order_relaxed);
    wake = wake || batch_ready_locked();
  }
  if (wake) wake_.notify_one();
  // A huge MSET should not pin its encoding's memory to this thread for good.
  if (unit.capacity() > kMaxKeptUnitBytes) std::string().swap(unit);
  return seq;
}

// The Pending that takes a unit of `changes` and `bytes`: the newest, unless
// the unit would push it past a batch limit (a unit is never split, so one
// larger than the limits gets a Pending of its own).
JournalWriter::Pending& JournalWriter::open_pending_locked(std::uint32_t changes, std::uint64_t bytes) {
  if (!queue_.empty()) {
    Pending& last = queue_.back();
    if (last.encoder.count() + changes <= opts_.max_batch_changes &&
        last.bytes + bytes <= opts_.max_batch_bytes) {
      return last;
    }
  }
  Pending& p = queue_.emplace_back();
  std::string buffer = std::move(spare_buffer_);
  spare_buffer_ = std::string();
  buffer.reserve(kFirstBufferBytes);  // no-op for a reused buffer
  p.encoder.begin(std::move(buffer));
  p.queued_at = Steady::now();
  return p;
}

std::uint64_t JournalWriter::allocate_seq() {
  MutexLock lk(mu_);
  const std::uint64_t seq = ++last_seq_;
  if (tap_ != nullptr) tap_->on_seq(seq, {}, true);
  return seq;
}

std::uint64_t JournalWriter::allocate_noted(std::span<const ChangeRef> notice) {
  MutexLock lk(mu_);
  const std::uint64_t seq = ++last_seq_;
  if (tap_ != nullptr) tap_->on_seq(seq, notice, false);
  return seq;
}

void JournalWriter::wait_durable(std::uint64_t seq, Done done) {
  Status answer = Status::ok;
  bool now = true;
  bool wake = false;
  {
    MutexLock lk(mu_);
    if (seq <= durable_seq_locked()) {
      answer = Status::ok;
    } else if (stopped_) {
      answer = Status::shutting_down;
    } else if (failing_ && !opts_.absorb_outages) {
      answer = Status::read_only;
    } else {
      now = false;
      waiters_.emplace(seq, Waiter{std::move(done), Steady::now()});
      if (seq > flush_upto_seq_) {
        flush_upto_seq_ = seq;
        wake = true;
      }
    }
  }
  if (now) done(answer);
  if (wake) wake_.notify_one();
}

std::uint64_t JournalWriter::last_seq() const {
  MutexLock lk(mu_);
  return last_seq_;
}

std::uint64_t JournalWriter::durable_seq() const {
  MutexLock lk(mu_);
  return durable_seq_locked();
}

std::uint64_t JournalWriter::changes_written() const {
  MutexLock lk(mu_);
  return changes_written_;
}

JournalStats JournalWriter::stats() const {
  MutexLock lk(mu_);
  JournalStats s;
  s.last_seq = last_seq_;
  s.durable_seq = durable_seq_locked();
  s.queue_bytes = total_bytes_.load(std::memory_order_relaxed);
  s.queue_changes = queued_changes_ + inflight_changes_;
  if (inflight_first_ != 0 || !queue_.empty()) {
    const Steady::time_point oldest = inflight_first_ ? inflight_queued_at_ : queue_.front().queued_at;
    s.oldest_unflushed_age_ms =
        std::chrono::duration_cast<milliseconds>(Steady::now() - oldest).count();
  }
  s.batches_written = batches_written_;
  s.changes_written = changes_written_;
  s.bytes_written = bytes_written_;
  s.commit_failures = commit_failures_;
  s.failing = failing_;
  s.last_error = last_error_;
  s.last_error_at_ms = last_error_at_ms_;
  return s;
}

std::uint64_t JournalWriter::durable_seq_locked() const {
  std::uint64_t d = last_seq_;
  if (inflight_first_ != 0) {
    d = inflight_first_ - 1;
  } else if (!queue_.empty()) {
    d = queue_.front().seq_first - 1;
  }
  return std::min(d, durable_cap_);
}

std::vector<JournalWriter::Done> JournalWriter::take_waiters_locked(std::uint64_t upto_seq) {
  std::vector<Done> out;
  auto end = waiters_.upper_bound(upto_seq);
  for (auto it = waiters_.begin(); it != end; ++it) out.push_back(std::move(it->second.done));
  waiters_.erase(waiters_.begin(), end);
  return out;
}

// ---- journal thread ----------------------------------------------------------

void JournalWriter::run() {
  Pending pending;
  while (take_batch(pending)) {
    Batch batch = finish_batch(pending);
    commit(batch);
  }
}

// A full Pending (one that is not the newest) is ready at once; so is one
// holding a seq a durable waiter wants.
bool JournalWriter::batch_ready_locked() const {
  if (queue_.empty()) return false;
  const Pending& front = queue_.front();
  return queue_.size() > 1 || front.seq_first <= flush_upto_seq_ ||
         front.encoder.count() >= opts_.max_batch_changes || front.bytes >= opts_.max_batch_bytes;
}

bool JournalWriter::take_batch(Pending& out) {
  MutexLock lk(mu_);
  for (;;) {
    if (queue_.empty()) {
      if (stopping_) return false;
      wake_.wait(lk.native(), [&]() MNEMO_REQUIRES(mu_) { return stopping_ || !queue_.empty(); });
      continue;
    }
    if (stopping_ || batch_ready_locked()) break;
    const Steady::time_point due = queue_.front().queued_at + milliseconds(opts_.flush_interval_ms);
    if (Steady::now() >= due) break;
    wake_.wait_until(lk.native(), due, [&]() MNEMO_REQUIRES(mu_) { return stopping_ || batch_ready_locked(); });
  }
  out = std::move(queue_.front());
  queue_.pop_front();
  queued_changes_ -= out.encoder.count();
  inflight_first_ = out.seq_first;
  inflight_changes_ = out.encoder.count();
  inflight_queued_at_ = out.queued_at;
  return true;
}

JournalWriter::Batch JournalWriter::finish_batch(Pending& pending) const {
  Batch b;
  b.bytes = pending.bytes;
  b.row.seq_first = pending.seq_first;
  b.row.seq_last = pending.seq_last;
  b.row.created_at_ms = clock_.now_ms();
  b.row.n_changes = pending.encoder.count();
  b.row.payload = pending.encoder.finish();
  if (opts_.codec != Codec::none && b.row.payload.size() >= opts_.compress_min_bytes) {
    b.row.payload = compress_record(std::move(b.row.payload), opts_.codec);
  }
  b.row.crc32 = payload_crc32(b.row.payload);
  return b;
}

void JournalWriter::commit(Batch& batch) {
  milliseconds backoff(std::max<std::uint32_t>(1, opts_.retry_min_ms));
  for (;;) {
    const Steady::time_point began = Steady::now();
    Result<std::uint64_t> r = backend_.append_row(batch.row);
    if (r.ok()) {
      on_committed(batch, Steady::now() - began);
      MutexLock lk(mu_);
      // Keep the larger buffer: the next batch is likely about as big.
      if (batch.row.payload.capacity() > spare_buffer_.capacity()) spare_buffer_ = std::move(batch.row.payload);
      return;
    }
    on_failed(batch, r.error());
    if (!wait_before_retry(backoff)) {
      give_up(batch);
      return;
    }
    backoff = std::min(backoff * 2, milliseconds(std::max(opts_.retry_max_ms, opts_.retry_min_ms)));
  }
}

void JournalWriter::on_committed(const Batch& batch, Steady::duration took) {
  std::vector<Done> ready;
  bool recovered = false;
  std::uint64_t failures = 0;
  {
    MutexLock lk(mu_);
    inflight_first_ = 0;
    inflight_changes_ = 0;
    total_bytes_.store(total_bytes_.load(std::memory_order_relaxed) - batch.bytes, std::memory_order_relaxed);
    ++batches_written_;
    changes_written_ += batch.row.n_changes;
    bytes_written_ += batch.row.payload.size();
    recovered = failing_;
    failing_ = false;
    outage_.store(false, std::memory_order_relaxed);
    failures = commit_failures_;
    ready = take_waiters_locked(durable_seq_locked());
  }
  if (recovered) {
    spdlog::warn("journal: writing again (seqs {}..{} committed); {} commit failures so far",
                 batch.row.seq_first, batch.row.seq_last, failures);
  }
  const Steady::time_point now = Steady::now();
  if (took > kSlowCommit && now - last_slow_log_ > kLogEvery) {
    last_slow_log_ = now;
    spdlog::warn("journal: slow commit of {} changes took {} ms", batch.row.n_changes,
                 std::chrono::duration_cast<milliseconds>(took).count());
  }
  for (Done& d : ready) d(Status::ok);
}

void JournalWriter::on_failed(const Batch& batch, const Error& error) {
  std::vector<Done> failed;
  bool first = false;
  {
    MutexLock lk(mu_);
    first = !failing_;
    failing_ = true;
    if (first) failing_since_ = Steady::now();
    outage_.store(opts_.absorb_outages, std::memory_order_relaxed);
    ++commit_failures_;
    last_error_ = error.message;
    last_error_at_ms_ = clock_.now_ms();
    // Every waiter is behind this batch: none can be answered OK until it
    // commits. An outage may pass: its waiters wait up to durable_timeout_ms.
    if (!opts_.absorb_outages) failed = take_waiters_locked(UINT64_MAX);
  }
  const Steady::time_point now = Steady::now();
  if (first || now - last_failure_log_ > kLogEvery) {
    last_failure_log_ = now;
    spdlog::error("journal: commit of seqs {}..{} failed ({}); {}, retrying: {}",
                  batch.row.seq_first, batch.row.seq_last, first ? "first failure" : "still failing",
                  opts_.absorb_outages ? "writes queued up to the high-water mark" : "writes refused",
                  error.message);
  }
  for (Done& d : failed) d(Status::read_only);
}

bool JournalWriter::wait_before_retry(milliseconds backoff) {
  MutexLock lk(mu_);
  Steady::time_point until = Steady::now() + backoff;
  if (stopping_) {
    if (Steady::now() >= stop_deadline_) return false;
    until = std::min(until, stop_deadline_);
  }
  // Wakeups from producers do not shorten the backoff; waiters whose
  // timeout falls inside it are answered on time.
  for (;;) {
    std::vector<Done> expired = expire_waiters_locked(Steady::now());
    if (!expired.empty()) {
      lk.unlock();
      for (Done& d : expired) d(Status::read_only);
      lk.lock();
    }
    if (Steady::now() >= until) return true;
    wake_.wait_until(lk.native(), std::min(until, next_expiry_locked()));
  }
}

void JournalWriter::give_up(const Batch& batch) {
  std::vector<Done> failed;
  std::uint64_t lost_last = batch.row.seq_last;
  std::uint64_t lost_changes = batch.row.n_changes;
  std::string error;
  {
    MutexLock lk(mu_);
    durable_cap_ = inflight_first_ - 1;
    if (!queue_.empty()) lost_last = queue_.back().seq_last;
    lost_changes += queued_changes_;
    queue_.clear();
    queued_changes_ = 0;
    inflight_first_ = 0;
    inflight_changes_ = 0;
    total_bytes_.store(0, std::memory_order_relaxed);
    error = last_error_;
    failed = take_waiters_locked(UINT64_MAX);
  }
  spdlog::critical(
      "journal: stopping with the disk still failing after {} ms: {} changes in seqs {}..{} "
      "were not written: {}",
      opts_.stop_retry_ms, lost_changes, batch.row.seq_first, lost_last, error);
  for (Done& d : failed) d(Status::read_only);
}

}  // namespace mnemo::persistence
