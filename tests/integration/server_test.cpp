// The real mnemo-server binary, driven through the CLI and the native client.
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "tests/integration/harness.h"

using namespace mnemo;
using namespace mnemo::test;
using protocol::Opcode;
using protocol::Status;

TEST_CASE("the CLI reads and writes through a running server", "[integration]") {
  TempDir dir;
  ServerProcess server(ServerOptions{dir.file("data")});
  int code = -1;
  std::string err;

  CHECK(cli(server, {"ping"}, &code) == "PONG\n");
  CHECK(code == 0);
  CHECK(cli(server, {"set", "greeting", "hello"}, &code) == "1\n");
  CHECK(code == 0);
  CHECK(cli(server, {"get", "greeting"}, &code) == "hello\n");
  CHECK(code == 0);

  SECTION("a missing key prints nothing and exits 1") {
    CHECK(cli(server, {"get", "nope"}, &code).empty());
    CHECK(code == 1);
  }
  SECTION("an error goes to stderr with exit 2") {
    cli(server, {"incr", "greeting"}, &code, &err);
    CHECK(code == 2);
    CHECK(err.find("WRONG_TYPE") != std::string::npos);
  }
  SECTION("incr, ttl, scan and dbsize") {
    CHECK(cli(server, {"incr", "n", "5"}) == "5\n");
    CHECK(cli(server, {"incr", "n", "-7"}) == "-2\n");
    cli(server, {"set", "user:1", "a", "--ttl-ms", "600000"});
    cli(server, {"set", "user:2", "b"});
    auto ttl = std::stoll(cli(server, {"ttl", "user:1"}));
    CHECK(ttl > 590000);
    CHECK(ttl <= 600000);
    auto scanned = cli(server, {"scan", "user:"});  // SCAN order is unspecified
    CHECK((scanned == "user:1\nuser:2\n" || scanned == "user:2\nuser:1\n"));
    CHECK(cli(server, {"dbsize"}) == "4\n");
  }
  CHECK(server.terminate() == 0);
}

TEST_CASE("a clean stop loses nothing acknowledged", "[integration]") {
  TempDir dir;
  std::string data = dir.file("data");
  {
    ServerProcess server(ServerOptions{data});
    auto c = connect_to(server);
    std::vector<protocol::Request> reqs;
    std::vector<std::string> keys, values;
    for (int i = 0; i < 2000; ++i) {
      keys.push_back("k" + std::to_string(i));
      values.push_back("v" + std::to_string(i * 7));
    }
    for (int i = 0; i < 2000; ++i) reqs.push_back(make(Opcode::set, keys[i], values[i]));
    std::vector<protocol::Response> resps;
    REQUIRE(c->pipeline(reqs, resps).ok());
    for (auto& r : resps) REQUIRE(r.status == Status::ok);
    CHECK(server.terminate() == 0);  // write-behind writes, acked, then SIGTERM
  }
  ServerProcess server(ServerOptions{data});
  auto c = connect_to(server);
  for (int i = 0; i < 2000; i += 97) {
    auto r = call(c, make(Opcode::get, "k" + std::to_string(i)));
    REQUIRE(r.status == Status::ok);
    CHECK(r.value == "v" + std::to_string(i * 7));
  }
  CHECK(call(c, make(Opcode::dbsize)).integer == 2000);
}

TEST_CASE("durable writes and SYNC survive SIGKILL", "[integration][crash]") {
  TempDir dir;
  std::string data = dir.file("data");
  std::uint64_t durable_version = 0;
  {
    ServerProcess server(ServerOptions{data});
    auto c = connect_to(server);
    auto r = call(c, make(Opcode::set, "durable", "yes", protocol::flags::kDurable));
    REQUIRE(r.status == Status::ok);
    durable_version = r.version;
    for (int i = 0; i < 100; ++i) call(c, make(Opcode::set, "wb" + std::to_string(i), "x"));
    auto s = call(c, make(Opcode::sync));
    REQUIRE(s.status == Status::ok);
    CHECK(s.version >= durable_version + 100);
    server.kill9();
  }
  ServerProcess server(ServerOptions{data});
  auto c = connect_to(server);
  auto r = call(c, make(Opcode::get, "durable"));
  REQUIRE(r.status == Status::ok);
  CHECK(r.value == "yes");
  CHECK(r.version == durable_version);
  CHECK(call(c, make(Opcode::get, "wb99")).status == Status::ok);
  // Versions continue after the recovered seq.
  CHECK(call(c, make(Opcode::set, "after", "1")).version > durable_version + 100);
}

TEST_CASE("ephemeral writes are gone after a restart and never resurrect an old value", "[integration][crash]") {
  TempDir dir;
  std::string data = dir.file("data");
  {
    ServerProcess server(ServerOptions{data});
    auto c = connect_to(server);
    call(c, make(Opcode::set, "presence", "persisted", protocol::flags::kDurable));
    call(c, make(Opcode::set, "presence", "online", protocol::flags::kEphemeral));
    call(c, make(Opcode::set, "cache", "tmp", protocol::flags::kEphemeral));
    CHECK(call(c, make(Opcode::get, "presence")).value == "online");
    REQUIRE(call(c, make(Opcode::sync)).status == Status::ok);
    server.kill9();
  }
  ServerProcess server(ServerOptions{data});
  auto c = connect_to(server);
  CHECK(call(c, make(Opcode::get, "presence")).status == Status::not_found);
  CHECK(call(c, make(Opcode::get, "cache")).status == Status::not_found);
}

TEST_CASE("expired keys do not come back after a restart", "[integration][crash]") {
  TempDir dir;
  std::string data = dir.file("data");
  {
    ServerProcess server(ServerOptions{data});
    auto c = connect_to(server);
    auto req = make(Opcode::set, "short", "lived", protocol::flags::kDurable);
    req.ttl_ms = 300;
    REQUIRE(call(c, req).status == Status::ok);
    auto req2 = make(Opcode::set, "long", "lived", protocol::flags::kDurable);
    req2.ttl_ms = 3'600'000;
    REQUIRE(call(c, req2).status == Status::ok);
    server.kill9();
  }
  // Wait out the TTL on the wall clock (the property under test is time itself).
  const auto until = std::chrono::system_clock::now() + std::chrono::milliseconds(400);
  while (std::chrono::system_clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ServerProcess server(ServerOptions{data});
  auto c = connect_to(server);
  CHECK(call(c, make(Opcode::get, "short")).status == Status::not_found);
  auto ttl = call(c, make(Opcode::ttl, "long"));
  REQUIRE(ttl.status == Status::ok);
  CHECK(ttl.integer > 3'500'000);
}

TEST_CASE("auth and admin tokens are enforced", "[integration]") {
  TempDir dir;
  ServerProcess server(ServerOptions{dir.file("data"), false, {"--auth-token", "s3cret", "--admin-token", "adm1n"}});
  auto c = connect_to(server);
  CHECK(call(c, make(Opcode::get, "k")).status == Status::unauthorized);
  CHECK_FALSE(c->auth("wrong").ok());
  CHECK(call(c, make(Opcode::set, "k", "v")).status == Status::unauthorized);
  auto admin = c->auth("s3cret");
  REQUIRE(admin.ok());
  CHECK_FALSE(*admin);
  CHECK(call(c, make(Opcode::set, "k", "v")).status == Status::ok);
  CHECK(call(c, make(Opcode::stats)).status == Status::forbidden);
  CHECK(call(c, make(Opcode::snapshot)).status == Status::forbidden);
  CHECK(call(c, make(Opcode::shutdown)).status == Status::forbidden);

  auto a = connect_to(server);
  auto is_admin = a->auth("adm1n");
  REQUIRE(is_admin.ok());
  CHECK(*is_admin);
  auto stats = call(a, make(Opcode::stats));
  REQUIRE(stats.status == Status::ok);
  CHECK(stats.text.find("\"journal\"") != std::string::npos);
  CHECK(server.log().find("s3cret") == std::string::npos);  // never logged
}

TEST_CASE("admin operations are refused when no admin token is configured", "[integration]") {
  TempDir dir;
  ServerProcess server(ServerOptions{dir.file("data")});
  auto c = connect_to(server);
  for (auto op : {Opcode::stats, Opcode::snapshot, Opcode::snapshots, Opcode::shutdown, Opcode::backup}) {
    CHECK(call(c, make(op, "/tmp/x")).status == Status::forbidden);
  }
}

TEST_CASE("SHUTDOWN stops the server cleanly", "[integration]") {
  TempDir dir;
  ServerProcess server(ServerOptions{dir.file("data"), false, {"--admin-token", "t"}});
  int code = -1;
  cli(server, {"set", "k", "v"});
  cli(server, {"--admin-token", "t", "shutdown"}, &code);
  CHECK(code == 0);
  CHECK(server.wait_exit(30000) == 0);
}

TEST_CASE("a non-loopback bind without a token is refused", "[integration]") {
  TempDir dir;
  auto r = run_command({bin_path("mnemo-server"), "--bind", "0.0.0.0", "--port", "0", "--data-dir", dir.file("d")});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--auth-token") != std::string::npos);
}

TEST_CASE("garbage and broken frames leave the server answering others", "[integration]") {
  TempDir dir;
  ServerProcess server(ServerOptions{dir.file("data")});
  auto good = connect_to(server);
  call(good, make(Opcode::set, "k", "v"));
  for (int i = 0; i < 20; ++i) {
    auto fd = tools::connect_tcp("127.0.0.1", server.port(), 5000);
    REQUIRE(fd.ok());
    std::string junk = i % 2 ? std::string("\xff\xff\xff\x7fgarbage", 11) : std::string(i * 13 + 1, char(i * 37));
    (void)::write(*fd, junk.data(), junk.size());
    if (i % 3 == 0) ::shutdown(*fd, SHUT_WR);
    ::close(*fd);
  }
  CHECK(call(good, make(Opcode::get, "k")).value == "v");
}

TEST_CASE("500 connections opened at once and dropped", "[integration]") {
  TempDir dir;
  ServerProcess server(ServerOptions{dir.file("data")});
  std::vector<int> fds;
  for (int i = 0; i < 500; ++i) {
    auto fd = tools::connect_tcp("127.0.0.1", server.port(), 5000);
    REQUIRE(fd.ok());
    fds.push_back(*fd);
  }
  for (int fd : fds) ::close(fd);
  auto c = connect_to(server);
  CHECK(call(c, make(Opcode::ping)).status == Status::ok);
}
