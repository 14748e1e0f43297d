// SCAN by prefix with a cursor, and copy_chunk for snapshots.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <map>
#include <set>
#include <string>
#include <thread>

#include "store_test_support.h"

namespace mnemo::server::test {

namespace {

std::string key_of(const char* prefix, int i) { return prefix + std::to_string(i); }

}  // namespace

TEST_CASE("store SCAN returns every matching key once, page by page", "[store]") {
  StoreOptions o;
  o.shards = 8;
  StoreHarness h(o);
  for (int i = 0; i < 500; ++i) h.set(key_of("user:", i), "v");
  for (int i = 0; i < 100; ++i) h.set(key_of("other:", i), "v");
  std::size_t pages = 0;
  const std::vector<std::string> got = h.scan_all("user:", 7, &pages);
  CHECK(got.size() == 500);
  CHECK(std::set<std::string>(got.begin(), got.end()).size() == 500);
  CHECK(std::all_of(got.begin(), got.end(), [](const std::string& k) { return k.starts_with("user:"); }));
  CHECK(pages >= 500 / 7);
  CHECK(h.scan_all("", 1000).size() == 600);
  CHECK(h.scan_all("nothing:", 10).empty());
}

TEST_CASE("store SCAN pages hold at most count keys and the last one ends the scan", "[store]") {
  StoreOptions o;
  o.shards = 4;
  o.scan_default_count = 3;
  o.scan_max_count = 5;
  StoreHarness h(o);
  for (int i = 0; i < 20; ++i) h.set(key_of("k", i), "v");
  std::string cursor;
  std::size_t total = 0;
  do {
    const Response r = h.scan("", cursor, 0);
    REQUIRE(r.status == Status::ok);
    CHECK(r.keys.size() <= 3);
    total += r.keys.size();
    cursor = r.text;
  } while (!cursor.empty());
  CHECK(total == 20);
  CHECK(h.scan("", "", 1000).keys.size() == 5);  // capped at scan_max_count
}

TEST_CASE("store SCAN ends a page early at max_reply_bytes of keys and resumes after it", "[store]") {
  StoreOptions o;
  o.shards = 4;
  o.max_reply_bytes = 50;
  StoreHarness h(o);
  std::set<std::string> written;
  for (int i = 0; i < 300; ++i) {
    const std::string k = "key-" + std::string(i % 7, 'x') + std::to_string(i);  // 5..15 bytes
    h.set(k, "v");
    written.insert(k);
  }
  h.set(std::string(80, 'L'), "v");  // one key larger than the budget still gets its page
  written.insert(std::string(80, 'L'));
  std::string cursor;
  std::multiset<std::string> seen;
  std::size_t pages = 0;
  do {
    const Response r = h.scan("", cursor, 1000);
    REQUIRE(r.status == Status::ok);
    std::size_t bytes = 0;
    for (const std::string& k : r.keys) bytes += k.size();
    CHECK((bytes <= 50 || r.keys.size() == 1));
    seen.insert(r.keys.begin(), r.keys.end());
    cursor = r.text;
    ++pages;
  } while (!cursor.empty() && pages < 10000);
  CHECK(std::set<std::string>(seen.begin(), seen.end()) == written);
  CHECK(seen.size() == written.size());  // each key exactly once
  CHECK(pages > 300 * 5 / 50);
}

TEST_CASE("store SCAN skips expired keys", "[store]") {
  StoreHarness h;
  h.set("a", "1");
  h.set("b", "1", 0, 10);
  h.clock.advance(10);
  CHECK(h.scan_all("", 100) == std::vector<std::string>{"a"});
}

TEST_CASE("store SCAN rejects a malformed cursor", "[store]") {
  StoreOptions o;
  o.shards = 4;
  StoreHarness h(o);
  h.set("k", "v");
  const char* bad = GENERATE("x", "-1", "4", "1:0", "1:abc", "1:zz", ":00", "1x", "99999999999999999999999");
  CHECK(h.scan("", bad).status == Status::bad_request);
  CHECK(h.scan("", "3").status == Status::ok);
  CHECK(h.scan("", "0:6b").status == Status::ok);
  CHECK(h.scan("", "1:").status == Status::ok);  // after the empty key
}

TEST_CASE("store SCAN returns stable keys exactly once while other keys come and go", "[store]") {
  StoreOptions o;
  o.shards = 4;  // few shards: many keys each, so the churn forces rehashes mid-scan
  StoreHarness h(o);
  constexpr int kStable = 3000;
  for (int i = 0; i < kStable; ++i) h.set(key_of("stable:", i), "v");
  std::atomic<bool> done{false};
  std::atomic<int> churned{0};
  std::thread churn([&] {
    for (int round = 0; !done.load(); ++round) {
      for (int i = 0; i < 2000; ++i) h.set(key_of("churn:", round * 2000 + i), "v");
      for (int i = 0; i < 2000; ++i) h.del(key_of("churn:", round * 2000 + i));
      churned += 2000;
    }
  });
  while (churned.load() == 0) std::this_thread::yield();
  std::map<std::string, int> seen;
  std::size_t pages = 0;
  for (const std::string& k : h.scan_all("", 5, &pages)) {
    if (k.starts_with("stable:")) ++seen[k];
  }
  const std::vector<std::string> by_prefix = h.scan_all("stable:", 11);
  done = true;
  churn.join();
  CHECK(pages > kStable / 5);
  CHECK(seen.size() == kStable);
  CHECK(std::all_of(seen.begin(), seen.end(), [](const auto& kv) { return kv.second == 1; }));
  CHECK(by_prefix.size() == kStable);
  CHECK(std::set<std::string>(by_prefix.begin(), by_prefix.end()).size() == kStable);
}

TEST_CASE("store copy_chunk copies persisted live entries of a shard, full chunks in key order", "[store]") {
  StoreOptions o;
  o.shards = 4;
  StoreHarness h(o);
  std::map<std::string, persistence::SnapshotEntry> expected;
  for (int i = 0; i < 400; ++i) {
    const std::string k = key_of("k", i);
    const std::string v = "value" + std::to_string(i);
    const std::uint64_t ttl = i % 3 == 0 ? 100000 : 0;
    const Response r = h.set(k, v, 0, ttl);
    expected[k] = {k, v, r.version, ttl ? h.clock.now_ms() + static_cast<std::int64_t>(ttl) : 0};
  }
  h.set("gone", "x", 0, 5);
  h.set("eph", "x", flags::kEphemeral);
  h.clock.advance(5);
  std::map<std::string, persistence::SnapshotEntry> got;
  persistence::SnapshotBuffer reused;
  for (std::size_t s = 0; s < h.store.shard_count(); ++s) {
    std::string after;
    bool first = true;
    while (true) {
      reused.clear();  // one buffer for every chunk, as the snapshot writer does
      if (!h.store.copy_chunk(s, first ? nullptr : &after, 9, reused)) break;
      const auto out = reused.entries();
      REQUIRE(!out.empty());
      CHECK(out.size() <= 9);
      const bool full = out.size() == 9;
      for (std::size_t i = 0; i < out.size(); ++i) {
        if (!first && !full) CHECK(after < out[i].key);  // a last, partial chunk: any order
        if (full && (!first || i > 0)) CHECK((i == 0 ? after : out[i - 1].key) < out[i].key);
        CHECK(got.emplace(out[i].key, out[i]).second);
      }
      if (!full) break;  // the rest of the shard: nothing is left after it
      after = out.back().key;
      first = false;
    }
  }
  CHECK(got == expected);
  persistence::SnapshotBuffer none;
  CHECK_FALSE(h.store.copy_chunk(h.store.shard_count(), nullptr, 9, none));
}

}  // namespace mnemo::server::test
