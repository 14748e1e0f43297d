#include "server/resp_codec.h"

#include <string>

#include "tests/server/resp_codec_test_support.h"

using namespace mnemo::server;
using namespace mnemo::server::resp_test;

namespace {

// What a GET step sees: a value at a version, with an expiry (0 = none).
Response found(std::string value, std::uint64_t version, std::int64_t expire_at_ms = 0) {
  Response r = response();
  r.value = std::move(value);
  r.version = version;
  r.expire_at_ms = expire_at_ms;
  return r;
}

// Runs one step of a multi-step command: a request that consumes the whole
// command on its first step and nothing on the later ones.
const Request& step(CodecDriver& d, const std::string& in) {
  const Next n = d.next(in);
  REQUIRE(n.kind == NextKind::request);
  REQUIRE((n.consumed == 0 || n.consumed == in.size()));
  return d.req;
}

// After the reply went out with the last step, nothing of the command is pending:
// the next call parses the next command.
void finished(CodecDriver& d, const std::string&) {
  const Next n = d.next(command({"PING"}));
  CHECK(n.kind == NextKind::request);
  CHECK(d.req.op == Opcode::ping);
  CHECK(d.out.empty());
  d.encode(response());
}

}  // namespace

TEST_CASE("resp SET GET reads, then writes only if the key is unchanged", "[server][resp]") {
  CodecDriver d;
  const std::string in = command({"SET", "k", "new", "GET", "EX", "10"});
  const Request& get = step(d, in);
  CHECK((get.op == Opcode::get && get.key == "k"));
  CHECK(d.encode(found("old", 7)).empty());
  const Request& set = step(d, in);
  CHECK((set.op == Opcode::set && set.key == "k" && set.value == "new" && set.if_version == 7 &&
         set.ttl_ms == 10000 && set.flags == 0));
  CHECK(d.encode(response()) == "$3\r\nold\r\n");
  finished(d, in);
  CHECK(d.roundtrip(command({"GET", "k"}), found("new", 8)) == "$3\r\nnew\r\n");  // back to plain replies
}

TEST_CASE("resp SET GET on a missing key writes only if it is still missing", "[server][resp]") {
  CodecDriver d;
  const std::string in = command({"SET", "k", "v", "GET", "KEEPTTL"});
  step(d, in);
  CHECK(d.encode(response(Status::not_found)).empty());
  const Request& set = step(d, in);
  CHECK((set.op == Opcode::set && set.if_version == 0 && set.flags == (flags::kNx | flags::kKeepTtl)));
  CHECK(d.encode(response()) == "$-1\r\n");
  finished(d, in);
}

TEST_CASE("resp SET GET with NX or XX replies the old value without writing", "[server][resp]") {
  CodecDriver d;
  SECTION("NX on an existing key") {
    const std::string in = command({"SET", "k", "v", "NX", "GET"});
    step(d, in);
    CHECK(d.encode(found("old", 3)) == "$3\r\nold\r\n");
    finished(d, in);
  }
  SECTION("XX on a missing key") {
    const std::string in = command({"SET", "k", "v", "GET", "XX"});
    step(d, in);
    CHECK(d.encode(response(Status::not_found)) == "$-1\r\n");
    finished(d, in);
  }
  SECTION("XX on an existing key writes at its version") {
    const std::string in = command({"SET", "k", "v", "GET", "XX"});
    step(d, in);
    d.encode(found("old", 3));
    CHECK(step(d, in).if_version == 3);
    CHECK(d.encode(response()) == "$3\r\nold\r\n");
    finished(d, in);
  }
}

TEST_CASE("resp SET GET with a moment already past deletes the key it read", "[server][resp]") {
  CodecDriver d;
  const std::string in = command({"SET", "k", "v", "GET", "PXAT", "1"});
  step(d, in);
  d.encode(found("old", 5));
  const Request& del = step(d, in);
  CHECK((del.op == Opcode::del && del.if_version == 5));
  CHECK(d.encode(response()) == "$3\r\nold\r\n");
  finished(d, in);
  const std::string missing = command({"SET", "k", "v", "GET", "EXAT", "1"});
  step(d, missing);
  CHECK(d.encode(response(Status::not_found)) == "$-1\r\n");
  finished(d, missing);
}

TEST_CASE("resp SET GET reads again when the key changed in between", "[server][resp]") {
  CodecDriver d;
  const std::string in = command({"SET", "k", "v", "GET"});
  step(d, in);
  d.encode(found("a", 1));
  step(d, in);
  CHECK(d.encode(failure(Status::version_mismatch, "at version 2")).empty());
  CHECK(step(d, in).op == Opcode::get);
  d.encode(response(Status::not_found));  // deleted meanwhile
  CHECK(step(d, in).flags == flags::kNx);
  CHECK(d.encode(failure(Status::exists, "key exists (NX)")).empty());  // and created again
  CHECK(step(d, in).op == Opcode::get);
  d.encode(found("c", 4));
  CHECK(step(d, in).if_version == 4);
  CHECK(d.encode(response()) == "$1\r\nc\r\n");
  finished(d, in);
}

TEST_CASE("resp SET GET gives up on a key that never stops changing", "[server][resp]") {
  CodecDriver d;
  const std::string in = command({"SET", "k", "v", "GET"});
  std::string reply;
  int writes = 0;
  while (reply.empty()) {
    step(d, in);
    d.encode(found("x", 1));
    step(d, in);
    ++writes;
    reply = d.encode(failure(Status::version_mismatch, ""));
  }
  CHECK(writes == 100);
  CHECK(reply == "-ERR the key kept changing during the command; retry\r\n");
  finished(d, in);
}

TEST_CASE("resp SET GET passes other failures on", "[server][resp]") {
  CodecDriver d;
  const std::string in = command({"SET", "k", "v", "GET"});
  step(d, in);
  CHECK(d.encode(failure(Status::unauthorized, "")) == "-NOAUTH Authentication required.\r\n");
  finished(d, in);
  step(d, in);
  d.encode(found("x", 1));
  step(d, in);
  CHECK(d.encode(failure(Status::out_of_memory, "")) == "-OOM command not allowed when used memory > 'maxmemory'.\r\n");
  finished(d, in);
}

TEST_CASE("resp EXPIRE NX XX GT LT decide on the expiry read", "[server][resp]") {
  CodecDriver d;
  const std::int64_t now = d.clock.now;
  const std::int64_t soon = now + 5000, later = now + 50000;
  struct Case {
    const char* option;
    std::int64_t current;  // 0 = no expiry
    bool applies;
  };
  const Case cases[] = {
      {"NX", 0, true},     {"NX", soon, false},  {"XX", 0, false},     {"XX", soon, true},
      {"GT", 0, false},    {"GT", soon, true},   {"GT", later, false}, {"LT", 0, true},
      {"LT", soon, false}, {"LT", later, true},
  };
  for (const Case& c : cases) {
    CAPTURE(c.option, c.current);
    const std::string in = command({"PEXPIRE", "k", "10000", c.option});  // deadline now + 10 s
    CHECK(step(d, in).op == Opcode::get);
    const std::string reply = d.encode(found("value", 9, c.current));
    if (c.applies) {
      CHECK(reply.empty());
      const Request& expire = step(d, in);  // only the expiry changes, at the version read
      CHECK((expire.op == Opcode::expire && expire.if_version == 9 && expire.ttl_ms == 10000));
      CHECK(d.encode(response()) == ":1\r\n");
    } else {
      CHECK(reply == ":0\r\n");
    }
    finished(d, in);
  }
}

TEST_CASE("resp EXPIRE with options on a missing key or a past moment", "[server][resp]") {
  CodecDriver d;
  const std::string missing = command({"EXPIRE", "k", "10", "XX"});
  step(d, missing);
  CHECK(d.encode(response(Status::not_found)) == ":0\r\n");
  finished(d, missing);
  const std::string past = command({"EXPIREAT", "k", "1", "LT"});
  step(d, past);
  d.encode(found("v", 2));
  const Request& del = step(d, past);
  CHECK((del.op == Opcode::del && del.if_version == 2));
  CHECK(d.encode(response()) == ":1\r\n");
  finished(d, past);
  const std::string gone = command({"EXPIRE", "k", "-1", "GT"});
  step(d, gone);
  CHECK(d.encode(found("v", 2, d.clock.now + 1000)) == ":0\r\n");  // GT: a moment past is not later
  finished(d, gone);
}
