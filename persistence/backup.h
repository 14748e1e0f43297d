// BACKUP: a consistent copy of the database in a new file, made with SQLite's
// online backup API while the journal keeps writing. The copy is taken in
// one read transaction (WAL readers do not block the writer), so it is the
// state after some committed batch. It never overwrites an existing file and
// is left in rollback-journal mode, a single self-contained file.
//
// Threads: request() from any thread; copies run one at a time on the backup
// thread, which calls `done`. start()/stop() from the controlling thread.
// Lifetime: the database file must outlive stop().
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "persistence/outcome.h"
#include "protocol/status.h"

namespace mnemo::persistence {

// Copies `source_path` (an open mnemo database) into the new file `dest_path`.
// Errors: Status::bad_request when dest exists or cannot be created,
// Status::internal for SQLite failures (the partial file is removed).
protocol::Result<std::uint64_t> copy_database(const std::string& source_path,
                                              const std::string& dest_path);

class BackupRunner {
 public:
  // done(ok, "<path> (<bytes> bytes)") or done(error, message).
  using Done = std::function<void(protocol::Status, std::string)>;

  explicit BackupRunner(std::string source_path) : source_path_(std::move(source_path)) {}
  ~BackupRunner();
  BackupRunner(const BackupRunner&) = delete;
  BackupRunner& operator=(const BackupRunner&) = delete;

  void start();
  // Finishes the copy in progress; queued ones get Status::shutting_down.
  void stop();
  void request(std::string dest_path, Done done);

 private:
  struct Job {
    std::string path;
    Done done;
  };
  void run();

  const std::string source_path_;

  // -- shared, guarded by mu_ --
  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Job> jobs_;
  bool started_ = false;
  bool stopping_ = false;

  std::thread thread_;
};

}  // namespace mnemo::persistence
