// Snapshots, compaction, backup and /metrics on the real server binary.
#include <sqlite3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <optional>
#include <regex>

#include "tests/integration/harness.h"

using namespace mnemo;
using namespace mnemo::test;
using protocol::Opcode;
using protocol::Status;

namespace {

const std::vector<std::string> kAdmin = {"--admin-token", "adm", "--snapshot-every-changes", "0",
                                         "--snapshot-every-seconds", "0"};

ClientPtr admin_client(const ServerProcess& server) {
  auto c = connect_to(server);
  auto ok = c->auth("adm");
  REQUIRE(ok.ok());
  return c;
}

// Runs one SQL query returning a single integer.
std::int64_t query_int(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(st) == SQLITE_ROW);
  std::int64_t v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

std::string query_text(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(st) == SQLITE_ROW);
  std::string v(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

void pipeline_all(const ClientPtr& c, std::vector<protocol::Request>& reqs) {
  std::vector<protocol::Response> resps;
  REQUIRE(c->pipeline(reqs, resps).ok());
  for (auto& r : resps) REQUIRE((r.status == Status::ok || r.status == Status::not_found));
}

}  // namespace

TEST_CASE("recovery is exact after SIGKILL during and right after a snapshot", "[integration][snapshot][crash]") {
  TempDir dir;
  const std::string data = dir.file("data");
  std::map<std::string, std::string> model;
  std::vector<std::string> keys, values;
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    keys.push_back("key:" + std::to_string(i));
    values.push_back("v0-" + std::to_string(i));
  }
  const bool kill_mid_snapshot = GENERATE(true, false);
  {
    ServerProcess server(ServerOptions{data, false, kAdmin});
    auto c = connect_to(server);
    std::vector<protocol::Request> reqs;
    for (int i = 0; i < n; ++i) {
      reqs.push_back(make(Opcode::set, keys[i], values[i]));
      model[keys[i]] = values[i];
    }
    pipeline_all(c, reqs);

    auto a = admin_client(server);
    auto snap = call(a, make(Opcode::snapshot, {}, {}, kill_mid_snapshot ? 0 : protocol::flags::kWait));
    REQUIRE(snap.status == Status::ok);
    REQUIRE(snap.snapshots.size() == 1);

    // Overwrites, deletes, TTLs and new keys while (or after) the snapshot runs.
    std::vector<std::string> new_values;
    for (int i = 0; i < n; i += 3) new_values.push_back("v1-" + std::to_string(i));
    reqs.clear();
    int j = 0;
    for (int i = 0; i < n; i += 3) {
      reqs.push_back(make(Opcode::set, keys[i], new_values[j++]));
      model[keys[i]] = new_values[j - 1];
    }
    for (int i = 1; i < n; i += 7) {
      reqs.push_back(make(Opcode::del, keys[i]));
      model.erase(keys[i]);
    }
    std::vector<std::string> fresh;
    for (int i = 0; i < 1000; ++i) fresh.push_back("new:" + std::to_string(i));
    for (auto& k : fresh) {
      reqs.push_back(make(Opcode::set, k, k));
      model[k] = k;
    }
    auto ttl = make(Opcode::set, "ttl-key", "soon");
    ttl.ttl_ms = 3'600'000;
    reqs.push_back(ttl);
    model["ttl-key"] = "soon";
    pipeline_all(c, reqs);
    REQUIRE(call(c, make(Opcode::sync)).status == Status::ok);
    server.kill9();
  }
  ServerProcess server(ServerOptions{data, false, kAdmin});
  auto c = connect_to(server);
  CHECK(call(c, make(Opcode::dbsize)).integer == static_cast<std::int64_t>(model.size()));
  std::size_t mismatches = 0;
  for (const auto& [k, v] : model) {
    auto r = call(c, make(Opcode::get, k));
    if (r.status != Status::ok || r.value != v) ++mismatches;
  }
  CHECK(mismatches == 0);
  auto t = call(c, make(Opcode::ttl, "ttl-key"));
  CHECK(t.integer > 3'500'000);
}

TEST_CASE("a completed snapshot compacts the journal and keeps N snapshots", "[integration][snapshot]") {
  TempDir dir;
  const std::string data = dir.file("data");
  const std::string db = data + "/mnemo.db";
  std::vector<std::string> args = kAdmin;
  args.insert(args.end(), {"--snapshots-keep", "2"});  // the default is 1
  ServerProcess server(ServerOptions{data, false, args});
  auto c = connect_to(server);
  auto a = admin_client(server);
  std::uint64_t last_s0 = 0;
  for (int round = 0; round < 3; ++round) {
    std::vector<protocol::Request> reqs;
    std::vector<std::string> ks;
    for (int i = 0; i < 500; ++i) ks.push_back("k" + std::to_string(i));
    const std::string value = "round" + std::to_string(round);  // requests view it: keep it alive
    for (auto& k : ks) reqs.push_back(make(Opcode::set, k, value));
    pipeline_all(c, reqs);
    REQUIRE(call(c, make(Opcode::sync)).status == Status::ok);
    auto snap = call(a, make(Opcode::snapshot, {}, {}, protocol::flags::kWait));
    REQUIRE(snap.status == Status::ok);
    CHECK(snap.snapshots.at(0).state == 1);
    CHECK(snap.snapshots.at(0).entries == 500);
    last_s0 = snap.snapshots.at(0).start_seq;
  }
  // Only rows at or after the newest snapshot's S0 remain; two snapshots are kept.
  CHECK(query_int(db, "SELECT COUNT(*) FROM journal WHERE seq_last < " + std::to_string(last_s0)) == 0);
  CHECK(query_int(db, "SELECT COUNT(*) FROM snapshots WHERE state = 1") == 2);
  auto list = call(a, make(Opcode::snapshots));
  REQUIRE(list.status == Status::ok);
  CHECK(list.snapshots.size() >= 2);

  SECTION("a second snapshot while one runs is refused with BUSY or finishes first") {
    auto first = call(a, make(Opcode::snapshot));
    auto second = call(a, make(Opcode::snapshot));
    REQUIRE(first.status == Status::ok);
    CHECK((second.status == Status::busy || second.status == Status::ok));
  }
}

TEST_CASE("BACKUP writes a sound database with the same contents", "[integration][backup]") {
  TempDir dir;
  const std::string data = dir.file("data");
  const std::string copy_dir = dir.file("restored");
  std::filesystem::create_directories(copy_dir);
  const std::string backup = copy_dir + "/mnemo.db";
  {
    ServerProcess server(ServerOptions{data, false, kAdmin});
    auto c = connect_to(server);
    std::vector<protocol::Request> reqs;
    std::vector<std::string> ks, vs;
    for (int i = 0; i < 3000; ++i) {
      ks.push_back("b" + std::to_string(i));
      vs.push_back(ks.back() + "-value");
    }
    for (std::size_t i = 0; i < ks.size(); ++i) reqs.push_back(make(Opcode::set, ks[i], vs[i]));
    pipeline_all(c, reqs);
    int code = -1;
    std::string err;
    cli(server, {"--admin-token", "adm", "backup", backup}, &code, &err);
    REQUIRE(code == 0);
    CHECK(query_text(backup, "PRAGMA integrity_check") == "ok");
    // Refuses to overwrite an existing file.
    cli(server, {"--admin-token", "adm", "backup", backup}, &code, &err);
    CHECK(code == 2);
    server.terminate();
  }
  ServerProcess restored(ServerOptions{copy_dir, false, kAdmin});
  auto c = connect_to(restored);
  CHECK(call(c, make(Opcode::dbsize)).integer == 3000);
  CHECK(call(c, make(Opcode::get, "b2999")).value == "b2999-value");
}

TEST_CASE("/metrics serves Prometheus text", "[integration][metrics]") {
  TempDir dir;
  ServerProcess server(ServerOptions{dir.file("data"), false, {"--metrics-port", "0"}});
  REQUIRE(server.metrics_port() != 0);
  auto c = connect_to(server);
  call(c, make(Opcode::set, "k", "v"));
  auto fd = tools::connect_tcp("127.0.0.1", server.metrics_port(), 5000);
  REQUIRE(fd.ok());
  std::string req = "GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n";
  REQUIRE(::write(*fd, req.data(), req.size()) == static_cast<ssize_t>(req.size()));
  std::string resp;
  char buf[4096];
  ssize_t got;
  while ((got = ::read(*fd, buf, sizeof buf)) > 0) resp.append(buf, static_cast<std::size_t>(got));
  ::close(*fd);
  REQUIRE(resp.rfind("HTTP/1.0 200", 0) == 0);
  auto body = resp.substr(resp.find("\r\n\r\n") + 4);
  const std::regex sample(R"(^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? -?[0-9.eE+\-]+$)");
  const std::regex comment(R"(^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .*$)");
  std::size_t samples = 0;
  std::size_t pos = 0;
  while (pos < body.size()) {
    auto end = body.find('\n', pos);
    REQUIRE(end != std::string::npos);  // every line ends with a newline
    std::string line = body.substr(pos, end - pos);
    pos = end + 1;
    if (line.empty()) continue;
    if (line[0] == '#') {
      CHECK(std::regex_match(line, comment));
    } else {
      CHECK(std::regex_match(line, sample));
      ++samples;
    }
  }
  CHECK(samples > 20);
  CHECK(body.find("mnemo_store_keys 1\n") != std::string::npos);
  CHECK(body.find("mnemo_journal_durable_seq") != std::string::npos);
}
