#include "persistence/read_backend.h"

#include <filesystem>

#include "persistence/sqlite_backend.h"
#include "persistence/sqlite_db.h"

namespace mnemo::persistence {

protocol::Result<ReadBackend> ReadBackend::open(const Options& opts) {
  ReadBackend r;
  if (opts.journal_url.empty()) {
    const std::string path = (std::filesystem::path(opts.data_dir) / opts.db_file_name).string();
    protocol::Result<SqliteDb> db = SqliteDb::open(path, SqliteDb::read_write_flags());
    if (!db.ok()) return db.error();
    // A snapshot's compaction or a checkpoint may hold the file briefly.
    db->set_busy_timeout(5000);
    r.backend_ = std::make_unique<SqliteBackend>(std::move(*db));
    return r;
  }
  r.fence_ = std::make_unique<PgFence>();
  auto pg = std::make_unique<PostgresBackend>(opts.journal_url, opts.node_name,
                                              PostgresBackend::Role::snapshots, *r.fence_);
  if (Outcome c = pg->connect(); !c.ok()) return c.error();
  r.backend_ = std::move(pg);
  return r;
}

}  // namespace mnemo::persistence
