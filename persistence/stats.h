// What the journal writer and the snapshot writer report: one struct each,
// defined once and nested as they are in PersistenceStats (persistence.h).
#pragma once

#include <cstdint>
#include <string>

#include "protocol/message.h"

namespace mnemo::persistence {

struct JournalStats {
  std::uint64_t last_seq = 0;
  std::uint64_t durable_seq = 0;
  std::uint64_t queue_bytes = 0;    // queued + being committed
  std::uint64_t queue_changes = 0;
  std::int64_t oldest_unflushed_age_ms = 0;
  std::uint64_t batches_written = 0;
  std::uint64_t changes_written = 0;
  std::uint64_t bytes_written = 0;  // stored payload bytes (after compression)
  std::uint64_t commit_failures = 0;
  bool failing = false;
  std::string last_error;
  std::int64_t last_error_at_ms = 0;
};

struct SnapshotStats {
  bool running = false;
  std::uint64_t completed = 0;
  std::uint64_t failures = 0;
  protocol::SnapshotInfo last;  // last complete one (id 0 = none)
  std::string last_error;
  // Journaled changes still to come before the change policy starts a snapshot
  // (0 = due now, -1 = the change policy is off).
  std::int64_t changes_until_auto = -1;
  // The last complete snapshot's chunks before compression, and the CPU time
  // the snapshot thread spent compressing them.
  std::uint64_t last_raw_bytes = 0;
  std::uint64_t last_compress_cpu_us = 0;
  std::uint64_t reclaimed_bytes = 0;  // given back to the file system since start
  // The journal's stored payload bytes when last measured (at load and after
  // each compaction), and the journal's bytes_written at that moment: the
  // journal holds about journal_bytes + (bytes_written now - that).
  std::uint64_t journal_bytes = 0;
  std::uint64_t journal_written_at_measure = 0;
};

}  // namespace mnemo::persistence
