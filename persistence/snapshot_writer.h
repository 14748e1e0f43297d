// Fuzzy snapshots without stopping the world, and the journal compaction that
// follows them.
//
// A snapshot takes S0 = the last seq handed out when it starts, then walks the
// SnapshotSource shard by shard, a chunk at a time (the store holds a shard's
// lock only while copying one chunk), and writes the chunks from its own
// thread and SQLite connection in short transactions. The snapshots row is
// marked complete in the last transaction. Entries written after S0 may or
// may not be in it; recovery replays the journal from S0 and newer versions
// win, so the result is exact. The snapshot is marked complete only once the
// journal is durable up to the newest version it holds, so that after a crash
// it never holds a write whose predecessors in seq order were lost. Once
// complete: journal rows with seq_last < S0 are deleted, and snapshots beyond
// `keep` are removed.
//
// Chunks are compressed with opts.codec on the snapshot thread (the CPU time
// it takes is counted and logged). After compaction the freed space is given
// back to the file system and the WAL truncated (SnapshotStore::reclaim_space),
// also on the snapshot thread, and the journal's stored bytes are measured for
// the bytes-on-disk figures.
//
// One snapshot at a time (start_snapshot answers Status::busy otherwise).
// Automatic snapshots: after `every_changes` journaled changes, or after
// `growth_percent` % of the last complete snapshot's entries when that is more
// (so a snapshot never rewrites much more than what changed since the last),
// and/or every `every_seconds` (0 = off); skipped when nothing was journaled
// since the last.
//
// Threads: start_snapshot(), snapshots() and stats() from any thread (no I/O;
// they take mu_). load() before start(), stop() from the controlling thread.
// The snapshot thread owns all I/O and calls `done` callbacks.
// Lifetime: `store`, `journal` (the same connection as store, normally),
// the probe's targets and the SnapshotSource must outlive stop().
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "persistence/backend.h"
#include "persistence/change_log.h"
#include "persistence/clock.h"
#include "persistence/options.h"
#include "persistence/stats.h"
#include "persistence/thread_annotations.h"

namespace mnemo::persistence {


// How many journaled changes since the last snapshot make the next automatic
// one due: every_changes, raised to growth_percent of `last_entries` (the last
// complete snapshot's entries). 0 = the change policy is off.
std::uint64_t changes_before_snapshot(const SnapshotOptions& opts, std::uint64_t last_entries);

// What the snapshot writer needs from the journal.
struct JournalProbe {
  std::function<std::uint64_t()> last_seq;         // last seq handed out (S0 source)
  std::function<std::uint64_t()> changes_written;  // journaled changes so far
  // As JournalWriter::wait_durable: done(ok) once every seq <= seq is committed.
  std::function<void(std::uint64_t seq, std::function<void(protocol::Status)> done)> wait_durable;
  // Journal payload bytes written so far (may be empty: then 0).
  std::function<std::uint64_t()> bytes_written = nullptr;
};


class SnapshotWriter {
 public:
  using Done = std::function<void(const protocol::SnapshotInfo&, protocol::Status)>;

  SnapshotWriter(SnapshotStore& store, JournalBackend& journal, JournalProbe probe,
                 const SnapshotOptions& opts, const Clock& clock = SystemClock::instance());
  ~SnapshotWriter();
  SnapshotWriter(const SnapshotWriter&) = delete;
  SnapshotWriter& operator=(const SnapshotWriter&) = delete;

  // Marks snapshots a crash interrupted as failed and reads the list.
  Outcome load();
  void start(SnapshotSource& source);
  // Aborts a running snapshot (it is marked failed, its chunks deleted) and
  // joins the thread. Safe to call twice.
  void stop();

  // Returns the new snapshot's id and S0 at once; the thread writes it.
  protocol::Result<protocol::SnapshotInfo> start_snapshot(Done done);
  std::vector<protocol::SnapshotInfo> snapshots() const;  // newest first
  SnapshotStats stats() const;

 private:
  using Steady = std::chrono::steady_clock;
  struct Request {
    protocol::SnapshotInfo info;
    Done done;
  };

  void run();
  std::optional<Request> next_request();
  bool policy_due_locked() MNEMO_REQUIRES(mu_);
  Request make_request_locked(Done done) MNEMO_REQUIRES(mu_);
  void write(Request& req);
  Outcome write_chunks(protocol::SnapshotInfo& info, Steady::time_point began);
  Outcome wait_journal_durable(std::uint64_t seq);
  void compact(const protocol::SnapshotInfo& info);
  std::string reclaim_and_measure(const protocol::SnapshotInfo& info);
  SnapshotChunk make_chunk(protocol::SnapshotInfo& info, std::uint32_t chunk_no,
                           const SnapshotBuffer& buf);
  void finish(Request& req, protocol::Status status, const std::string& error);
  void set_state_locked(const protocol::SnapshotInfo& info) MNEMO_REQUIRES(mu_);

  SnapshotStore& store_;
  JournalBackend& journal_;
  const JournalProbe probe_;
  const SnapshotOptions opts_;
  const Clock& clock_;
  std::atomic<bool> abort_{false};  // set by stop(), read by the snapshot thread between chunks
  // -- the snapshot thread's, for the snapshot being written --
  std::uint64_t raw_bytes_ = 0;
  std::uint64_t compress_us_ = 0;

  // Set by start() before the snapshot thread exists; read-only after.
  SnapshotSource* source_ = nullptr;

  // -- shared, guarded by mu_ --
  mutable Mutex mu_;
  std::condition_variable wake_;
  std::optional<Request> pending_ MNEMO_GUARDED_BY(mu_);
  bool started_ MNEMO_GUARDED_BY(mu_) = false;
  bool stopping_ MNEMO_GUARDED_BY(mu_) = false;
  std::uint64_t next_id_ MNEMO_GUARDED_BY(mu_) = 1;
  std::vector<protocol::SnapshotInfo> list_ MNEMO_GUARDED_BY(mu_);  // newest first
  SnapshotStats stats_ MNEMO_GUARDED_BY(mu_);
  std::uint64_t changes_at_last_ MNEMO_GUARDED_BY(mu_) = 0;  // journaled changes when the last snapshot started
  Steady::time_point last_started_ MNEMO_GUARDED_BY(mu_);

  std::thread thread_;
};

}  // namespace mnemo::persistence
