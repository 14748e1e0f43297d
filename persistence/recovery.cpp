#include "persistence/recovery.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <optional>
#include <string>
#include <utility>

#include "persistence/record_codec.h"

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

Change to_change(SnapshotEntry&& e) {
  Change c;
  c.seq = e.version;
  c.kind = ChangeKind::put;
  c.key = std::move(e.key);
  c.value = std::move(e.value);
  c.expire_at_ms = e.expire_at_ms;
  return c;
}

std::optional<SnapshotInfo> newest_complete(const std::vector<SnapshotInfo>& all) {
  for (const SnapshotInfo& s : all) {  // newest first
    if (s.state == kSnapshotComplete) return s;
  }
  return std::nullopt;
}

// Loads the newest complete snapshot; returns its S0 (0 when there is none).
Result<std::uint64_t> load_snapshot(SnapshotStore& store, RecoveryTarget& target,
                                    RecoveryInfo& info, std::uint64_t& max_seq,
                                    Progress& progress) {
  Result<std::vector<SnapshotInfo>> all = store.list_snapshots();
  if (!all.ok()) return all.error();
  const std::optional<SnapshotInfo> snap = newest_complete(*all);
  if (!snap) return std::uint64_t{0};
  const std::string name = "snapshot " + std::to_string(snap->id);
  std::uint32_t next_chunk = 0;
  std::optional<std::string> problem;
  Outcome scan = store.scan_chunks(snap->id, [&](const SnapshotChunk& chunk) {
    if (chunk.chunk_no != next_chunk) {
      problem = "chunk " + std::to_string(next_chunk) + " is missing";
      return false;
    }
    Result<std::vector<SnapshotEntry>> entries = decode_entries(chunk.payload, chunk.crc32);
    if (!entries.ok() || entries->size() != chunk.n_entries) {
      problem = "chunk " + std::to_string(chunk.chunk_no) + ": " +
                (entries.ok() ? "holds " + std::to_string(entries->size()) + " entries, row says " +
                                    std::to_string(chunk.n_entries)
                              : entries.error().message);
      return false;
    }
    for (SnapshotEntry& e : *entries) {
      max_seq = std::max(max_seq, e.version);
      target.apply_recovered(to_change(std::move(e)));
    }
    info.snapshot_entries += entries->size();
    progress.add(entries->size(), "loading snapshot");
    ++next_chunk;
    return true;
  });
  if (!scan.ok()) return Error{scan.error().status, "reading " + name + ": " + scan.error().message};
  if (!problem && info.snapshot_entries != snap->entries) {
    problem = "has " + std::to_string(info.snapshot_entries) + " entries, its row says " +
              std::to_string(snap->entries);
  }
  if (problem) {
    return Error{Status::internal, name + " (S0 " + std::to_string(snap->start_seq) +
                                       ") is corrupt: " + *problem +
                                       "; restore the database from a backup"};
  }
  info.snapshot_id = snap->id;
  return snap->start_seq;
}

// Checks one row and decodes it; the error says what is wrong with it.
Result<std::vector<Change>> check_row(const JournalRow& row, std::uint64_t prev_last) {
  if (row.seq_first == 0 || row.seq_first > row.seq_last) {
    return Error{Status::internal, "invalid seq range"};
  }
  if (prev_last != 0 && row.seq_first <= prev_last) {
    return Error{Status::internal, "overlaps the previous row (which ends at seq " +
                                       std::to_string(prev_last) + ")"};
  }
  Result<std::vector<Change>> changes = decode_changes(row.payload, row.crc32);
  if (!changes.ok()) return changes;
  if (changes->size() != row.n_changes || changes->empty()) {
    return Error{Status::internal, "holds " + std::to_string(changes->size()) +
                                       " changes, row says " + std::to_string(row.n_changes)};
  }
  for (const Change& c : *changes) {
    if (c.seq < row.seq_first || c.seq > row.seq_last) {
      return Error{Status::internal, "change with seq " + std::to_string(c.seq) +
                                         " outside the row's range"};
    }
  }
  return changes;
}

struct BadRow {
  JournalRow row;  // without payload
  std::string problem;
  std::uint64_t skipped_rows = 0;
  std::uint64_t max_seq = 0;
};

// Decoded rows handed from the reading thread to the applying one. Bounded, so a
// fast reader cannot hold the whole journal in memory.
class RowQueue {
 public:
  static constexpr std::size_t kMaxRows = 16;

  void push(std::vector<Change> changes) {
    std::unique_lock lk(mu_);
    has_room_.wait(lk, [&] { return rows_.size() < kMaxRows || abandoned_; });
    if (abandoned_) return;
    rows_.push_back(std::move(changes));
    has_rows_.notify_one();
  }
  // Returns false once the reader is done and everything was taken.
  bool pop(std::vector<Change>& out) {
    std::unique_lock lk(mu_);
    has_rows_.wait(lk, [&] { return !rows_.empty() || done_; });
    if (rows_.empty()) return false;
    out = std::move(rows_.front());
    rows_.pop_front();
    has_room_.notify_one();
    return true;
  }
  void finish() {
    std::lock_guard lk(mu_);
    done_ = true;
    has_rows_.notify_one();
  }
  void abandon() {  // the applier stopped early (an exception): let the reader run out
    std::lock_guard lk(mu_);
    abandoned_ = true;
    has_room_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable has_rows_;
  std::condition_variable has_room_;
  std::deque<std::vector<Change>> rows_;
  bool done_ = false;
  bool abandoned_ = false;
};

// Reading and decoding rows runs on a second thread while this one applies them, so
// replay takes about as long as the slower of the two instead of their sum.
Result<std::optional<BadRow>> replay_journal(JournalBackend& journal, RecoveryTarget& target,
                                             std::uint64_t after_seq, bool recover_truncated,
                                             RecoveryInfo& info, std::uint64_t& max_seq,
                                             Progress& progress) {
  std::optional<BadRow> bad;
  std::uint64_t reader_max_seq = max_seq;
  std::uint64_t rows = 0;
  RowQueue queue;
  Outcome scan = success();
  std::thread reader([&] {
    std::uint64_t prev_last = 0;
    scan = journal.scan_rows(after_seq, [&](const JournalRow& row) {
      if (bad) {  // only with recover_truncated: count what is skipped
        ++bad->skipped_rows;
        bad->max_seq = std::max(bad->max_seq, row.seq_last);
        return true;
      }
      Result<std::vector<Change>> changes = check_row(row, prev_last);
      if (!changes.ok()) {
        bad = BadRow{row, changes.error().message, 1, row.seq_last};
        bad->row.payload.clear();
        return recover_truncated;
      }
      prev_last = row.seq_last;
      reader_max_seq = std::max(reader_max_seq, row.seq_last);
      ++rows;
      queue.push(std::move(*changes));
      return true;
    });
    queue.finish();
  });
  try {
    std::vector<Change> changes;
    while (queue.pop(changes)) {
      for (const Change& c : changes) target.apply_recovered(c);
      info.journal_changes += changes.size();
      progress.add(changes.size(), "replaying journal");
    }
  } catch (...) {
    queue.abandon();
    reader.join();
    throw;
  }
  reader.join();
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
  Result<std::uint64_t> s0 = load_snapshot(snapshots, target, info, max_seq, progress);
  if (!s0.ok()) return s0.error();
  max_seq = std::max(max_seq, *s0);
  Result<std::optional<BadRow>> bad =
      replay_journal(journal, target, *s0, recover_truncated, info, max_seq, progress);
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
