#include "persistence/sqlite_backend.h"

#include <utility>

namespace mnemo::persistence {

using protocol::Error;
using protocol::Result;
using protocol::SnapshotInfo;
using protocol::Status;

namespace {

// Rows deleted per transaction by compaction, so that the journal thread
// waits at most for one short transaction.
constexpr std::int64_t kDeleteStep = 256;

// Pages given back per incremental_vacuum transaction (1 MiB at 4 KiB pages):
// each step moves up to this many pages from the end of the file into free
// ones, so the journal thread waits at most a few milliseconds for it.
constexpr std::int64_t kVacuumStepPages = 256;

// How long the WAL truncation waits for readers (holding writers back meanwhile).
constexpr int kCheckpointWaitMs = 20;

std::int64_t as_int(std::uint64_t v) { return static_cast<std::int64_t>(v); }

}  // namespace

Outcome SqliteBackend::in_transaction(const std::function<Outcome()>& body) {
  if (Outcome r = db_.begin(); !r.ok()) return r;
  Outcome r = body();
  if (!r.ok()) {
    db_.rollback();
    return r;
  }
  return db_.commit();
}

// ---- journal -----------------------------------------------------------------

Result<std::uint64_t> SqliteBackend::append_row(const JournalRow& row) {
  if (!insert_row_.valid()) {
    Result<Statement> st = db_.prepare(
        "INSERT INTO journal(seq_first, seq_last, created_at_ms, n_changes, crc32, payload) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!st.ok()) return st.error();
    insert_row_ = std::move(*st);
  }
  std::uint64_t id = 0;
  Outcome r = in_transaction([&]() -> Outcome {
    insert_row_.bind_int(1, as_int(row.seq_first))
        .bind_int(2, as_int(row.seq_last))
        .bind_int(3, row.created_at_ms)
        .bind_int(4, row.n_changes)
        .bind_int(5, row.crc32)
        .bind_blob_unowned(6, row.payload);  // row outlives the statement's use of it
    Outcome ins = insert_row_.run();
    insert_row_.reset();
    id = static_cast<std::uint64_t>(db_.last_insert_rowid());
    return ins;
  });
  if (!r.ok()) return r.error();
  return id;
}

Outcome SqliteBackend::scan_rows(std::uint64_t after_seq,
                                 const std::function<bool(const JournalRow&)>& visit) {
  Result<Statement> st = db_.prepare(
      "SELECT id, seq_first, seq_last, created_at_ms, n_changes, crc32, payload FROM journal "
      "WHERE seq_last > ?1 ORDER BY seq_last");
  if (!st.ok()) return st.error();
  st->bind_int(1, as_int(after_seq));
  JournalRow row;
  for (;;) {
    Result<bool> has = st->step();
    if (!has.ok()) return has.error();
    if (!*has) return success();
    row.id = static_cast<std::uint64_t>(st->column_int(0));
    row.seq_first = static_cast<std::uint64_t>(st->column_int(1));
    row.seq_last = static_cast<std::uint64_t>(st->column_int(2));
    row.created_at_ms = st->column_int(3);
    row.n_changes = static_cast<std::uint32_t>(st->column_int(4));
    row.crc32 = static_cast<std::uint32_t>(st->column_int(5));
    row.payload.assign(st->column_blob(6));
    if (!visit(row)) return success();
  }
}

Result<std::uint64_t> SqliteBackend::delete_in_steps(const std::string& select_ids_sql,
                                                     const std::string& delete_sql,
                                                     std::int64_t arg) {
  // Each step deletes a bounded number of rows in its own transaction.
  const std::string sql = delete_sql + " WHERE id IN (" + select_ids_sql + " LIMIT " +
                          std::to_string(kDeleteStep) + ")";
  Result<Statement> st = db_.prepare(sql);
  if (!st.ok()) return st.error();
  std::uint64_t total = 0;
  for (;;) {
    std::int64_t n = 0;
    Outcome r = in_transaction([&]() -> Outcome {
      st->bind_int(1, arg);
      Outcome run = st->run();
      n = db_.changes();
      return run;
    });
    if (!r.ok()) return r.error();
    total += static_cast<std::uint64_t>(n);
    if (n < kDeleteStep) return total;
  }
}

Result<std::uint64_t> SqliteBackend::delete_rows_before(std::uint64_t before_seq) {
  return delete_in_steps("SELECT id FROM journal WHERE seq_last < ?1", "DELETE FROM journal",
                         as_int(before_seq));
}

Result<std::uint64_t> SqliteBackend::set_aside_rows_from(std::uint64_t from_seq,
                                                         std::int64_t now_ms) {
  std::uint64_t moved = 0;
  Outcome r = in_transaction([&]() -> Outcome {
    Result<Statement> copy = db_.prepare(
        "INSERT INTO journal_skipped(seq_first, seq_last, created_at_ms, n_changes, crc32, "
        "payload, skipped_at_ms) SELECT seq_first, seq_last, created_at_ms, n_changes, crc32, "
        "payload, ?2 FROM journal WHERE seq_first >= ?1 ORDER BY seq_last");
    if (!copy.ok()) return copy.error();
    copy->bind_int(1, as_int(from_seq)).bind_int(2, now_ms);
    if (Outcome c = copy->run(); !c.ok()) return c;
    Result<Statement> del = db_.prepare("DELETE FROM journal WHERE seq_first >= ?1");
    if (!del.ok()) return del.error();
    del->bind_int(1, as_int(from_seq));
    Outcome d = del->run();
    moved = static_cast<std::uint64_t>(db_.changes());
    return d;
  });
  if (!r.ok()) return r.error();
  return moved;
}

Result<std::uint64_t> SqliteBackend::max_set_aside_seq() {
  Result<std::int64_t> n = db_.query_int("SELECT coalesce(max(seq_last), 0) FROM journal_skipped");
  if (!n.ok()) return n.error();
  return static_cast<std::uint64_t>(*n);
}

Result<std::uint64_t> SqliteBackend::count_changes_after(std::uint64_t after_seq) {
  // Reads the journal_seq_last index and each row's first page, not the payloads.
  Result<Statement> st =
      db_.prepare("SELECT coalesce(sum(n_changes), 0) FROM journal WHERE seq_last > ?1");
  if (!st.ok()) return st.error();
  st->bind_int(1, as_int(after_seq));
  Result<bool> has = st->step();
  if (!has.ok()) return has.error();
  return *has ? static_cast<std::uint64_t>(st->column_int(0)) : std::uint64_t{0};
}

Result<std::uint64_t> SqliteBackend::stored_bytes() {
  // length() of a blob reads its size from the record header, not its pages.
  Result<std::int64_t> n = db_.query_int("SELECT coalesce(sum(length(payload)), 0) FROM journal");
  if (!n.ok()) return n.error();
  return static_cast<std::uint64_t>(*n);
}

// ---- snapshots ---------------------------------------------------------------

Outcome SqliteBackend::begin_snapshot(const SnapshotInfo& info) {
  return in_transaction([&]() -> Outcome {
    Result<Statement> st = db_.prepare(
        "INSERT INTO snapshots(id, start_seq, state, started_at_ms) VALUES (?1, ?2, ?3, ?4)");
    if (!st.ok()) return st.error();
    st->bind_int(1, as_int(info.id))
        .bind_int(2, as_int(info.start_seq))
        .bind_int(3, kSnapshotRunning)
        .bind_int(4, info.started_at_ms);
    return st->run();
  });
}

Outcome SqliteBackend::insert_chunk(const SnapshotChunk& chunk) {
  Result<Statement> st = db_.prepare(
      "INSERT INTO snapshot_chunks(snapshot_id, chunk_no, n_entries, crc32, payload) "
      "VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!st.ok()) return st.error();
  st->bind_int(1, as_int(chunk.snapshot_id))
      .bind_int(2, chunk.chunk_no)
      .bind_int(3, chunk.n_entries)
      .bind_int(4, chunk.crc32)
      .bind_blob_unowned(5, chunk.payload);  // st is finalized before chunk goes
  return st->run();
}

Outcome SqliteBackend::add_chunk(const SnapshotChunk& chunk) {
  return in_transaction([&] { return insert_chunk(chunk); });
}

Outcome SqliteBackend::finish_snapshot(const SnapshotInfo& info, const SnapshotChunk* last_chunk) {
  return in_transaction([&]() -> Outcome {
    if (last_chunk) {
      if (Outcome r = insert_chunk(*last_chunk); !r.ok()) return r;
    }
    Result<Statement> st = db_.prepare(
        "UPDATE snapshots SET state = ?2, entries = ?3, bytes = ?4, duration_ms = ?5, "
        "chunks = (SELECT count(*) FROM snapshot_chunks WHERE snapshot_id = ?1) WHERE id = ?1");
    if (!st.ok()) return st.error();
    st->bind_int(1, as_int(info.id))
        .bind_int(2, kSnapshotComplete)
        .bind_int(3, as_int(info.entries))
        .bind_int(4, as_int(info.bytes))
        .bind_int(5, as_int(info.duration_ms));
    if (Outcome r = st->run(); !r.ok()) return r;
    if (db_.changes() != 1) {
      return Error{Status::internal, "snapshot " + std::to_string(info.id) + " has no row"};
    }
    return success();
  });
}

Outcome SqliteBackend::fail_snapshot(std::uint64_t id, std::string_view error) {
  Outcome r = in_transaction([&]() -> Outcome {
    Result<Statement> st = db_.prepare("UPDATE snapshots SET state = ?2, error = ?3 WHERE id = ?1");
    if (!st.ok()) return st.error();
    st->bind_int(1, as_int(id)).bind_int(2, kSnapshotFailed).bind_text(3, error);
    return st->run();
  });
  if (!r.ok()) return r;
  return delete_chunks(id);
}

Outcome SqliteBackend::delete_chunks(std::uint64_t id) {
  Result<std::uint64_t> n = delete_in_steps("SELECT id FROM snapshot_chunks WHERE snapshot_id = ?1",
                                            "DELETE FROM snapshot_chunks", as_int(id));
  if (!n.ok()) return n.error();
  return success();
}

Outcome SqliteBackend::fail_unfinished() {
  Outcome r = db_.exec(
      "UPDATE snapshots SET state = 2, error = 'interrupted (the server stopped)' WHERE state = 0",
      "fail unfinished snapshots");
  if (!r.ok()) return r;
  // Chunks left by a failed snapshot or by a deletion that was interrupted.
  Result<std::uint64_t> n = delete_in_steps(
      "SELECT id FROM snapshot_chunks WHERE snapshot_id NOT IN "
      "(SELECT id FROM snapshots WHERE state != 2) AND ?1 = ?1",
      "DELETE FROM snapshot_chunks", 0);
  if (!n.ok()) return n.error();
  return success();
}

Result<std::vector<SnapshotInfo>> SqliteBackend::list_snapshots() {
  Result<Statement> st = db_.prepare(
      "SELECT id, start_seq, state, entries, bytes, duration_ms, started_at_ms FROM snapshots "
      "ORDER BY id DESC");
  if (!st.ok()) return st.error();
  std::vector<SnapshotInfo> out;
  for (;;) {
    Result<bool> has = st->step();
    if (!has.ok()) return has.error();
    if (!*has) return out;
    SnapshotInfo info;
    info.id = static_cast<std::uint64_t>(st->column_int(0));
    info.start_seq = static_cast<std::uint64_t>(st->column_int(1));
    info.state = static_cast<std::uint8_t>(st->column_int(2));
    info.entries = static_cast<std::uint64_t>(st->column_int(3));
    info.bytes = static_cast<std::uint64_t>(st->column_int(4));
    info.duration_ms = static_cast<std::uint64_t>(st->column_int(5));
    info.started_at_ms = st->column_int(6);
    out.push_back(info);
  }
}

Outcome SqliteBackend::scan_chunks(std::uint64_t id,
                                   const std::function<bool(const SnapshotChunk&)>& visit) {
  Result<Statement> st = db_.prepare(
      "SELECT chunk_no, n_entries, crc32, payload FROM snapshot_chunks WHERE snapshot_id = ?1 "
      "ORDER BY chunk_no");
  if (!st.ok()) return st.error();
  st->bind_int(1, as_int(id));
  SnapshotChunk chunk;
  chunk.snapshot_id = id;
  for (;;) {
    Result<bool> has = st->step();
    if (!has.ok()) return has.error();
    if (!*has) return success();
    chunk.chunk_no = static_cast<std::uint32_t>(st->column_int(0));
    chunk.n_entries = static_cast<std::uint32_t>(st->column_int(1));
    chunk.crc32 = static_cast<std::uint32_t>(st->column_int(2));
    chunk.payload.assign(st->column_blob(3));
    if (!visit(chunk)) return success();
  }
}

Result<std::uint64_t> SqliteBackend::delete_snapshots_beyond(std::uint32_t keep) {
  if (keep == 0) keep = 1;  // the newest complete one is what the journal was compacted against
  Result<std::vector<SnapshotInfo>> all = list_snapshots();
  if (!all.ok()) return all.error();
  std::uint32_t complete_seen = 0;
  std::uint64_t deleted = 0;
  for (const SnapshotInfo& s : *all) {  // newest first
    if (s.state == kSnapshotRunning) continue;
    if (s.state == kSnapshotComplete && ++complete_seen <= keep) continue;
    // Failures newer than the newest complete snapshot stay listed until one succeeds.
    if (s.state == kSnapshotFailed && complete_seen == 0) continue;
    // The row goes first: a deletion cut short leaves only orphan chunks,
    // which fail_unfinished() removes at the next open.
    Outcome r = db_.exec("DELETE FROM snapshots WHERE id = " + std::to_string(s.id),
                         "delete snapshot " + std::to_string(s.id));
    if (r.ok()) r = delete_chunks(s.id);
    if (!r.ok()) return r.error();
    ++deleted;
  }
  return deleted;
}

}  // namespace mnemo::persistence

namespace mnemo::persistence {

Result<std::uint64_t> SqliteBackend::reclaim_space(const std::atomic<bool>& abort) {
  Result<std::int64_t> page_size = db_.query_int("PRAGMA page_size");
  if (!page_size.ok()) return page_size.error();
  const std::string step = "PRAGMA incremental_vacuum(" + std::to_string(kVacuumStepPages) + ")";
  std::uint64_t freed = 0;
  while (!abort.load()) {
    Result<std::int64_t> before = db_.query_int("PRAGMA freelist_count");
    if (!before.ok()) return before.error();
    if (*before == 0) break;
    if (Outcome r = db_.exec(step, "incremental_vacuum"); !r.ok()) return r.error();
    Result<std::int64_t> after = db_.query_int("PRAGMA freelist_count");
    if (!after.ok()) return after.error();
    if (*after >= *before) break;  // nothing more to give back (e.g. not incremental)
    freed += static_cast<std::uint64_t>(*before - *after);
  }
  // Copies the WAL into the file without waiting for anyone, then (having
  // little left to copy) restarts it at zero bytes. TRUNCATE holds new
  // writers back while it waits for readers, so it waits briefly: a busy
  // answer means someone was in the way, and the next compaction tries again.
  const int timeout = db_.busy_timeout();
  db_.set_busy_timeout(kCheckpointWaitMs);
  for (const char* mode : {"PRAGMA wal_checkpoint(PASSIVE)", "PRAGMA wal_checkpoint(TRUNCATE)"}) {
    if (abort.load()) break;
    Result<std::int64_t> r = db_.query_int(mode);
    if (!r.ok() && r.error().status != Status::busy) {
      db_.set_busy_timeout(timeout);
      return r.error();
    }
  }
  db_.set_busy_timeout(timeout);
  return freed * static_cast<std::uint64_t>(*page_size);
}

}  // namespace mnemo::persistence
