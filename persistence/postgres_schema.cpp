#include "persistence/postgres_schema.h"

#include <spdlog/spdlog.h>

#include <random>

namespace mnemo::persistence {

using protocol::Error;
using protocol::Result;
using protocol::Status;

namespace {

// Serialises schema creation between nodes starting at once (an arbitrary
// constant: "mnemo" in ASCII).
constexpr const char* kSchemaLockKey = "470003576175";  // 0x6d6e656d6f

// The tables of version 1. Payloads are already compressed by mnemo, so
// PostgreSQL is told not to try again (STORAGE EXTERNAL).
constexpr const char* kCreateV1 = R"SQL(
CREATE TABLE IF NOT EXISTS mnemo_meta (key text PRIMARY KEY, value text NOT NULL);
CREATE TABLE IF NOT EXISTS mnemo_nodes (
  node text PRIMARY KEY, server_id text NOT NULL, created_at_ms bigint NOT NULL,
  epoch bigint NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS mnemo_journal (
  node text NOT NULL, seq_first bigint NOT NULL, seq_last bigint NOT NULL,
  created_at_ms bigint NOT NULL, n_changes bigint NOT NULL, crc32 bigint NOT NULL,
  payload bytea NOT NULL, PRIMARY KEY (node, seq_last));
ALTER TABLE mnemo_journal ALTER COLUMN payload SET STORAGE EXTERNAL;
CREATE TABLE IF NOT EXISTS mnemo_journal_skipped (
  node text NOT NULL, seq_first bigint NOT NULL, seq_last bigint NOT NULL,
  created_at_ms bigint NOT NULL, n_changes bigint NOT NULL, crc32 bigint NOT NULL,
  payload bytea NOT NULL, skipped_at_ms bigint NOT NULL);
CREATE INDEX IF NOT EXISTS mnemo_journal_skipped_node ON mnemo_journal_skipped (node, seq_last);
CREATE TABLE IF NOT EXISTS mnemo_snapshots (
  node text NOT NULL, id bigint NOT NULL, start_seq bigint NOT NULL, state bigint NOT NULL,
  entries bigint NOT NULL DEFAULT 0, bytes bigint NOT NULL DEFAULT 0,
  duration_ms bigint NOT NULL DEFAULT 0, started_at_ms bigint NOT NULL,
  chunks bigint NOT NULL DEFAULT 0, error text, PRIMARY KEY (node, id));
CREATE TABLE IF NOT EXISTS mnemo_snapshot_chunks (
  node text NOT NULL, snapshot_id bigint NOT NULL, chunk_no bigint NOT NULL,
  n_entries bigint NOT NULL, crc32 bigint NOT NULL, payload bytea NOT NULL,
  PRIMARY KEY (node, snapshot_id, chunk_no));
ALTER TABLE mnemo_snapshot_chunks ALTER COLUMN payload SET STORAGE EXTERNAL;
INSERT INTO mnemo_meta(key, value) VALUES ('schema_version', '1') ON CONFLICT DO NOTHING;
)SQL";

std::string random_hex() {
  std::random_device rd;
  std::uniform_int_distribution<std::uint64_t> dist;
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(dist(rd)),
                static_cast<unsigned long long>(dist(rd)));
  return buf;
}

Result<std::int64_t> stored_version(PgConn& c) {
  Result<PgResult> r = c.query("read schema version",
                               "SELECT value::bigint FROM mnemo_meta WHERE key = 'schema_version'");
  if (!r.ok()) return r.error();
  if (r->rows() != 1) return Error{Status::internal, "postgresql: mnemo_meta has no schema_version row"};
  return r->i64(0, 0);
}

Result<PgSchemaInfo> register_node(PgConn& c, const std::string& node, std::int64_t now_ms) {
  PgSchemaInfo info;
  Result<PgResult> ins = c.query(
      "register node",
      "INSERT INTO mnemo_nodes(node, server_id, created_at_ms) VALUES ($1, $2, $3) "
      "ON CONFLICT DO NOTHING",
      {PgParam::of(node), PgParam::of(random_hex()), PgParam::of(now_ms)});
  if (!ins.ok()) return ins.error();
  info.node_created = ins->affected() == 1;
  Result<PgResult> sel =
      c.query("read node", "SELECT server_id FROM mnemo_nodes WHERE node = $1", {PgParam::of(node)});
  if (!sel.ok()) return sel.error();
  info.server_id = std::string(sel->bytes(0, 0));
  return info;
}

Result<PgSchemaInfo> create_and_check(PgConn& c, const std::string& node, std::int64_t now_ms) {
  if (Outcome r = c.exec("lock schema", std::string("SELECT pg_advisory_xact_lock(") +
                                            kSchemaLockKey + ")");
      !r.ok()) {
    return r.error();
  }
  if (Outcome r = c.exec_script("create schema", kCreateV1); !r.ok()) return r.error();
  Result<std::int64_t> v = stored_version(c);
  if (!v.ok()) return v.error();
  if (*v > kPgSchemaVersion) {
    return Error{Status::internal,
                 "postgresql: the mnemo schema is version " + std::to_string(*v) +
                     ", newer than this build reads (" + std::to_string(kPgSchemaVersion) +
                     "); refusing to touch it"};
  }
  // Older versions would be migrated here, one step at a time.
  Result<PgSchemaInfo> info = register_node(c, node, now_ms);
  if (!info.ok()) return info.error();
  info->schema_version = *v;
  return info;
}

}  // namespace

Result<PgSchemaInfo> pg_check_or_create_schema(PgConn& c, const std::string& node,
                                               std::int64_t now_ms) {
  if (Outcome r = c.exec("begin", "BEGIN"); !r.ok()) return r.error();
  Result<PgSchemaInfo> info = create_and_check(c, node, now_ms);
  if (!info.ok()) {
    (void)c.exec("rollback", "ROLLBACK");
    return info;
  }
  if (Outcome r = c.exec("commit schema", "COMMIT"); !r.ok()) return r.error();
  return info;
}

namespace {
std::string node_lock_key(const std::string& node) { return "mnemo node " + node; }
}  // namespace

Result<std::int64_t> pg_take_node(PgConn& c, const std::string& node) {
  Result<PgResult> lock = c.query("take node lock",
                                  "SELECT pg_try_advisory_lock(hashtextextended($1, 0))",
                                  {PgParam::of(node_lock_key(node))});
  if (!lock.ok()) return lock.error();
  if (!lock->boolean(0, 0)) {
    return Error{Status::busy, "node '" + node +
                                   "' is in use by another mnemo server (its PostgreSQL "
                                   "advisory lock is held); two servers never write one node"};
  }
  Result<PgResult> epoch = c.query(
      "bump node epoch", "UPDATE mnemo_nodes SET epoch = epoch + 1 WHERE node = $1 RETURNING epoch",
      {PgParam::of(node)});
  if (!epoch.ok()) return epoch.error();
  if (epoch->rows() != 1) return Error{Status::internal, "postgresql: node '" + node + "' has no row"};
  return epoch->i64(0, 0);
}

Outcome pg_release_node(PgConn& c, const std::string& node) {
  Result<PgResult> r = c.query("release node lock", "SELECT pg_advisory_unlock(hashtextextended($1, 0))",
                               {PgParam::of(node_lock_key(node))});
  if (!r.ok()) return r.error();
  return success();
}

}  // namespace mnemo::persistence
