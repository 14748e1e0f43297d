// Store::scan's integer cursors: a full scan returns every key, pages honour
// COUNT, MATCH and TYPE, a cursor the store never issued is refused, and keys
// present for the whole scan are returned while other threads add and
// delete keys.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "server/store_types.h"
#include "store_test_support.h"

namespace mnemo::server::test {

namespace {

std::vector<std::string> scan_everything(Store& s, DbIndex db, std::string_view pattern, std::uint32_t count,
                                         std::size_t* pages = nullptr) {
  std::vector<std::string> out;
  std::uint64_t cursor = 0;
  std::size_t n = 0;
  do {
    auto page = s.scan(db, cursor, pattern, count);
    REQUIRE(page.ok());
    out.insert(out.end(), page->keys.begin(), page->keys.end());
    cursor = page->cursor;
    ++n;
  } while (cursor != 0);
  if (pages != nullptr) *pages = n;
  return out;
}

void fill(Store& s, DbIndex db, int n, std::string_view prefix = "k") {
  for (int i = 0; i < n; ++i) {
    REQUIRE(s.set(db, std::string(prefix) + std::to_string(i), "v", SetOptions{})->written);
  }
}

}  // namespace

TEST_CASE("store scan returns every key exactly once when nothing changes", "[store][scan]") {
  StoreOptions o;
  o.shards = GENERATE(8, 1);
  StoreHarness h(o);
  fill(h.store, 0, 3000);
  fill(h.store, 1, 10, "other");
  std::size_t pages = 0;
  const auto keys = scan_everything(h.store, 0, "", 10, &pages);
  CHECK(keys.size() == 3000);
  CHECK(std::set<std::string>(keys.begin(), keys.end()).size() == 3000);
  CHECK(pages >= 300);
  CHECK(pages <= 310);
  SECTION("COUNT larger than the database: one page") {
    std::size_t one = 0;
    CHECK(scan_everything(h.store, 0, "", 5000, &one).size() == 3000);
    CHECK(one == 1);
  }
  SECTION("an empty database ends at once") {
    auto page = h.store.scan(2, 0, "", 10);
    CHECK(page->keys.empty());
    CHECK(page->cursor == 0);
  }
}

TEST_CASE("store scan filters by MATCH and TYPE", "[store][scan]") {
  StoreOptions o;
  o.shards = GENERATE(256, 1);
  StoreHarness h(o);
  fill(h.store, 0, 3000, "pad:");
  fill(h.store, 0, 50, "user:");
  fill(h.store, 0, 50, "item:");
  const auto users = scan_everything(h.store, 0, "user:*", 7);
  CHECK(users.size() == 50);
  for (const auto& k : users) CHECK(k.rfind("user:", 0) == 0);
  CHECK(scan_everything(h.store, 0, "*:1?", 7).size() == 30);  // pad:, user: and item:1x
  auto page = h.store.scan(0, 0, "", 1000, "hash");
  CHECK(page->keys.empty());
  CHECK(page->cursor == 0);
  CHECK(h.store.scan(0, 0, "", 10000, "string")->keys.size() == 3100);
}

TEST_CASE("store scan refuses cursors it never issued", "[store][scan]") {
  StoreHarness h;
  fill(h.store, 0, 300);
  auto page = h.store.scan(0, 0, "", 10);
  REQUIRE(page->cursor != 0);
  CHECK(h.store.scan(0, page->cursor, "", 10).ok());
  // Of 256 neighbours of a valid cursor (same position, other check bits), only it passes.
  int accepted = 0;
  for (std::uint64_t low = 0; low < 256; ++low) accepted += h.store.scan(0, (page->cursor & ~0xFFull) | low, "", 1).ok();
  CHECK(accepted == 1);
  CHECK(h.store.scan(0, 1, "", 10).error().message == "invalid cursor");
}

TEST_CASE("store scan cursors work from any caller and survive growth", "[store][scan]") {
  StoreOptions o;
  o.shards = GENERATE(4, 1);
  StoreHarness h(o);
  fill(h.store, 0, 3000);
  auto first = h.store.scan(0, 0, "", 10);
  auto second = h.store.scan(0, first->cursor, "", 10);  // (one shard: fills the scan cache)
  // The table rehashes several times between two pages.
  fill(h.store, 0, 20000, "grow");
  std::set<std::string> seen(first->keys.begin(), first->keys.end());
  seen.insert(second->keys.begin(), second->keys.end());
  std::uint64_t cursor = second->cursor;
  while (cursor != 0) {
    auto page = h.store.scan(0, cursor, "k*", 10);
    seen.insert(page->keys.begin(), page->keys.end());
    cursor = page->cursor;
  }
  for (int i = 0; i < 3000; ++i) REQUIRE(seen.count("k" + std::to_string(i)) == 1);
}

TEST_CASE("store scan returns keys present throughout while others change", "[store][scan]") {
  StoreOptions o;
  // 8 shards of ~400 keys: every page reads its shard; 1 shard of 3000+:
  // pages after the first come from the scan cache.
  o.shards = GENERATE(8, 1);
  StoreHarness h(o);
  fill(h.store, 0, 3000, "stable");
  std::atomic<bool> stop{false};
  std::vector<std::thread> writers;
  for (int t = 0; t < 2; ++t) {
    writers.emplace_back([&, t] {
      // Adds and removes churn keys: tables grow, shrink and rehash under the scan.
      for (int round = 0; !stop.load(); ++round) {
        for (int i = 0; i < 500; ++i) {
          h.store.set(0, "churn" + std::to_string(t) + ":" + std::to_string(i), "v", SetOptions{});
        }
        std::vector<std::string> names;
        for (int i = 0; i < 500; ++i) names.push_back("churn" + std::to_string(t) + ":" + std::to_string(i));
        std::vector<std::string_view> views(names.begin(), names.end());
        h.store.del(0, views);
      }
    });
  }
  for (int pass = 0; pass < 5; ++pass) {
    const auto keys = scan_everything(h.store, 0, "", 13);
    std::set<std::string> seen(keys.begin(), keys.end());
    for (int i = 0; i < 3000; ++i) REQUIRE(seen.count("stable" + std::to_string(i)) == 1);
  }
  stop = true;
  for (auto& w : writers) w.join();
}

TEST_CASE("store scan page cost with a million keys", "[.][store_scan_bench]") {
  StoreHarness h(StoreOptions{}, false);
  fill(h.store, 0, 1'000'000);
  const auto start = std::chrono::steady_clock::now();
  std::size_t pages = 0;
  const auto keys = scan_everything(h.store, 0, "", 10, &pages);
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
  WARN("full scan: " << keys.size() << " keys, " << pages << " pages, " << us.count() / pages << " us/page");
  CHECK(keys.size() == 1'000'000);
}

}  // namespace mnemo::server::test
