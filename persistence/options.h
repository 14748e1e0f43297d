// Options of the persistence module, filled by server/config.cpp from flags.
#pragma once

#include <cstdint>
#include <string>

#include "persistence/record_compress.h"

namespace mnemo::persistence {

// Maps to SQLite's PRAGMA synchronous in WAL mode (docs/DURABILITY.md):
//   full   - each commit is fsync'd: survives process crash and power loss
//   normal - WAL fsync'd only at checkpoints: survives process crash, may lose
//            the last commits on power loss
//   off    - no fsync at all: survives process crash only
enum class SyncMode : std::uint8_t { off, normal, full };

// The journal writer's settings (journal_writer.h says how each is used).
struct JournalOptions {
  std::uint32_t flush_interval_ms = 10;
  std::uint64_t queue_limit_bytes = 256ull << 20;       // hard limit: append() answers BUSY past it
  std::uint64_t queue_high_water_bytes = 192ull << 20;  // sessions stop reading past it
  std::uint32_t max_batch_changes = 100000;             // a whole unit goes in one batch even past these
  std::uint64_t max_batch_bytes = 16ull << 20;
  // Batches of at least compress_min_bytes are compressed (docs/DURABILITY.md):
  // small ones gain little and would only add latency to the commit.
  Codec codec = Codec::zstd;
  std::uint64_t compress_min_bytes = 4096;
  std::uint32_t retry_min_ms = 10;  // a failing commit is retried after this, doubling up to retry_max_ms
  std::uint32_t retry_max_ms = 1000;
  // A shared database's outage is expected to pass (docs/SCALING.md): while a
  // commit fails, appends are still queued up to queue_high_water_bytes and
  // durable waiters wait up to durable_timeout_ms, instead of both being
  // refused at the first failure as on a failing local disk.
  bool absorb_outages = false;
  std::uint32_t durable_timeout_ms = 5000;  // only while absorbing an outage
  std::uint32_t stop_retry_ms = 10000;  // how long stop() retries a failing disk before giving up
                                        // on the queued changes (logged)
};

// The snapshot writer's settings (snapshot_writer.h).
struct SnapshotOptions {
  // One kept: recovery only ever reads the newest (the journal before it is
  // compacted away), so an older one is only a point-in-time copy; a backup
  // is the better tool for that (docs/DURABILITY.md).
  std::uint32_t keep = 1;
  std::uint32_t chunk_entries = 4096;
  std::uint64_t every_changes = 0;  // 0 = off
  // Raises the change trigger to this percentage of the last snapshot's
  // entries, so a large store is not rewritten every every_changes (0 = off).
  std::uint32_t growth_percent = 0;
  std::uint32_t every_seconds = 0;     // 0 = off
  std::uint32_t policy_poll_ms = 200;  // how often the automatic policy is checked
  Codec codec = Codec::zstd;           // every chunk (docs/DURABILITY.md)
};

struct Options {
  std::string data_dir = "./data";
  // A PostgreSQL URL (postgresql://...) puts the journal and snapshots there
  // instead of SQLite in data_dir (docs/SCALING.md); rows are keyed by node_name.
  std::string journal_url;
  std::string node_name = "default";
  std::string db_file_name = "mnemo.db";
  JournalOptions journal;
  SyncMode sync = SyncMode::full;
  bool recover_truncated = false;  // start from the last good journal row instead of failing
  SnapshotOptions snapshot;
  // Limits and tuning (rarely changed; the defaults suit a server).
  std::uint64_t max_page_count = 0;       // SQLite PRAGMA max_page_count; 0 = unlimited.
                                          // Tests use it to make the disk "full".
};

}  // namespace mnemo::persistence
