// Overwrites that reuse the entry's allocation (Shard::rewrite, taken when the
// new value fits): they must behave exactly like the allocate-and-replace path.
#include <catch2/catch.hpp>

#include <string>

#include "server/entry.h"
#include "server/store_shard.h"
#include "store_test_support.h"

namespace mnemo::server::test {

TEST_CASE("store decides in place only for values that fit the same allocation", "[store]") {
  Entry* e = make_entry("key", std::string(32, 'a'), 1, 0, false);
  CHECK(Shard::fits_in_place(*e, std::string(32, 'b')));
  CHECK(Shard::fits_in_place(*e, std::string(30, 'b')));    // same 16-byte malloc chunk
  CHECK_FALSE(Shard::fits_in_place(*e, std::string(33, 'b')));  // longer: never
  CHECK_FALSE(Shard::fits_in_place(*e, std::string(8, 'b')));   // smaller chunk: reallocate
  free_entry(e);
}

TEST_CASE("store overwrite in place updates value, version, expiry and journal", "[store]") {
  StoreHarness h;
  const std::int64_t t0 = h.clock.now_ms();
  const auto v1 = h.set("key", std::string(32, 'a'), 0, 1000).version;
  const auto mem_before = h.store.stats().memory_bytes;
  const Response w = h.set("key", std::string(32, 'b'));
  REQUIRE(w.status == Status::ok);
  CHECK(w.version > v1);
  const Response g = h.get("key");
  CHECK(g.value == std::string(32, 'b'));
  CHECK(g.version == w.version);
  CHECK(g.expire_at_ms == 0);
  CHECK(h.store.stats().keys_with_expiry == 0);
  CHECK(h.store.stats().memory_bytes == mem_before);
  const auto batches = h.log.batches();
  REQUIRE(batches.size() == 2);
  CHECK(batches[1] == std::vector<Change>{put(w.version, "key", std::string(32, 'b'))});
  SECTION("a shorter value in the same chunk") {
    REQUIRE(h.set("key", std::string(30, 'c'), 0, 500).status == Status::ok);
    CHECK(h.get("key").value == std::string(30, 'c'));
    CHECK(h.get("key").expire_at_ms == t0 + 500);
    CHECK(h.store.stats().keys_with_expiry == 1);
  }
  SECTION("INCRBY of a same-length number") {
    h.set("n", "10");
    CHECK(h.incrby("n", 5).integer == 15);
    CHECK(h.get("n").value == "15");
  }
}

TEST_CASE("store overwrite in place keeps the ephemeral rules", "[store]") {
  StoreHarness h;
  h.set("k", "persisted-value");
  SECTION("ephemeral over persisted journals a removal") {
    const Response w = h.set("k", "ephemeral-valu", flags::kEphemeral);
    REQUIRE(w.status == Status::ok);
    CHECK(h.store.stats().ephemeral_keys == 1);
    const auto batches = h.log.batches();
    REQUIRE(batches.size() == 2);
    CHECK(batches[1] == std::vector<Change>{del(w.version, "k")});
    SECTION("and persisted over ephemeral journals the put again") {
      const Response p = h.set("k", "persisted-agai");
      CHECK(h.store.stats().ephemeral_keys == 0);
      CHECK(h.log.batches().back() == std::vector<Change>{put(p.version, "k", "persisted-agai")});
    }
  }
}

TEST_CASE("store overwrite in place leaves the entry untouched when the journal refuses", "[store]") {
  StoreHarness h;
  const auto v1 = h.set("k", std::string(32, 'a')).version;
  h.log.fail_with(Status::busy, "queue full");
  CHECK(h.set("k", std::string(32, 'b')).status == Status::busy);
  h.log.recover();
  const Response g = h.get("k");
  CHECK(g.value == std::string(32, 'a'));
  CHECK(g.version == v1);
}

}  // namespace mnemo::server::test
