#include "persistence/sqlite_db.h"

#include <sqlite3.h>

#include <string>
#include <utility>

namespace mnemo::persistence {

using protocol::Error;
using protocol::Result;
using protocol::Status;

// ---- Statement ---------------------------------------------------------------

Statement::Statement(Statement&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), stmt_(std::exchange(other.stmt_, nullptr)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    if (stmt_) sqlite3_finalize(stmt_);
    db_ = std::exchange(other.db_, nullptr);
    stmt_ = std::exchange(other.stmt_, nullptr);
  }
  return *this;
}

Statement::~Statement() {
  if (stmt_) sqlite3_finalize(stmt_);
}

Statement& Statement::bind_int(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Statement& Statement::bind_text(int index, std::string_view value) {
  sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  return *this;
}

Statement& Statement::bind_blob(int index, std::string_view value) {
  // A null pointer would bind NULL; an empty blob must stay a (zero-length) blob.
  static const char kEmpty = 0;
  const char* data = value.empty() ? &kEmpty : value.data();
  sqlite3_bind_blob64(stmt_, index, data, value.size(), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::bind_blob_unowned(int index, std::string_view value) {
  static const char kEmpty = 0;
  const char* data = value.empty() ? &kEmpty : value.data();
  sqlite3_bind_blob64(stmt_, index, data, value.size(), SQLITE_STATIC);
  return *this;
}

Result<bool> Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  // The statement's first words are enough to say which operation failed.
  std::string_view sql = sqlite3_sql(stmt_);
  if (sql.size() > 40) sql = sql.substr(0, sql.rfind(' ', 40));
  Error e = db_->error(rc, sql);
  sqlite3_reset(stmt_);
  return e;
}

Outcome Statement::run() {
  for (;;) {
    Result<bool> r = step();
    if (!r.ok()) return r.error();
    if (!*r) break;
  }
  reset();
  return success();
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::int64_t Statement::column_int(int index) const { return sqlite3_column_int64(stmt_, index); }

std::string Statement::column_text(int index) const {
  const auto* text = sqlite3_column_text(stmt_, index);
  const int n = sqlite3_column_bytes(stmt_, index);
  return text ? std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(n))
              : std::string();
}

std::string_view Statement::column_blob(int index) const {
  const void* data = sqlite3_column_blob(stmt_, index);
  const int n = sqlite3_column_bytes(stmt_, index);
  if (!data || n <= 0) return {};
  return {static_cast<const char*>(data), static_cast<std::size_t>(n)};
}

bool Statement::column_is_null(int index) const {
  return sqlite3_column_type(stmt_, index) == SQLITE_NULL;
}

// ---- SqliteDb ----------------------------------------------------------------

int SqliteDb::read_write_create_flags() { return SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE; }
int SqliteDb::read_write_flags() { return SQLITE_OPEN_READWRITE; }

Result<SqliteDb> SqliteDb::open(const std::string& path, int flags) {
  SqliteDb db;
  db.path_ = path;
  const int rc = sqlite3_open_v2(path.c_str(), &db.db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    Error e{Status::internal, "cannot open " + path + ": " +
                                  (db.db_ ? sqlite3_errmsg(db.db_) : sqlite3_errstr(rc))};
    return e;  // db's destructor closes the half-open handle
  }
  sqlite3_extended_result_codes(db.db_, 1);
  return db;
}

SqliteDb::SqliteDb(SqliteDb&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)),
      path_(std::move(other.path_)),
      busy_timeout_ms_(other.busy_timeout_ms_) {}

SqliteDb& SqliteDb::operator=(SqliteDb&& other) noexcept {
  if (this != &other) {
    close();
    db_ = std::exchange(other.db_, nullptr);
    path_ = std::move(other.path_);
    busy_timeout_ms_ = other.busy_timeout_ms_;
  }
  return *this;
}

SqliteDb::~SqliteDb() { close(); }

void SqliteDb::close() {
  if (db_) {
    // close_v2 defers the close until leftover statements are finalized.
    sqlite3_close_v2(db_);
    db_ = nullptr;
  }
}

Error SqliteDb::error(int rc, std::string_view what) const {
  const int primary = rc & 0xff;
  const Status status =
      (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) ? Status::busy : Status::internal;
  std::string msg(what);
  msg += ": ";
  msg += db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
  msg += " (sqlite code " + std::to_string(rc) + ", " + path_ + ")";
  return Error{status, std::move(msg)};
}

Outcome SqliteDb::exec(std::string_view sql, std::string_view what) {
  const std::string text(sql);
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return error(rc, what);
  return success();
}

Result<Statement> SqliteDb::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) return error(rc, "prepare " + std::string(sql));
  return Statement(this, stmt);
}

Result<std::int64_t> SqliteDb::query_int(std::string_view sql) {
  Result<Statement> st = prepare(sql);
  if (!st.ok()) return st.error();
  Result<bool> row = st->step();
  if (!row.ok()) return row.error();
  if (!*row) return Error{Status::internal, "no row from " + std::string(sql)};
  return st->column_int(0);
}

Result<std::string> SqliteDb::query_text(std::string_view sql) {
  Result<Statement> st = prepare(sql);
  if (!st.ok()) return st.error();
  Result<bool> row = st->step();
  if (!row.ok()) return row.error();
  if (!*row) return Error{Status::internal, "no row from " + std::string(sql)};
  return st->column_text(0);
}

Outcome SqliteDb::begin() { return exec("BEGIN IMMEDIATE", "begin transaction"); }

Outcome SqliteDb::commit() {
  Outcome r = exec("COMMIT", "commit");
  if (!r.ok()) rollback();
  return r;
}

void SqliteDb::rollback() {
  if (in_transaction()) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

bool SqliteDb::in_transaction() const { return db_ && sqlite3_get_autocommit(db_) == 0; }

std::int64_t SqliteDb::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

std::int64_t SqliteDb::changes() const { return sqlite3_changes64(db_); }

void SqliteDb::set_busy_timeout(int ms) {
  busy_timeout_ms_ = ms;
  sqlite3_busy_timeout(db_, ms);
}

}  // namespace mnemo::persistence
