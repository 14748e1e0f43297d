#include "persistence/postgres_backend.h"

#include <chrono>
#include <thread>

#include "persistence/postgres_schema.h"

namespace mnemo::persistence {

using protocol::Error;
using protocol::Result;
using protocol::Status;

namespace {

// Rows fetched per query by scan_rows (keyset paging keeps memory bounded
// without holding a cursor open across the whole replay).
constexpr int kScanPageRows = 128;
// Rows deleted per transaction by compaction, as in SQLite: short transactions.
constexpr int kDeleteStep = 256;
// How long a server's first journal connection waits for its node's lock
// (see connect()); a node really held by another server is refused after it.
constexpr std::chrono::seconds kFirstTakeWait{5};

JournalRow row_at(const PgResult& r, int i) {
  JournalRow row;
  row.seq_first = static_cast<std::uint64_t>(r.i64(i, 0));
  row.seq_last = static_cast<std::uint64_t>(r.i64(i, 1));
  row.id = row.seq_last;  // rows are keyed by (node, seq_last)
  row.created_at_ms = r.i64(i, 2);
  row.n_changes = static_cast<std::uint32_t>(r.i64(i, 3));
  row.crc32 = static_cast<std::uint32_t>(r.i64(i, 4));
  row.payload.assign(r.bytes(i, 5));
  return row;
}

}  // namespace

Outcome PostgresBackend::connect() {
  Result<PgConn> c = PgConn::connect(url_);
  if (!c.ok()) return c.error();
  conn_ = std::move(*c);
  if (role_ == Role::journal) {
    Result<std::int64_t> epoch = pg_take_node(conn_, node_);
    // A server restarted right after a crash can find its own old session
    // still holding the lock: PostgreSQL ends the session of a client that
    // died only once it notices the closed socket, a moment later. So the
    // first connection waits a bounded time for the lock before refusing.
    if (fence_.epoch.load() == 0) {
      const auto give_up = std::chrono::steady_clock::now() + kFirstTakeWait;
      while (!epoch.ok() && epoch.error().status == Status::busy &&
             std::chrono::steady_clock::now() < give_up) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        epoch = pg_take_node(conn_, node_);
      }
    }
    if (!epoch.ok()) {
      conn_.close();
      return epoch.error();
    }
    fence_.epoch.store(*epoch);
  }
  return success();
}

void PostgresBackend::close() {
  if (role_ == Role::journal && conn_.healthy() && fence_.epoch.load() != 0) {
    (void)pg_release_node(conn_, node_);  // on failure the session's end releases it
  }
  conn_.close();
}

Outcome PostgresBackend::ensure() {
  if (conn_.healthy()) return success();
  conn_.close();
  return connect();
}

Error PostgresBackend::dropped(Error e) {
  if (!conn_.healthy()) conn_.close();
  return e;
}

Result<PgResult> PostgresBackend::query(std::string_view what, const std::string& sql,
                                        std::initializer_list<PgParam> params) {
  if (Outcome r = ensure(); !r.ok()) return r.error();
  Result<PgResult> r = conn_.query(what, sql, params);
  if (!r.ok()) return dropped(r.error());
  return r;
}

Outcome PostgresBackend::check_fence() {
  Result<PgResult> r = conn_.query("check node epoch",
                                   "SELECT epoch FROM mnemo_nodes WHERE node = $1 FOR SHARE",
                                   {PgParam::of(node_)});
  if (!r.ok()) return r.error();
  const std::int64_t mine = fence_.epoch.load();
  if (r->rows() != 1 || r->i64(0, 0) != mine) {
    return Error{Status::read_only, "node '" + node_ +
                                        "' was taken over by another mnemo server; not writing"};
  }
  return success();
}

Outcome PostgresBackend::in_fenced_transaction(const std::function<Outcome()>& body) {
  if (Outcome r = ensure(); !r.ok()) return r;
  Outcome r = conn_.exec("begin", "BEGIN");
  if (r.ok()) r = check_fence();
  if (r.ok()) r = body();
  if (r.ok()) r = conn_.exec("commit", "COMMIT");
  if (!r.ok()) {
    if (conn_.healthy()) (void)conn_.exec("rollback", "ROLLBACK");
    return dropped(r.error());
  }
  return r;
}

// ---- journal -----------------------------------------------------------------

Result<std::uint64_t> PostgresBackend::append_row(const JournalRow& row) {
  // A retry after a commit whose answer was lost finds its row there already:
  // the batch is the same bytes, so doing nothing is right.
  Result<PgResult> r = query(
      "append journal row",
      "INSERT INTO mnemo_journal(node, seq_first, seq_last, created_at_ms, n_changes, crc32, "
      "payload) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (node, seq_last) DO NOTHING",
      {PgParam::of(node_), PgParam::of(row.seq_first), PgParam::of(row.seq_last),
       PgParam::of(row.created_at_ms), PgParam::of(std::int64_t{row.n_changes}),
       PgParam::of(std::int64_t{row.crc32}), PgParam::blob(row.payload)});
  if (!r.ok()) return r.error();
  return row.seq_last;
}

Outcome PostgresBackend::scan_rows(std::uint64_t after_seq,
                                   const std::function<bool(const JournalRow&)>& visit) {
  std::uint64_t after = after_seq;
  for (;;) {
    Result<PgResult> r = query(
        "scan journal",
        "SELECT seq_first, seq_last, created_at_ms, n_changes, crc32, payload FROM mnemo_journal "
        "WHERE node = $1 AND seq_last > $2 ORDER BY seq_last LIMIT " +
            std::to_string(kScanPageRows),
        {PgParam::of(node_), PgParam::of(after)});
    if (!r.ok()) return r.error();
    for (int i = 0; i < r->rows(); ++i) {
      JournalRow row = row_at(*r, i);
      after = row.seq_last;
      if (!visit(row)) return success();
    }
    if (r->rows() < kScanPageRows) return success();
  }
}

Result<std::uint64_t> PostgresBackend::delete_rows_before(std::uint64_t before_seq) {
  std::uint64_t total = 0;
  for (;;) {
    std::uint64_t n = 0;
    Outcome r = in_fenced_transaction([&]() -> Outcome {
      Result<PgResult> d = conn_.query(
          "compact journal",
          "DELETE FROM mnemo_journal WHERE node = $1 AND seq_last IN (SELECT seq_last FROM "
          "mnemo_journal WHERE node = $1 AND seq_last < $2 ORDER BY seq_last LIMIT " +
              std::to_string(kDeleteStep) + ")",
          {PgParam::of(node_), PgParam::of(before_seq)});
      if (!d.ok()) return d.error();
      n = d->affected();
      return success();
    });
    if (!r.ok()) return r.error();
    total += n;
    if (n < static_cast<std::uint64_t>(kDeleteStep)) return total;
  }
}

Result<std::uint64_t> PostgresBackend::set_aside_rows_from(std::uint64_t from_seq,
                                                           std::int64_t now_ms) {
  Result<PgResult> r = query(
      "set journal rows aside",
      "WITH moved AS (DELETE FROM mnemo_journal WHERE node = $1 AND seq_first >= $2 RETURNING *) "
      "INSERT INTO mnemo_journal_skipped(node, seq_first, seq_last, created_at_ms, n_changes, "
      "crc32, payload, skipped_at_ms) SELECT node, seq_first, seq_last, created_at_ms, n_changes, "
      "crc32, payload, $3 FROM moved",
      {PgParam::of(node_), PgParam::of(from_seq), PgParam::of(now_ms)});
  if (!r.ok()) return r.error();
  return r->affected();
}

Result<std::uint64_t> PostgresBackend::max_set_aside_seq() {
  Result<PgResult> r =
      query("read set-aside rows",
            "SELECT coalesce(max(seq_last), 0)::bigint FROM mnemo_journal_skipped WHERE node = $1",
            {PgParam::of(node_)});
  if (!r.ok()) return r.error();
  return static_cast<std::uint64_t>(r->i64(0, 0));
}

Result<std::uint64_t> PostgresBackend::count_changes_after(std::uint64_t after_seq) {
  Result<PgResult> r = query(
      "count journal changes",
      "SELECT coalesce(sum(n_changes), 0)::bigint FROM mnemo_journal WHERE node = $1 AND "
      "seq_last > $2",
      {PgParam::of(node_), PgParam::of(after_seq)});
  if (!r.ok()) return r.error();
  return static_cast<std::uint64_t>(r->i64(0, 0));
}

Result<std::uint64_t> PostgresBackend::stored_bytes() {
  // pg_column_size reads the stored (TOAST) size, not the value itself.
  Result<PgResult> r = query(
      "measure journal",
      "SELECT coalesce(sum(pg_column_size(payload)), 0)::bigint FROM mnemo_journal WHERE node = $1",
      {PgParam::of(node_)});
  if (!r.ok()) return r.error();
  return static_cast<std::uint64_t>(r->i64(0, 0));
}

}  // namespace mnemo::persistence
