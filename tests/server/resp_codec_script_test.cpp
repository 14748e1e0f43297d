// EVAL through the RESP codec on a real store (server/commands/script.cpp,
// server/script/): replies, and a script's writes as one journal unit.
#include <catch2/catch.hpp>

#include <string>

#include "tests/server/resp_codec_store_support.h"

using namespace mnemo::server;
using namespace mnemo::server::resp_test;

using ScriptDriver = LocalStoreDriver;

TEST_CASE("resp EVAL writes are one journal unit, declared or not", "[server][resp][script]") {
  ScriptDriver s;
  const std::string script =
      "redis.call('SET', KEYS[1], ARGV[1]) redis.call('SET', KEYS[2], ARGV[1]) "
      "redis.call('SET', 'undeclared', ARGV[1]) return redis.call('MGET', KEYS[1], KEYS[2], 'undeclared')";
  CHECK(s.run({"EVAL", script, "2", "a", "b", "v"}) == "*3\r\n$1\r\nv\r\n$1\r\nv\r\n$1\r\nv\r\n");
  const auto unit = s.h.log.batches().back();
  REQUIRE(unit.size() == 3);
  for (const auto& c : unit) CHECK(c.seq == unit.front().seq);
  auto r = s.h.store.get(0, "undeclared");
  REQUIRE(r);
  REQUIRE(*r);
  CHECK((*r)->version == unit.front().seq);
}

TEST_CASE("resp EVAL converts replies both ways", "[server][resp][script]") {
  ScriptDriver s;
  CHECK(s.run({"EVAL", "return {1, 'a', {ok='fine'}, false, true, {err='E x'}}", "0"}) ==
        "*6\r\n:1\r\n$1\r\na\r\n+fine\r\n$-1\r\n:1\r\n-E x\r\n");
  CHECK(s.run({"EVAL", "local r = redis.call('SET', 'k', 'v') return {r.ok, redis.call('GET', 'nokey')}", "0"}) ==
        "*2\r\n$2\r\nOK\r\n$-1\r\n");
  CHECK(s.run({"EVAL", "return redis.pcall('INCR', 'k')", "0"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(s.run({"EVAL", "return redis.call('INCR', 'k')", "0"}) ==
        "-ERR value is not an integer or out of range script: a02144db3132155527dc2889bcbaec380058c146, on "
        "@user_script:1.\r\n");
}

TEST_CASE("resp EVAL sandbox and EVALSHA", "[server][resp][script]") {
  ScriptDriver s;
  CHECK(s.run({"EVAL", "return os", "0"}).find("nonexistent global variable 'os'") != std::string::npos);
  CHECK(s.run({"EVAL", "x = 1", "0"}).find("Attempt to modify a readonly table") != std::string::npos);
  CHECK(s.run({"EVAL", "string.len = nil", "0"}).find("Attempt to modify a readonly table") != std::string::npos);
  const std::string load = s.run({"SCRIPT", "LOAD", "return 7"});
  const std::string sha = load.substr(5, 40);
  CHECK(s.run({"EVALSHA", sha, "0"}) == ":7\r\n");
  CHECK(s.run({"EVALSHA_RO", sha, "0"}) == ":7\r\n");
  CHECK(s.run({"EVAL_RO", "return redis.call('SET', 'a', 'b')", "0"}).rfind(
            "-ERR Write commands are not allowed from read-only scripts.", 0) == 0);
  CHECK(s.run({"SCRIPT", "FLUSH"}) == "+OK\r\n");
  CHECK(s.run({"EVALSHA", sha, "0"}) == "-NOSCRIPT No matching script. Please use EVAL.\r\n");
}

TEST_CASE("resp EVAL inside MULTI runs in the EXEC's unit", "[server][resp][script]") {
  ScriptDriver s;
  CHECK(s.run({"MULTI"}) == "+OK\r\n");
  CHECK(s.run({"EVAL", "return redis.call('INCR', KEYS[1])", "1", "c"}) == "+QUEUED\r\n");
  CHECK(s.run({"SET", "d", "1"}) == "+QUEUED\r\n");
  CHECK(s.run({"EXEC"}) == "*2\r\n:1\r\n+OK\r\n");
  const auto unit = s.h.log.batches().back();
  CHECK(unit.size() == 2);
}
