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

struct Options {
  std::string data_dir = "./data";
  std::string db_file_name = "mnemo.db";
  std::uint32_t flush_interval_ms = 10;
  std::uint64_t queue_limit_bytes = 256ull << 20;   // hard limit: append() answers BUSY past it
  std::uint64_t queue_high_water_bytes = 192ull << 20;  // sessions stop reading past it
  std::uint32_t max_batch_changes = 100000;
  std::uint64_t max_batch_bytes = 16ull << 20;
  SyncMode sync = SyncMode::full;
  bool recover_truncated = false;  // start from the last good journal row instead of failing
  // Compression (docs/DURABILITY.md): every snapshot chunk, and journal
  // batches of at least journal_compress_min_bytes (small ones gain little
  // and would only add latency to the commit).
  Codec snapshot_codec = Codec::zstd;
  Codec journal_codec = Codec::zstd;
  std::uint64_t journal_compress_min_bytes = 4096;
  // Snapshots. One kept: recovery only ever reads the newest (the journal
  // before it is compacted away), so an older one is only a point-in-time
  // copy; a backup is the better tool for that (docs/DURABILITY.md).
  std::uint32_t snapshots_keep = 1;
  std::uint32_t snapshot_chunk_entries = 4096;
  std::uint64_t snapshot_every_changes = 0;  // 0 = off
  // Raises the change trigger to this percentage of the last snapshot's entries,
  // so a large store is not rewritten every snapshot_every_changes (0 = off).
  std::uint32_t snapshot_growth_percent = 0;
  std::uint32_t snapshot_every_seconds = 0;  // 0 = off
  // Limits and tuning (rarely changed; the defaults suit a server).
  std::uint64_t max_page_count = 0;       // SQLite PRAGMA max_page_count; 0 = unlimited.
                                          // Tests use it to make the disk "full".
  std::uint32_t stop_retry_ms = 10000;    // how long stop() retries a failing disk before
                                          // giving up on the queued changes (logged)
};

}  // namespace mnemo::persistence
