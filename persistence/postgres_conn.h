// Thin RAII wrappers over one libpq connection and its results. This is the
// one place where libpq failures become protocol::Error values, each naming
// the operation and PostgreSQL's own message.
//
// Parameters go as text (integers) or binary (bytea); results come back in
// binary format, so payloads arrive as raw bytes without hex decoding. Every
// integer column mnemo reads is bigint (int8), which keeps decoding to one
// function.
//
// Threads: a PgConn and its PgResults are used by one thread at a time.
// Lifetime: a PgResult owns its data and may outlive the PgConn.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>

#include "persistence/outcome.h"
#include "protocol/result.h"

struct pg_conn;
struct pg_result;

namespace mnemo::persistence {

// One query parameter: text (integers, names) or binary (bytea payloads).
struct PgParam {
  std::string text;         // used when !binary
  std::string_view bytes;   // used when binary; must outlive the call
  bool binary = false;
  static PgParam of(std::int64_t v) { return PgParam{std::to_string(v), {}, false}; }
  static PgParam of(std::uint64_t v) { return of(static_cast<std::int64_t>(v)); }
  static PgParam of(std::string_view s) { return PgParam{std::string(s), {}, false}; }
  static PgParam blob(std::string_view b) { return PgParam{{}, b, true}; }
};

class PgResult {
 public:
  PgResult() = default;
  explicit PgResult(pg_result* r);
  int rows() const;
  // Rows an INSERT/UPDATE/DELETE touched.
  std::uint64_t affected() const;
  bool is_null(int row, int col) const;
  std::int64_t i64(int row, int col) const;  // a bigint column (binary format)
  bool boolean(int row, int col) const;
  std::string_view bytes(int row, int col) const;  // bytea or text, as sent

 private:
  struct Free {
    void operator()(pg_result* r) const;
  };
  std::unique_ptr<pg_result, Free> res_;
};

class PgConn {
 public:
  PgConn() = default;
  // Connects to `url` (a libpq URI or key=value string). Errors say which
  // server could not be reached and why.
  static protocol::Result<PgConn> connect(const std::string& url);

  bool valid() const { return conn_ != nullptr; }
  // False once the connection is known to be broken (a query failed on it).
  bool healthy() const;
  void close() { conn_.reset(); }
  int backend_pid() const;

  // Runs `sql` with `params`; results in binary format. `what` names the
  // operation in errors.
  protocol::Result<PgResult> query(std::string_view what, const std::string& sql,
                                   std::initializer_list<PgParam> params = {});
  // Several statements without parameters, in one round trip (schema DDL).
  Outcome exec_script(std::string_view what, const std::string& sql);
  // For statements whose result is not needed (DDL, BEGIN, COMMIT).
  Outcome exec(std::string_view what, const std::string& sql,
               std::initializer_list<PgParam> params = {});

 private:
  struct Finish {
    void operator()(pg_conn* c) const;
  };
  explicit PgConn(pg_conn* c) : conn_(c) {}
  std::unique_ptr<pg_conn, Finish> conn_;
};

}  // namespace mnemo::persistence
