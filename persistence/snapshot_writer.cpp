#include "persistence/snapshot_writer.h"

#include <spdlog/spdlog.h>

#include <time.h>

#include <algorithm>
#include <future>
#include <utility>

#include "persistence/record_codec.h"

namespace mnemo::persistence {

using protocol::Error;
using protocol::Result;
using protocol::SnapshotInfo;
using protocol::Status;
using std::chrono::milliseconds;

namespace {

// A store must keep its newest snapshot, and a chunk must hold an entry.
SnapshotOptions checked(SnapshotOptions o) {
  o.keep = std::max<std::uint32_t>(1, o.keep);
  o.chunk_entries = std::max<std::uint32_t>(1, o.chunk_entries);
  return o;
}

}  // namespace

namespace {

std::uint64_t thread_cpu_us() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1000000 + static_cast<std::uint64_t>(ts.tv_nsec) / 1000;
}

}  // namespace

std::uint64_t changes_before_snapshot(const SnapshotOptions& opts, std::uint64_t last_entries) {
  if (opts.every_changes == 0) return 0;
  const std::uint64_t growth =
      last_entries > UINT64_MAX / 100 ? UINT64_MAX : last_entries * opts.growth_percent / 100;
  return std::max(opts.every_changes, growth);
}

SnapshotWriter::SnapshotWriter(SnapshotStore& store, JournalBackend& journal, JournalProbe probe,
                               const SnapshotOptions& opts, const Clock& clock)
    : store_(store), journal_(journal), probe_(std::move(probe)), opts_(checked(opts)), clock_(clock) {}

SnapshotWriter::~SnapshotWriter() { stop(); }

Outcome SnapshotWriter::load() {
  if (Outcome r = store_.fail_unfinished(); !r.ok()) return r;
  Result<std::vector<SnapshotInfo>> all = store_.list_snapshots();
  if (!all.ok()) return all.error();
  const std::uint64_t written = probe_.bytes_written ? probe_.bytes_written() : 0;
  Result<std::uint64_t> journal_bytes = journal_.stored_bytes();
  if (!journal_bytes.ok()) return journal_bytes.error();
  MutexLock lk(mu_);
  stats_.journal_bytes = *journal_bytes;
  stats_.journal_written_at_measure = written;
  list_ = std::move(*all);
  for (const SnapshotInfo& s : list_) {
    next_id_ = std::max(next_id_, s.id + 1);
    if (s.state == kSnapshotComplete && stats_.last.id == 0) stats_.last = s;
  }
  return success();
}

void SnapshotWriter::start(SnapshotSource& source) {
  MutexLock lk(mu_);
  if (started_ || stopping_) return;
  started_ = true;
  source_ = &source;
  changes_at_last_ = probe_.changes_written();
  last_started_ = Steady::now();
  thread_ = std::thread([this] { run(); });
}

void SnapshotWriter::stop() {
  // abort_ first: whoever sees stopping_ (under mu_) can rely on abort_ being set.
  abort_.store(true);
  {
    MutexLock lk(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::optional<Request> never_started;
  {
    MutexLock lk(mu_);
    never_started.swap(pending_);
    stats_.running = false;
    if (never_started) {
      never_started->info.state = kSnapshotFailed;
      set_state_locked(never_started->info);
    }
  }
  if (never_started && never_started->done) never_started->done(never_started->info, Status::shutting_down);
}

Result<SnapshotInfo> SnapshotWriter::start_snapshot(Done done) {
  SnapshotInfo info;
  {
    MutexLock lk(mu_);
    if (stopping_) return Result<SnapshotInfo>::failure(Status::shutting_down, "the server is stopping");
    if (!started_) return Result<SnapshotInfo>::failure(Status::internal, "snapshots are not started");
    if (stats_.running) {
      const std::uint64_t id = pending_ ? pending_->info.id : next_id_ - 1;
      return Result<SnapshotInfo>::failure(
          Status::busy, "snapshot " + std::to_string(id) + " is already running; retry later");
    }
    pending_ = make_request_locked(std::move(done));
    info = pending_->info;
  }
  wake_.notify_all();
  return info;
}

std::vector<SnapshotInfo> SnapshotWriter::snapshots() const {
  MutexLock lk(mu_);
  return list_;
}

SnapshotStats SnapshotWriter::stats() const {
  MutexLock lk(mu_);
  SnapshotStats s = stats_;
  if (const std::uint64_t due_after = changes_before_snapshot(opts_, stats_.last.entries)) {
    const std::uint64_t since = probe_.changes_written() - changes_at_last_;
    const std::uint64_t left = since >= due_after ? 0 : due_after - since;
    s.changes_until_auto = static_cast<std::int64_t>(std::min<std::uint64_t>(left, INT64_MAX));
  }
  return s;
}

SnapshotWriter::Request SnapshotWriter::make_request_locked(Done done) {
  Request req;
  req.info.id = next_id_++;
  req.info.start_seq = probe_.last_seq();
  req.info.state = kSnapshotRunning;
  req.info.started_at_ms = clock_.now_ms();
  req.done = std::move(done);
  stats_.running = true;
  changes_at_last_ = probe_.changes_written();
  last_started_ = Steady::now();
  list_.insert(list_.begin(), req.info);
  return req;
}

void SnapshotWriter::set_state_locked(const SnapshotInfo& info) {
  for (SnapshotInfo& s : list_) {
    if (s.id == info.id) s = info;
  }
}

// ---- snapshot thread ---------------------------------------------------------

void SnapshotWriter::run() {
  while (std::optional<Request> req = next_request()) write(*req);
}

std::optional<SnapshotWriter::Request> SnapshotWriter::next_request() {
  MutexLock lk(mu_);
  const bool has_policy = opts_.every_changes > 0 || opts_.every_seconds > 0;
  for (;;) {
    if (stopping_) return std::nullopt;
    if (pending_) break;
    if (has_policy && policy_due_locked()) {
      pending_ = make_request_locked(nullptr);
      spdlog::info("snapshot {}: starting (automatic, S0 {})", pending_->info.id,
                   pending_->info.start_seq);
      break;
    }
    if (has_policy) {
      wake_.wait_for(lk.native(), milliseconds(opts_.policy_poll_ms));
    } else {
      wake_.wait(lk.native());
    }
  }
  std::optional<Request> req;
  req.swap(pending_);
  return req;
}

bool SnapshotWriter::policy_due_locked() {
  const std::uint64_t changes = probe_.changes_written();
  if (changes == changes_at_last_) return false;  // nothing new to save
  const std::uint64_t due_after = changes_before_snapshot(opts_, stats_.last.entries);
  if (due_after > 0 && changes - changes_at_last_ >= due_after) return true;
  return opts_.every_seconds > 0 &&
         Steady::now() - last_started_ >= std::chrono::seconds(opts_.every_seconds);
}

void SnapshotWriter::write(Request& req) {
  const Steady::time_point began = Steady::now();
  raw_bytes_ = 0;
  compress_us_ = 0;
  Outcome r = store_.begin_snapshot(req.info);
  if (r.ok()) r = write_chunks(req.info, began);
  if (!r.ok()) {
    if (Outcome f = store_.fail_snapshot(req.info.id, r.error().message); !f.ok()) {
      spdlog::warn("snapshot {}: cannot mark it failed: {}", req.info.id, f.error().message);
    }
    finish(req, r.error().status, r.error().message);
    return;
  }
  spdlog::info(
      "snapshot {}: {} entries, {} bytes ({} before {} compression, {:.1f} ms CPU compressing) "
      "in {} ms (S0 {})",
      req.info.id, req.info.entries, req.info.bytes, raw_bytes_, codec_name(opts_.codec),
      static_cast<double>(compress_us_) / 1000.0, req.info.duration_ms, req.info.start_seq);
  compact(req.info);
  finish(req, Status::ok, {});
}

Outcome SnapshotWriter::write_chunks(SnapshotInfo& info, Steady::time_point began) {
  SnapshotSource& source = *source_;
  SnapshotBuffer buf;
  std::uint32_t chunk_no = 0;
  std::uint64_t max_version = info.start_seq;
  auto make_chunk = [&] {
    for (const SnapshotEntry& e : buf.entries()) max_version = std::max(max_version, e.version);
    SnapshotChunk c = this->make_chunk(info, chunk_no++, buf);
    buf.clear();
    return c;
  };
  const std::size_t shards = source.shard_count();
  for (std::size_t shard = 0; shard < shards; ++shard) {
    std::optional<std::string> after;
    for (;;) {
      if (abort_.load()) return Error{Status::shutting_down, "aborted: the server is stopping"};
      // Always a whole chunk's worth from the store, whatever the buffer holds
      // already: a shard that fits is copied in one pass without sorting, at
      // the price of stored chunks of up to twice chunk_entries.
      const std::size_t want = opts_.chunk_entries;
      const std::size_t before = buf.size();
      const bool more = source.copy_chunk(shard, after ? &*after : nullptr, want, buf);
      const std::size_t got = buf.size() - before;
      if (got > 0) after = buf.back().key;
      // A chunk ends after a slice of a big collection the store has not
      // finished copying, so that a chunk holds at most one such slice.
      const bool cut = buf.cut();
      if (buf.size() >= opts_.chunk_entries || cut) {
        if (Outcome r = store_.add_chunk(make_chunk()); !r.ok()) return r;
      }
      if (!more || (got < want && !cut)) break;
    }
  }
  std::optional<SnapshotChunk> last;
  if (!buf.empty()) last = make_chunk();
  // Everything the copy saw must be in the journal before the snapshot counts
  // (compaction then drops the rows before it). The copied versions name the
  // writes it holds, but not the deletions (DEL, FLUSHDB, expiry) that left
  // keys out of it: those are seqs up to the last one handed out by now, since
  // a change gets its seq before it is applied under the shard lock the copy
  // takes. Without this, a crash after the snapshot but before a FLUSHDB's
  // commit recovered a database the FLUSHDB had half emptied.
  max_version = std::max(max_version, probe_.last_seq());
  if (Outcome r = wait_journal_durable(max_version); !r.ok()) return r;
  info.duration_ms = static_cast<std::uint64_t>(
      std::chrono::duration_cast<milliseconds>(Steady::now() - began).count());
  info.state = kSnapshotComplete;
  Outcome r = store_.finish_snapshot(info, last ? &*last : nullptr);
  if (!r.ok()) info.state = kSnapshotRunning;
  return r;
}

SnapshotChunk SnapshotWriter::make_chunk(SnapshotInfo& info, std::uint32_t chunk_no,
                                         const SnapshotBuffer& buf) {
  std::string raw = encode_entries(buf.entries());
  raw_bytes_ += raw.size();
  const std::uint64_t cpu_before = thread_cpu_us();
  SnapshotChunk c{info.id, chunk_no, static_cast<std::uint32_t>(buf.size()), 0,
                  compress_record(std::move(raw), opts_.codec)};
  compress_us_ += thread_cpu_us() - cpu_before;
  c.crc32 = payload_crc32(c.payload);
  info.entries += buf.size();
  info.bytes += c.payload.size();
  return c;
}

Outcome SnapshotWriter::wait_journal_durable(std::uint64_t seq) {
  std::promise<Status> answer;
  std::future<Status> result = answer.get_future();
  // The journal answers every waiter, also when it fails or stops.
  probe_.wait_durable(seq, [&answer](Status s) { answer.set_value(s); });
  const Status s = result.get();
  if (s == Status::ok) return success();
  return Error{s, "the journal could not commit up to seq " + std::to_string(seq) +
                      " (the newest write in the snapshot): " +
                      std::string(protocol::status_name(s))};
}

void SnapshotWriter::compact(const SnapshotInfo& info) {
  std::string problem;
  Result<std::uint64_t> rows = journal_.delete_rows_before(info.start_seq);
  if (!rows.ok()) problem = "compaction: " + rows.error().message;
  Result<std::uint64_t> old = store_.delete_snapshots_beyond(opts_.keep);
  if (!old.ok() && problem.empty()) problem = "retention: " + old.error().message;
  Result<std::vector<SnapshotInfo>> all = store_.list_snapshots();
  if (!problem.empty()) {
    spdlog::warn("snapshot {}: {}", info.id, problem);
  } else {
    spdlog::info("snapshot {}: deleted {} journal rows before seq {} and {} old snapshots",
                 info.id, *rows, info.start_seq, *old);
  }
  if (const std::string p = reclaim_and_measure(info); !p.empty() && problem.empty()) problem = p;
  MutexLock lk(mu_);
  if (!problem.empty()) stats_.last_error = problem;
  if (all.ok()) {
    // Keep a snapshot requested meanwhile (not in the table yet) at the front.
    std::vector<SnapshotInfo> fresh = std::move(*all);
    if (pending_) fresh.insert(fresh.begin(), pending_->info);
    list_ = std::move(fresh);
  }
}

// Gives the freed pages back and measures what the journal holds now; returns
// a problem to report, or "".
std::string SnapshotWriter::reclaim_and_measure(const SnapshotInfo& info) {
  const Steady::time_point began = Steady::now();
  Result<std::uint64_t> reclaimed = store_.reclaim_space(abort_);
  const std::uint64_t written = probe_.bytes_written ? probe_.bytes_written() : 0;
  Result<std::uint64_t> journal_bytes = journal_.stored_bytes();
  if (reclaimed.ok() && *reclaimed > 0) {
    spdlog::info("snapshot {}: gave {} freed bytes back to the file system in {} ms", info.id,
                 *reclaimed,
                 std::chrono::duration_cast<milliseconds>(Steady::now() - began).count());
  }
  MutexLock lk(mu_);
  if (reclaimed.ok()) stats_.reclaimed_bytes += *reclaimed;
  if (journal_bytes.ok()) {
    stats_.journal_bytes = *journal_bytes;
    stats_.journal_written_at_measure = written;
  }
  if (!reclaimed.ok()) return "giving space back: " + reclaimed.error().message;
  if (!journal_bytes.ok()) return "measuring the journal: " + journal_bytes.error().message;
  return {};
}

void SnapshotWriter::finish(Request& req, Status status, const std::string& error) {
  if (status != Status::ok) {
    req.info.state = kSnapshotFailed;
    if (status == Status::shutting_down) {
      spdlog::info("snapshot {}: {}", req.info.id, error);
    } else {
      spdlog::error("snapshot {} failed: {}", req.info.id, error);
    }
  }
  {
    MutexLock lk(mu_);
    set_state_locked(req.info);
    stats_.running = pending_.has_value();
    if (status == Status::ok) {
      ++stats_.completed;
      stats_.last = req.info;
      stats_.last_raw_bytes = raw_bytes_;
      stats_.last_compress_cpu_us = compress_us_;
    } else {
      ++stats_.failures;
      stats_.last_error = error;
    }
  }
  if (req.done) req.done(req.info, status);
}

}  // namespace mnemo::persistence
