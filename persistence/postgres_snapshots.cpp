// PostgresBackend's SnapshotStore half: the same states and retention rules
// as SqliteBackend (sqlite_backend.cpp), every write fenced by the node's epoch.
#include "persistence/postgres_backend.h"

namespace mnemo::persistence {

using protocol::Error;
using protocol::Result;
using protocol::SnapshotInfo;
using protocol::Status;

namespace {

constexpr int kChunkDeleteStep = 256;  // chunks deleted per transaction
constexpr int kScanPageChunks = 16;  // chunks fetched per query while loading

}  // namespace

Outcome PostgresBackend::begin_snapshot(const SnapshotInfo& info) {
  return in_fenced_transaction([&]() -> Outcome {
    return conn_.exec("begin snapshot",
                      "INSERT INTO mnemo_snapshots(node, id, start_seq, state, started_at_ms) "
                      "VALUES ($1, $2, $3, $4, $5)",
                      {PgParam::of(node_), PgParam::of(info.id), PgParam::of(info.start_seq),
                       PgParam::of(std::int64_t{kSnapshotRunning}), PgParam::of(info.started_at_ms)});
  });
}

Outcome PostgresBackend::insert_chunk(const SnapshotChunk& chunk) {
  return conn_.exec("write snapshot chunk",
                    "INSERT INTO mnemo_snapshot_chunks(node, snapshot_id, chunk_no, n_entries, "
                    "crc32, payload) VALUES ($1, $2, $3, $4, $5, $6)",
                    {PgParam::of(node_), PgParam::of(chunk.snapshot_id),
                     PgParam::of(std::int64_t{chunk.chunk_no}),
                     PgParam::of(std::int64_t{chunk.n_entries}),
                     PgParam::of(std::int64_t{chunk.crc32}), PgParam::blob(chunk.payload)});
}

Outcome PostgresBackend::add_chunk(const SnapshotChunk& chunk) {
  return in_fenced_transaction([&] { return insert_chunk(chunk); });
}

Outcome PostgresBackend::finish_snapshot(const SnapshotInfo& info, const SnapshotChunk* last) {
  return in_fenced_transaction([&]() -> Outcome {
    if (last) {
      if (Outcome r = insert_chunk(*last); !r.ok()) return r;
    }
    Result<PgResult> u = conn_.query(
        "finish snapshot",
        "UPDATE mnemo_snapshots SET state = $3, entries = $4, bytes = $5, duration_ms = $6, "
        "chunks = (SELECT count(*) FROM mnemo_snapshot_chunks WHERE node = $1 AND "
        "snapshot_id = $2) WHERE node = $1 AND id = $2",
        {PgParam::of(node_), PgParam::of(info.id), PgParam::of(std::int64_t{kSnapshotComplete}),
         PgParam::of(info.entries), PgParam::of(info.bytes), PgParam::of(info.duration_ms)});
    if (!u.ok()) return u.error();
    if (u->affected() != 1) {
      return Error{Status::internal, "snapshot " + std::to_string(info.id) + " has no row"};
    }
    return success();
  });
}

Outcome PostgresBackend::fail_snapshot(std::uint64_t id, std::string_view error) {
  Outcome r = in_fenced_transaction([&]() -> Outcome {
    return conn_.exec("fail snapshot",
                      "UPDATE mnemo_snapshots SET state = $3, error = $4 WHERE node = $1 AND id = $2",
                      {PgParam::of(node_), PgParam::of(id),
                       PgParam::of(std::int64_t{kSnapshotFailed}), PgParam::of(error)});
  });
  if (!r.ok()) return r;
  return delete_chunks(id);
}

Outcome PostgresBackend::delete_chunks(std::uint64_t id) {
  for (;;) {
    std::uint64_t n = 0;
    Outcome r = in_fenced_transaction([&]() -> Outcome {
      Result<PgResult> d = conn_.query(
          "delete snapshot chunks",
          "DELETE FROM mnemo_snapshot_chunks WHERE node = $1 AND snapshot_id = $2 AND chunk_no IN "
          "(SELECT chunk_no FROM mnemo_snapshot_chunks WHERE node = $1 AND snapshot_id = $2 "
          "LIMIT " + std::to_string(kChunkDeleteStep) + ")",
          {PgParam::of(node_), PgParam::of(id)});
      if (!d.ok()) return d.error();
      n = d->affected();
      return success();
    });
    if (!r.ok()) return r;
    if (n < static_cast<std::uint64_t>(kChunkDeleteStep)) return success();
  }
}

Outcome PostgresBackend::fail_unfinished() {
  return in_fenced_transaction([&]() -> Outcome {
    Outcome r = conn_.exec("fail unfinished snapshots",
                           "UPDATE mnemo_snapshots SET state = 2, error = 'interrupted (the server "
                           "stopped)' WHERE node = $1 AND state = 0",
                           {PgParam::of(node_)});
    if (!r.ok()) return r;
    // Chunks left by a failed snapshot or by a deletion that was interrupted.
    return conn_.exec("delete orphan chunks",
                      "DELETE FROM mnemo_snapshot_chunks c WHERE c.node = $1 AND NOT EXISTS "
                      "(SELECT 1 FROM mnemo_snapshots s WHERE s.node = $1 AND s.id = c.snapshot_id "
                      "AND s.state != 2)",
                      {PgParam::of(node_)});
  });
}

Result<std::vector<SnapshotInfo>> PostgresBackend::list_snapshots() {
  Result<PgResult> r = query("list snapshots",
                             "SELECT id, start_seq, state, entries, bytes, duration_ms, "
                             "started_at_ms FROM mnemo_snapshots WHERE node = $1 ORDER BY id DESC",
                             {PgParam::of(node_)});
  if (!r.ok()) return r.error();
  std::vector<SnapshotInfo> out;
  for (int i = 0; i < r->rows(); ++i) {
    SnapshotInfo info;
    info.id = static_cast<std::uint64_t>(r->i64(i, 0));
    info.start_seq = static_cast<std::uint64_t>(r->i64(i, 1));
    info.state = static_cast<std::uint8_t>(r->i64(i, 2));
    info.entries = static_cast<std::uint64_t>(r->i64(i, 3));
    info.bytes = static_cast<std::uint64_t>(r->i64(i, 4));
    info.duration_ms = static_cast<std::uint64_t>(r->i64(i, 5));
    info.started_at_ms = r->i64(i, 6);
    out.push_back(info);
  }
  return out;
}

Outcome PostgresBackend::scan_chunks(std::uint64_t id,
                                     const std::function<bool(const SnapshotChunk&)>& visit) {
  SnapshotChunk chunk;
  chunk.snapshot_id = id;
  std::int64_t after = -1;
  for (;;) {
    Result<PgResult> r = query(
        "read snapshot chunks",
        "SELECT chunk_no, n_entries, crc32, payload FROM mnemo_snapshot_chunks WHERE node = $1 "
        "AND snapshot_id = $2 AND chunk_no > $3 ORDER BY chunk_no LIMIT " +
            std::to_string(kScanPageChunks),
        {PgParam::of(node_), PgParam::of(id), PgParam::of(after)});
    if (!r.ok()) return r.error();
    for (int i = 0; i < r->rows(); ++i) {
      chunk.chunk_no = static_cast<std::uint32_t>(r->i64(i, 0));
      chunk.n_entries = static_cast<std::uint32_t>(r->i64(i, 1));
      chunk.crc32 = static_cast<std::uint32_t>(r->i64(i, 2));
      chunk.payload.assign(r->bytes(i, 3));
      after = chunk.chunk_no;
      if (!visit(chunk)) return success();
    }
    if (r->rows() < kScanPageChunks) return success();
  }
}

Result<std::uint64_t> PostgresBackend::delete_snapshots_beyond(std::uint32_t keep) {
  if (keep == 0) keep = 1;  // the newest complete one is what the journal was compacted against
  Result<std::vector<SnapshotInfo>> all = list_snapshots();
  if (!all.ok()) return all.error();
  std::uint32_t complete_seen = 0;
  std::uint64_t deleted = 0;
  for (const SnapshotInfo& s : *all) {  // newest first
    if (s.state == kSnapshotRunning) continue;
    if (s.state == kSnapshotComplete && ++complete_seen <= keep) continue;
    if (s.state == kSnapshotFailed && complete_seen == 0) continue;
    // The row goes first: a deletion cut short leaves only orphan chunks,
    // which fail_unfinished() removes at the next open.
    Outcome r = in_fenced_transaction([&] {
      return conn_.exec("delete snapshot", "DELETE FROM mnemo_snapshots WHERE node = $1 AND id = $2",
                        {PgParam::of(node_), PgParam::of(s.id)});
    });
    if (r.ok()) r = delete_chunks(s.id);
    if (!r.ok()) return r.error();
    ++deleted;
  }
  return deleted;
}

}  // namespace mnemo::persistence
