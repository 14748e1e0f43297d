// The storage interfaces behind the journal writer, the snapshot writer and
// recovery. SqliteBackend (sqlite_backend.h) implements both over one SQLite
// connection; PostgresBackend (postgres_backend.h) over one libpq
// connection, for state shared by several machines. Tests inject failures through fakes.
//
// Threads: an instance is used by one thread at a time (its connection's
// owner); two threads use two instances.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "persistence/outcome.h"
#include "protocol/message.h"
#include "protocol/result.h"

namespace mnemo::persistence {

// One committed batch of changes, as stored.
struct JournalRow {
  std::uint64_t id = 0;  // assigned by the backend on append
  std::uint64_t seq_first = 0;
  std::uint64_t seq_last = 0;
  std::int64_t created_at_ms = 0;
  std::uint32_t n_changes = 0;
  std::uint32_t crc32 = 0;
  std::string payload;  // record_codec.h encode_changes()
};

class JournalBackend {
 public:
  virtual ~JournalBackend() = default;
  // Writes `row` in its own transaction and returns its id once committed (as
  // durable as the sync mode makes it). On error nothing of it was committed.
  virtual protocol::Result<std::uint64_t> append_row(const JournalRow& row) = 0;
  // Calls `visit` for each row with seq_last > after_seq in seq order, until it
  // returns false.
  virtual Outcome scan_rows(std::uint64_t after_seq,
                            const std::function<bool(const JournalRow&)>& visit) = 0;
  // The sum of n_changes over the rows scan_rows(after_seq) visits, for sizing
  // recovery's tables before the replay; 0 when the backend cannot say cheaply.
  virtual protocol::Result<std::uint64_t> count_changes_after(std::uint64_t after_seq) {
    (void)after_seq;
    return std::uint64_t{0};
  }
  // Deletes the rows with seq_last < before_seq (in short transactions, so the
  // journal thread is never held up for long). Returns how many.
  virtual protocol::Result<std::uint64_t> delete_rows_before(std::uint64_t before_seq) = 0;
  // Moves the rows with seq_first >= from_seq out of the journal into
  // journal_skipped, so that the next recovery does not meet them again.
  virtual protocol::Result<std::uint64_t> set_aside_rows_from(std::uint64_t from_seq,
                                                              std::int64_t now_ms) = 0;
  // The highest seq_last among rows set aside (0 = none): recovery does not
  // hand those seqs out again.
  virtual protocol::Result<std::uint64_t> max_set_aside_seq() = 0;
  // The payload bytes the journal's rows hold (0 when the backend cannot say cheaply).
  virtual protocol::Result<std::uint64_t> stored_bytes() { return std::uint64_t{0}; }
};

// One stored piece of a snapshot.
struct SnapshotChunk {
  std::uint64_t snapshot_id = 0;
  std::uint32_t chunk_no = 0;  // 0, 1, 2, ... in write order
  std::uint32_t n_entries = 0;
  std::uint32_t crc32 = 0;
  std::string payload;  // record_codec.h encode_entries()
};

// Snapshot states as in protocol::SnapshotInfo::state.
inline constexpr std::uint8_t kSnapshotRunning = 0;
inline constexpr std::uint8_t kSnapshotComplete = 1;
inline constexpr std::uint8_t kSnapshotFailed = 2;

class SnapshotStore {
 public:
  virtual ~SnapshotStore() = default;
  // Inserts the row of a running snapshot (info.id chosen by the caller).
  virtual Outcome begin_snapshot(const protocol::SnapshotInfo& info) = 0;
  virtual Outcome add_chunk(const SnapshotChunk& chunk) = 0;
  // In one transaction: writes `last_chunk` (if any) and marks the snapshot
  // complete with info's entries, bytes and duration. Until this commits the
  // snapshot does not count.
  virtual Outcome finish_snapshot(const protocol::SnapshotInfo& info,
                                  const SnapshotChunk* last_chunk) = 0;
  // Marks it failed and deletes its chunks.
  virtual Outcome fail_snapshot(std::uint64_t id, std::string_view error) = 0;
  // Marks every running snapshot failed (a crash interrupted them).
  virtual Outcome fail_unfinished() = 0;
  // All snapshots, newest first.
  virtual protocol::Result<std::vector<protocol::SnapshotInfo>> list_snapshots() = 0;
  // Calls `visit` for each chunk of snapshot `id` in chunk order, until it returns false.
  virtual Outcome scan_chunks(std::uint64_t id,
                              const std::function<bool(const SnapshotChunk&)>& visit) = 0;
  // Keeps the `keep` newest complete snapshots (at least one), any running one
  // and failed ones newer than the newest complete one; deletes the rest with
  // their chunks. Returns how many were deleted.
  virtual protocol::Result<std::uint64_t> delete_snapshots_beyond(std::uint32_t keep) = 0;
  // Gives the space deletions freed back to the file system, in short steps
  // (so a writer on another connection waits at most for one), and shrinks
  // the write-ahead log; stops early once `abort` is set. Returns the bytes
  // given back.
  virtual protocol::Result<std::uint64_t> reclaim_space(const std::atomic<bool>& abort) {
    (void)abort;
    return std::uint64_t{0};
  }
};

// Both interfaces over one connection, as the persistence facade holds them
// (one for the journal thread and recovery, one for the snapshot thread).
class StorageBackend : public JournalBackend, public SnapshotStore {
 public:
  // Releases the connection (and with it any lock it holds).
  virtual void close() = 0;
};

}  // namespace mnemo::persistence
