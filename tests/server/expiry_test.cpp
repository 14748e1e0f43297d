// The background sweep of expired entries, and loading recovered state
// (version-checked, with tombstones until finish_recovery).
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "store_test_support.h"

namespace mnemo::server::test {

TEST_CASE("store sweep removes expired entries, bounded per call", "[store]") {
  StoreOptions o;
  o.shards = 8;
  StoreHarness h(o);
  for (int i = 0; i < 100; ++i) h.set("t" + std::to_string(i), "v", 0, 1000);
  for (int i = 0; i < 50; ++i) h.set("p" + std::to_string(i), "v");
  CHECK(h.store.sweep_expired(1000) == 0);
  h.clock.advance(1000);
  std::size_t total = 0;
  for (int call = 0; call < 100 && total < 100; ++call) {
    const std::size_t n = h.store.sweep_expired(7);
    CHECK(n <= 7);
    total += n;
  }
  CHECK(total == 100);
  CHECK(h.store.size() == 50);
  const StoreStats s = h.store.stats();
  CHECK(s.expired_by_sweep == 100);
  CHECK(s.keys_with_expiry == 0);
  CHECK(s.expired_lazily == 0);
  CHECK(h.log.batches().size() == 150);  // expiry journals nothing
}

TEST_CASE("store sweep visits shards round-robin", "[store]") {
  StoreOptions o;
  o.shards = 16;
  StoreHarness h(o);
  for (int i = 0; i < 400; ++i) h.set("t" + std::to_string(i), "v", 0, 10);
  h.clock.advance(10);
  // One key per call must still make progress through every shard.
  std::size_t total = 0;
  for (int call = 0; call < 400; ++call) total += h.store.sweep_expired(1);
  CHECK(total == 400);
  CHECK(h.store.size() == 0);
}

TEST_CASE("store recovery applies a change only if it is newer than what the key holds", "[store]") {
  StoreHarness h({}, /*with_log=*/false);
  const std::vector<Change> log = {
      put(1, "a", "a1"), put(2, "b", "b2"), put(3, "a", "a3"), del(4, "b"),
      put(5, "c", "c5"), del(6, "c"),       put(7, "c", "c7"), put(8, "d", "d8", 1),
  };
  SECTION("in order, then all of it again") {
    for (const Change& c : log) h.store.apply_recovered(c);
    for (const Change& c : log) h.store.apply_recovered(c);
  }
  SECTION("in reverse order") {
    for (auto it = log.rbegin(); it != log.rend(); ++it) h.store.apply_recovered(*it);
  }
  SECTION("shuffled, twice") {
    std::vector<Change> mixed = {log[5], log[1], log[7], log[3], log[0], log[6], log[2], log[4]};
    for (const Change& c : mixed) h.store.apply_recovered(c);
    for (const Change& c : log) h.store.apply_recovered(c);
  }
  CHECK(h.store.finish_recovery(h.clock.now_ms()) == 1);  // d expired long ago
  CHECK(h.get("a").value == "a3");
  CHECK(h.get("a").version == 3);
  CHECK(h.get("b").status == Status::not_found);
  CHECK(h.get("c").value == "c7");
  CHECK(h.get("d").status == Status::not_found);
  CHECK(h.store.size() == 2);
  // Versions handed out after recovery are newer than every recovered one.
  CHECK(h.set("e", "1").version > 8);
}

TEST_CASE("store recovery tombstones last until finish_recovery", "[store]") {
  StoreHarness h({}, /*with_log=*/false);
  h.store.apply_recovered(del(5, "k"));
  h.store.apply_recovered(put(3, "k", "older than the delete"));
  CHECK(h.get("k").status == Status::not_found);
  h.store.apply_recovered(put(6, "k", "newer"));
  CHECK(h.get("k").value == "newer");
  h.store.finish_recovery(h.clock.now_ms());
  h.store.apply_recovered(del(9, "gone"));
  h.store.finish_recovery(h.clock.now_ms());
  h.store.apply_recovered(put(2, "gone", "after recovery the tombstone is forgotten"));
  CHECK(h.get("gone").status == Status::ok);
}

TEST_CASE("store recovered entries are persisted entries with their expiry", "[store]") {
  StoreOptions o;
  o.shards = 1;
  StoreHarness h(o);
  const std::int64_t later = h.clock.now_ms() + 60000;
  h.store.apply_recovered(put(4, "k", "v", later));
  CHECK(h.store.finish_recovery(h.clock.now_ms()) == 0);
  std::vector<persistence::SnapshotEntry> out;
  REQUIRE(h.store.copy_chunk(0, nullptr, 10, out));
  CHECK(out == std::vector<persistence::SnapshotEntry>{{"k", "v", 4, later}});
  CHECK(h.store.stats().keys_with_expiry == 1);
}

}  // namespace mnemo::server::test
