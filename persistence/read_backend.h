// A connection of its own for reading what a server stored, whichever backend
// holds it: SQLite's file in data_dir (WAL mode lets it read beside the
// server's writes) or the PostgreSQL node named by journal_url and node_name
// (the snapshot role: it takes no node lock, so the server keeps its own).
// The change feed's JournalReader reads through one; tests look at what a
// server wrote through one, on either backend.
//
// Threads: one thread at a time, like the backend it holds.
#pragma once

#include <memory>

#include "persistence/backend.h"
#include "persistence/options.h"
#include "persistence/postgres_backend.h"
#include "protocol/result.h"

namespace mnemo::persistence {

class ReadBackend {
 public:
  // Opens SQLite's file (which must exist) or connects to PostgreSQL.
  static protocol::Result<ReadBackend> open(const Options& opts);

  StorageBackend& operator*() { return *backend_; }
  StorageBackend* operator->() { return backend_.get(); }

 private:
  ReadBackend() = default;
  std::unique_ptr<PgFence> fence_;  // the PostgreSQL backend's; never taken by a reader
  std::unique_ptr<StorageBackend> backend_;
};

}  // namespace mnemo::persistence
