// JournalBackend and SnapshotStore over one SQLite connection (tables in
// schema.cpp). The journal thread, the snapshot thread and recovery each use
// their own SqliteBackend; SQLite's WAL mode lets readers run beside the one
// writer, and every write transaction here is short.
//
// Threads: one thread at a time (the owner of the connection).
#pragma once

#include "persistence/backend.h"
#include "persistence/sqlite_db.h"

namespace mnemo::persistence {

class SqliteBackend final : public StorageBackend {
 public:
  explicit SqliteBackend(SqliteDb db) : db_(std::move(db)) {}

  SqliteDb& db() { return db_; }
  // Finalizes cached statements and closes the connection.
  void close() override {
    insert_row_ = Statement();
    db_ = SqliteDb();
  }

  // JournalBackend
  protocol::Result<std::uint64_t> append_row(const JournalRow& row) override;
  Outcome scan_rows(std::uint64_t after_seq,
                    const std::function<bool(const JournalRow&)>& visit) override;
  protocol::Result<std::uint64_t> delete_rows_before(std::uint64_t before_seq) override;
  protocol::Result<std::uint64_t> set_aside_rows_from(std::uint64_t from_seq,
                                                      std::int64_t now_ms) override;
  protocol::Result<std::uint64_t> max_set_aside_seq() override;
  protocol::Result<std::uint64_t> count_changes_after(std::uint64_t after_seq) override;
  protocol::Result<std::uint64_t> stored_bytes() override;

  // SnapshotStore
  Outcome begin_snapshot(const protocol::SnapshotInfo& info) override;
  Outcome add_chunk(const SnapshotChunk& chunk) override;
  Outcome finish_snapshot(const protocol::SnapshotInfo& info,
                          const SnapshotChunk* last_chunk) override;
  Outcome fail_snapshot(std::uint64_t id, std::string_view error) override;
  Outcome fail_unfinished() override;
  protocol::Result<std::vector<protocol::SnapshotInfo>> list_snapshots() override;
  Outcome scan_chunks(std::uint64_t id,
                      const std::function<bool(const SnapshotChunk&)>& visit) override;
  protocol::Result<std::uint64_t> delete_snapshots_beyond(std::uint32_t keep) override;
  // PRAGMA incremental_vacuum in steps of kVacuumStepPages pages, then
  // wal_checkpoint(TRUNCATE).
  protocol::Result<std::uint64_t> reclaim_space(const std::atomic<bool>& abort) override;

 private:
  Outcome insert_chunk(const SnapshotChunk& chunk);
  Outcome delete_chunks(std::uint64_t id);
  // Runs `body` inside BEGIN IMMEDIATE ... COMMIT, rolling back on error.
  Outcome in_transaction(const std::function<Outcome()>& body);
  protocol::Result<std::uint64_t> delete_in_steps(const std::string& select_ids_sql,
                                                  const std::string& delete_sql,
                                                  std::int64_t arg);

  SqliteDb db_;
  Statement insert_row_;  // prepared on first use, reused for every batch
};

}  // namespace mnemo::persistence
