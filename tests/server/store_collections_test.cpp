// The store's collection operations: what one collections() call journals
// (one unit, element operations only), refusals leaving nothing behind,
// emptied keys removed, WRONGTYPE from the string operations, and a recovery
// from the journaled changes (and from a snapshot copy) rebuilding every type.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "server/collection.h"
#include "server/store_types.h"
#include "collection_dump.h"
#include "store_test_support.h"

namespace mnemo::server::test {

namespace {

using Keys = std::vector<std::string_view>;
using Fault = std::optional<protocol::Error>;

std::uint64_t hset(Store& s, std::string_view key, std::string_view f, std::string_view v) {
  const Keys keys{key};
  auto r = s.collections(0, keys, true, [&](CollectionTxn& t) -> Fault {
    t.ops(0, ValueType::hash).hset(f, v);
    return {};
  });
  REQUIRE(r.ok());
  return *r;
}

// Replays every journaled change into a fresh store.
void replay(FakeLog& log, Store& into) {
  for (const auto& batch : log.batches()) {
    for (const Change& c : batch) into.apply_recovered(c);
  }
  into.finish_recovery(0);
}

}  // namespace

TEST_CASE("a collection write journals its element operations as one unit", "[store][collections]") {
  StoreHarness h;
  hset(h.store, "h", "a", "1");
  const Keys keys{"h", "s"};
  const auto v = h.store.collections(0, keys, true, [&](CollectionTxn& t) -> Fault {
    t.ops(0, ValueType::hash).hset("b", "2");
    t.ops(1, ValueType::set).sadd("m");
    return {};
  });
  REQUIRE(v.ok());
  const auto batches = h.log.batches();
  REQUIRE(batches.size() == 2);
  REQUIRE(batches[1].size() == 2);
  CHECK(batches[1][0].seq == *v);
  CHECK(batches[1][0].kind == ChangeKind::elements);
  OpWriter only_b(ValueType::hash);
  only_b.hset("b", "2");
  CHECK(batches[1][0].value == only_b.bytes());  // the one field, not the whole hash
  CHECK(h.store.key_info(0, "s")->value().type == ValueType::set);
}

TEST_CASE("a refused collection write changes nothing", "[store][collections]") {
  StoreHarness h;
  hset(h.store, "h", "a", "1");
  const std::string before = dump(h.store, "h");
  const Keys keys{"h"};
  SECTION("the command refuses") {
    auto r = h.store.collections(0, keys, true, [&](CollectionTxn& t) -> Fault {
      t.ops(0, ValueType::hash).hset("b", "2");
      return protocol::Error{Status::bad_request, "no"};
    });
    CHECK(!r.ok());
  }
  SECTION("the journal refuses") {
    h.log.fail_with(Status::busy, "full");
    auto r = h.store.collections(0, keys, true, [&](CollectionTxn& t) -> Fault {
      t.ops(0, ValueType::hash).hset("b", "2");
      return {};
    });
    CHECK(r.error().status == Status::busy);
  }
  CHECK(dump(h.store, "h") == before);
}

TEST_CASE("a collection emptied by a write no longer exists", "[store][collections]") {
  StoreHarness h;
  hset(h.store, "h", "a", "1");
  const Keys keys{"h"};
  REQUIRE(h.store.collections(0, keys, true, [&](CollectionTxn& t) -> Fault {
            t.ops(0, ValueType::hash).hdel("a");
            return {};
          }).ok());
  CHECK(*h.store.exists(0, keys) == 0);
  CHECK(h.store.size() == 0);
}

TEST_CASE("string operations answer WRONGTYPE on a collection", "[store][collections]") {
  StoreHarness h;
  hset(h.store, "h", "a", "1");
  CHECK(h.store.get(0, "h").error().status == Status::wrong_type);
  CHECK(h.store.incrby(0, "h", 1).error().status == Status::wrong_type);
  CHECK(h.store.append(0, "h", "x").error().status == Status::wrong_type);
  CHECK(h.store.strlen(0, "h").error().status == Status::wrong_type);
  CHECK(h.key_op(Opcode::get, "h").status == Status::wrong_type);
  const Keys keys{"h"};
  CHECK(!(*h.store.mget(0, keys))[0].has_value());  // MGET answers nil, as Redis
  // SET replaces a collection, as in Redis.
  REQUIRE(h.store.set(0, "h", "v", SetOptions{})->written);
  CHECK(h.store.get(0, "h")->value().value == "v");
}

TEST_CASE("recovery rebuilds every type from the journal and from a snapshot", "[store][collections]") {
  StoreHarness h;
  hset(h.store, "h", "a", "1");
  hset(h.store, "h", "b", "2");
  const Keys keys{"l", "s", "z"};
  REQUIRE(h.store.collections(0, keys, true, [&](CollectionTxn& t) -> Fault {
            OpWriter& l = t.ops(0, ValueType::list);
            l.rpush("x");
            l.rpush("y");
            l.lpush("w");
            t.ops(1, ValueType::set).sadd("m");
            t.ops(2, ValueType::zset).zadd("p", 1.5);
            return {};
          }).ok());
  REQUIRE(h.store.collections(0, keys, true, [&](CollectionTxn& t) -> Fault {
            t.ops(0, ValueType::list).lpop(1);
            t.ops(2, ValueType::zset).zadd("q", -2);
            return {};
          }).ok());
  REQUIRE(*h.store.expire_at(0, "h", h.clock.now_ms() + 100000));
  REQUIRE(*h.store.rename(0, "s", "s2") > 0);

  SECTION("from the journal, twice over (replay is idempotent)") {
    StoreHarness fresh;
    replay(h.log, fresh.store);
    replay(h.log, fresh.store);
    for (std::string_view k : {"h", "l", "s2", "z"}) CHECK(dump(fresh.store, k) == dump(h.store, k));
    CHECK(*fresh.store.pttl(0, "h") > 0);
    CHECK(dump(fresh.store, "s").empty());
  }
  SECTION("from a snapshot copy") {
    persistence::SnapshotBuffer buf;
    for (std::size_t i = 0; i < h.store.shard_count(); ++i) h.store.copy_chunk(i, nullptr, 1000, buf);
    StoreHarness fresh;
    for (const auto& e : buf.entries()) {
      CHECK(e.type != 0);
      fresh.store.apply_recovered(persistence::ChangeRef(e.version, ChangeKind::elements, e.key, e.value,
                                                         e.expire_at_ms, e.db));
    }
    fresh.store.finish_recovery(0);
    for (std::string_view k : {"h", "l", "s2", "z"}) CHECK(dump(fresh.store, k) == dump(h.store, k));
  }
}

TEST_CASE("DEL of a large collection gives its memory back through the reclaimer", "[store][collections]") {
  StoreHarness h;
  const std::int64_t before = static_cast<std::int64_t>(h.store.stats().memory_bytes);
  const Keys keys{"big"};
  REQUIRE(h.store.collections(0, keys, true, [&](CollectionTxn& t) -> Fault {
            for (int i = 0; i < 20000; ++i) t.ops(0, ValueType::set).sadd("member-number-" + std::to_string(i));
            return {};
          }).ok());
  const auto with_set = static_cast<std::int64_t>(h.store.stats().memory_bytes);
  CHECK(with_set - before > 20000 * 40);
  CHECK(*h.store.del(0, keys) == 1);
  CHECK(*h.store.exists(0, keys) == 0);
  h.store.wait_reclaimed();
  CHECK(static_cast<std::int64_t>(h.store.stats().memory_bytes) - before < 1024);
}

TEST_CASE("a one-key DEL request and expiry of a large collection free it too", "[store][collections]") {
  StoreHarness h;
  const std::int64_t before = static_cast<std::int64_t>(h.store.stats().memory_bytes);
  const Keys keys{"big"};
  auto fill = [&] {
    REQUIRE(h.store.collections(0, keys, true, [&](CollectionTxn& t) -> Fault {
              for (int i = 0; i < 20000; ++i) t.ops(0, ValueType::zset).zadd("member-" + std::to_string(i), i);
              return {};
            }).ok());
    CHECK(static_cast<std::int64_t>(h.store.stats().memory_bytes) - before > 20000 * 40);
  };
  SECTION("DEL key (the single-key request both protocols send)") {
    fill();
    CHECK(h.del("big").status == protocol::Status::ok);
  }
  SECTION("the expired key read again") {
    fill();
    REQUIRE(*h.store.expire_at(0, "big", h.clock.now_ms() + 10));
    h.clock.advance(20);
    // A write looks the key up and removes it as expired (find_live).
    REQUIRE(h.store.collections(0, keys, true, [](CollectionTxn& t) -> Fault {
              CHECK(!t.type(0));
              return {};
            }).ok());
  }
  SECTION("the background expiry sweep") {
    fill();
    REQUIRE(*h.store.expire_at(0, "big", h.clock.now_ms() + 10));
    h.clock.advance(20);
    CHECK(h.store.sweep_expired(1000) == 1);
  }
  CHECK(*h.store.exists(0, keys) == 0);
  h.store.wait_reclaimed();
  CHECK(static_cast<std::int64_t>(h.store.stats().memory_bytes) - before < 1024);
}

TEST_CASE("collection operation lists apply as recorded", "[store][collections]") {
  Collection l(ValueType::list);
  OpWriter w(ValueType::list);
  for (const char* e : {"a", "b", "c", "d", "e"}) w.rpush(e);
  w.ldel(1);           // a c d e
  w.linsert(0, "x");   // x a c d e
  w.lset(4, "E");      // x a c d E
  w.ltrim(1, 3);       // a c d
  w.rpop(1);           // a c
  REQUIRE(l.apply(w.bytes()));
  CHECK(std::vector<std::string_view>(l.list().begin(), l.list().end()) == std::vector<std::string_view>{"a", "c"});
  OpWriter bad(ValueType::list);
  bad.lset(9, "x");
  CHECK(!l.apply(bad.bytes()));
  CHECK(!l.apply(std::string(1, static_cast<char>(ValueType::hash))));  // another type
}

}  // namespace mnemo::server::test

namespace mnemo::server::test {

TEST_CASE("a transaction's writes to one collection recover as they ran", "[store][collections][txn]") {
  StoreHarness h;
  hset(h.store, "h", "old", "1");
  const std::vector<Store::TxnKey> ks{{0, "h"}, {0, "l"}};
  auto seq = h.store.run_atomically(ks, false, [&] {
    hset(h.store, "h", "a", "1");
    hset(h.store, "h", "b", "2");  // two deltas on one key: one operation list
    const std::string_view dels[] = {"h"};
    REQUIRE(h.store.del(0, dels));
    hset(h.store, "h", "c", "3");  // after a del: starts from nothing, not from "old"
    for (std::string_view e : {"x", "y"}) {
      const Keys keys{"l"};
      REQUIRE(h.store.collections(0, keys, true, [&](CollectionTxn& t) -> Fault {
                  t.ops(0, ValueType::list).rpush(e);
                  return {};
                }).ok());
    }
  });
  REQUIRE(seq);
  CHECK(h.log.batches().back().size() == 2);  // one change per key
  CHECK(dump(h.store, "h") == "hash,c=3,");
  CHECK(dump(h.store, "l") == "list,x,y,");
  StoreHarness fresh;
  replay(h.log, fresh.store);
  CHECK(dump(fresh.store, "h") == "hash,c=3,");
  CHECK(dump(fresh.store, "l") == "list,x,y,");
}

}  // namespace mnemo::server::test
