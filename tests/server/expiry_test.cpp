// The background sweep of expired entries, and loading recovered state
// (version-checked, with tombstones until finish_recovery).
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <span>
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
  persistence::SnapshotBuffer out;
  REQUIRE(h.store.copy_chunk(0, nullptr, 10, out));
  REQUIRE(out.size() == 1);
  CHECK(out.back() == persistence::SnapshotEntry{"k", "v", 4, later});
  CHECK(h.store.stats().keys_with_expiry == 1);
}


namespace {

// A recovery log over `keys` keys: mostly puts (some with an expiry, some
// already expired), some deletes, seqs rising with a few repeated (MSET-like).
std::vector<Change> random_log(std::size_t n, int keys, std::uint32_t seed, std::int64_t now_ms) {
  std::mt19937 rng(seed);
  std::vector<Change> log;
  std::uint64_t seq = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (rng() % 4 != 0) ++seq;
    const std::string key = "key:" + std::to_string(rng() % keys);
    if (rng() % 6 == 0) {
      log.push_back(del(seq, key));
    } else {
      const std::int64_t expiry = rng() % 10 == 0 ? now_ms + (rng() % 2 ? 60000 : -1) : 0;
      log.push_back(put(seq, key, std::string(rng() % 50, 'v') + std::to_string(i), expiry));
    }
  }
  return log;
}

// Every key's value and version, the key count and the memory estimate.
std::vector<std::string> store_state(StoreHarness& h, int keys) {
  std::vector<std::string> out;
  for (int i = 0; i < keys; ++i) {
    const Response r = h.get("key:" + std::to_string(i));
    out.push_back(r.status == Status::ok ? r.value + "@" + std::to_string(r.version) : "-");
  }
  out.push_back("size " + std::to_string(h.store.size()));
  return out;
}

void apply_batches(StoreHarness& h, const std::vector<Change>& log, std::size_t batch) {
  const std::vector<persistence::ChangeRef> refs(log.begin(), log.end());
  for (std::size_t at = 0; at < refs.size(); at += batch) {
    h.store.apply_recovered_batch(std::span(refs).subspan(at, std::min(batch, refs.size() - at)));
  }
}

}  // namespace

TEST_CASE("store recovery in batches gives the state of applying change by change", "[store]") {
  const int keys = 1500;
  StoreOptions o;
  o.shards = GENERATE(1, 8, 256);
  StoreHarness one({o}, /*with_log=*/false);
  const std::vector<Change> log = random_log(10000, keys, 3, one.clock.now_ms());
  for (const Change& c : log) one.store.apply_recovered(c);
  one.store.finish_recovery(one.clock.now_ms());
  const std::vector<std::string> expected = store_state(one, keys);
  const std::uint64_t expected_memory = one.store.stats().memory_bytes;

  // 10000: the whole log at once, which the store applies in several slices.
  const std::size_t batch = GENERATE(1, 7, 5000, 10000);
  StoreHarness batched({o}, /*with_log=*/false);
  apply_batches(batched, log, batch);
  SECTION("once") {}
  SECTION("twice (replay is idempotent)") { apply_batches(batched, log, batch); }
  batched.store.finish_recovery(batched.clock.now_ms());
  CHECK(store_state(batched, keys) == expected);
  CHECK(batched.store.stats().memory_bytes == expected_memory);
  CHECK(batched.set("new", "1").version > log.back().seq);
}

TEST_CASE("store recovery reservation does not change the result and is given back", "[store]") {
  const int keys = 500;
  StoreHarness plain({}, /*with_log=*/false);
  const std::vector<Change> log = random_log(2000, keys, 9, plain.clock.now_ms());
  apply_batches(plain, log, 512);
  plain.store.finish_recovery(plain.clock.now_ms());
  const std::uint64_t plain_memory = plain.store.stats().memory_bytes;

  StoreHarness reserved({}, /*with_log=*/false);
  const std::uint64_t before = reserved.store.stats().memory_bytes;
  reserved.store.reserve_recovered(1'000'000);  // a large overestimate: 2000 changes, 500 keys
  CHECK(reserved.store.stats().memory_bytes > before + 1'000'000);  // the tables were sized
  apply_batches(reserved, log, 512);
  reserved.store.finish_recovery(reserved.clock.now_ms());
  CHECK(store_state(reserved, keys) == store_state(plain, keys));
  CHECK(reserved.store.stats().memory_bytes <= plain_memory + plain_memory / 4);  // given back
}

TEST_CASE("store recovery reservation is bounded by the memory limit", "[store]") {
  StoreOptions o;
  o.max_memory_bytes = 1 << 20;
  StoreHarness h(o, /*with_log=*/false);
  h.store.reserve_recovered(1'000'000'000);  // would be gigabytes of table
  CHECK(h.store.stats().memory_bytes < 2 * o.max_memory_bytes);
}

}  // namespace mnemo::server::test
