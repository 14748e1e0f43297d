// Faults on the real binary: a disk that stops taking commits while serving,
// and database files that are truncated, overwritten or hold a corrupt journal
// row at start, and garbage on both ports. The server must refuse what it
// cannot do with a clear error, never start empty over data it could not read,
// never rewrite such a file, and keep serving everyone else.
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "tests/integration/harness.h"
#include "tests/integration/raw_socket.h"

using namespace mnemo;
using namespace mnemo::test;
using protocol::Opcode;
using protocol::Status;

namespace {

constexpr int kTimeoutMs = 15000;

// A direct connection to the server's database file, as an operator's sqlite3 shell would open it.
class Db {
 public:
  explicit Db(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
      FAIL("sqlite3_open " << path << ": " << sqlite3_errmsg(db_));
    }
    sqlite3_busy_timeout(db_, kTimeoutMs);
  }
  ~Db() { sqlite3_close(db_); }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  void exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "?";
      sqlite3_free(err);
      FAIL(sql << ": " << msg);
    }
  }
  std::int64_t integer(const std::string& sql) {
    sqlite3_stmt* st = prepare(sql);
    REQUIRE(sqlite3_step(st) == SQLITE_ROW);
    const std::int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
  }
  std::string blob(const std::string& sql) {
    sqlite3_stmt* st = prepare(sql);
    REQUIRE(sqlite3_step(st) == SQLITE_ROW);
    std::string v(static_cast<const char*>(sqlite3_column_blob(st, 0)),
                  static_cast<std::size_t>(sqlite3_column_bytes(st, 0)));
    sqlite3_finalize(st);
    return v;
  }
  void set_blob(const std::string& sql, const std::string& bytes) {
    sqlite3_stmt* st = prepare(sql);
    sqlite3_bind_blob(st, 1, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
    REQUIRE(sqlite3_step(st) == SQLITE_DONE);
    sqlite3_finalize(st);
  }

 private:
  sqlite3_stmt* prepare(const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) FAIL(sql << ": " << sqlite3_errmsg(db_));
    return st;
  }
  sqlite3* db_ = nullptr;
};

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
  REQUIRE(out.good());
}

// Writes `batches` batches of keys "b<batch>:<i>", each committed (SYNC) before the
// next, so that each batch ends in its own journal rows; then stops cleanly.
void populate(const std::string& data, int batches, int keys_per_batch) {
  ServerProcess server{ServerOptions(data)};
  auto c = connect_to(server);
  for (int b = 0; b < batches; ++b) {
    std::vector<protocol::Request> reqs;
    std::vector<std::string> keys;
    const std::string value(100, static_cast<char>('a' + b % 26));  // requests view it: keep it alive
    for (int i = 0; i < keys_per_batch; ++i) keys.push_back("b" + std::to_string(b) + ":" + std::to_string(i));
    for (const auto& k : keys) reqs.push_back(make(Opcode::set, k, value));
    std::vector<protocol::Response> resps;
    REQUIRE(c->pipeline(reqs, resps).ok());
    REQUIRE(call(c, make(Opcode::sync)).status == Status::ok);
  }
  REQUIRE(server.terminate() == 0);
  REQUIRE_FALSE(std::filesystem::exists(data + "/mnemo.db-wal"));  // checkpointed at the clean stop
}

// Starts the server on `data` expecting it to refuse; returns its log.
std::string failed_start(const std::string& data, std::vector<std::string> args = {}) {
  try {
    ServerOptions opts(data, false, std::move(args));
    opts.start_timeout_ms = kTimeoutMs;
    ServerProcess server(std::move(opts));
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    CHECK_THAT(what, Catch::Contains("exited during start (code 1)"));
    return what;
  }
  FAIL("the server started");
  return "";
}

}  // namespace

TEST_CASE("a database that stops taking commits refuses writes, serves reads, and recovers by itself",
          "[integration][faults]") {
  TempDir dir;
  const std::string data = dir.file("data");
  populate(data, 1, 10);
  std::int64_t pages = 0;
  {
    // Ballast the server cannot remove, then cap the database just above its size.
    Db db(data + "/mnemo.db");
    db.exec("CREATE TABLE ballast(b BLOB)");
    db.exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100) "
            "INSERT INTO ballast SELECT zeroblob(4000) FROM n");
    pages = db.integer("PRAGMA page_count");
  }
  ServerProcess server({data, true, {"--max-db-pages", std::to_string(pages + 4), "--admin-token", "adm"}});
  auto c = connect_to(server);
  REQUIRE(c->auth("adm").ok());

  // Write 4 KB values until the journal cannot commit them.
  const std::string value(4000, 'x');
  protocol::Response refused;
  protocol::Response synced;
  int accepted = 0;
  for (; accepted < 100; ++accepted) {
    refused = call(c, make(Opcode::set, "k" + std::to_string(accepted), value));
    if (refused.status != Status::ok) break;
    synced = call(c, make(Opcode::sync));
  }
  REQUIRE(refused.status == Status::read_only);
  CHECK_THAT(refused.message, Catch::Contains("full"));
  CHECK(synced.status == Status::read_only);  // never a durable ack for an uncommitted write
  CHECK_THAT(synced.message, Catch::Contains("before this SYNC"));
  CHECK(call(c, make(Opcode::del, "b0:1")).status == Status::read_only);
  CHECK(call(c, make(Opcode::set, "d", "v", protocol::flags::kDurable)).status == Status::read_only);
  CHECK(call(c, make(Opcode::get, "d")).status == Status::not_found);  // refused writes are not applied
  RawSocket resp(server.resp_port());
  REQUIRE(resp.ok());
  REQUIRE(resp.send("*3\r\n$3\r\nSET\r\n$1\r\nr\r\n$1\r\nv\r\n"));
  CHECK_THAT(resp.read_line(kTimeoutMs), Catch::StartsWith("-ERR persistence is failing"));

  // Reads go on, and so do ephemeral writes.
  CHECK(call(c, make(Opcode::get, "b0:1")).value == std::string(100, 'a'));
  CHECK(call(c, make(Opcode::set, "presence", "here", protocol::flags::kEphemeral)).status == Status::ok);
  std::string stats = call(c, make(Opcode::stats)).text;
  CHECK(json_number(stats, "journal", "failing") == 1);
  CHECK_THAT(json_field(stats, "journal", "last_error"), Catch::Contains("full"));
  CHECK(json_number(stats, "journal", "commit_failures") >= 1);

  // Free room behind the server's back: it catches up and takes writes again without a restart.
  {
    Db db(data + "/mnemo.db");
    db.exec("DROP TABLE ballast");
  }
  CHECK(eventually([&] { return call(c, make(Opcode::set, "after", "1")).status == Status::ok; }, kTimeoutMs));
  CHECK(call(c, make(Opcode::sync)).status == Status::ok);
  stats = call(c, make(Opcode::stats)).text;
  CHECK(json_number(stats, "journal", "failing") == 0);
  REQUIRE(server.terminate() == 0);

  // Nothing accepted was lost: the writes acknowledged before the failure were retried and committed.
  ServerProcess again{ServerOptions(data)};
  auto c2 = connect_to(again);
  CHECK(call(c2, make(Opcode::get, "after")).value == "1");
  for (int i = 0; i < accepted; ++i) CHECK(call(c2, make(Opcode::get, "k" + std::to_string(i))).value == value);
  CHECK(call(c2, make(Opcode::get, "b0:9")).status == Status::ok);
}

TEST_CASE("a truncated database file stops the start with a clear error and is left as it is",
          "[integration][faults]") {
  TempDir dir;
  const std::string data = dir.file("data");
  populate(data, 4, 500);
  const std::string db_path = data + "/mnemo.db";
  const std::string whole = read_file(db_path);
  REQUIRE(whole.size() > 32 * 1024);  // the journal rows are compressed: 10 pages or so
  const std::size_t keep = GENERATE(std::size_t{50}, std::size_t{4096 * 3}, std::size_t{0});
  const std::string truncated = whole.substr(0, keep ? keep : whole.size() / 2 + 100);
  write_file(db_path, truncated);

  const std::string log = failed_start(data);
  CHECK_THAT(log, Catch::Contains("startup failed"));
  CHECK_THAT(log, Catch::Contains("mnemo.db"));
  CHECK_THAT(log, Catch::Contains("malformed") || Catch::Contains("not a database"));
  CHECK(read_file(db_path) == truncated);
}

TEST_CASE("a garbage or corrupted database file stops the start with a clear error and is left alone",
          "[integration][faults]") {
  TempDir dir;
  const std::string data = dir.file("data");
  const std::string db_path = data + "/mnemo.db";
  SECTION("random bytes") {
    std::filesystem::create_directories(data);
    std::mt19937 rng(7);
    std::string junk(64 * 1024, '\0');
    for (auto& ch : junk) ch = static_cast<char>(rng());
    write_file(db_path, junk);
    const std::string log = failed_start(data);
    CHECK_THAT(log, Catch::Contains("cannot be read as an SQLite database"));
    CHECK(read_file(db_path) == junk);
  }
  SECTION("a corrupted b-tree page of the journal") {
    populate(data, 2, 500);
    std::int64_t page = 0, page_size = 0;
    {
      Db db(db_path);
      page = db.integer("SELECT rootpage FROM sqlite_master WHERE name = 'journal'");
      page_size = db.integer("PRAGMA page_size");
    }
    std::string bytes = read_file(db_path);
    REQUIRE(static_cast<std::int64_t>(bytes.size()) >= page * page_size);
    for (std::int64_t i = (page - 1) * page_size; i < page * page_size; ++i) bytes[i] = static_cast<char>(0xA5 ^ i);
    write_file(db_path, bytes);
    const std::string log = failed_start(data);
    CHECK_THAT(log, Catch::Contains("malformed") || Catch::Contains("corrupt"));
    CHECK(read_file(db_path) == bytes);
  }
}

TEST_CASE("a journal row with a bad CRC stops the start naming the row; --recover-truncated keeps the good prefix",
          "[integration][faults]") {
  TempDir dir;
  const std::string data = dir.file("data");
  populate(data, 3, 200);
  std::int64_t row = 0, first_bad_seq = 0;
  {
    Db db(data + "/mnemo.db");
    row = db.integer("SELECT max(id) FROM journal");
    first_bad_seq = db.integer("SELECT seq_first FROM journal WHERE id = " + std::to_string(row));
    std::string payload = db.blob("SELECT payload FROM journal WHERE id = " + std::to_string(row));
    REQUIRE(payload.size() > 40);
    payload[payload.size() / 2] ^= 0x01;  // one bit: what a bad sector or a stray write does
    db.set_blob("UPDATE journal SET payload = ?1 WHERE id = " + std::to_string(row), payload);
  }
  const std::string log = failed_start(data);
  CHECK_THAT(log, Catch::Contains("journal row " + std::to_string(row) + " (seqs " + std::to_string(first_bad_seq)));
  CHECK_THAT(log, Catch::Contains("crc32 mismatch"));
  CHECK_THAT(log, Catch::Contains("--recover-truncated"));

  std::uint64_t dbsize = 0;
  {
    ServerProcess server({data, false, {"--recover-truncated"}});
    CHECK_THAT(server.log(), Catch::Contains("setting aside"));
    auto c = connect_to(server);
    // Every row before the bad one is replayed; nothing from the bad row on.
    CHECK(call(c, make(Opcode::get, "b0:0")).status == Status::ok);
    CHECK(call(c, make(Opcode::get, "b1:199")).status == Status::ok);
    CHECK(call(c, make(Opcode::get, "b2:199")).status == Status::not_found);
    dbsize = static_cast<std::uint64_t>(call(c, make(Opcode::dbsize)).integer);
    CHECK(dbsize >= 400);
    CHECK(dbsize < 600);
    auto w = call(c, make(Opcode::set, "new", "write"));
    REQUIRE(w.status == Status::ok);
    CHECK(w.version > static_cast<std::uint64_t>(first_bad_seq));  // no seq is reused
    REQUIRE(server.terminate() == 0);
  }
  // The bad rows were set aside: the next start needs no flag and sees the same state.
  ServerProcess server{ServerOptions(data)};
  auto c = connect_to(server);
  CHECK(call(c, make(Opcode::get, "new")).value == "write");
  CHECK(static_cast<std::uint64_t>(call(c, make(Opcode::dbsize)).integer) == dbsize + 1);
}

TEST_CASE("a second server on the same data directory refuses to start", "[integration][faults]") {
  TempDir dir;
  const std::string data = dir.file("data");
  ServerProcess first{ServerOptions(data)};
  auto c = connect_to(first);
  REQUIRE(call(c, make(Opcode::set, "k", "v")).status == Status::ok);
  const std::string log = failed_start(data);
  CHECK_THAT(log, Catch::Contains("mnemo.db.lock"));
  CHECK(call(c, make(Opcode::get, "k")).value == "v");  // the first one is unharmed
}

TEST_CASE("garbage and truncated commands on the RESP port leave the server answering others",
          "[integration][faults]") {
  TempDir dir;
  ServerProcess server({dir.file("data"), true});
  auto native = connect_to(server);
  REQUIRE(call(native, make(Opcode::set, "k", "v")).status == Status::ok);
  RawSocket good(server.resp_port());
  REQUIRE(good.ok());
  std::mt19937 rng(11);
  const std::vector<std::string> inputs = {
      "*2\r\n$3\r\nGET\r\n$1",             // truncated inside a bulk header
      "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nab",  // truncated inside a bulk
      "*-5\r\n", "*abc\r\n", "$3\r\nGET\r\n", "*1\r\n$-7\r\n", "*1\r\n$4\r\nPINGxx",
      "SET \"unbalanced\r\n", std::string(100, '\0'), "*2\r\n$3\r\nGET\r\n$99999999999999999999\r\n",
  };
  for (int i = 0; i < 40; ++i) {
    RawSocket s(server.resp_port());
    REQUIRE(s.ok());
    std::string junk;
    if (i < static_cast<int>(inputs.size())) {
      junk = inputs[i];
    } else {
      junk.resize(1 + rng() % 3000);
      for (auto& ch : junk) ch = static_cast<char>(rng());
    }
    REQUIRE(s.send(junk));
    if (i % 3 == 0) ::shutdown(s.fd(), SHUT_WR);
    if (i % 2 == 0) s.read_to_close(200);  // sometimes wait for the answer, sometimes just drop
  }
  REQUIRE(good.send("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"));
  CHECK(good.read_until([](const std::string& s) { return s.size() >= 7; }, kTimeoutMs) == "$1\r\nv\r\n");
  CHECK(call(native, make(Opcode::get, "k")).value == "v");
  CHECK(kill(server.pid(), 0) == 0);
}
