// EPHEMERAL writes: never journaled or snapshotted, but overwriting a
// persisted key journals that key's removal.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <string>

#include "store_test_support.h"

namespace mnemo::server::test {

TEST_CASE("store ephemeral SET of a new key journals nothing and takes an allocated seq", "[store]") {
  StoreHarness h;
  const Response r = h.set("e", "1", flags::kEphemeral);
  REQUIRE(r.status == Status::ok);
  CHECK(h.log.batches().empty());
  CHECK(h.log.allocated() == 1);
  CHECK(r.version == h.log.last_seq());
  CHECK(h.get("e").value == "1");
  CHECK(h.store.stats().ephemeral_keys == 1);
}

TEST_CASE("store ephemeral SET over a persisted key journals a del of it", "[store]") {
  StoreHarness h;
  h.set("k", "persisted");
  const Response r = h.set("k", "ephemeral", flags::kEphemeral);
  const auto batches = h.log.batches();
  REQUIRE(batches.size() == 2);
  CHECK(batches[1] == std::vector<Change>{del(r.version, "k")});
  CHECK(h.get("k").value == "ephemeral");
  SECTION("a second ephemeral write journals nothing more") {
    h.set("k", "again", flags::kEphemeral);
    CHECK(h.log.batches().size() == 2);
  }
  SECTION("a persisted write onto it journals a put") {
    const Response p = h.set("k", "back");
    CHECK(h.log.batches().back() == std::vector<Change>{put(p.version, "k", "back")});
    CHECK(h.store.stats().ephemeral_keys == 0);
  }
  SECTION("an expired persisted key is not resurrected, so nothing is journaled") {
    h.set("t", "old", 0, 10);
    h.clock.advance(10);
    const std::size_t before = h.log.batches().size();
    h.set("t", "e", flags::kEphemeral);
    CHECK(h.log.batches().size() == before);
  }
}

TEST_CASE("store DEL of an ephemeral key journals nothing", "[store]") {
  StoreHarness h;
  h.set("e", "1", flags::kEphemeral);
  const Response d = h.del("e");
  REQUIRE(d.status == Status::ok);
  CHECK(h.log.batches().empty());
  CHECK(d.version == h.log.last_seq());
  CHECK(h.log.allocated() == 2);
}

TEST_CASE("store INCRBY, EXPIRE and PERSIST keep an ephemeral key ephemeral", "[store]") {
  StoreHarness h;
  h.set("e", "1", flags::kEphemeral);
  CHECK(h.incrby("e", 1).integer == 2);
  CHECK(h.expire("e", 100).status == Status::ok);
  CHECK(h.persist("e").changed);
  CHECK(h.log.batches().empty());
  CHECK(h.store.stats().ephemeral_keys == 1);
  SECTION("INCRBY with the flag creates an ephemeral counter") {
    h.incrby("c", 1, flags::kEphemeral);
    CHECK(h.log.batches().empty());
    CHECK(h.store.stats().ephemeral_keys == 2);
  }
}

TEST_CASE("store ephemeral MSET journals one del per persisted key it overwrites", "[store]") {
  StoreHarness h;
  h.set("p1", "x");
  h.set("p2", "x");
  h.set("e", "x", flags::kEphemeral);
  const Response r = h.mset({"p1", "e", "new", "p2"}, {"1", "2", "3", "4"}, flags::kEphemeral);
  REQUIRE(r.status == Status::ok);
  const auto batches = h.log.batches();
  REQUIRE(batches.size() == 3);
  std::vector<Change> got = batches[2];
  std::sort(got.begin(), got.end(), [](const Change& a, const Change& b) { return a.key < b.key; });
  CHECK(got == std::vector<Change>{del(r.version, "p1"), del(r.version, "p2")});
  CHECK(h.store.stats().ephemeral_keys == 4);
  SECTION("without persisted keys it takes an allocated seq") {
    const std::size_t allocated = h.log.allocated();
    h.mset({"a", "b"}, {"1", "2"}, flags::kEphemeral);
    CHECK(h.log.batches().size() == 3);
    CHECK(h.log.allocated() == allocated + 1);
  }
}

TEST_CASE("store snapshot copies skip ephemeral entries", "[store]") {
  StoreOptions o;
  o.shards = 1;
  StoreHarness h(o);
  h.set("a", "1");
  h.set("b", "2", flags::kEphemeral);
  h.set("c", "3");
  persistence::SnapshotBuffer out;
  REQUIRE(h.store.copy_chunk(0, nullptr, 10, out));
  REQUIRE(out.size() == 2);  // all the shard has: in any order (SnapshotSource::copy_chunk)
  std::set<std::string> keys;
  for (const auto& e : out.entries()) keys.insert(e.key);
  CHECK(keys == std::set<std::string>{"a", "c"});
}

}  // namespace mnemo::server::test
