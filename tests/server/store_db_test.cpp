// Numbered databases: isolation, DBSIZE and keyspace counts, FLUSHDB and
// FLUSHALL (journaled as flush_db changes in one unit), recovery of
// flush_db and of changes in other databases, snapshot copies' db.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <map>
#include <optional>
#include <set>
#include <thread>
#include <string>
#include <vector>

#include "persistence/change.h"
#include "server/store_types.h"
#include "store_test_support.h"

namespace mnemo::server::test {

namespace {

using persistence::ChangeRef;

void put_value(Store& s, DbIndex db, std::string_view key, std::string_view value) {
  REQUIRE(s.set(db, key, value, SetOptions{})->written);
}

std::string value_of(Store& s, DbIndex db, std::string_view key) {
  auto r = s.get(db, key);
  REQUIRE(r.ok());
  return *r ? (*r)->value : std::string("<absent>");
}

}  // namespace

TEST_CASE("store databases keep their keys apart", "[store]") {
  StoreHarness h;
  put_value(h.store, 0, "k", "zero");
  put_value(h.store, 5, "k", "five");
  CHECK(value_of(h.store, 0, "k") == "zero");
  CHECK(value_of(h.store, 5, "k") == "five");
  CHECK(value_of(h.store, 1, "k") == "<absent>");
  CHECK(h.store.dbsize(0) == 1);
  CHECK(h.store.dbsize(5) == 1);
  CHECK(h.store.dbsize(2) == 0);
  CHECK(h.store.size() == 2);
  CHECK(h.log.batches().back() == std::vector<Change>{in_db(5, put(h.log.last_seq(), "k", "five"))});
  h.store.expire_at(5, "k", h.clock.now_ms() + 10);
  const auto ks = h.store.keyspace();
  REQUIRE(ks.size() == 16);
  CHECK(ks[0].keys == 1);
  CHECK(ks[0].expires == 0);
  CHECK(ks[5].keys == 1);
  CHECK(ks[5].expires == 1);
  CHECK(h.store.get(16, "k").error().message == "invalid DB index");
}

TEST_CASE("store execute works in the request's database", "[store]") {
  StoreHarness h;
  Request r;
  r.op = Opcode::set;
  r.key = "k";
  r.value = "v";
  r.db = 3;
  REQUIRE(h.run(r).status == Status::ok);
  CHECK(value_of(h.store, 3, "k") == "v");
  CHECK(h.get("k").status == Status::not_found);  // db 0
  r.op = Opcode::dbsize;
  CHECK(h.run(r).integer == 1);
  r.db = 16;
  CHECK(h.run(r).status == Status::bad_request);
}

TEST_CASE("store flushdb empties one database as one journaled change", "[store]") {
  StoreOptions o;
  o.shards = 16;  // a flush holds every shard of its databases; TSan tracks at most 64 locks held
  StoreHarness h(o);
  for (int i = 0; i < 100; ++i) put_value(h.store, 1, "k" + std::to_string(i), "v");
  put_value(h.store, 0, "keep", "v");
  const std::uint64_t before = h.store.stats().memory_bytes;
  auto seq = h.store.flushdb(1);
  REQUIRE(seq.ok());
  CHECK(h.log.batches().back() == std::vector<Change>{flush_db(*seq, 1)});
  CHECK(h.store.dbsize(1) == 0);
  CHECK(h.store.dbsize(0) == 1);
  h.store.wait_reclaimed();
  CHECK(h.store.stats().memory_bytes < before);
  put_value(h.store, 1, "k1", "again");
  CHECK(value_of(h.store, 1, "k1") == "again");
}

TEST_CASE("store flushall journals one flush_db per database in one unit", "[store]") {
  StoreOptions o;
  o.databases = 4;
  o.shards = 4;
  StoreHarness h(o);
  // Enough keys that the reclaimer thread frees some tables.
  for (int i = 0; i < 40000; ++i) put_value(h.store, static_cast<DbIndex>(i % 4), "k" + std::to_string(i), "v");
  auto seq = h.store.flushall();
  REQUIRE(seq.ok());
  CHECK(h.log.batches().back() ==
        std::vector<Change>{flush_db(*seq, 0), flush_db(*seq, 1), flush_db(*seq, 2), flush_db(*seq, 3)});
  CHECK(h.store.size() == 0);
  h.store.wait_reclaimed();
  CHECK(h.store.stats().memory_bytes == 0);
  SECTION("a refused journal append changes nothing") {
    put_value(h.store, 0, "k", "v");
    h.log.fail_with(Status::busy, "queue full");
    CHECK(h.store.flushall().error().status == Status::busy);
    CHECK(h.store.size() == 1);
  }
}

TEST_CASE("store recovery applies flush_db to its database only, by seq", "[store]") {
  StoreHarness h;
  h.store.apply_recovered(ChangeRef(put(5, "old", "v")));
  h.store.apply_recovered(ChangeRef(in_db(2, put(5, "old", "v"))));
  h.store.apply_recovered(ChangeRef(in_db(2, put(12, "new", "v"))));  // newer than the flush
  h.store.apply_recovered(ChangeRef(flush_db(10, 2)));
  h.store.apply_recovered(ChangeRef(in_db(2, put(7, "late", "v"))));  // older: must not come back
  h.store.apply_recovered(ChangeRef(in_db(2, put(11, "after", "v"))));
  h.store.finish_recovery(h.clock.now_ms());
  CHECK(value_of(h.store, 0, "old") == "v");
  CHECK(value_of(h.store, 2, "old") == "<absent>");
  CHECK(value_of(h.store, 2, "late") == "<absent>");
  CHECK(value_of(h.store, 2, "new") == "v");
  CHECK(value_of(h.store, 2, "after") == "v");
}

TEST_CASE("store recovery batch with a flush_db in the middle", "[store]") {
  StoreHarness h;
  std::vector<Change> batch{in_db(1, put(1, "a", "v")), in_db(1, put(2, "b", "v")), flush_db(3, 1),
                            in_db(1, put(4, "c", "v")), in_db(1, del(5, "c")),   put(2, "z", "v")};
  std::vector<ChangeRef> refs(batch.begin(), batch.end());
  h.store.apply_recovered_batch(refs);
  std::vector<Change> later{in_db(1, put(2, "b", "again"))};  // a replayed old change stays gone
  std::vector<ChangeRef> later_refs(later.begin(), later.end());
  h.store.apply_recovered_batch(later_refs);
  h.store.finish_recovery(h.clock.now_ms());
  CHECK(h.store.dbsize(1) == 0);
  CHECK(value_of(h.store, 0, "z") == "v");
  SECTION("the flush is forgotten once recovery ends") {
    put_value(h.store, 1, "b", "fresh");
    CHECK(value_of(h.store, 1, "b") == "fresh");
  }
}

TEST_CASE("store recovery refuses a database it does not have", "[store]") {
  StoreOptions o;
  o.databases = 2;
  StoreHarness h(o);
  CHECK_THROWS(h.store.apply_recovered(ChangeRef(in_db(2, put(1, "k", "v")))));
}

TEST_CASE("store snapshot copies carry their database", "[store]") {
  StoreOptions o;
  o.shards = 2;
  o.databases = 3;
  StoreHarness h(o);
  put_value(h.store, 0, "a", "v");
  put_value(h.store, 2, "b", "v");
  REQUIRE(h.store.shard_count() == 6);
  std::set<std::pair<std::uint32_t, std::string>> seen;
  for (std::size_t s = 0; s < h.store.shard_count(); ++s) {
    persistence::SnapshotBuffer buf;
    h.store.copy_chunk(s, nullptr, 100, buf);
    for (const auto& e : buf.entries()) {
      seen.emplace(e.db, e.key);
      CHECK(e.db == s / 2);
    }
  }
  CHECK(seen == std::set<std::pair<std::uint32_t, std::string>>{{0, "a"}, {2, "b"}});
}

TEST_CASE("store randomkey and keys", "[store]") {
  StoreHarness h;
  CHECK_FALSE(h.store.randomkey(0)->has_value());
  put_value(h.store, 0, "user:1", "v");
  put_value(h.store, 0, "user:2", "v");
  put_value(h.store, 0, "other", "v");
  const auto rk = h.store.randomkey(0);
  REQUIRE(rk->has_value());
  CHECK(std::set<std::string>{"user:1", "user:2", "other"}.count(**rk) == 1);
  auto ks = *h.store.keys(0, "user:*");
  CHECK(std::set<std::string>(ks.begin(), ks.end()) == std::set<std::string>{"user:1", "user:2"});
  CHECK(h.store.keys(0, "*")->size() == 3);
  CHECK(h.store.keys(0, "u?er:[12]")->size() == 2);
  CHECK(h.store.keys(1, "*")->empty());
}

}  // namespace mnemo::server::test

namespace mnemo::server::test {

TEST_CASE("store flushdb racing writers keeps exactly the writes journaled after it", "[store]") {
  StoreOptions o;
  o.shards = 16;
  StoreHarness h(o);
  std::atomic<bool> stop{false};
  std::vector<std::thread> writers;
  for (int t = 0; t < 2; ++t) {
    writers.emplace_back([&, t] {
      std::vector<std::string> names;
      for (int i = 0; i < 64; ++i) names.push_back("w" + std::to_string(t) + ":" + std::to_string(i));
      std::vector<std::string_view> keys(names.begin(), names.end());
      std::vector<std::string_view> values(names.size(), "v");
      while (!stop.load()) h.store.mset(0, keys, values);  // each MSET spans several shards
    });
  }
  std::uint64_t flush_seq = 0;
  for (int i = 0; i < 20; ++i) flush_seq = *h.store.flushdb(0);
  stop = true;
  for (auto& w : writers) w.join();
  // Every key left was written after the last flush, and each MSET is all
  // there or all gone: a flush never cuts one in half.
  std::map<std::uint64_t, std::size_t> keys_per_version;
  const auto left = h.store.keys(0, "*");
  REQUIRE(left.ok());
  for (const std::string& k : *left) {
    auto got = h.store.get(0, k);
    REQUIRE(got->has_value());
    CHECK((*got)->version > flush_seq);
    ++keys_per_version[(*got)->version];
  }
  for (const auto& [version, n] : keys_per_version) CHECK(n % 64 == 0);
}

}  // namespace mnemo::server::test

namespace mnemo::server::test {

namespace {

std::uint64_t exists(Store& s, DbIndex db, std::string_view key) {
  const std::vector<std::string_view> keys{key};
  return *s.exists(db, keys);
}

// What databases 0, 3 and 5 hold after the swap of the test below.
void check_swapped(Store& s) {
  CHECK(value_of(s, 0, "both") == "three");
  CHECK(value_of(s, 3, "both") == "zero");
  CHECK(value_of(s, 3, "a") == "zero");
  CHECK(exists(s, 0, "a") == 0);
  CHECK(exists(s, 0, "h") == 1);
  CHECK(s.dbsize(0) == 2);
  CHECK(s.dbsize(3) == 2);
  CHECK(value_of(s, 5, "other") == "five");
}

}  // namespace

TEST_CASE("store swapdb exchanges two databases as one unit that recovery replays", "[store]") {
  // SWAPDB holds every shard lock of both databases: few shards keep that
  // within the 64 locks ThreadSanitizer's deadlock detector can follow.
  StoreOptions o;
  o.shards = 4;
  StoreHarness h(o);
  put_value(h.store, 0, "a", "zero");
  put_value(h.store, 0, "both", "zero");
  put_value(h.store, 3, "both", "three");
  const std::vector<std::string_view> hkey{"h"};
  REQUIRE(h.store.collections(3, hkey, true, [](CollectionTxn& t) -> std::optional<protocol::Error> {
    t.ops(0, ValueType::hash).hset("f", "v");
    return {};
  }).ok());
  put_value(h.store, 5, "other", "five");

  const auto seq = h.store.swapdb(0, 3);
  REQUIRE(seq.ok());
  check_swapped(h.store);
  CHECK((*h.store.get(0, "both"))->version == *seq);  // a WATCH of it sees the swap
  // One unit: both flushes first, then every key at its new place.
  const std::vector<Change> unit = h.log.batches().back();
  REQUIRE(unit.size() == 6);
  CHECK(unit[0] == flush_db(*seq, 0));
  CHECK(unit[1] == flush_db(*seq, 3));
  for (const Change& c : unit) CHECK(c.seq == *seq);

  SECTION("replayed, in any order, the journal gives the same databases") {
    std::vector<Change> all;
    for (const auto& b : h.log.batches()) all.insert(all.end(), b.begin(), b.end());
    std::reverse(all.begin(), all.end());
    StoreHarness r(o);
    const std::vector<ChangeRef> refs(all.begin(), all.end());
    r.store.apply_recovered_batch(refs);
    r.store.finish_recovery(r.clock.now_ms());
    check_swapped(r.store);
  }
  SECTION("the same database twice changes nothing and journals nothing") {
    const auto batches = h.log.batches().size();
    REQUIRE(h.store.swapdb(1, 1).ok());
    CHECK(h.log.batches().size() == batches);
  }
  SECTION("an index out of range is refused") {
    CHECK(!h.store.swapdb(0, 16).ok());
    CHECK(value_of(h.store, 0, "both") == "three");
  }
}

}  // namespace mnemo::server::test
