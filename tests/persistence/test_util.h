// Helpers shared by the persistence tests: polling with a deadline (never a
// bare sleep standing in for synchronisation), a fake JournalBackend with
// failure injection, options suited to tests, raw SQLite access.
#pragma once

#include <sqlite3.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "persistence/backend.h"
#include "persistence/options.h"
#include "persistence/record_codec.h"
#include "tests/support/server_process.h"

namespace mnemo::test {

// Polls `cond` until it holds or `timeout` passes; returns its last value.
inline bool eventually(const std::function<bool()>& cond,
                       std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!cond()) {
    if (std::chrono::steady_clock::now() >= deadline) return cond();
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

// On SQLite in `dir`, or on PostgreSQL under MNEMO_TEST_JOURNAL_URL (server_process.h).
// Tests of what only SQLite has (its file, its locks, VACUUM) are tagged [sqlite].
inline persistence::Options test_options(const std::string& dir) {
  persistence::Options o;
  o.data_dir = dir;
  o.journal_url = test_journal_url();
  if (!o.journal_url.empty()) o.node_name = test_node_name(dir);
  o.journal.flush_interval_ms = 5;
  o.sync = persistence::SyncMode::normal;  // fsync on every commit would only slow tests down
  o.journal.stop_retry_ms = 2000;
  return o;
}

// Collects one callback's answer; get() waits for it with a deadline.
template <class T>
class Answer {
 public:
  std::function<void(T)> callback() {
    return [this](T v) {
      std::lock_guard lk(mu_);
      values_.push_back(std::move(v));
      cv_.notify_all();
    };
  }
  bool wait(std::size_t n = 1, std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    std::unique_lock lk(mu_);
    return cv_.wait_for(lk, timeout, [&] { return values_.size() >= n; });
  }
  std::vector<T> values() {
    std::lock_guard lk(mu_);
    return values_;
  }
  std::size_t count() {
    std::lock_guard lk(mu_);
    return values_.size();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<T> values_;
};

// An in-memory JournalBackend whose commits can be made to fail or to block.
class FakeBackend final : public persistence::JournalBackend {
 public:
  void fail_commits(bool on) {
    std::lock_guard lk(mu_);
    failing_ = on;
  }
  void hold_commits(bool on) {
    std::lock_guard lk(mu_);
    held_ = on;
    cv_.notify_all();
  }
  std::vector<persistence::JournalRow> rows() const {
    std::lock_guard lk(mu_);
    return rows_;
  }
  int attempts() const {
    std::lock_guard lk(mu_);
    return attempts_;
  }
  // All changes of all rows, decoded, in row order.
  std::vector<persistence::Change> changes() const {
    std::vector<persistence::Change> out;
    for (const auto& row : rows()) {
      auto decoded = persistence::decode_changes(row.payload, row.crc32);
      for (auto& c : *decoded) out.push_back(std::move(c));
    }
    return out;
  }

  protocol::Result<std::uint64_t> append_row(const persistence::JournalRow& row) override {
    std::unique_lock lk(mu_);
    ++attempts_;
    cv_.wait(lk, [&] { return !held_; });
    if (failing_) {
      return protocol::Result<std::uint64_t>::failure(protocol::Status::internal,
                                                      "commit: disk I/O error (fake)");
    }
    rows_.push_back(row);
    rows_.back().id = rows_.size();
    return rows_.back().id;
  }
  persistence::Outcome scan_rows(std::uint64_t after_seq,
                                 const std::function<bool(const persistence::JournalRow&)>& visit) override {
    for (const auto& row : rows()) {
      if (row.seq_last > after_seq && !visit(row)) break;
    }
    return persistence::success();
  }
  protocol::Result<std::uint64_t> delete_rows_before(std::uint64_t) override { return std::uint64_t{0}; }
  protocol::Result<std::uint64_t> set_aside_rows_from(std::uint64_t, std::int64_t) override {
    return std::uint64_t{0};
  }
  protocol::Result<std::uint64_t> max_set_aside_seq() override { return std::uint64_t{0}; }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool failing_ = false;
  bool held_ = false;
  int attempts_ = 0;
  std::vector<persistence::JournalRow> rows_;
};

// Raw access to a database file, bypassing mnemo (to inspect or corrupt it).
class RawDb {
 public:
  explicit RawDb(const std::string& path, bool create = false) {
    sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0),
                    nullptr);
    sqlite3_busy_timeout(db_, 5000);
  }
  ~RawDb() { sqlite3_close_v2(db_); }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;

  sqlite3* handle() { return db_; }
  bool exec(const std::string& sql) { return sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK; }
  std::int64_t query_int(const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    std::int64_t v = -1;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
      v = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    return v;
  }
  std::string query_text(const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    std::string v;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
      const void* p = sqlite3_column_blob(st, 0);
      v.assign(static_cast<const char*>(p ? p : ""), static_cast<std::size_t>(sqlite3_column_bytes(st, 0)));
    }
    sqlite3_finalize(st);
    return v;
  }
  bool set_blob(const std::string& sql, const std::string& blob) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) return false;
    sqlite3_bind_blob(st, 1, blob.data(), static_cast<int>(blob.size()), SQLITE_TRANSIENT);
    const bool ok = sqlite3_step(st) == SQLITE_DONE;
    sqlite3_finalize(st);
    return ok;
  }

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace mnemo::test

#include "persistence/persistence.h"
#include "persistence/read_backend.h"
#include "tests/persistence/fake_store.h"

namespace mnemo::test {

// What `opts`'s server stored, read through the backend's own interface: the
// same check on SQLite and on PostgreSQL.
inline persistence::ReadBackend stored(const persistence::Options& opts) {
  auto b = persistence::ReadBackend::open(opts);
  if (!b.ok()) throw std::runtime_error("cannot read the stored journal: " + b.error().message);
  return std::move(*b);
}

// The journal's rows (seq_first, seq_last), in seq order.
inline std::vector<std::pair<std::uint64_t, std::uint64_t>> stored_rows(const persistence::Options& opts) {
  persistence::ReadBackend b = stored(opts);
  std::vector<std::pair<std::uint64_t, std::uint64_t>> rows;
  const persistence::Outcome r = b->scan_rows(0, [&](const persistence::JournalRow& row) {
    rows.emplace_back(row.seq_first, row.seq_last);
    return true;
  });
  if (!r.ok()) throw std::runtime_error(r.error().message);
  return rows;
}

// Snapshot `id`'s chunks' entry counts, in chunk order.
inline std::vector<std::uint32_t> stored_chunks(const persistence::Options& opts, std::uint64_t id) {
  persistence::ReadBackend b = stored(opts);
  std::vector<std::uint32_t> chunks;
  const persistence::Outcome r = b->scan_chunks(id, [&](const persistence::SnapshotChunk& c) {
    chunks.push_back(c.n_entries);
    return true;
  });
  if (!r.ok()) throw std::runtime_error(r.error().message);
  return chunks;
}

// An open, recovered and started Persistence with a FakeStore writing through it.
struct Running {
  explicit Running(const persistence::Options& opts)
      : p(persistence::Persistence::open(opts)), store(&p->change_log()) {
    auto r = p->recover(store);
    if (!r.ok()) throw std::runtime_error("recovery failed: " + r.error().message);
    info = *r;
    p->start(store);
  }
  ~Running() { p->stop(); }
  Running(const Running&) = delete;
  Running& operator=(const Running&) = delete;

  // Waits until everything handed out so far is committed (like SYNC).
  protocol::Status sync() {
    Answer<protocol::Status> done;
    p->wait_durable(p->last_seq(), done.callback());
    if (!done.wait()) return protocol::Status::internal;
    return done.values()[0];
  }

  std::unique_ptr<persistence::Persistence> p;
  FakeStore store;
  persistence::RecoveryInfo info;
};

// Recovers `opts`'s database into a fresh FakeStore and returns its state.
inline protocol::Result<std::pair<FakeState, persistence::RecoveryInfo>> recover_state(
    const persistence::Options& opts) {
  auto p = persistence::Persistence::open(opts);
  FakeStore store(&p->change_log());
  auto r = p->recover(store);
  p->stop();
  if (!r.ok()) return r.error();
  return std::make_pair(store.state(), *r);
}

}  // namespace mnemo::test
