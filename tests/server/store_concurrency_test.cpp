// Many threads on shared keys: no lost updates, consistent counters.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "store_test_support.h"

namespace mnemo::server::test {

TEST_CASE("store INCRBY from many threads loses no increment", "[store]") {
  StoreOptions o;
  o.shards = 8;
  StoreHarness h(o);
  constexpr int kThreads = 4;
  constexpr int kRounds = 5000;
  const std::vector<std::string> counters = {"c0", "c1", "c2"};
  std::atomic<int> failures{0};  // Catch assertions are not thread-safe: count, check after
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kRounds; ++i) {
        const std::string& key = counters[static_cast<std::size_t>(i) % counters.size()];
        if (h.incrby(key, t + 1).status != Status::ok) ++failures;
        // Unrelated writes and reads on shared keys in between.
        h.set("shared" + std::to_string(i % 7), std::to_string(i));
        h.get("shared" + std::to_string((i + t) % 7));
        if (i % 50 == 0) h.del("shared" + std::to_string(i % 7));
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(failures.load() == 0);
  std::int64_t total = 0;
  for (const auto& key : counters) total += std::stoll(h.get(key).value);
  CHECK(total == kRounds * (1 + 2 + 3 + 4));
  // Every write got its own version: the log handed out one seq per write.
  const auto batches = h.log.batches();
  std::vector<std::uint64_t> seqs;
  for (const auto& b : batches) seqs.push_back(b.at(0).seq);
  std::sort(seqs.begin(), seqs.end());
  CHECK(std::adjacent_find(seqs.begin(), seqs.end()) == seqs.end());
}

TEST_CASE("store versions of one key follow the journal order under contention", "[store]") {
  StoreOptions o;
  o.shards = 2;
  StoreHarness h(o);
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) h.set("k", std::to_string(t) + ":" + std::to_string(i));
    });
  }
  for (auto& th : threads) th.join();
  // The last journaled put of "k" is the value the store holds.
  const auto batches = h.log.batches();
  const Change& last = batches.back().at(0);
  const Response r = h.get("k");
  CHECK(r.value == last.value);
  CHECK(r.version == last.seq);
}

TEST_CASE("store memory estimate returns to the empty tables after everything is deleted", "[store]") {
  StoreOptions o;
  o.shards = 4;
  StoreHarness h(o);
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 3000; ++i) {
        const std::string key = "k" + std::to_string(t) + "-" + std::to_string(i);
        h.set(key, std::string(static_cast<std::size_t>(i % 100), 'v'), i % 3 == 0 ? flags::kEphemeral : 0,
              i % 2 == 0 ? 100000 : 0);
        h.incrby("n" + std::to_string(i % 10), 1);
      }
    });
  }
  for (auto& th : threads) th.join();
  const std::uint64_t full = h.store.stats().memory_bytes;
  for (const std::string& k : h.scan_all("", 1000)) REQUIRE(h.del(k).status == Status::ok);
  const StoreStats s = h.store.stats();
  CHECK(s.keys == 0);
  CHECK(s.ephemeral_keys == 0);
  CHECK(s.keys_with_expiry == 0);
  // Only the (never shrinking) tables are left: one slot byte plus one pointer per slot.
  CHECK(s.memory_bytes < full / 4);
  CHECK(s.memory_bytes <= 4 * 9 * 8192);
}

}  // namespace mnemo::server::test
