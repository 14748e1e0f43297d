#include "server/resp_codec.h"

#include <limits>
#include <utility>
#include <vector>

#include "tests/server/resp_codec_test_support.h"

using namespace mnemo::server;
using namespace mnemo::server::resp_test;

TEST_CASE("resp GET becomes a request and replies bulk or nil", "[server][resp]") {
  CodecDriver d;
  const Request& req = d.request(command({"GET", "k"}));
  CHECK(req.op == Opcode::get);
  CHECK(req.key == "k");
  Response found = response();
  found.value = std::string("v\r\n\0", 4);
  CHECK(d.encode(found) == std::string("$4\r\nv\r\n\0\r\n", 10));
  d.request(command({"get", "k"}));
  CHECK(d.encode(response(Status::not_found)) == "$-1\r\n");
}

TEST_CASE("resp plain SET is a request; SET rejects bad options with Redis's texts", "[server][resp]") {
  CodecDriver d;
  const Request& plain = d.request(command({"SET", "k", "v"}));
  CHECK((plain.op == Opcode::set && plain.key == "k" && plain.value == "v" && plain.flags == 0 && plain.ttl_ms == 0));
  CHECK(d.encode(response()) == "+OK\r\n");
  CHECK(d.local(command({"SET", "k", "v", "NX", "XX"})) == "-ERR syntax error\r\n");
  CHECK(d.local(command({"SET", "k", "v", "EX", "1", "PX", "1"})) == "-ERR syntax error\r\n");
  CHECK(d.local(command({"SET", "k", "v", "EX", "1", "KEEPTTL"})) == "-ERR syntax error\r\n");
  CHECK(d.local(command({"SET", "k", "v", "EX"})) == "-ERR syntax error\r\n");
  CHECK(d.local(command({"SET", "k", "v", "BOGUS"})) == "-ERR syntax error\r\n");
  CHECK(d.local(command({"SET", "k", "v", "EX", "x"})) == "-ERR value is not an integer or out of range\r\n");
  CHECK(d.local(command({"SET", "k", "v", "EX", "0"})) == "-ERR invalid expire time in 'set' command\r\n");
  CHECK(d.local(command({"SET", "k", "v", "PX", "-5"})) == "-ERR invalid expire time in 'set' command\r\n");
  CHECK(d.local(command({"SET", "k", "v", "EX", "9223372036854775"})) ==
        "-ERR invalid expire time in 'set' command\r\n");
  CHECK(d.local(command({"SET", "k", "v", "EX", "1", "EXAT", "5"})) == "-ERR syntax error\r\n");
  CHECK(d.local(command({"SET", "k", "v", "EX", "1", "EX"})) == "-ERR syntax error\r\n");
  CHECK(d.local(command({"SET", "k", "v", "EX", "x", "BOGUS"})) == "-ERR syntax error\r\n");  // options first
  CHECK(d.local(command({"SET", "k", "v", "GET", "NX", "XX"})) == "-ERR syntax error\r\n");
}

TEST_CASE("resp expiries near INT64_MAX ms stay within the store's range", "[server][resp]") {
  CodecDriver d;
  const std::int64_t now = d.clock.now;
  const std::uint64_t room = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max() - now);
  // Redis accepts these; the store adds its own (later) clock, so the codec leaves a minute of room.
  CHECK(d.request(command({"PSETEX", "k", std::to_string(room), "v"})).ttl_ms == room - 60000);
  CHECK(d.local(command({"SET", "k", "v", "PX", std::to_string(room + 1)})) ==
        "-ERR invalid expire time in 'set' command\r\n");
  CHECK(d.local(command({"PSETEX", "k", std::to_string(room + 1), "v"})) ==
        "-ERR invalid expire time in 'psetex' command\r\n");
  CHECK(d.local(command({"SETEX", "k", "9223372036854774", "v"})) ==
        "-ERR invalid expire time in 'setex' command\r\n");
}

TEST_CASE("resp SETNX, SETEX and PSETEX", "[server][resp]") {
  CodecDriver d;
  const Request& nx = d.request(command({"SETNX", "k", "v"}));
  CHECK((nx.op == Opcode::set && nx.flags == flags::kNx));
  CHECK(d.encode(response()) == ":1\r\n");
  d.request(command({"SETNX", "k", "v"}));
  CHECK(d.encode(response(Status::exists)) == ":0\r\n");

  const Request& ex = d.request(command({"SETEX", "k", "7", "v"}));
  CHECK((ex.op == Opcode::set && ex.key == "k" && ex.value == "v" && ex.ttl_ms == 7000));
  CHECK(d.encode(response()) == "+OK\r\n");
  CHECK(d.request(command({"PSETEX", "k", "70", "v"})).ttl_ms == 70);
  CHECK(d.local(command({"SETEX", "k", "0", "v"})) == "-ERR invalid expire time in 'setex' command\r\n");
  CHECK(d.local(command({"PSETEX", "k", "-1", "v"})) == "-ERR invalid expire time in 'psetex' command\r\n");
  CHECK(d.local(command({"SETEX", "k", "x", "v"})) == "-ERR value is not an integer or out of range\r\n");
}

TEST_CASE("resp DEL of one key replies 1 or 0", "[server][resp]") {
  CodecDriver d;
  const Request& r = d.request(command({"DEL", "k"}));
  CHECK((r.op == Opcode::del && r.key == "k"));
  CHECK(d.encode(response()) == ":1\r\n");
  d.request(command({"UNLINK", "k"}));
  CHECK(d.encode(response(Status::not_found)) == ":0\r\n");
}

// The command is consumed with its first step; later steps are requests that
// consume nothing, and the last one's reply is the count.
TEST_CASE("resp DEL of several keys runs one request per key", "[server][resp]") {
  CodecDriver d;
  const std::string in = command({"DEL", "a", "b", "c"}) + command({"GET", "z"});
  const std::size_t del_bytes = command({"DEL", "a", "b", "c"}).size();
  std::string buffer = in;
  const Status answers[] = {Status::ok, Status::not_found, Status::ok};
  const char* keys[] = {"a", "b", "c"};
  for (int i = 0; i < 3; ++i) {
    const Next n = d.next(buffer);
    REQUIRE(n.kind == NextKind::request);
    CHECK(n.consumed == (i == 0 ? del_bytes : 0));
    CHECK((d.req.op == Opcode::del && d.req.key == keys[i]));
    const std::string reply = d.encode(response(answers[i]));
    CHECK(reply == (i == 2 ? ":2\r\n" : ""));
    buffer = std::string(buffer);  // the connection may move its input between steps
    buffer.erase(0, n.consumed);
  }
  CHECK(d.request(buffer).key == "z");  // and the pipeline goes on
}

TEST_CASE("resp DEL of several keys stops at the first failure", "[server][resp]") {
  CodecDriver d;
  const std::string in = command({"DEL", "a", "b", "c"});
  REQUIRE(d.next(in).consumed == in.size());
  CHECK(d.encode(response()).empty());
  REQUIRE(d.next("").consumed == 0);
  CHECK(d.encode(failure(Status::read_only, "disk full")) == "-ERR persistence is failing: disk full\r\n");
  d.request(command({"GET", "x"}));
  CHECK(d.encode(response(Status::not_found)) == "$-1\r\n");  // back to normal replies
}

TEST_CASE("resp INCR family maps to INCRBY", "[server][resp]") {
  CodecDriver d;
  CHECK(d.request(command({"INCR", "n"})).delta == 1);
  CHECK(d.request(command({"DECR", "n"})).delta == -1);
  CHECK(d.request(command({"INCRBY", "n", "-7"})).delta == -7);
  const Request& r = d.request(command({"DECRBY", "n", "9223372036854775807"}));
  CHECK((r.op == Opcode::incrby && r.key == "n" && r.delta == -9223372036854775807));
  CHECK(d.local(command({"DECRBY", "n", "-9223372036854775808"})) == "-ERR decrement would overflow\r\n");
  CHECK(d.local(command({"INCRBY", "n", "1.5"})) == "-ERR value is not an integer or out of range\r\n");
}

TEST_CASE("resp INCR replies the integer or Redis's errors", "[server][resp]") {
  CodecDriver d;
  Response r = response();
  r.integer = -42;
  CHECK(d.roundtrip(command({"INCR", "n"}), r) == ":-42\r\n");
  CHECK(d.roundtrip(command({"INCR", "n"}), failure(Status::wrong_type, "not an integer")) ==
        "-ERR value is not an integer or out of range\r\n");
  CHECK(d.roundtrip(command({"INCRBY", "n", "5"}), failure(Status::bad_request, "increment would overflow")) ==
        "-ERR increment or decrement would overflow\r\n");
}

TEST_CASE("resp MGET and MSET", "[server][resp]") {
  CodecDriver d;
  const Request& g = d.request(command({"MGET", "a", "b"}));
  CHECK((g.op == Opcode::mget && g.keys == std::vector<std::string_view>{"a", "b"}));
  Response r = response();
  r.values.resize(2);
  r.values[0].found = true;
  r.values[0].value = "1";
  CHECK(d.encode(r) == "*2\r\n$1\r\n1\r\n$-1\r\n");

  const Request& s = d.request(command({"MSET", "a", "1", "b", "2"}));
  CHECK((s.op == Opcode::mset && s.keys == std::vector<std::string_view>{"a", "b"} &&
         s.values == std::vector<std::string_view>{"1", "2"}));
  CHECK(d.encode(response()) == "+OK\r\n");
  CHECK(d.local(command({"MSET", "a", "1", "b"})) == "-ERR wrong number of arguments for 'mset' command\r\n");
}

TEST_CASE("resp EXPIRE refuses bad options and numbers in Redis's order", "[server][resp]") {
  CodecDriver d;
  CHECK(d.local(command({"EXPIRE", "k", "10", "ZZ"})) == "-ERR Unsupported option ZZ\r\n");
  CHECK(d.local(command({"EXPIRE", "k", "x", "NX", "ZZ"})) == "-ERR Unsupported option ZZ\r\n");
  for (auto opts : {std::pair{"NX", "XX"}, std::pair{"GT", "nx"}, std::pair{"NX", "LT"}}) {
    CHECK(d.local(command({"EXPIRE", "k", "10", opts.first, opts.second})) ==
          "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n");
  }
  CHECK(d.local(command({"PEXPIRE", "k", "10", "GT", "LT"})) ==
        "-ERR GT and LT options at the same time are not compatible\r\n");
  CHECK(d.local(command({"EXPIRE", "k", "x", "NX"})) == "-ERR value is not an integer or out of range\r\n");
  CHECK(d.local(command({"EXPIRE", "k", "x"})) == "-ERR value is not an integer or out of range\r\n");
  CHECK(d.local(command({"EXPIRE", "k", "9223372036854775807"})) ==
        "-ERR invalid expire time in 'expire' command\r\n");
  CHECK(d.local(command({"PEXPIRE", "k", "9223372036854775807"})) ==
        "-ERR invalid expire time in 'pexpire' command\r\n");
}

TEST_CASE("resp TTL rounds like Redis and PTTL does not", "[server][resp]") {
  CodecDriver d;
  auto ttl = [&](const char* cmd, Status s, std::int64_t ms) {
    d.request(command({cmd, "k"}));
    CHECK(d.req.op == Opcode::ttl);
    Response r = response(s);
    r.integer = ms;
    return d.encode(r);
  };
  CHECK(ttl("TTL", Status::ok, 1499) == ":1\r\n");
  CHECK(ttl("TTL", Status::ok, 1500) == ":2\r\n");
  CHECK(ttl("TTL", Status::ok, 499) == ":0\r\n");
  CHECK(ttl("TTL", Status::ok, -1) == ":-1\r\n");
  CHECK(ttl("TTL", Status::not_found, 0) == ":-2\r\n");
  CHECK(ttl("PTTL", Status::ok, 1499) == ":1499\r\n");
  CHECK(ttl("PTTL", Status::not_found, 0) == ":-2\r\n");
}

TEST_CASE("resp PERSIST, EXISTS, TYPE and DBSIZE", "[server][resp]") {
  CodecDriver d;
  Response changed = response();
  changed.changed = true;
  CHECK(d.roundtrip(command({"PERSIST", "k"}), changed) == ":1\r\n");
  CHECK(d.roundtrip(command({"PERSIST", "k"}), response()) == ":0\r\n");
  CHECK(d.roundtrip(command({"PERSIST", "k"}), response(Status::not_found)) == ":0\r\n");

  const Request& e = d.request(command({"EXISTS", "a", "a", "b"}));
  CHECK((e.op == Opcode::exists && e.keys.size() == 3));
  Response two = response();
  two.integer = 2;
  CHECK(d.encode(two) == ":2\r\n");

  CHECK(d.request(command({"TYPE", "k"})).keys == std::vector<std::string_view>{"k"});
  CHECK(d.encode(two) == "+string\r\n");
  d.request(command({"TYPE", "k"}));
  CHECK(d.encode(response()) == "+none\r\n");

  CHECK(d.request(command({"DBSIZE"})).op == Opcode::dbsize);
  Response n = response();
  n.integer = 12345;
  CHECK(d.encode(n) == ":12345\r\n");
}

TEST_CASE("resp SAVE, BGSAVE and WAITAOF", "[server][resp]") {
  CodecDriver d;
  const Request& save = d.request(command({"SAVE"}));
  CHECK((save.op == Opcode::snapshot && save.flags == flags::kWait));
  CHECK(d.encode(response()) == "+OK\r\n");
  const Request& bg = d.request(command({"BGSAVE"}));
  CHECK((bg.op == Opcode::snapshot && bg.flags == 0));
  CHECK(d.encode(response()) == "+Background saving started\r\n");
  d.request(command({"BGSAVE", "SCHEDULE"}));
  CHECK(d.encode(failure(Status::forbidden, "admin operation: AUTH with the admin token first")) ==
        "-NOPERM this user has no permissions to run the 'bgsave' command "
        "(admin operation: AUTH with the admin token first)\r\n");
  CHECK(d.request(command({"WAITAOF", "1", "0", "0"})).op == Opcode::sync);
  CHECK(d.encode(response()) == "*2\r\n:1\r\n:0\r\n");
  CHECK(d.local(command({"WAITAOF", "x", "0", "0"})) == "-ERR value is not an integer or out of range\r\n");
  CHECK(d.local(command({"WAITAOF", "-1", "x", "0"})) == "-ERR value is out of range, must be positive\r\n");
  CHECK(d.local(command({"WAITAOF", "1", "0", "x"})) == "-ERR timeout is not an integer or out of range\r\n");
  CHECK(d.local(command({"WAITAOF", "1", "0", "-1"})) == "-ERR timeout is negative\r\n");
}

TEST_CASE("resp maps store failures to Redis-style errors", "[server][resp]") {
  CodecDriver d;
  auto set_fails = [&](Status s, std::string_view message) {
    return d.roundtrip(command({"SET", "k", "v"}), failure(s, message));
  };
  CHECK(set_fails(Status::unauthorized, "authentication required") == "-NOAUTH Authentication required.\r\n");
  CHECK(set_fails(Status::busy, "journal queue full") == "-BUSY journal queue full\r\n");
  CHECK(set_fails(Status::read_only, "disk I/O error") == "-ERR persistence is failing: disk I/O error\r\n");
  CHECK(set_fails(Status::out_of_memory, "over 1 MiB") ==
        "-OOM command not allowed when used memory > 'maxmemory'.\r\n");
  CHECK(set_fails(Status::too_large, "value is 20 bytes; the limit is 10") ==
        "-ERR value is 20 bytes; the limit is 10\r\n");
  CHECK(set_fails(Status::internal, "bug\r\nhere") == "-ERR bug  here\r\n");
  CHECK(set_fails(Status::shutting_down, "") == "-ERR the server is shutting down\r\n");
  CHECK(set_fails(Status::bad_request, "increment would overflow") == "-ERR increment would overflow\r\n");
}
