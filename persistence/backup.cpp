#include "persistence/backup.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <thread>
#include <vector>

#include "persistence/sqlite_db.h"

namespace mnemo::persistence {

using protocol::Error;
using protocol::Result;
using protocol::Status;

namespace {

constexpr int kBusyRetries = 50;
constexpr auto kBusyPause = std::chrono::milliseconds(100);

// Creating the file with O_EXCL is what makes "never overwrite" race-free.
Outcome create_exclusive(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    const int err = errno;
    if (err == EEXIST) return Error{Status::bad_request, "refusing to overwrite existing file " + path};
    return Error{Status::bad_request, "cannot create " + path + ": " + std::strerror(err)};
  }
  ::close(fd);
  return success();
}

void remove_partial(const std::string& path) {
  std::error_code ec;
  for (const char* suffix : {"", "-journal", "-wal", "-shm"}) {
    std::filesystem::remove(path + suffix, ec);
  }
}

Outcome copy_pages(SqliteDb& src, SqliteDb& dst) {
  sqlite3_backup* b = sqlite3_backup_init(dst.handle(), "main", src.handle(), "main");
  if (!b) return dst.error(sqlite3_errcode(dst.handle()), "backup init");
  int rc = SQLITE_OK;
  for (int attempt = 0; attempt < kBusyRetries; ++attempt) {
    // All pages in one step: one read transaction, so one consistent state,
    // and a concurrent journal commit cannot make the copy restart.
    rc = sqlite3_backup_step(b, -1);
    if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
    std::this_thread::sleep_for(kBusyPause);  // a retry pause, not synchronisation
  }
  const int finish_rc = sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE) return dst.error(rc, "backup copy");
  if (finish_rc != SQLITE_OK) return dst.error(finish_rc, "backup finish");
  return success();
}

}  // namespace

Result<std::uint64_t> copy_database(const std::string& source_path, const std::string& dest_path) {
  if (dest_path.empty()) return Error{Status::bad_request, "backup path is empty"};
  if (Outcome r = create_exclusive(dest_path); !r.ok()) return r.error();
  Outcome r = success();
  {
    Result<SqliteDb> src = SqliteDb::open(source_path, SqliteDb::read_write_flags());
    Result<SqliteDb> dst = SqliteDb::open(dest_path, SqliteDb::read_write_flags());
    if (!src.ok()) {
      r = src.error();
    } else if (!dst.ok()) {
      r = dst.error();
    } else {
      src->set_busy_timeout(5000);
      r = copy_pages(*src, *dst);
      if (r.ok()) {
        Result<std::string> mode = dst->query_text("PRAGMA journal_mode=DELETE");
        if (!mode.ok()) r = mode.error();
      }
    }
  }
  if (!r.ok()) {
    remove_partial(dest_path);
    return r.error();
  }
  std::error_code ec;
  const auto bytes = std::filesystem::file_size(dest_path, ec);
  return static_cast<std::uint64_t>(ec ? 0 : bytes);
}

BackupRunner::~BackupRunner() { stop(); }

void BackupRunner::start() {
  std::lock_guard lk(mu_);
  if (started_ || stopping_) return;
  started_ = true;
  thread_ = std::thread([this] { run(); });
}

void BackupRunner::stop() {
  {
    std::lock_guard lk(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::deque<Job> left;
  {
    std::lock_guard lk(mu_);
    left.swap(jobs_);
  }
  for (Job& j : left) {
    if (j.done) j.done(Status::shutting_down, "the server is stopping");
  }
}

void BackupRunner::request(std::string dest_path, Done done) {
  {
    std::lock_guard lk(mu_);
    if (started_ && !stopping_) {
      jobs_.push_back(Job{std::move(dest_path), std::move(done)});
      wake_.notify_all();
      return;
    }
  }
  if (done) done(Status::shutting_down, "backups are not running");
}

void BackupRunner::run() {
  for (;;) {
    Job job;
    {
      std::unique_lock lk(mu_);
      wake_.wait(lk, [&] { return stopping_ || !jobs_.empty(); });
      if (stopping_) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    const auto began = std::chrono::steady_clock::now();
    Result<std::uint64_t> r = copy_database(source_path_, job.path);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - began)
                        .count();
    if (r.ok()) {
      spdlog::info("backup: wrote {} ({} bytes) in {} ms", job.path, *r, ms);
      if (job.done) job.done(Status::ok, job.path + " (" + std::to_string(*r) + " bytes)");
    } else {
      spdlog::error("backup to {} failed: {}", job.path, r.error().message);
      if (job.done) job.done(r.error().status, r.error().message);
    }
  }
}

}  // namespace mnemo::persistence
