// Store transactions (store_txn.cpp): one journal unit, isolation, WATCH stamps.
#include <catch2/catch.hpp>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "store_test_support.h"

namespace mnemo::server::test {

namespace {
constexpr std::uint64_t kPending = ~std::uint64_t{0};  // store_impl.h's kTxnPendingVersion
std::vector<Store::TxnKey> keys_of(std::initializer_list<std::string_view> ks, DbIndex db = 0) {
  std::vector<Store::TxnKey> out;
  for (std::string_view k : ks) out.push_back({db, k});
  return out;
}
std::string value_of(StoreHarness& h, std::string_view key) {
  auto r = h.store.get(0, key);
  REQUIRE(r);
  return *r ? std::string((*r)->value) : std::string("<none>");
}
std::uint64_t version_of(StoreHarness& h, std::string_view key) {
  auto r = h.store.get(0, key);
  REQUIRE(r);
  return *r ? (*r)->version : 0;
}
}  // namespace

TEST_CASE("store transaction journals every write of its body as one unit", "[store][txn]") {
  StoreHarness h;
  h.set("gone", "x");
  const std::size_t before = h.log.batches().size();
  const auto ks = keys_of({"a", "b", "c", "gone"});
  auto seq = h.store.run_atomically(ks, false, [&] {
    CHECK(h.store.set(0, "a", "1", {}));
    CHECK(h.set("b", "2").status == Status::ok);  // through execute() too
    CHECK(h.store.incrby(0, "c", 5));
    CHECK(h.store.incrby(0, "c", 5));             // a key written twice keeps its last change
    const std::string_view dels[] = {"gone"};
    CHECK(h.store.del(0, dels));
  });
  REQUIRE(seq);
  REQUIRE(*seq > 0);
  const auto batches = h.log.batches();
  REQUIRE(batches.size() == before + 1);
  const auto& unit = batches.back();
  REQUIRE(unit.size() == 4);
  for (const Change& c : unit) CHECK(c.seq == *seq);
  CHECK(std::count_if(unit.begin(), unit.end(), [](const Change& c) { return c.key == "c" && c.value == "10"; }) == 1);
  CHECK(version_of(h, "a") == *seq);
  CHECK(version_of(h, "b") == *seq);
  CHECK(version_of(h, "c") == *seq);
  CHECK(value_of(h, "gone") == "<none>");
}

TEST_CASE("store transaction with FLUSHDB keeps only what follows the flush in its unit", "[store][txn]") {
  StoreHarness h(few_shards());
  h.set("old", "x");
  auto seq = h.store.run_atomically({}, true, [&] {
    CHECK(h.store.set(0, "before", "1", {}));
    CHECK(h.store.flushdb(0));
    CHECK(h.store.set(0, "after", "2", {}));
  });
  REQUIRE(seq);
  const auto unit = h.log.batches().back();
  REQUIRE(unit.size() == 2);
  CHECK(unit[0].kind == ChangeKind::flush_db);
  CHECK(unit[1].key == "after");
  CHECK(value_of(h, "before") == "<none>");
  CHECK(value_of(h, "old") == "<none>");
  CHECK(value_of(h, "after") == "2");
  CHECK(version_of(h, "after") == *seq);
}

TEST_CASE("store transaction that writes nothing journals nothing", "[store][txn]") {
  StoreHarness h;
  h.set("a", "1");
  const std::size_t before = h.log.batches().size();
  auto seq = h.store.run_atomically(keys_of({"a"}), false, [&] { CHECK(value_of(h, "a") == "1"); });
  REQUIRE(seq);
  CHECK(*seq == 0);
  CHECK(h.log.batches().size() == before);
}

TEST_CASE("store transaction does not run while the journal refuses writes", "[store][txn]") {
  StoreHarness h;
  h.log.fail_with(Status::read_only, "disk full");
  bool ran = false;
  auto seq = h.store.run_atomically(keys_of({"a"}), false, [&] { ran = true; });
  REQUIRE_FALSE(seq);
  CHECK(seq.error().status == Status::read_only);
  CHECK_FALSE(ran);
  h.log.recover();
}

TEST_CASE("store transaction without a log runs its body and journals nothing", "[store][txn]") {
  StoreHarness h({}, false);
  auto seq = h.store.run_atomically(keys_of({"a", "b"}), false, [&] {
    CHECK(h.store.set(0, "a", "1", {}));
    CHECK(h.store.set(0, "b", "2", {}));
  });
  REQUIRE(seq);
  CHECK(value_of(h, "a") == "1");
  CHECK(value_of(h, "b") == "2");
  CHECK(version_of(h, "a") != kPending);
  CHECK(version_of(h, "b") != kPending);
}

TEST_CASE("store transactions are isolated from other threads' reads", "[store][txn]") {
  StoreOptions o;
  o.shards = 64;
  StoreHarness h(o);
  // Two keys (most likely in different shards): an MGET between the two writes would see them differ.
  const std::string_view a = "alpha", b = "beta";
  const auto ks = keys_of({a, b});
  std::atomic<bool> stop{false};
  std::atomic<int> torn{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 2; ++t) {
    readers.emplace_back([&] {
      const std::string_view both[] = {a, b};
      while (!stop.load()) {
        auto r = h.store.mget(0, both);
        if (!r) continue;
        const std::string va = (*r)[0] ? std::string((*r)[0]->value) : "0";
        const std::string vb = (*r)[1] ? std::string((*r)[1]->value) : "0";
        if (va != vb) ++torn;
      }
    });
  }
  std::vector<std::thread> writers;
  for (int t = 0; t < 3; ++t) {
    writers.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        auto seq = h.store.run_atomically(ks, false, [&] {
          if (!h.store.incrby(0, a, 1) || !h.store.incrby(0, b, 1)) ++failures;
        });
        if (!seq) ++failures;
      }
    });
  }
  for (auto& w : writers) w.join();
  stop = true;
  for (auto& r : readers) r.join();
  CHECK(torn.load() == 0);
  CHECK(failures.load() == 0);
  CHECK(value_of(h, a) == "6000");
  CHECK(value_of(h, b) == "6000");
}

TEST_CASE("store WATCH stamps see writes, expiry and a key created then deleted", "[store][txn]") {
  StoreHarness h(few_shards());
  h.set("k", "1");
  SECTION("unchanged") {
    const auto s = h.store.watch_stamp(0, "k");
    h.get("k");
    CHECK(h.store.watch_unchanged(0, "k", s));
  }
  SECTION("overwritten with the same value") {
    const auto s = h.store.watch_stamp(0, "k");
    h.set("k", "1");
    CHECK_FALSE(h.store.watch_unchanged(0, "k", s));
  }
  SECTION("expired") {
    h.set("t", "x", 0, 10);
    const auto s = h.store.watch_stamp(0, "t");
    h.clock.advance(10);
    CHECK_FALSE(h.store.watch_unchanged(0, "t", s));
  }
  SECTION("absent, created, deleted") {
    const auto s = h.store.watch_stamp(0, "new");
    CHECK(h.store.watch_unchanged(0, "new", s));
    h.set("new", "x");
    h.del("new");
    CHECK_FALSE(h.store.watch_unchanged(0, "new", s));
  }
  SECTION("flushed") {
    const auto s = h.store.watch_stamp(0, "k");
    REQUIRE(h.store.flushall());
    CHECK_FALSE(h.store.watch_unchanged(0, "k", s));
  }
  SECTION("another database's key of the same name") {
    const auto s = h.store.watch_stamp(0, "k");
    REQUIRE(h.store.set(1, "k", "other", {}));
    CHECK(h.store.watch_unchanged(0, "k", s));
  }
}

}  // namespace mnemo::server::test
