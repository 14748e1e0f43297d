#include "persistence/schema.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <random>
#include <string>

namespace mnemo::persistence {

using protocol::Error;
using protocol::Result;
using protocol::Status;

namespace {

constexpr const char* kCreateTables = R"sql(
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE journal (
  id            INTEGER PRIMARY KEY,
  seq_first     INTEGER NOT NULL,
  seq_last      INTEGER NOT NULL,
  created_at_ms INTEGER NOT NULL,
  n_changes     INTEGER NOT NULL,
  crc32         INTEGER NOT NULL,
  payload       BLOB NOT NULL
);
CREATE INDEX journal_seq_last ON journal(seq_last);
CREATE TABLE journal_skipped (
  id            INTEGER PRIMARY KEY,
  seq_first     INTEGER NOT NULL,
  seq_last      INTEGER NOT NULL,
  created_at_ms INTEGER NOT NULL,
  n_changes     INTEGER NOT NULL,
  crc32         INTEGER NOT NULL,
  payload       BLOB NOT NULL,
  skipped_at_ms INTEGER NOT NULL
);
CREATE TABLE snapshots (
  id            INTEGER PRIMARY KEY,
  start_seq     INTEGER NOT NULL,
  state         INTEGER NOT NULL,
  started_at_ms INTEGER NOT NULL,
  entries       INTEGER NOT NULL DEFAULT 0,
  bytes         INTEGER NOT NULL DEFAULT 0,
  duration_ms   INTEGER NOT NULL DEFAULT 0,
  chunks        INTEGER NOT NULL DEFAULT 0,
  error         TEXT
);
CREATE TABLE snapshot_chunks (
  id          INTEGER PRIMARY KEY,
  snapshot_id INTEGER NOT NULL,
  chunk_no    INTEGER NOT NULL,
  n_entries   INTEGER NOT NULL,
  crc32       INTEGER NOT NULL,
  payload     BLOB NOT NULL,
  UNIQUE (snapshot_id, chunk_no)
);
)sql";

std::string random_server_id() {
  std::random_device rd;
  std::uniform_int_distribution<unsigned> nibble(0, 15);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  for (int i = 0; i < 32; ++i) id += kHex[nibble(rd)];
  return id;
}

Result<SchemaInfo> create_schema(SqliteDb& db, const Clock& clock) {
  SchemaInfo info{kFormatVersion, random_server_id(), true};
  // Before the first table: afterwards only a VACUUM can change it.
  if (Outcome r = db.exec("PRAGMA auto_vacuum=INCREMENTAL", "set auto_vacuum"); !r.ok()) {
    return r.error();
  }
  if (Outcome r = db.begin(); !r.ok()) return r.error();
  Outcome r = db.exec(kCreateTables, "create tables");
  if (r.ok()) {
    Result<Statement> st = db.prepare("INSERT INTO meta(key, value) VALUES (?1, ?2)");
    if (!st.ok()) {
      r = st.error();
    } else {
      const std::string created = std::to_string(clock.now_ms());
      for (auto [k, v] : {std::pair<const char*, const std::string*>{"format_version", nullptr},
                          {"server_id", &info.server_id},
                          {"created_at_ms", &created}}) {
        const std::string value = v ? *v : std::to_string(kFormatVersion);
        st->bind_text(1, k).bind_text(2, value);
        if (r = st->run(); !r.ok()) break;
      }
    }
  }
  if (!r.ok()) {
    db.rollback();
    return r.error();
  }
  if (Outcome c = db.commit(); !c.ok()) return c.error();
  return info;
}

// Rewrites the file with VACUUM when it is not in incremental auto-vacuum
// mode yet (files created before format 2). Takes about as long as copying
// the file; done once.
Outcome ensure_incremental_vacuum(SqliteDb& db) {
  Result<std::int64_t> mode = db.query_int("PRAGMA auto_vacuum");
  if (!mode.ok()) return mode.error();
  if (*mode == 2) return success();
  spdlog::info("persistence: {}: switching to incremental auto-vacuum (VACUUM, once)", db.path());
  const auto began = std::chrono::steady_clock::now();
  if (Outcome r = db.exec("PRAGMA auto_vacuum=INCREMENTAL", "set auto_vacuum"); !r.ok()) return r;
  if (Outcome r = db.exec("VACUUM", "VACUUM to incremental auto-vacuum"); !r.ok()) return r;
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - began)
                      .count();
  spdlog::info("persistence: {}: VACUUM done in {} ms", db.path(), ms);
  return success();
}

// Upgrades an older format in place, one step at a time, and keeps reading
// every older one. 1 -> 2: records of version 2 may follow (the rows of
// version 1 stay as they are and are still read); incremental auto-vacuum.
Outcome migrate(SqliteDb& db, std::int64_t from_version) {
  if (Outcome r = ensure_incremental_vacuum(db); !r.ok()) return r;
  if (from_version == kFormatVersion) return success();
  if (from_version == 1) {
    spdlog::info("persistence: {}: format 1 -> 2", db.path());
    return db.exec("UPDATE meta SET value = '2' WHERE key = 'format_version'",
                   "migrate format 1 to 2");
  }
  return Error{Status::internal,
               "format version " + std::to_string(from_version) + " has no migration"};
}

Result<SchemaInfo> check_existing(SqliteDb& db) {
  const std::string& path = db.path();
  Result<std::int64_t> has_meta =
      db.query_int("SELECT count(*) FROM sqlite_master WHERE type='table' AND name='meta'");
  if (!has_meta.ok()) return has_meta.error();
  if (*has_meta == 0) {
    return Error{Status::internal, path + " is an SQLite database but not a mnemo database "
                                          "(it has tables but no meta table)"};
  }
  Result<std::string> version =
      db.query_text("SELECT value FROM meta WHERE key='format_version'");
  if (!version.ok()) {
    return Error{Status::internal,
                 path + " is not a mnemo database (no format_version in meta): " +
                     version.error().message};
  }
  SchemaInfo info;
  try {
    info.format_version = std::stoll(*version);
  } catch (const std::exception&) {
    return Error{Status::internal, path + ": unreadable format_version '" + *version + "'"};
  }
  if (info.format_version > kFormatVersion) {
    return Error{Status::internal,
                 path + " has format version " + std::to_string(info.format_version) +
                     ", newer than this build reads (" + std::to_string(kFormatVersion) +
                     "); upgrade mnemo"};
  }
  if (info.format_version < 1) {
    return Error{Status::internal, path + ": invalid format_version " + *version};
  }
  if (Outcome m = migrate(db, info.format_version); !m.ok()) return m.error();
  info.format_version = kFormatVersion;
  Result<std::string> id = db.query_text("SELECT value FROM meta WHERE key='server_id'");
  if (id.ok()) info.server_id = *id;
  return info;
}

}  // namespace

Result<SchemaInfo> check_or_create_schema(SqliteDb& db, const Clock& clock) {
  // The first read of the file is where SQLite notices it is not a database.
  Result<std::int64_t> tables = db.query_int("SELECT count(*) FROM sqlite_master");
  if (!tables.ok()) {
    return Error{Status::internal,
                 db.path() + " cannot be read as an SQLite database: " + tables.error().message};
  }
  if (*tables == 0) return create_schema(db, clock);
  return check_existing(db);
}

Outcome configure_connection(SqliteDb& db, SyncMode sync, int busy_timeout_ms,
                             std::uint64_t max_page_count) {
  db.set_busy_timeout(busy_timeout_ms);
  Result<std::string> mode = db.query_text("PRAGMA journal_mode=WAL");
  if (!mode.ok()) return mode.error();
  if (*mode != "wal") {
    return Error{Status::internal, db.path() + ": cannot switch to WAL mode (got " + *mode + ")"};
  }
  const char* sync_sql = sync == SyncMode::full     ? "PRAGMA synchronous=FULL"
                         : sync == SyncMode::normal ? "PRAGMA synchronous=NORMAL"
                                                    : "PRAGMA synchronous=OFF";
  if (Outcome r = db.exec(sync_sql, "set synchronous"); !r.ok()) return r;
  // Keeps the WAL file from staying large after a burst or a long reader (e.g. a
  // backup): each time the WAL starts over it is cut back to this size. The
  // snapshot thread also truncates it to nothing after compaction.
  if (Outcome r = db.exec("PRAGMA journal_size_limit=16777216", "set journal_size_limit");
      !r.ok()) {
    return r;
  }
  // Debian builds SQLite with secure_delete on, which makes compaction write every freed
  // page to the WAL as zeros and again at checkpoint: 2-3x the WAL size and seconds per
  // compaction. FAST zeroes only what costs no extra I/O; freed pages are reused anyway.
  if (Outcome r = db.exec("PRAGMA secure_delete=FAST", "set secure_delete"); !r.ok()) return r;
  if (max_page_count > 0) {
    const std::string sql = "PRAGMA max_page_count=" + std::to_string(max_page_count);
    if (Result<std::int64_t> r = db.query_int(sql); !r.ok()) return r.error();
  }
  return success();
}

Result<SqliteDb> open_connection(const std::string& path, const Options& opts,
                                 int busy_timeout_ms) {
  Result<SqliteDb> db = SqliteDb::open(path, SqliteDb::read_write_flags());
  if (!db.ok()) return db;
  if (Outcome r = configure_connection(*db, opts.sync, busy_timeout_ms, opts.max_page_count);
      !r.ok()) {
    return r.error();
  }
  return db;
}

}  // namespace mnemo::persistence
