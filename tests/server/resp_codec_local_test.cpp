#include "server/resp_codec.h"

#include <string>
#include <vector>

#include "tests/server/resp_codec_test_support.h"

using namespace mnemo::server;
using namespace mnemo::server::resp_test;

namespace {

const std::string kHelloMap =
    "*14\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$5\r\n7.0.0\r\n$5\r\nproto\r\n:2\r\n"
    "$2\r\nid\r\n:7\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n"
    "$7\r\nmodules\r\n*0\r\n";

RespCodecOptions with_id(std::uint64_t id, bool auth_required = false) {
  RespCodecOptions o;
  o.client_id = id;
  o.auth_required = auth_required;
  return o;
}

}  // namespace

TEST_CASE("resp unknown command text matches Redis", "[server][resp]") {
  CodecDriver d;
  CHECK(d.local(command({"NOSUCHCMD"})) == "-ERR unknown command 'NOSUCHCMD', with args beginning with: \r\n");
  CHECK(d.local(command({"xyz", "a", "b"})) == "-ERR unknown command 'xyz', with args beginning with: 'a' 'b' \r\n");
  // Arguments are shown until 128 bytes, the last one cut to fit.
  const std::string long_arg(200, 'x');
  CHECK(d.local(command({"nope", "a", long_arg})) ==
        "-ERR unknown command 'nope', with args beginning with: 'a' '" + std::string(124, 'x') + "' \r\n");
  CHECK(d.local(command({std::string(40, 'q')})).rfind("-ERR unknown command 'qqqq", 0) == 0);
}

TEST_CASE("resp wrong arity text matches Redis", "[server][resp]") {
  CodecDriver d;
  CHECK(d.local(command({"GET"})) == "-ERR wrong number of arguments for 'get' command\r\n");
  CHECK(d.local(command({"get", "a", "b"})) == "-ERR wrong number of arguments for 'get' command\r\n");
  CHECK(d.local(command({"SET", "k"})) == "-ERR wrong number of arguments for 'set' command\r\n");
  CHECK(d.local(command({"PING", "a", "b"})) == "-ERR wrong number of arguments for 'ping' command\r\n");
  CHECK(d.local(command({"CONFIG", "GET"})) == "-ERR wrong number of arguments for 'config|get' command\r\n");
}

TEST_CASE("resp command names are case-insensitive", "[server][resp]") {
  CodecDriver d;
  CHECK(d.request(command({"gEt", "k"})).op == Opcode::get);
  CHECK(d.request(command({"sEtNx", "k", "v"})).flags == flags::kNx);
}

TEST_CASE("resp inline commands work like arrays", "[server][resp]") {
  CodecDriver d;
  const Request& r = d.request("SET k \"a b\"\r\n");
  CHECK((r.op == Opcode::set && r.key == "k" && r.value == "a b"));
  CHECK(d.local("ECHO hi\r\n") == "$2\r\nhi\r\n");
}

TEST_CASE("resp blank lines are skipped without a reply", "[server][resp]") {
  CodecDriver d;
  CHECK(d.local("\r\n").empty());
  CHECK(d.next("").kind == NextKind::need_more);
  CHECK(d.next("*1\r\n$4\r\nPI").kind == NextKind::need_more);
}

TEST_CASE("resp protocol errors reply and close", "[server][resp]") {
  ServerStats stats;
  RespCodecOptions o;
  o.stats = &stats;
  CodecDriver d(o);
  const Next n = d.next("*1\r\nx");
  CHECK(n.kind == NextKind::close);
  CHECK(d.out == "-ERR Protocol error: expected '$', got 'x'\r\n");
  CHECK(stats.protocol_errors.load() == 1);
  CodecDriver e;
  CHECK(e.next("SET k \"open\r\n").kind == NextKind::close);
  CHECK(e.out == "-ERR Protocol error: unbalanced quotes in request\r\n");
}

TEST_CASE("resp PING, ECHO, SELECT and QUIT", "[server][resp]") {
  CodecDriver d;
  CHECK(d.roundtrip(command({"PING"}), response()) == "+PONG\r\n");
  const Request& p = d.request(command({"PING", "hello"}));
  CHECK((p.op == Opcode::ping && p.key == "hello"));
  Response echoed = response();
  echoed.text = "hello";
  CHECK(d.encode(echoed) == "$5\r\nhello\r\n");
  CHECK(d.local(command({"ECHO", "x y"})) == "$3\r\nx y\r\n");
  CHECK(d.local(command({"SELECT", "0"})) == "+OK\r\n");
  CHECK(d.local(command({"SELECT", "1"})) == "-ERR DB index is out of range\r\n");
  CHECK(d.local(command({"SELECT", "x"})) == "-ERR value is not an integer or out of range\r\n");
  const Next q = d.next(command({"QUIT"}));
  CHECK((q.kind == NextKind::close && d.out == "+OK\r\n"));
}

TEST_CASE("resp AUTH forwards the token", "[server][resp]") {
  CodecDriver d(with_id(1, true));
  CHECK(d.local(command({"ECHO", "x"})) == "-NOAUTH Authentication required.\r\n");
  CHECK(d.local(command({"INFO"})) == "-NOAUTH Authentication required.\r\n");
  const Request& a = d.request(command({"AUTH", "secret"}));
  CHECK((a.op == Opcode::auth && a.key == "secret"));
  CHECK(d.encode(failure(Status::unauthorized, "invalid token")) ==
        "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
  CHECK(d.local(command({"ECHO", "x"})) == "-NOAUTH Authentication required.\r\n");
  CHECK(d.request(command({"AUTH", "default", "secret2"})).key == "secret2");
  CHECK(d.encode(response()) == "+OK\r\n");
  CHECK(d.local(command({"ECHO", "x"})) == "$1\r\nx\r\n");
  CHECK(d.local(command({"AUTH", "a", "b", "c"})) == "-ERR syntax error\r\n");
  CHECK(d.roundtrip(command({"AUTH", "x"}), failure(Status::bad_request, "no token configured")) ==
        "-ERR AUTH <password> called without any password configured for the default user. "
        "Are you sure your configuration is correct?\r\n");
}

TEST_CASE("resp AUTH with a user name answers like Redis's passwordless default user", "[server][resp]") {
  CodecDriver d;  // a server without a token: the executor says no password is configured
  const Response none = failure(Status::bad_request, "this server has no token configured");
  CHECK(d.roundtrip(command({"AUTH", "default", "x"}), none) == "+OK\r\n");
  CHECK(d.roundtrip(command({"AUTH", "someone", "x"}), none) ==
        "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
  CHECK(d.roundtrip(command({"AUTH", "x"}), none) ==
        "-ERR AUTH <password> called without any password configured for the default user. "
        "Are you sure your configuration is correct?\r\n");
  CHECK(d.roundtrip(command({"HELLO", "2", "AUTH", "default", "x"}), none).rfind("*14\r\n", 0) == 0);
  CHECK(d.roundtrip(command({"HELLO", "2", "AUTH", "Default", "x"}), none) ==
        "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
}

TEST_CASE("resp HELLO 2 answers a flat map and refuses versions other than 2 and 3", "[server][resp]") {
  CodecDriver d(with_id(7));
  CHECK(d.local(command({"HELLO"})) == kHelloMap);
  CHECK(d.local(command({"HELLO", "2"})) == kHelloMap);
  // Redis's own answer to a version it does not speak (HELLO 3: resp_codec_resp3_test.cpp).
  for (std::string_view version : {"1", "0", "-1", "4"}) {
    CAPTURE(version);
    CHECK(d.local(command({"HELLO", version})) == "-NOPROTO unsupported protocol version\r\n");
  }
  CHECK(d.local(command({"HELLO", "4", "AUTH", "default", "pw"})) == "-NOPROTO unsupported protocol version\r\n");
  CHECK(d.local(command({"HELLO", "x"})) == "-ERR Protocol version is not an integer or out of range\r\n");
  CHECK(d.local(command({"HELLO", "2", "BOGUS"})) == "-ERR Syntax error in HELLO option 'BOGUS'\r\n");
  CHECK(d.local(command({"HELLO", "2", "AUTH", "a"})) == "-ERR Syntax error in HELLO option 'AUTH'\r\n");
  CHECK(d.local(command({"HELLO", "2", "SETNAME", "a b"})) ==
        "-ERR Client names cannot contain spaces, newlines or special characters.\r\n");
  CHECK(d.local(command({"HELLO", "2", "SETNAME", "app"})) == kHelloMap);
  CHECK(d.local(command({"CLIENT", "GETNAME"})) == "$3\r\napp\r\n");
}

TEST_CASE("resp HELLO with AUTH authenticates first", "[server][resp]") {
  CodecDriver d(with_id(7, true));
  CHECK(d.local(command({"HELLO", "2"})) ==
        "-NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> "
        "<pass> option can be used to authenticate the client and select the RESP protocol version at the same "
        "time\r\n");
  const Request& a = d.request(command({"HELLO", "2", "AUTH", "default", "pw", "SETNAME", "svc"}));
  CHECK((a.op == Opcode::auth && a.key == "pw"));
  CHECK(d.encode(failure(Status::unauthorized, "")) ==
        "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
  d.request(command({"HELLO", "2", "AUTH", "default", "pw", "SETNAME", "svc"}));
  CHECK(d.encode(response()) == kHelloMap);
  CHECK(d.local(command({"CLIENT", "GETNAME"})) == "$3\r\nsvc\r\n");
}

TEST_CASE("resp INFO asks the provider", "[server][resp]") {
  std::string asked = "unset";
  CodecDriver d({}, [&](std::string_view section) {
    asked = std::string(section);
    return std::string("# Server\r\nredis_version:7.0.0\r\n");
  });
  CHECK(d.local(command({"INFO"})) == "$31\r\n# Server\r\nredis_version:7.0.0\r\n\r\n");
  CHECK(asked.empty());
  d.local(command({"INFO", "keyspace"}));
  CHECK(asked == "keyspace");
}

TEST_CASE("resp INFO with several sections joins them in Redis's order", "[server][resp]") {
  std::vector<std::string> asked;
  CodecDriver d({}, [&](std::string_view section) {
    asked.emplace_back(section);
    if (section == "nosuch") return std::string();
    return "# " + std::string(section) + "\r\nk:v\r\n";
  });
  const std::string body = "# server\r\nk:v\r\n\r\n# keyspace\r\nk:v\r\n";
  CHECK(d.local(command({"INFO", "KEYSPACE", "nosuch", "server", "keyspace"})) ==
        "$" + std::to_string(body.size()) + "\r\n" + body + "\r\n");
  CHECK(asked == std::vector<std::string>{"server", "keyspace"});
  asked.clear();
  d.local(command({"INFO", "server", "everything"}));
  CHECK(asked == std::vector<std::string>{"everything"});
}

TEST_CASE("resp WAIT checks its numbers like Redis", "[server][resp]") {
  CodecDriver d;
  CHECK(d.local(command({"WAIT", "1", "0"})) == ":0\r\n");
  CHECK(d.local(command({"WAIT", "x", "y"})) == "-ERR value is not an integer or out of range\r\n");
  CHECK(d.local(command({"WAIT", "0", "y"})) == "-ERR timeout is not an integer or out of range\r\n");
  CHECK(d.local(command({"WAIT", "0", "-1"})) == "-ERR timeout is negative\r\n");
}
