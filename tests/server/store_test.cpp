// Store basics: PING, GET, TTL, DBSIZE, limits, max-memory, stats.
#include <catch2/catch.hpp>

#include <string>

#include "server/store.h"
#include "store_test_support.h"

namespace mnemo::server::test {

TEST_CASE("store PING echoes its payload or answers PONG", "[store]") {
  StoreHarness h;
  CHECK(h.key_op(Opcode::ping, "").text == "PONG");
  CHECK(h.key_op(Opcode::ping, "hello").text == "hello");
}

TEST_CASE("store GET returns what SET stored, with its version", "[store]") {
  StoreHarness h;
  CHECK(h.get("k").status == Status::not_found);
  const Response w = h.set("k", std::string("v\0x", 3));
  REQUIRE(w.status == Status::ok);
  const Response r = h.get("k");
  REQUIRE(r.status == Status::ok);
  CHECK(r.value == std::string("v\0x", 3));
  CHECK(r.version == w.version);
  CHECK(r.expire_at_ms == 0);
  SECTION("binary and empty keys are keys like any other") {
    REQUIRE(h.set("", "empty").status == Status::ok);
    REQUIRE(h.set(std::string_view("\0\xff", 2), "bin").status == Status::ok);
    CHECK(h.get("").value == "empty");
    CHECK(h.get(std::string_view("\0\xff", 2)).value == "bin");
    CHECK(h.get(std::string_view("\0", 1)).status == Status::not_found);
  }
}

TEST_CASE("store versions grow with every write", "[store]") {
  StoreHarness h;
  const auto v1 = h.set("a", "1").version;
  const auto v2 = h.set("b", "1").version;
  const auto v3 = h.set("a", "2").version;
  CHECK(v1 < v2);
  CHECK(v2 < v3);
  CHECK(h.get("a").version == v3);
}

TEST_CASE("store without a change log still hands out versions", "[store]") {
  StoreHarness h({}, /*with_log=*/false);
  const auto v1 = h.set("a", "1").version;
  const auto v2 = h.set("a", "2").version;
  CHECK(v1 > 0);
  CHECK(v2 > v1);
  CHECK(h.log.batches().empty());
}

TEST_CASE("store TTL reports remaining ms, -1 without expiry, NOT_FOUND when missing", "[store]") {
  StoreHarness h;
  CHECK(h.ttl("k").status == Status::not_found);
  h.set("k", "v");
  CHECK(h.ttl("k").integer == -1);
  h.set("t", "v", 0, 5000);
  CHECK(h.ttl("t").integer == 5000);
  h.clock.advance(1200);
  CHECK(h.ttl("t").integer == 3800);
}

TEST_CASE("store never returns an expired key and removes it on access", "[store]") {
  StoreHarness h;
  const Response w = h.set("k", "v", 0, 1000);
  CHECK(h.get("k").expire_at_ms == h.clock.now_ms() + 1000);
  h.clock.advance(999);
  CHECK(h.get("k").status == Status::ok);
  h.clock.advance(1);
  CHECK(h.get("k").status == Status::not_found);
  CHECK(h.ttl("k").status == Status::not_found);
  CHECK(h.store.stats().expired_lazily == 1);
  CHECK(h.store.size() == 0);
  CHECK(w.version > 0);
}

TEST_CASE("store DBSIZE counts keys", "[store]") {
  StoreHarness h;
  CHECK(h.key_op(Opcode::dbsize, "").integer == 0);
  h.set("a", "1");
  h.set("b", "1");
  h.set("a", "2");
  CHECK(h.key_op(Opcode::dbsize, "").integer == 2);
  h.del("a");
  CHECK(h.key_op(Opcode::dbsize, "").integer == 1);
}

TEST_CASE("store rejects keys and values over their limits with TOO_LARGE", "[store]") {
  StoreOptions o;
  o.max_key_bytes = 8;
  o.max_value_bytes = 16;
  StoreHarness h(o);
  const std::string key9(9, 'k');
  const std::string val17(17, 'v');
  SECTION("SET") {
    Response r = h.set(key9, "v");
    CHECK(r.status == Status::too_large);
    CHECK_THAT(r.message, Catch::Contains("8 bytes"));
    r = h.set("k", val17);
    CHECK(r.status == Status::too_large);
    CHECK_THAT(r.message, Catch::Contains("16 bytes"));
    CHECK(h.set(std::string(8, 'k'), std::string(16, 'v')).status == Status::ok);
  }
  SECTION("MSET checks every key and value and writes nothing") {
    CHECK(h.mset({"a", key9}, {"1", "2"}).status == Status::too_large);
    CHECK(h.mset({"a", "b"}, {"1", val17}).status == Status::too_large);
    CHECK(h.store.size() == 0);
  }
  SECTION("reads and other writes") {
    CHECK(h.get(key9).status == Status::too_large);
    CHECK(h.del(key9).status == Status::too_large);
    CHECK(h.incrby(key9, 1).status == Status::too_large);
    CHECK(h.keys_op(Opcode::mget, {"a", key9}).status == Status::too_large);
  }
  CHECK(h.store.stats().oom_rejects == 0);
}

TEST_CASE("store refuses writes past max memory but keeps reads and deletes working", "[store]") {
  StoreOptions o;
  o.shards = 4;
  o.max_memory_bytes = 64 << 10;
  StoreHarness h(o);
  const std::string value(200, 'x');
  int written = 0;
  Response r;
  for (; written < 10000; ++written) {
    r = h.set("key" + std::to_string(written), value);
    if (r.status != Status::ok) break;
  }
  REQUIRE(r.status == Status::out_of_memory);
  CHECK_THAT(r.message, Catch::Contains("OOM") && Catch::Contains("max memory"));
  CHECK(written > 100);
  const StoreStats s = h.store.stats();
  CHECK(s.oom_rejects == 1);
  CHECK(s.memory_bytes <= o.max_memory_bytes);
  CHECK(h.store.size() == static_cast<std::uint64_t>(written));

  CHECK(h.get("key0").value == value);
  // Room left after the first refusal depends on where the hash put each key; this needs far more.
  const std::string big(o.max_memory_bytes / 4, 'z');
  CHECK(h.mset({"m1", "m2"}, {big, big}).status == Status::out_of_memory);
  CHECK(h.set("key0", std::string(value.size(), 'y')).status == Status::ok);  // adds nothing
  CHECK(h.set("key1", "short").status == Status::ok);                         // frees memory
  // Deletes free far more than a new key costs, table growth included: where
  // the key lands, and so whether its shard's table must grow, changes with
  // the per-process hash seed.
  for (int i = 2; i < 62; ++i) REQUIRE(h.del("key" + std::to_string(i)).status == Status::ok);
  CHECK(h.set("new", value).status == Status::ok);
  CHECK(h.store.stats().oom_rejects == 2);
}

TEST_CASE("store stats count keys, ephemeral keys, expiries and memory", "[store]") {
  StoreHarness h;
  const std::uint64_t empty = h.store.stats().memory_bytes;
  h.set("a", "1");
  h.set("b", "1", flags::kEphemeral);
  h.set("c", "1", 0, 1000);
  StoreStats s = h.store.stats();
  CHECK(s.keys == 3);
  CHECK(s.ephemeral_keys == 1);
  CHECK(s.keys_with_expiry == 1);
  CHECK(s.memory_bytes > empty + 3 * 24);
  h.persist("c");
  h.del("b");
  s = h.store.stats();
  CHECK(s.keys == 2);
  CHECK(s.ephemeral_keys == 0);
  CHECK(s.keys_with_expiry == 0);
  const std::uint64_t two = s.memory_bytes;
  h.set("a", std::string(1000, 'x'));
  CHECK(h.store.stats().memory_bytes >= two + 900);
  h.del("a");
  CHECK(h.store.stats().memory_bytes < two);
}

TEST_CASE("store answers BAD_REQUEST to operations that are not its own", "[store]") {
  StoreHarness h;
  CHECK(h.key_op(Opcode::stats, "").status == Status::bad_request);
  CHECK(h.key_op(Opcode::sync, "").status == Status::bad_request);
}

TEST_CASE("store rounds the shard count up to a power of two", "[store]") {
  StoreOptions o;
  o.shards = 5;
  StoreHarness h(o);
  CHECK(h.store.shard_count() == 8 * 16);  // per database
  o.shards = 0;
  o.databases = 1;
  StoreHarness one(o);
  CHECK(one.store.shard_count() == 1);
  CHECK(one.set("k", "v").status == Status::ok);
  CHECK(one.get("k").value == "v");
}

}  // namespace mnemo::server::test

namespace mnemo::server::test {

TEST_CASE("store prefetch of present, absent and colliding keys changes nothing", "[store]") {
  StoreOptions o;
  o.shards = 2;
  StoreHarness h(o);
  for (int i = 0; i < 2000; ++i) h.set("k" + std::to_string(i), "v" + std::to_string(i));
  for (int i = 0; i < 4000; ++i) {
    const std::string k = "k" + std::to_string(i);
    h.store.prefetch(k, Store::Prefetch::table);
    h.store.prefetch(k, Store::Prefetch::entry);
  }
  h.store.prefetch("", Store::Prefetch::entry);
  CHECK(h.store.size() == 2000);
  CHECK(h.key_op(Opcode::get, "k1999").value == "v1999");
  CHECK(h.key_op(Opcode::get, "k2000").status == Status::not_found);
  CHECK(h.log.batches().size() == 2000);  // nothing journaled by a prefetch
}

}  // namespace mnemo::server::test
