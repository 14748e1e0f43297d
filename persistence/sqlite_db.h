// Thin RAII wrappers over one SQLite connection and its prepared statements.
// This is the one place where SQLite return codes become protocol::Error
// values (see SqliteDb::error), so every message names the operation, the
// database file and SQLite's own explanation.
//
// Threads: a SqliteDb and its Statements are used by one thread at a time
// (they may move between threads, e.g. from recovery to the journal thread).
// Lifetime: a Statement must not outlive the SqliteDb it was prepared on.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "persistence/outcome.h"
#include "protocol/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace mnemo::persistence {

class SqliteDb;

class Statement {
 public:
  Statement() = default;
  Statement(SqliteDb* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  bool valid() const { return stmt_ != nullptr; }
  // Binds are 1-based like SQLite's. Text and blobs are copied by SQLite.
  Statement& bind_int(int index, std::int64_t value);
  Statement& bind_text(int index, std::string_view value);
  Statement& bind_blob(int index, std::string_view value);  // SQLite copies the bytes
  // Binds without a copy: the bytes must stay valid until the statement is
  // reset or re-bound (e.g. a journal payload bound, stepped and reset in one call).
  Statement& bind_blob_unowned(int index, std::string_view value);

  // One step: true when a row is available, false when done.
  protocol::Result<bool> step();
  // Steps to completion (for statements returning no rows), then resets.
  Outcome run();
  // Resets for another execution and clears the bindings.
  void reset();

  std::int64_t column_int(int index) const;
  std::string column_text(int index) const;
  std::string_view column_blob(int index) const;  // valid until the next step/reset
  bool column_is_null(int index) const;

 private:
  SqliteDb* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

class SqliteDb {
 public:
  // Opens `path` with sqlite3_open_v2 flags (SQLITE_OPEN_*). Errors name the path.
  static protocol::Result<SqliteDb> open(const std::string& path, int flags);
  static int read_write_create_flags();
  static int read_write_flags();

  SqliteDb() = default;
  SqliteDb(SqliteDb&& other) noexcept;
  SqliteDb& operator=(SqliteDb&& other) noexcept;
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;
  ~SqliteDb();

  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }

  // Runs one or more statements that return no rows we need.
  Outcome exec(std::string_view sql, std::string_view what);
  protocol::Result<Statement> prepare(std::string_view sql);
  // Runs a query returning one integer (or text, converted) in its first row.
  protocol::Result<std::int64_t> query_int(std::string_view sql);
  protocol::Result<std::string> query_text(std::string_view sql);

  // BEGIN IMMEDIATE / COMMIT / ROLLBACK. rollback() is quiet: it is used on
  // error paths where the first error is the one worth reporting.
  Outcome begin();
  Outcome commit();
  void rollback();
  bool in_transaction() const;

  std::int64_t last_insert_rowid() const;
  std::int64_t changes() const;
  void set_busy_timeout(int ms);
  int busy_timeout() const { return busy_timeout_ms_; }

  // Turns an SQLite result code into an error naming `what` and the file.
  // SQLITE_BUSY/LOCKED become Status::busy, everything else Status::internal.
  protocol::Error error(int rc, std::string_view what) const;

 private:
  void close();

  sqlite3* db_ = nullptr;
  std::string path_;
  int busy_timeout_ms_ = 0;
};

}  // namespace mnemo::persistence
