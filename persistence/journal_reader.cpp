#include "persistence/journal_reader.h"

#include <algorithm>

#include "persistence/record_codec.h"
#include "persistence/sqlite_db.h"

namespace mnemo::persistence {

using protocol::Result;

Result<JournalReader> JournalReader::open(const std::string& path) {
  Result<SqliteDb> db = SqliteDb::open(path, SqliteDb::read_write_flags());
  if (!db.ok()) return db.error();
  // A snapshot's compaction or a checkpoint may hold the file briefly.
  db->set_busy_timeout(5000);
  return JournalReader(SqliteBackend(std::move(*db)));
}

Result<std::uint64_t> JournalReader::oldest_after() {
  Result<std::int64_t> horizon =
      backend_.db().query_int("SELECT COALESCE(MAX(start_seq), 0) FROM snapshots WHERE state = 1");
  if (!horizon.ok()) return horizon.error();
  if (*horizon <= 0) return std::uint64_t{0};  // no snapshot: nothing was ever compacted
  Result<std::int64_t> first = backend_.db().query_int("SELECT COALESCE(MIN(seq_first), 0) FROM journal");
  if (!first.ok()) return first.error();
  std::int64_t oldest_seq = *horizon;
  if (*first > 0) oldest_seq = std::min(oldest_seq, *first);
  return static_cast<std::uint64_t>(std::max<std::int64_t>(oldest_seq - 1, 0));
}

Outcome JournalReader::read(std::uint64_t after, std::uint64_t upto,
                            const std::function<bool(const Change&)>& visit) {
  Outcome failure = success();
  Outcome scan = backend_.scan_rows(after, [&](const JournalRow& row) {
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
