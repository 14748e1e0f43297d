// Authentication on both ports of the real binary: with --auth-token, the
// native and the RESP port refuse every data command before AUTH and accept
// them after; wrong tokens are counted and logged without the token; admin
// operations need the admin token (native), and so do RESP SAVE/BGSAVE once an
// admin token is configured.
#include "tests/integration/harness.h"
#include "tests/integration/raw_socket.h"

using namespace mnemo;
using namespace mnemo::test;
using protocol::Opcode;
using protocol::Status;

namespace {

constexpr int kTimeoutMs = 10000;
constexpr const char* kToken = "data-T0ken";
constexpr const char* kAdmin = "admin-T0ken";
constexpr const char* kNoAuth = "-NOAUTH Authentication required.\r\n";

std::string resp_command(std::initializer_list<std::string_view> words) {
  std::string out = "*" + std::to_string(words.size()) + "\r\n";
  for (auto w : words) out.append("$").append(std::to_string(w.size())).append("\r\n").append(w).append("\r\n");
  return out;
}

// One RESP command with a one-line reply.
std::string resp_call(RawSocket& s, std::initializer_list<std::string_view> words) {
  REQUIRE(s.send(resp_command(words)));
  return s.read_line(kTimeoutMs);
}

std::vector<std::string> token_args(bool auth, bool admin) {
  std::vector<std::string> args;
  if (auth) args.insert(args.end(), {"--auth-token", kToken});
  if (admin) args.insert(args.end(), {"--admin-token", kAdmin});
  return args;
}

}  // namespace

TEST_CASE("with --auth-token the native port refuses every command but HELLO and AUTH until AUTH",
          "[integration][auth]") {
  TempDir dir;
  ServerProcess server({dir.file("data"), false, token_args(true, true)});
  auto c = connect_to(server);
  REQUIRE(c->hello("test").ok());  // the handshake needs no token
  auto keys = make(Opcode::mget);
  keys.keys = {"a", "b"};
  for (auto req : {make(Opcode::get, "k"), make(Opcode::set, "k", "v"), make(Opcode::del, "k"),
                   make(Opcode::incrby, "n"), make(Opcode::ttl, "k"), make(Opcode::scan), make(Opcode::dbsize),
                   make(Opcode::ping), make(Opcode::sync), make(Opcode::stats), make(Opcode::snapshot),
                   make(Opcode::shutdown), keys}) {
    INFO(protocol::opcode_name(req.op));
    auto r = call(c, req);
    CHECK(r.status == Status::unauthorized);
    CHECK_THAT(r.message, Catch::Contains("AUTH"));
  }
  auto wrong = c->auth("not-the-token");
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.error().status == Status::unauthorized);
  CHECK(call(c, make(Opcode::get, "k")).status == Status::unauthorized);  // still locked

  auto ok = c->auth(kToken);
  REQUIRE(ok.ok());
  CHECK_FALSE(*ok);  // data rights only
  CHECK(call(c, make(Opcode::set, "k", "v")).status == Status::ok);
  CHECK(call(c, make(Opcode::get, "k")).value == "v");
  CHECK(call(c, make(Opcode::ping)).status == Status::ok);
}

TEST_CASE("with --auth-token the RESP port answers NOAUTH to every command but AUTH, HELLO and QUIT",
          "[integration][auth]") {
  TempDir dir;
  ServerProcess server({dir.file("data"), true, token_args(true, true)});
  RawSocket s(server.resp_port());
  REQUIRE(s.ok());
  const std::vector<std::vector<std::string_view>> commands = {
      {"GET", "k"}, {"SET", "k", "v"}, {"DEL", "a", "b", "c"}, {"INCR", "n"}, {"MGET", "a", "b"},
      {"MSET", "a", "1"}, {"EXPIRE", "k", "10"}, {"TTL", "k"}, {"PERSIST", "k"}, {"EXISTS", "k"},
      {"TYPE", "k"}, {"SCAN", "0"}, {"DBSIZE"}, {"PING"}, {"ECHO", "x"}, {"SELECT", "0"}, {"INFO"},
      {"CONFIG", "GET", "save"}, {"CLIENT", "ID"}, {"COMMAND"}, {"SAVE"}, {"BGSAVE"},
      {"WAITAOF", "1", "0", "0"}, {"WAIT", "0", "0"},
  };
  // Pipelined, so each refusal must also keep the stream in step: one reply per command.
  std::string pipeline;
  for (const auto& cmd : commands) {
    pipeline += "*" + std::to_string(cmd.size()) + "\r\n";
    for (auto w : cmd) pipeline.append("$").append(std::to_string(w.size())).append("\r\n").append(w).append("\r\n");
  }
  REQUIRE(s.send(pipeline));
  std::string expected;
  for (std::size_t i = 0; i < commands.size(); ++i) expected += kNoAuth;
  CHECK(s.read_bytes(expected.size(), kTimeoutMs) == expected);

  CHECK_THAT(resp_call(s, {"AUTH", "wrong"}), Catch::StartsWith("-WRONGPASS"));
  CHECK(resp_call(s, {"GET", "k"}) == kNoAuth);
  CHECK(resp_call(s, {"AUTH", kToken}) == "+OK\r\n");
  CHECK(resp_call(s, {"SET", "k", "v"}) == "+OK\r\n");
  REQUIRE(s.send(resp_command({"GET", "k"})));
  CHECK(s.read_bytes(7, kTimeoutMs) == "$1\r\nv\r\n");
  CHECK(resp_call(s, {"PING"}) == "+PONG\r\n");

  SECTION("the two-argument form (user and token), as Redis 6 clients send it") {
    RawSocket t(server.resp_port());
    REQUIRE(t.ok());
    CHECK(resp_call(t, {"AUTH", "default", kToken}) == "+OK\r\n");
    CHECK(resp_call(t, {"DBSIZE"}) == ":1\r\n");
  }
  SECTION("QUIT needs no token") {
    RawSocket t(server.resp_port());
    REQUIRE(t.ok());
    REQUIRE(t.send(resp_command({"QUIT"})));
    CHECK(t.read_to_close(kTimeoutMs) == "+OK\r\n");
  }
}

TEST_CASE("wrong tokens are counted and logged, and no token ever appears in the log", "[integration][auth]") {
  TempDir dir;
  ServerProcess server({dir.file("data"), true, token_args(true, true)});
  const std::string tried = "guess-Xy9-wrong";
  auto c = connect_to(server);
  REQUIRE_FALSE(c->auth(tried).ok());
  RawSocket s(server.resp_port());
  REQUIRE(s.ok());
  CHECK_THAT(resp_call(s, {"AUTH", tried}), Catch::StartsWith("-WRONGPASS"));

  auto admin = connect_to(server);
  REQUIRE(admin->auth(kAdmin).ok());
  CHECK(json_number(call(admin, make(Opcode::stats)).text, "traffic", "auth_failures") == 2);
  CHECK(eventually([&] { return server.log().find("AUTH failed") != std::string::npos; }, kTimeoutMs));
  const std::string log = server.log();
  CHECK(log.find(tried) == std::string::npos);
  CHECK(log.find(kToken) == std::string::npos);
  CHECK(log.find(kAdmin) == std::string::npos);
}

TEST_CASE("admin operations on the native port need the admin token", "[integration][auth]") {
  TempDir dir;
  ServerProcess server({dir.file("data"), false, token_args(true, true)});
  auto data = connect_to(server);
  REQUIRE(data->auth(kToken).ok());
  auto admin = connect_to(server);
  auto is_admin = admin->auth(kAdmin);
  REQUIRE(is_admin.ok());
  CHECK(*is_admin);
  for (auto op : {Opcode::stats, Opcode::snapshot, Opcode::snapshots, Opcode::backup, Opcode::shutdown}) {
    INFO(protocol::opcode_name(op));
    auto r = call(data, make(op, dir.file("backup.db")));
    CHECK(r.status == Status::forbidden);
    CHECK_THAT(r.message, Catch::Contains("admin token"));
  }
  CHECK(call(admin, make(Opcode::stats)).status == Status::ok);
  CHECK(call(admin, make(Opcode::snapshots)).status == Status::ok);
  CHECK(call(admin, make(Opcode::backup, dir.file("backup.db"))).status == Status::ok);
  CHECK(call(admin, make(Opcode::get, "k")).status == Status::not_found);  // the admin token also opens data
}

TEST_CASE("RESP SAVE and BGSAVE need the admin token once one is set", "[integration][auth]") {
  TempDir dir;
  SECTION("auth and admin tokens: the data token is not enough") {
    ServerProcess server({dir.file("data"), true, token_args(true, true)});
    RawSocket s(server.resp_port());
    REQUIRE(s.ok());
    REQUIRE(resp_call(s, {"AUTH", kToken}) == "+OK\r\n");
    CHECK_THAT(resp_call(s, {"SAVE"}), Catch::StartsWith("-NOPERM this user has no permissions to run the 'save'"));
    CHECK_THAT(resp_call(s, {"BGSAVE"}), Catch::StartsWith("-NOPERM this user has no permissions to run the 'bgsave'"));
    RawSocket a(server.resp_port());
    REQUIRE(a.ok());
    REQUIRE(resp_call(a, {"AUTH", kAdmin}) == "+OK\r\n");
    CHECK(resp_call(a, {"SAVE"}) == "+OK\r\n");
    CHECK(resp_call(a, {"SET", "k", "v"}) == "+OK\r\n");  // admin includes data rights
  }
  SECTION("only an admin token: data is open, SAVE is not") {
    ServerProcess server({dir.file("data"), true, token_args(false, true)});
    RawSocket s(server.resp_port());
    REQUIRE(s.ok());
    CHECK(resp_call(s, {"SET", "k", "v"}) == "+OK\r\n");
    CHECK_THAT(resp_call(s, {"SAVE"}), Catch::StartsWith("-NOPERM"));
    CHECK(resp_call(s, {"AUTH", kAdmin}) == "+OK\r\n");
    CHECK(resp_call(s, {"SAVE"}) == "+OK\r\n");
  }
  SECTION("only an auth token: SAVE works once authenticated, as with Redis") {
    ServerProcess server({dir.file("data"), true, token_args(true, false)});
    RawSocket s(server.resp_port());
    REQUIRE(s.ok());
    CHECK(resp_call(s, {"SAVE"}) == kNoAuth);
    REQUIRE(resp_call(s, {"AUTH", kToken}) == "+OK\r\n");
    CHECK(resp_call(s, {"SAVE"}) == "+OK\r\n");
    CHECK(resp_call(s, {"BGSAVE"}) == "+Background saving started\r\n");
  }
  SECTION("no tokens: AUTH is an error, as with Redis, and everything is open") {
    ServerProcess server({dir.file("data"), true});
    RawSocket s(server.resp_port());
    REQUIRE(s.ok());
    CHECK_THAT(resp_call(s, {"AUTH", "x"}), Catch::StartsWith("-ERR AUTH <password> called without any password"));
    CHECK(resp_call(s, {"SAVE"}) == "+OK\r\n");
  }
}
