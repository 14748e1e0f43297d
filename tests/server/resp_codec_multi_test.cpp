// MULTI/EXEC/DISCARD/WATCH/UNWATCH through the RESP codec, on a real store
// (server/commands/multi.cpp): replies byte for byte as Redis 7 sends them.
#include <catch2/catch.hpp>

#include <string>

#include "tests/server/resp_codec_store_support.h"

using namespace mnemo::server;
using namespace mnemo::server::resp_test;

namespace {

struct MultiDriver : LocalStoreDriver {
  std::string value(std::string_view key, DbIndex db = 0) {
    auto r = h.store.get(db, key);
    REQUIRE(r);
    return *r ? std::string((*r)->value) : std::string("<none>");
  }
};

}  // namespace

TEST_CASE("resp MULTI queues and EXEC answers every command's reply", "[server][resp][multi]") {
  MultiDriver m;
  CHECK(m.run({"MULTI"}) == "+OK\r\n");
  CHECK(m.run({"SET", "a", "1"}) == "+QUEUED\r\n");
  CHECK(m.run({"INCR", "a"}) == "+QUEUED\r\n");
  CHECK(m.run({"GET", "a"}) == "+QUEUED\r\n");
  CHECK(m.run({"SET", "s", "text"}) == "+QUEUED\r\n");
  CHECK(m.run({"INCR", "s"}) == "+QUEUED\r\n");  // fails at run time, alone
  CHECK(m.run({"MSET", "b", "2", "c", "3"}) == "+QUEUED\r\n");
  CHECK(m.value("a") == "<none>");  // nothing ran yet
  CHECK(m.run({"EXEC"}) ==
        "*6\r\n+OK\r\n:2\r\n$1\r\n2\r\n+OK\r\n-ERR value is not an integer or out of range\r\n+OK\r\n");
  CHECK(m.value("a") == "2");
  // One journal unit: every write of the EXEC in one append, one seq.
  const auto unit = m.h.log.batches().back();
  CHECK(unit.size() == 4);  // a, s, b, c
  for (const auto& c : unit) CHECK(c.seq == unit.front().seq);
  CHECK(m.run({"EXEC"}) == "-ERR EXEC without MULTI\r\n");
}

TEST_CASE("resp MULTI errors match Redis", "[server][resp][multi]") {
  MultiDriver m;
  CHECK(m.run({"DISCARD"}) == "-ERR DISCARD without MULTI\r\n");
  CHECK(m.run({"MULTI"}) == "+OK\r\n");
  CHECK(m.run({"MULTI"}) == "-ERR MULTI calls can not be nested\r\n");
  CHECK(m.run({"WATCH", "a"}) == "-ERR WATCH inside MULTI is not allowed\r\n");
  CHECK(m.run({"SET", "a", "1"}) == "+QUEUED\r\n");
  CHECK(m.run({"DISCARD"}) == "+OK\r\n");
  CHECK(m.value("a") == "<none>");
  SECTION("an unknown command aborts the EXEC") {
    CHECK(m.run({"MULTI"}) == "+OK\r\n");
    CHECK(m.run({"SET", "a", "1"}) == "+QUEUED\r\n");
    CHECK(m.run({"NOSUCH"}) == "-ERR unknown command 'NOSUCH', with args beginning with: \r\n");
    CHECK(m.run({"SET", "b", "1"}) == "+QUEUED\r\n");
    CHECK(m.run({"EXEC"}) == "-EXECABORT Transaction discarded because of previous errors.\r\n");
  }
  SECTION("a wrong arity aborts the EXEC") {
    CHECK(m.run({"MULTI"}) == "+OK\r\n");
    CHECK(m.run({"SET", "a", "1"}) == "+QUEUED\r\n");
    CHECK(m.run({"GET"}) == "-ERR wrong number of arguments for 'get' command\r\n");
    CHECK(m.run({"EXEC"}) == "-EXECABORT Transaction discarded because of previous errors.\r\n");
  }
  SECTION("a command not allowed in a transaction aborts the EXEC") {
    CHECK(m.run({"MULTI"}) == "+OK\r\n");
    CHECK(m.run({"SAVE"}) == "-ERR Command not allowed inside a transaction\r\n");
    CHECK(m.run({"SET", "a", "1"}) == "+QUEUED\r\n");
    CHECK(m.run({"EXEC"}) == "-EXECABORT Transaction discarded because of previous errors.\r\n");
  }
  SECTION("EXEC with a wrong arity discards the transaction") {
    CHECK(m.run({"MULTI"}) == "+OK\r\n");
    CHECK(m.run({"SET", "a", "1"}) == "+QUEUED\r\n");
    CHECK(m.run({"EXEC", "x"}) ==
          "-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command\r\n");
  }
  CHECK(m.value("a") == "<none>");
  CHECK(m.value("b") == "<none>");
  CHECK(m.run({"EXEC"}) == "-ERR EXEC without MULTI\r\n");
}

TEST_CASE("resp EXEC answers nil when a watched key changed", "[server][resp][multi]") {
  MultiDriver m;
  REQUIRE(m.h.store.set(0, "w", "1", {}));
  CHECK(m.run({"WATCH", "w", "absent"}) == "+OK\r\n");
  SECTION("written by another client") { REQUIRE(m.h.store.set(0, "w", "1", {})); }
  SECTION("deleted") {
    const std::string_view k[] = {"w"};
    REQUIRE(m.h.store.del(0, k));
  }
  SECTION("an absent key created") { REQUIRE(m.h.store.set(0, "absent", "x", {})); }
  SECTION("flushed") { REQUIRE(m.h.store.flushdb(0)); }
  SECTION("expired") {
    REQUIRE(m.h.store.set(0, "t", "x", {}));
    REQUIRE(m.h.store.expire_at(0, "t", m.h.clock.now_ms() + 5));
    CHECK(m.run({"WATCH", "t"}) == "+OK\r\n");
    m.h.clock.advance(10);
  }
  CHECK(m.run({"MULTI"}) == "+OK\r\n");
  CHECK(m.run({"SET", "out", "1"}) == "+QUEUED\r\n");
  CHECK(m.run({"EXEC"}) == "*-1\r\n");
  CHECK(m.value("out") == "<none>");
  // EXEC forgot the watches: the next transaction runs.
  CHECK(m.run({"MULTI"}) == "+OK\r\n");
  CHECK(m.run({"SET", "out", "1"}) == "+QUEUED\r\n");
  CHECK(m.run({"EXEC"}) == "*1\r\n+OK\r\n");
}

TEST_CASE("resp WATCH of unchanged keys lets EXEC run; UNWATCH forgets", "[server][resp][multi]") {
  MultiDriver m;
  REQUIRE(m.h.store.set(0, "w", "1", {}));
  CHECK(m.run({"WATCH", "w"}) == "+OK\r\n");
  REQUIRE(m.h.store.get(0, "w"));  // a read is no change
  CHECK(m.run({"MULTI"}) == "+OK\r\n");
  CHECK(m.run({"INCR", "w"}) == "+QUEUED\r\n");
  CHECK(m.run({"EXEC"}) == "*1\r\n:2\r\n");
  CHECK(m.run({"WATCH", "w"}) == "+OK\r\n");
  REQUIRE(m.h.store.set(0, "w", "5", {}));
  CHECK(m.run({"UNWATCH"}) == "+OK\r\n");
  CHECK(m.run({"MULTI"}) == "+OK\r\n");
  CHECK(m.run({"EXEC"}) == "*0\r\n");
}

TEST_CASE("resp EXEC runs keyless and SELECTing commands", "[server][resp][multi]") {
  MultiDriver m;
  CHECK(m.run({"MULTI"}) == "+OK\r\n");
  CHECK(m.run({"SET", "a", "1"}) == "+QUEUED\r\n");
  CHECK(m.run({"SELECT", "2"}) == "+QUEUED\r\n");
  CHECK(m.run({"SET", "a", "2"}) == "+QUEUED\r\n");
  CHECK(m.run({"DBSIZE"}) == "+QUEUED\r\n");
  CHECK(m.run({"PING"}) == "+QUEUED\r\n");
  CHECK(m.run({"FLUSHDB"}) == "+QUEUED\r\n");
  CHECK(m.run({"EXEC"}) == "*6\r\n+OK\r\n+OK\r\n+OK\r\n:1\r\n+PONG\r\n+OK\r\n");
  CHECK(m.value("a", 0) == "1");
  CHECK(m.value("a", 2) == "<none>");
  CHECK_FALSE(m.d.codec.next(command({"GET", "a"}), m.d.req, m.d.out).kind == NextKind::replied);  // SELECT stays
  CHECK(m.d.req.db == 2);
}

TEST_CASE("resp MULTI queue is bounded", "[server][resp][multi]") {
  MultiDriver m;
  CHECK(m.run({"MULTI"}) == "+OK\r\n");
  const std::string ping = command({"PING"});
  std::size_t queued = 0;
  for (std::size_t i = 0; i < kMaxQueuedCommands; ++i) queued += m.d.local(ping) == "+QUEUED\r\n";
  CHECK(queued == kMaxQueuedCommands);
  CHECK(m.run({"PING"}).rfind("-ERR MULTI queue is full", 0) == 0);
  CHECK(m.run({"PING"}) == "+QUEUED\r\n");  // discarded already: not kept
  CHECK(m.run({"EXEC"}) == "-EXECABORT Transaction discarded because of previous errors.\r\n");
  CHECK(m.d.next(command({"PING"})).kind == NextKind::request);  // out of MULTI again
}
