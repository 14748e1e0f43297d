#include "persistence/journal_reader.h"

#include <algorithm>

#include "persistence/record_codec.h"

namespace mnemo::persistence {

using protocol::Result;

Result<JournalReader> JournalReader::open(const Options& opts) {
  Result<ReadBackend> b = ReadBackend::open(opts);
  if (!b.ok()) return b.error();
  return JournalReader(std::move(*b));
}

Result<std::uint64_t> JournalReader::oldest_after() {
  Result<std::vector<protocol::SnapshotInfo>> snapshots = backend_->list_snapshots();
  if (!snapshots.ok()) return snapshots.error();
  std::uint64_t horizon = 0;
  for (const protocol::SnapshotInfo& s : *snapshots) {
    if (s.state == kSnapshotComplete) horizon = std::max(horizon, s.start_seq);
  }
  if (horizon == 0) return std::uint64_t{0};  // no snapshot: nothing was ever compacted
  std::uint64_t first = 0;  // the oldest row's first seq: rows come in seq order
  Outcome scan = backend_->scan_rows(0, [&](const JournalRow& row) {
    first = row.seq_first;
    return false;
  });
  if (!scan.ok()) return scan.error();
  std::uint64_t oldest_seq = horizon;
  if (first > 0) oldest_seq = std::min(oldest_seq, first);
  return oldest_seq - 1;
}

Outcome JournalReader::read(std::uint64_t after, std::uint64_t upto,
                            const std::function<bool(const Change&)>& visit) {
  Outcome failure = success();
  Outcome scan = backend_->scan_rows(after, [&](const JournalRow& row) {
    if (row.seq_first > upto) return false;
    Result<std::vector<Change>> changes = decode_changes(row.payload, row.crc32);
    if (!changes.ok()) {
      failure = changes.error();
      return false;
    }
    for (const Change& c : *changes) {
      if (c.seq <= after || c.seq > upto) continue;
      if (!visit(c)) return false;
    }
    return true;
  });
  if (!scan.ok()) return scan;
  return failure;
}

}  // namespace mnemo::persistence
