#include "persistence/recovery.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "persistence/record_codec.h"
#include "persistence/recovery_queue.h"

namespace mnemo::persistence {

using protocol::Error;
using protocol::Result;
using protocol::SnapshotInfo;
using protocol::Status;
using Steady = std::chrono::steady_clock;

namespace {

// Logs how far recovery got about once a second, so a long restart is never silent.
class Progress {
 public:
  Progress() : started_(Steady::now()), last_log_(started_) {}

  void add(std::uint64_t entries, const char* phase) {
    entries_ += entries;
    const Steady::time_point now = Steady::now();
    if (now - last_log_ < std::chrono::seconds(1)) return;
    last_log_ = now;
    spdlog::info("recovery: {}: {} entries so far ({:.0f} entries/s)", phase, entries_, rate());
  }
  double seconds() const { return std::chrono::duration<double>(Steady::now() - started_).count(); }
  double rate() const {
    const double s = seconds();
    return s > 0 ? static_cast<double>(entries_) / s : 0.0;
  }

 private:
  Steady::time_point started_;
  Steady::time_point last_log_;
  std::uint64_t entries_ = 0;
};

std::string row_name(const JournalRow& row) {
  return "journal row " + std::to_string(row.id) + " (seqs " + std::to_string(row.seq_first) +
         ".." + std::to_string(row.seq_last) + ")";
}

std::optional<SnapshotInfo> newest_complete(const std::vector<SnapshotInfo>& all) {
  for (const SnapshotInfo& s : all) {  // newest first
    if (s.state == kSnapshotComplete) return s;
  }
  return std::nullopt;
}

// Runs `read` on a second thread (it pushes decoded items into `queue` and
// returns how the scan went) while this thread hands each item to `apply`, so
// loading takes about as long as the slower of the two instead of their sum.
template <class Item, class Read, class Apply>
Outcome read_and_apply(RecoveryQueue<Item>& queue, Read read, Apply apply) {
  Outcome scan = success();
  std::thread reader([&] {
    scan = read();
    queue.finish();
  });
  try {
    Item item;
    while (queue.pop(item)) {
      apply(item);
      queue.recycle(std::move(item));
    }
  } catch (...) {
    queue.abandon();
    reader.join();
    throw;
  }
  reader.join();
  return scan;
}

// Loads snapshot `snap` (the newest complete one).
Outcome load_snapshot(SnapshotStore& store, const SnapshotInfo& snap, RecoveryTarget& target,
                      RecoveryInfo& info, std::uint64_t& max_seq, Progress& progress) {
  const std::string name = "snapshot " + std::to_string(snap.id);
  std::optional<std::string> problem;  // written by the reader, read after it joined
  RecoveryQueue<DecodedChunk> queue;
  auto read = [&] {
    std::uint32_t next_chunk = 0;
    return store.scan_chunks(snap.id, [&](const SnapshotChunk& chunk) {
      if (chunk.chunk_no != next_chunk) {
        problem = "chunk " + std::to_string(next_chunk) + " is missing";
        return false;
      }
      DecodedChunk d = queue.take_spare();
      Outcome r = decode_entry_views(chunk.payload, chunk.crc32, d.entries, d.payload);
      if (!r.ok() || d.entries.size() != chunk.n_entries) {
        problem = "chunk " + std::to_string(chunk.chunk_no) + ": " +
                  (r.ok() ? "holds " + std::to_string(d.entries.size()) + " entries, row says " +
                                std::to_string(chunk.n_entries)
                          : r.error().message);
        return false;
      }
      d.changes.clear();
      d.max_version = 0;
      for (const SnapshotEntryRef& e : d.entries) {
        // A collection's value is the operation list that builds it from
        // nothing, or for a continuation slice (record version 4) what adds
        // the next elements to it.
        const ChangeKind kind = e.type == 0    ? ChangeKind::put
                                : e.continued ? ChangeKind::slice
                                              : ChangeKind::elements;
        d.changes.emplace_back(e.version, kind, e.key, e.value, e.expire_at_ms, e.db);
        d.max_version = std::max(d.max_version, e.version);
      }
      ++next_chunk;
      return queue.push(std::move(d));
    });
  };
  auto apply = [&](const DecodedChunk& d) {
    target.apply_recovered_batch(d.changes);
    max_seq = std::max(max_seq, d.max_version);
    info.snapshot_entries += d.changes.size();
    progress.add(d.changes.size(), "loading snapshot");
  };
  Outcome scan = read_and_apply(queue, read, apply);
  if (!scan.ok()) return Error{scan.error().status, "reading " + name + ": " + scan.error().message};
  if (!problem && info.snapshot_entries != snap.entries) {
    problem = "has " + std::to_string(info.snapshot_entries) + " entries, its row says " +
              std::to_string(snap.entries);
  }
  if (problem) {
    return Error{Status::internal, name + " (S0 " + std::to_string(snap.start_seq) +
                                       ") is corrupt: " + *problem +
                                       "; restore the database from a backup"};
  }
  info.snapshot_id = snap.id;
  return success();
}

// Checks one row and decodes it into `out` (a copy of its payload and views
// into that copy); the error says what is wrong with the row.
Outcome check_row(const JournalRow& row, std::uint64_t prev_last, DecodedRow& out) {
  if (row.seq_first == 0 || row.seq_first > row.seq_last) {
    return Error{Status::internal, "invalid seq range"};
  }
  if (prev_last != 0 && row.seq_first <= prev_last) {
    return Error{Status::internal, "overlaps the previous row (which ends at seq " +
                                       std::to_string(prev_last) + ")"};
  }
  if (Outcome r = decode_change_views(row.payload, row.crc32, out.changes, out.payload); !r.ok()) {
    return r;
  }
  if (out.changes.size() != row.n_changes || out.changes.empty()) {
    return Error{Status::internal, "holds " + std::to_string(out.changes.size()) +
                                       " changes, row says " + std::to_string(row.n_changes)};
  }
  for (const ChangeRef& c : out.changes) {
    if (c.seq < row.seq_first || c.seq > row.seq_last) {
      return Error{Status::internal, "change with seq " + std::to_string(c.seq) +
                                         " outside the row's range"};
    }
  }
  return success();
}

struct BadRow {
  JournalRow row;  // without payload
  std::string problem;
  std::uint64_t skipped_rows = 0;
  std::uint64_t max_seq = 0;
};

Result<std::optional<BadRow>> replay_journal(JournalBackend& journal, RecoveryTarget& target,
                                             std::uint64_t after_seq, bool recover_truncated,
                                             RecoveryInfo& info, std::uint64_t& max_seq,
                                             Progress& progress) {
  // bad, reader_max_seq and rows are the reader's; read here after it joined.
  std::optional<BadRow> bad;
  std::uint64_t reader_max_seq = max_seq;
  std::uint64_t rows = 0;
  RecoveryQueue<DecodedRow> queue;
  auto read = [&] {
    std::uint64_t prev_last = 0;
    return journal.scan_rows(after_seq, [&](const JournalRow& row) {
      if (bad) {  // only with recover_truncated: count what is skipped
        ++bad->skipped_rows;
        bad->max_seq = std::max(bad->max_seq, row.seq_last);
        return true;
      }
      DecodedRow d = queue.take_spare();
      if (Outcome r = check_row(row, prev_last, d); !r.ok()) {
        bad = BadRow{row, r.error().message, 1, row.seq_last};
        bad->row.payload.clear();
        return recover_truncated;
      }
      prev_last = row.seq_last;
      reader_max_seq = std::max(reader_max_seq, row.seq_last);
      ++rows;
      return queue.push(std::move(d));
    });
  };
  auto apply = [&](const DecodedRow& d) {
    target.apply_recovered_batch(d.changes);
    info.journal_changes += d.changes.size();
    progress.add(d.changes.size(), "replaying journal");
  };
  Outcome scan = read_and_apply(queue, read, apply);
  max_seq = reader_max_seq;
  info.journal_rows += rows;
  if (!scan.ok()) return Error{scan.error().status, "reading the journal: " + scan.error().message};
  return bad;
}

Outcome handle_bad_row(JournalBackend& journal, const BadRow& bad, bool recover_truncated,
                       std::uint64_t last_good_seq, RecoveryInfo& info, const Clock& clock) {
  const std::string what = row_name(bad.row) + " is corrupt: " + bad.problem;
  if (!recover_truncated) {
    return Error{Status::internal,
                 what + ". The last good row ends at seq " + std::to_string(last_good_seq) +
                     "; start with --recover-truncated to recover up to it (the bad row and "
                     "the ones after it are then set aside, not replayed)"};
  }
  spdlog::warn(
      "recovery: {}; --recover-truncated: recovering up to seq {}, setting aside {} rows "
      "(seqs {}..{}) in table journal_skipped",
      what, last_good_seq, bad.skipped_rows, bad.row.seq_first, bad.max_seq);
  Result<std::uint64_t> moved = journal.set_aside_rows_from(bad.row.seq_first, clock.now_ms());
  if (!moved.ok()) return moved.error();
  info.skipped_bad_rows = bad.skipped_rows;
  return success();
}

}  // namespace

Result<RecoveryInfo> run_recovery(JournalBackend& journal, SnapshotStore& snapshots,
                                  RecoveryTarget& target, bool recover_truncated,
                                  const Clock& clock) {
  RecoveryInfo info;
  Progress progress;
  std::uint64_t max_seq = 0;
  Result<std::vector<SnapshotInfo>> all = snapshots.list_snapshots();
  if (!all.ok()) return all.error();
  const std::optional<SnapshotInfo> snap = newest_complete(*all);
  const std::uint64_t s0 = snap ? snap->start_seq : 0;
  Result<std::uint64_t> tail = journal.count_changes_after(s0);
  if (!tail.ok()) return Error{tail.error().status, "reading the journal: " + tail.error().message};
  target.reserve_recovered((snap ? snap->entries : 0) + *tail);
  if (snap) {
    Outcome loaded = load_snapshot(snapshots, *snap, target, info, max_seq, progress);
    if (!loaded.ok()) return loaded.error();
  }
  max_seq = std::max(max_seq, s0);
  Result<std::optional<BadRow>> bad =
      replay_journal(journal, target, s0, recover_truncated, info, max_seq, progress);
  if (!bad.ok()) return bad.error();
  if (bad->has_value()) {
    Outcome r = handle_bad_row(journal, **bad, recover_truncated, max_seq, info, clock);
    if (!r.ok()) return r.error();
  }
  Result<std::uint64_t> aside = journal.max_set_aside_seq();
  if (!aside.ok()) return aside.error();
  max_seq = std::max(max_seq, *aside);
  info.expired_dropped = target.finish_recovery(clock.now_ms());
  info.last_seq = max_seq;
  info.seconds = progress.seconds();
  spdlog::info(
      "recovery: snapshot {} ({} entries) + {} journal rows ({} changes) in {:.2f} s "
      "({:.0f} entries/s); last seq {}, {} expired entries dropped",
      info.snapshot_id, info.snapshot_entries, info.journal_rows, info.journal_changes,
      info.seconds, progress.rate(), info.last_seq, info.expired_dropped);
  return info;
}

}  // namespace mnemo::persistence
