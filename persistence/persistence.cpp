#include "persistence/persistence.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "persistence/backup.h"
#include "persistence/journal_writer.h"
#include "persistence/persistence_parts.h"
#include "persistence/recovery.h"
#include "persistence/schema.h"
#include "persistence/snapshot_writer.h"
#include "persistence/sqlite_backend.h"

namespace mnemo::persistence {

using protocol::Result;
using protocol::SnapshotInfo;
using protocol::Status;

namespace {

// How long a connection waits for another one's write transaction. The other
// writer's transactions are short (one batch, one chunk, one delete step).
constexpr int kBusyTimeoutMs = 5000;

// An exclusive flock on <db>.lock, so two servers never write one database.
class FileLock {
 public:
  explicit FileLock(const std::string& db_path) {
    const std::string path = db_path + ".lock";
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) {
      throw std::runtime_error("cannot create lock file " + path + ": " + std::strerror(errno));
    }
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd_);
      throw std::runtime_error(db_path + " is in use by another mnemo server (" + path +
                               " is locked)");
    }
  }
  ~FileLock() { ::close(fd_); }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int fd_ = -1;
};

template <class T>
T or_throw(Result<T> r, const std::string& context) {
  if (!r.ok()) throw std::runtime_error(context + r.error().message);
  return std::move(*r);
}

std::uint64_t file_bytes(const std::string& path) {
  std::error_code ec;
  const auto n = std::filesystem::file_size(path, ec);
  return ec ? 0 : static_cast<std::uint64_t>(n);
}

class PersistenceImpl final : public Persistence {
 public:
  PersistenceImpl(const Options& opts, const Clock& clock, PersistenceParts parts)
      : opts_(opts),
        clock_(clock),
        keep_(std::move(parts.keep)),
        path_(std::move(parts.name)),
        sqlite_path_(std::move(parts.sqlite_path)),
        journal_db_(std::move(parts.journal)),
        snapshot_db_(std::move(parts.snapshots)),
        journal_(*journal_db_, opts.journal, clock),
        snapshots_(*snapshot_db_, *snapshot_db_,
                   JournalProbe{[this] { return journal_.last_seq(); },
                                [this] { return journal_.changes_written(); },
                                [this](std::uint64_t seq, std::function<void(Status)> done) {
                                  journal_.wait_durable(seq, std::move(done));
                                },
                                [this] { return journal_.stats().bytes_written; }},
                   opts.snapshot, clock),
        backups_(sqlite_path_) {}

  ~PersistenceImpl() override { stop(); }

  void load() {
    if (Outcome r = snapshots_.load(); !r.ok()) {
      throw std::runtime_error("reading snapshots of " + path_ + ": " + r.error().message);
    }
  }

  Result<RecoveryInfo> recover(RecoveryTarget& target) override {
    if (started_ || stopped_) {
      return Result<RecoveryInfo>::failure(Status::internal, "recover() must run before start()");
    }
    Result<RecoveryInfo> r = run_recovery(*journal_db_, *journal_db_, target, opts_.recover_truncated, clock_);
    if (r.ok()) {
      recovery_ = *r;
      journal_.set_last_seq(r->last_seq);
    }
    return r;
  }

  void start(SnapshotSource& source) override {
    if (started_ || stopped_) return;
    started_ = true;
    journal_.start();
    snapshots_.start(source);
    backups_.start();
  }

  void stop() override {
    if (stopped_) return;
    stopped_ = true;
    snapshots_.stop();  // aborts between chunks: quick
    backups_.stop();    // finishes a copy in progress
    journal_.stop();    // drains and commits everything queued
    snapshot_db_->close();
    journal_db_->close();
    spdlog::info("persistence: closed {} (last seq {}, durable seq {})", path_,
                 journal_.last_seq(), journal_.durable_seq());
  }

  ChangeLog& change_log() override { return journal_; }

  void wait_durable(std::uint64_t seq, std::function<void(Status)> done) override {
    journal_.wait_durable(seq, std::move(done));
  }
  std::uint64_t last_seq() const override { return journal_.last_seq(); }
  std::uint64_t durable_seq() const override { return journal_.durable_seq(); }
  bool under_pressure() const override { return journal_.under_pressure(); }

  Result<SnapshotInfo> start_snapshot(
      std::function<void(const SnapshotInfo&, Status)> done) override {
    return snapshots_.start_snapshot(std::move(done));
  }
  std::vector<SnapshotInfo> snapshots() override { return snapshots_.snapshots(); }

  void backup(std::string path, std::function<void(Status, std::string)> done) override {
    if (sqlite_path_.empty()) {
      done(Status::bad_request,
           "BACKUP copies a SQLite file; with a PostgreSQL journal, back up the database "
           "(pg_dump, or its own replication)");
      return;
    }
    backups_.request(std::move(path), std::move(done));
  }

  PersistenceStats stats() const override;

 private:
  const Options opts_;
  const Clock& clock_;
  std::shared_ptr<void> keep_;  // the lock file or fence; released last
  const std::string path_;      // for logs: the file, or the node and server
  const std::string sqlite_path_;  // empty with PostgreSQL
  std::unique_ptr<StorageBackend> journal_db_;   // main thread until start(), then the journal thread
  std::unique_ptr<StorageBackend> snapshot_db_;  // snapshot thread (and load() before it starts)
  JournalWriter journal_;
  SnapshotWriter snapshots_;
  BackupRunner backups_;
  // -- controlling thread; recovery_ is read-only once start() returned --
  RecoveryInfo recovery_;
  bool started_ = false;
  bool stopped_ = false;
};

PersistenceStats PersistenceImpl::stats() const {
  const JournalStats j = journal_.stats();
  const SnapshotStats s = snapshots_.stats();
  PersistenceStats out;
  out.journal = j;
  out.snapshot = s;
  if (!sqlite_path_.empty()) {
    out.disk.file_bytes = file_bytes(sqlite_path_);
    out.disk.wal_bytes = file_bytes(sqlite_path_ + "-wal");
  }
  out.db_file_bytes = out.disk.file_bytes + out.disk.wal_bytes;
  for (const SnapshotInfo& snap : snapshots_.snapshots()) {
    if (snap.state == kSnapshotComplete) out.disk.snapshot_bytes += snap.bytes;
  }
  const std::uint64_t since = j.bytes_written >= s.journal_written_at_measure
                                  ? j.bytes_written - s.journal_written_at_measure
                                  : 0;
  out.disk.journal_bytes = s.journal_bytes + since;
  out.disk.reclaimed_bytes = s.reclaimed_bytes;
  out.recovery = recovery_;
  return out;
}

}  // namespace

std::unique_ptr<Persistence> Persistence::open(const Options& opts, const Clock& clock) {
  if (!opts.journal_url.empty()) {
    Options shared = opts;
    shared.journal.absorb_outages = true;  // a shared database's outage is expected to pass
    auto impl =
        std::make_unique<PersistenceImpl>(shared, clock, open_postgres_parts(shared, clock));
    impl->load();
    return impl;
  }
  std::error_code ec;
  std::filesystem::create_directories(opts.data_dir, ec);
  if (ec) {
    throw std::runtime_error("cannot create data directory " + opts.data_dir + ": " + ec.message());
  }
  const std::string path = (std::filesystem::path(opts.data_dir) / opts.db_file_name).string();
  auto lock = std::make_shared<FileLock>(path);
  SqliteDb db = or_throw(SqliteDb::open(path, SqliteDb::read_write_create_flags()), "");
  const SchemaInfo schema = or_throw(check_or_create_schema(db, clock), "");
  if (Outcome r = configure_connection(db, opts.sync, kBusyTimeoutMs, opts.max_page_count);
      !r.ok()) {
    throw std::runtime_error("configuring " + path + ": " + r.error().message);
  }
  SqliteDb snapshot_db = or_throw(open_connection(path, opts, kBusyTimeoutMs), "");
  PersistenceParts parts;
  parts.keep = std::move(lock);
  parts.name = path;
  parts.sqlite_path = path;
  parts.journal = std::make_unique<SqliteBackend>(std::move(db));
  parts.snapshots = std::make_unique<SqliteBackend>(std::move(snapshot_db));
  auto impl = std::make_unique<PersistenceImpl>(opts, clock, std::move(parts));
  impl->load();
  spdlog::info("persistence: {} {} (format {}, server id {})",
               schema.created ? "created" : "opened", path, schema.format_version, schema.server_id);
  return impl;
}

}  // namespace mnemo::persistence
