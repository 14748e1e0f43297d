#include "persistence/postgres_conn.h"

#include <endian.h>
#include <libpq-fe.h>

#include <cstring>
#include <vector>

namespace mnemo::persistence {

using protocol::Error;
using protocol::Result;
using protocol::Status;

namespace {

std::string trimmed(const char* msg) {
  std::string s = msg ? msg : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// Lowers a connection's timeouts so that an outage is noticed in seconds, not
// after the kernel's TCP defaults (minutes to hours), unless the URL says otherwise.
std::string with_defaults(const std::string& url) {
  const bool is_uri = url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
  const char* extras[] = {"connect_timeout=5", "keepalives_idle=5", "keepalives_interval=2",
                          "keepalives_count=3", "tcp_user_timeout=10000",
                          "application_name=mnemo"};
  std::string out = url;
  for (const char* kv : extras) {
    const std::string key = std::string(kv).substr(0, std::strchr(kv, '=') - kv);
    if (url.find(key + "=") != std::string::npos) continue;
    if (is_uri) {
      out += (out.find('?') == std::string::npos ? "?" : "&");
      out += kv;
    } else {
      out += " ";
      out += kv;
    }
  }
  return out;
}

bool result_ok(pg_result* raw) {
  const ExecStatusType st = raw ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
  return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
}

Error result_error(pg_conn* conn, pg_result* raw, std::string_view what) {
  const char* msg = raw ? PQresultErrorMessage(raw) : PQerrorMessage(conn);
  return Error{Status::internal, "postgresql: " + std::string(what) + ": " + trimmed(msg)};
}

}  // namespace

void PgResult::Free::operator()(pg_result* r) const { PQclear(r); }
void PgConn::Finish::operator()(pg_conn* c) const { PQfinish(c); }

PgResult::PgResult(pg_result* r) : res_(r) {}

int PgResult::rows() const { return res_ ? PQntuples(res_.get()) : 0; }

std::uint64_t PgResult::affected() const {
  if (!res_) return 0;
  const char* n = PQcmdTuples(res_.get());
  return (n && *n) ? std::stoull(n) : 0;
}

bool PgResult::is_null(int row, int col) const { return PQgetisnull(res_.get(), row, col) != 0; }

std::int64_t PgResult::i64(int row, int col) const {
  if (is_null(row, col)) return 0;
  std::uint64_t be = 0;
  std::memcpy(&be, PQgetvalue(res_.get(), row, col), sizeof be);
  return static_cast<std::int64_t>(be64toh(be));
}

bool PgResult::boolean(int row, int col) const {
  return !is_null(row, col) && PQgetvalue(res_.get(), row, col)[0] != 0;
}

std::string_view PgResult::bytes(int row, int col) const {
  return {PQgetvalue(res_.get(), row, col),
          static_cast<std::size_t>(PQgetlength(res_.get(), row, col))};
}

Result<PgConn> PgConn::connect(const std::string& url) {
  PgConn c(PQconnectdb(with_defaults(url).c_str()));
  if (!c.conn_) return Error{Status::internal, "postgresql: out of memory connecting"};
  if (PQstatus(c.conn_.get()) != CONNECTION_OK) {
    return Error{Status::internal, "postgresql: cannot connect: " +
                                       trimmed(PQerrorMessage(c.conn_.get()))};
  }
  // Notices (e.g. "relation already exists, skipping") are not worth a log line.
  PQsetNoticeProcessor(c.conn_.get(), [](void*, const char*) {}, nullptr);
  return c;
}

bool PgConn::healthy() const { return conn_ && PQstatus(conn_.get()) == CONNECTION_OK; }

int PgConn::backend_pid() const { return conn_ ? PQbackendPID(conn_.get()) : 0; }

Result<PgResult> PgConn::query(std::string_view what, const std::string& sql,
                               std::initializer_list<PgParam> params) {
  if (!conn_) return Error{Status::internal, "postgresql: " + std::string(what) + ": not connected"};
  std::vector<const char*> values;
  std::vector<int> lengths;
  std::vector<int> formats;
  for (const PgParam& p : params) {
    values.push_back(p.binary ? p.bytes.data() : p.text.c_str());
    lengths.push_back(p.binary ? static_cast<int>(p.bytes.size()) : 0);
    formats.push_back(p.binary ? 1 : 0);
  }
  pg_result* raw = PQexecParams(conn_.get(), sql.c_str(), static_cast<int>(values.size()),
                                nullptr, values.data(), lengths.data(), formats.data(), 1);
  PgResult res(raw);
  if (!result_ok(raw)) return result_error(conn_.get(), raw, what);
  return res;
}

Outcome PgConn::exec_script(std::string_view what, const std::string& sql) {
  if (!conn_) return Error{Status::internal, "postgresql: " + std::string(what) + ": not connected"};
  pg_result* raw = PQexec(conn_.get(), sql.c_str());
  PgResult res(raw);
  if (!result_ok(raw)) return result_error(conn_.get(), raw, what);
  return success();
}

Outcome PgConn::exec(std::string_view what, const std::string& sql,
                     std::initializer_list<PgParam> params) {
  Result<PgResult> r = query(what, sql, params);
  if (!r.ok()) return r.error();
  return success();
}

}  // namespace mnemo::persistence
