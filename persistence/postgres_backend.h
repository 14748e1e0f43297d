// JournalBackend and SnapshotStore over one libpq connection to a database
// shared by several nodes (tables in postgres_schema.cpp, rows keyed by node).
// The persistence facade holds two: the journal role (recovery, then the
// journal thread) and the snapshot role (the snapshot thread).
//
// Reconnection: a call that finds the connection broken reconnects first; a
// call that fails on a broken connection drops it, so the next call (the
// journal writer's retry, with backoff) reconnects. The journal role takes
// the node's advisory lock again on every new connection and fails until it
// has it; the snapshot role's writes check the node's epoch (PgFence) inside
// their transaction, so they stop once another server has taken the node.
//
// Threads: one thread at a time (the owner of the connection); the fence is
// shared between the two roles and is atomic.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "persistence/backend.h"
#include "persistence/postgres_conn.h"

namespace mnemo::persistence {

// The node's epoch as the journal role last took it (0 = never).
struct PgFence {
  std::atomic<std::int64_t> epoch{0};
};

class PostgresBackend final : public StorageBackend {
 public:
  enum class Role { journal, snapshots };

  // Does not connect; connect() or the first call does. `fence` must outlive it.
  PostgresBackend(std::string url, std::string node, Role role, PgFence& fence)
      : url_(std::move(url)), node_(std::move(node)), role_(role), fence_(fence) {}

  // Connects (journal role: and takes the node). Status::busy when another
  // server holds the node.
  Outcome connect();
  // Journal role: gives the node's advisory lock back before closing, so a
  // server started right after a clean stop finds the node free (PostgreSQL
  // otherwise releases it only once it has ended the closed session, a
  // moment later).
  void close() override;
  ~PostgresBackend() override { close(); }
  PgConn& conn() { return conn_; }

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

 private:
  Outcome ensure();
  // Drops a broken connection so that the next call reconnects; passes `e` on.
  protocol::Error dropped(protocol::Error e);
  protocol::Result<PgResult> query(std::string_view what, const std::string& sql,
                                   std::initializer_list<PgParam> params);
  // Runs `body` in one transaction after checking the fence (snapshot role).
  Outcome in_fenced_transaction(const std::function<Outcome()>& body);
  Outcome check_fence();
  Outcome insert_chunk(const SnapshotChunk& chunk);
  Outcome delete_chunks(std::uint64_t id);

  const std::string url_;
  const std::string node_;
  const Role role_;
  PgFence& fence_;
  PgConn conn_;
};

}  // namespace mnemo::persistence
