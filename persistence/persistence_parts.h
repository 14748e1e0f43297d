// What Persistence::open assembles for a backend before the facade takes
// over: the two connections and what must outlive them. Internal to
// persistence/ (persistence.cpp and the per-backend openers).
#pragma once

#include <memory>
#include <string>

#include "persistence/backend.h"
#include "persistence/clock.h"
#include "persistence/options.h"

namespace mnemo::persistence {

struct PersistenceParts {
  std::shared_ptr<void> keep;  // lock file or fence: released after both connections
  std::string name;            // for logs and errors (no password)
  std::unique_ptr<StorageBackend> journal;    // recovery, then the journal thread
  std::unique_ptr<StorageBackend> snapshots;  // the snapshot thread (and load())
  std::string sqlite_path;     // empty with PostgreSQL: no BACKUP, no file sizes
};

// Connects to opts.journal_url, creates or checks the schema, registers and
// takes opts.node_name. Throws std::runtime_error naming the problem (server
// unreachable, node held by another server, newer schema).
PersistenceParts open_postgres_parts(const Options& opts, const Clock& clock);

// The URL without its password, for logs.
std::string redacted_url(const std::string& url);

}  // namespace mnemo::persistence
