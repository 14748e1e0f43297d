// The persistence facade the server uses: opens the database, recovers,
// runs the journal thread and snapshots, answers admin requests.
//
// Threads: open()/recover()/start()/stop() from the main thread, in that
// order. change_log(), wait_durable(), start_snapshot(), snapshots(),
// backup(), stats() and the pressure queries may be called from any thread
// once start() returned; callbacks run on persistence threads and must only
// post work elsewhere (e.g. asio::post to a connection's executor).
// Lifetime: must outlive the store and every connection that uses it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "persistence/backpressure.h"
#include "persistence/change_log.h"
#include "persistence/clock.h"
#include "persistence/options.h"
#include "persistence/stats.h"
#include "protocol/message.h"
#include "protocol/result.h"

namespace mnemo::persistence {

struct RecoveryInfo {
  std::uint64_t snapshot_id = 0;         // 0 = no snapshot loaded
  std::uint64_t snapshot_entries = 0;
  std::uint64_t journal_rows = 0;
  std::uint64_t journal_changes = 0;
  std::uint64_t last_seq = 0;            // highest seq seen; the next write gets last_seq + 1
  std::uint64_t expired_dropped = 0;
  std::uint64_t skipped_bad_rows = 0;    // only with recover_truncated
  double seconds = 0;
};

// Bytes on disk. file + wal is what the data dir holds (with a few bytes of
// lock file); snapshots and journal are what their rows' payloads take inside
// the file (the journal figure is measured after each compaction and counted
// up from there); the rest of the file is SQLite's pages, indexes and free space.
struct DiskStats {
  std::uint64_t file_bytes = 0;       // the database file
  std::uint64_t wal_bytes = 0;        // its write-ahead log
  std::uint64_t snapshot_bytes = 0;   // complete snapshots' chunks, as stored (compressed)
  std::uint64_t journal_bytes = 0;    // journal rows' payloads, as stored
  std::uint64_t reclaimed_bytes = 0;  // freed pages given back to the file system since start
};

struct PersistenceStats {
  JournalStats journal;    // last_seq (applied in memory), durable_seq (every seq <= it is
                           // committed), the queue, failing (writes refused until a commit succeeds)
  SnapshotStats snapshot;
  std::uint64_t db_file_bytes = 0;  // disk.file_bytes + disk.wal_bytes
  DiskStats disk;
  RecoveryInfo recovery;
};

class Persistence : public Backpressure {
 public:
  // Opens or creates <data_dir>/<db_file_name> (WAL mode) and checks its format
  // version. Throws std::runtime_error naming the problem when the file exists
  // but cannot be read or has an unknown format: it is never replaced.
  // `clock` (the server's, so that one fake drives expiry and journal times
  // in tests) stamps rows, snapshots and errors; it must outlive the result.
  static std::unique_ptr<Persistence> open(const Options& opts,
                                           const Clock& clock = SystemClock::instance());
  virtual ~Persistence() = default;

  // Loads the newest complete snapshot and replays the journal after it into
  // `target`, logging progress. Errors name the bad row (unless
  // opts.recover_truncated, which stops at the last good row and says so).
  virtual protocol::Result<RecoveryInfo> recover(RecoveryTarget& target) = 0;

  // Starts the journal thread (seqs continue after recovery) and the snapshot
  // scheduler. `source` must outlive stop().
  virtual void start(SnapshotSource& source) = 0;

  // Aborts a running snapshot (it is marked failed), finishes a backup in
  // progress, drains the queue and commits it, closes the database. If the
  // disk keeps failing, gives up after opts.journal.stop_retry_ms (logged with the
  // lost seq range). Safe to call twice; later writes get Status::shutting_down.
  virtual void stop() = 0;

  virtual ChangeLog& change_log() = 0;

  // Calls done(Status::ok) once every seq <= `seq` is committed, at once if it
  // already is; done(error) if the commit holding it failed or the journal
  // stopped. Every waiter of a batch is released by that batch's one commit.
  virtual void wait_durable(std::uint64_t seq, std::function<void(protocol::Status)> done) = 0;
  virtual std::uint64_t last_seq() const = 0;
  virtual std::uint64_t durable_seq() const = 0;

  // Starts a snapshot and returns its id and S0 at once; Status::busy if one
  // is running. `done` (may be empty) is called when it completes or fails.
  virtual protocol::Result<protocol::SnapshotInfo> start_snapshot(
      std::function<void(const protocol::SnapshotInfo&, protocol::Status)> done) = 0;
  virtual std::vector<protocol::SnapshotInfo> snapshots() = 0;

  // Copies the database to `path` with SQLite's online backup API on a
  // persistence thread, then calls done.
  virtual void backup(std::string path, std::function<void(protocol::Status, std::string)> done) = 0;

  virtual PersistenceStats stats() const = 0;
};

}  // namespace mnemo::persistence
