// The PostgreSQL layout of mnemo's state (docs/SCALING.md): several nodes
// share one database, every row keyed by its node's name, in six tables
// prefixed mnemo_. mnemo creates them, records the schema version in
// mnemo_meta, migrates older versions and refuses a newer one.
//
// Fencing: a node's journal connection holds a session advisory lock on a
// hash of the node name; taking it bumps the node's epoch in mnemo_nodes,
// and every write of the snapshot connection checks that epoch under a row
// lock, so a server that lost its node to another stops writing at once.
//
// Threads: plain functions over a connection the caller owns.
#pragma once

#include <cstdint>
#include <string>

#include "persistence/postgres_conn.h"
#include "protocol/result.h"

namespace mnemo::persistence {

// Bump on any change to the tables; add a migration step in postgres_schema.cpp.
//   1: the first layout (payloads are record_codec.h records, as in SQLite)
inline constexpr std::int64_t kPgSchemaVersion = 1;

struct PgSchemaInfo {
  std::int64_t schema_version = 0;
  std::string server_id;      // random hex, fixed when the node's row is created
  bool node_created = false;  // true when this open registered the node
};

// Creates or checks the tables (serialised between nodes starting at once by
// a transaction-level advisory lock) and registers `node`. Errors name the
// problem: unreachable, a newer schema, a table that is not mnemo's.
protocol::Result<PgSchemaInfo> pg_check_or_create_schema(PgConn& conn, const std::string& node,
                                                         std::int64_t now_ms);

// Takes the node's advisory lock on `conn`'s session and bumps its epoch.
// Returns the new epoch, or Status::busy with a message naming the node when
// another session holds the lock.
protocol::Result<std::int64_t> pg_take_node(PgConn& conn, const std::string& node);

// Gives back the node's advisory lock that pg_take_node took on `conn`'s session.
Outcome pg_release_node(PgConn& conn, const std::string& node);

}  // namespace mnemo::persistence
