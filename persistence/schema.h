// The SQLite layout of a mnemo database (docs/DURABILITY.md) and the checks
// run when one is opened: is it SQLite at all, is it a mnemo database, is its
// format one this build reads. Never replaces or reinitialises a database
// that has tables of its own.
//
// Threads: plain functions over a connection the caller owns.
#pragma once

#include <cstdint>
#include <string>

#include "persistence/clock.h"
#include "persistence/options.h"
#include "persistence/outcome.h"
#include "persistence/sqlite_db.h"
#include "protocol/result.h"

namespace mnemo::persistence {

// Bump on any change to the tables or to the record encoding that an older
// build could not read, and add a migration step in schema.cpp.
//   1: record version 1 (record_codec.h)
//   2: record version 2 may be written (varints, database numbers, compressed
//      bodies); the file is in auto_vacuum=INCREMENTAL mode
inline constexpr std::int64_t kFormatVersion = 2;

struct SchemaInfo {
  std::int64_t format_version = 0;
  std::string server_id;     // random hex, fixed when the database is created
  bool created = false;      // true when this open created the schema
};

// Checks (and for an empty file, creates) the schema. Errors say what is wrong
// with the file: not SQLite, not a mnemo database, a newer format. An older
// format is migrated in place (logged); a file not yet in incremental
// auto-vacuum mode is rewritten once by VACUUM to get there (logged, with how
// long it took), so that the pages compaction frees can be given back.
protocol::Result<SchemaInfo> check_or_create_schema(SqliteDb& db, const Clock& clock);

// Per-connection settings: WAL mode, synchronous per `sync`, busy timeout,
// and the test/limit knob max_page_count (0 = SQLite's default).
Outcome configure_connection(SqliteDb& db, SyncMode sync, int busy_timeout_ms,
                             std::uint64_t max_page_count);

// Opens an existing database file for one more connection (snapshot thread,
// backup) with the same settings.
protocol::Result<SqliteDb> open_connection(const std::string& path, const Options& opts,
                                           int busy_timeout_ms);

}  // namespace mnemo::persistence
