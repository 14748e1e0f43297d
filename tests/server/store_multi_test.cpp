// Multi-key operations: MGET, MSET, EXISTS, and MSET's atomicity.
#include <catch2/catch.hpp>

#include <atomic>
#include <string>
#include <thread>

#include "store_test_support.h"

namespace mnemo::server::test {

TEST_CASE("store MGET returns a slot per key, found or not", "[store]") {
  StoreHarness h;
  const auto va = h.set("a", "1").version;
  h.set("t", "x", 0, 10);
  h.clock.advance(10);
  const Response r = h.keys_op(Opcode::mget, {"a", "missing", "t", "a"});
  REQUIRE(r.status == Status::ok);
  REQUIRE(r.values.size() == 4);
  CHECK(r.values[0].found);
  CHECK(r.values[0].value == "1");
  CHECK(r.values[0].version == va);
  CHECK_FALSE(r.values[1].found);
  CHECK_FALSE(r.values[2].found);  // expired
  CHECK(r.values[3].value == "1");
}

TEST_CASE("store MGET refuses a reply over max_reply_bytes of values", "[store]") {
  StoreOptions o;
  o.max_reply_bytes = 100;
  StoreHarness h(o);
  h.set("big", std::string(60, 'b'));
  h.set("small", std::string(40, 's'));
  const Response fits = h.keys_op(Opcode::mget, {"big", "small", "missing"});  // exactly 100
  REQUIRE(fits.status == Status::ok);
  CHECK(fits.values.size() == 3);
  const Response over = h.keys_op(Opcode::mget, {"big", "small", "big"});  // a repeat counts again
  CHECK(over.status == Status::too_large);
  CHECK_THAT(over.message, Catch::Contains("max reply size"));
  CHECK(over.values.empty());
  CHECK(h.keys_op(Opcode::mget, {"big"}).status == Status::ok);
}

TEST_CASE("store EXISTS counts present keys, repeated keys twice", "[store]") {
  StoreHarness h;
  h.set("a", "1");
  h.set("b", "1");
  h.set("t", "x", 0, 10);
  CHECK(h.keys_op(Opcode::exists, {"a", "a", "b", "c", "t"}).integer == 4);
  h.clock.advance(10);
  CHECK(h.keys_op(Opcode::exists, {"a", "a", "b", "c", "t"}).integer == 3);
  CHECK(h.keys_op(Opcode::exists, {}).integer == 0);
}

TEST_CASE("store MSET writes every key under one version in one journal append", "[store]") {
  StoreHarness h;
  h.set("a", "old");
  const Response r = h.mset({"a", "b", "c"}, {"1", "2", "3"}, 0, 500);
  REQUIRE(r.status == Status::ok);
  const Response m = h.keys_op(Opcode::mget, {"a", "b", "c"});
  for (const auto& v : m.values) CHECK(v.version == r.version);
  CHECK(m.values[2].value == "3");
  CHECK(h.ttl("b").integer == 500);
  const auto batches = h.log.batches();
  REQUIRE(batches.size() == 2);
  CHECK(batches[1].size() == 3);
  for (const Change& c : batches[1]) {
    CHECK(c.seq == r.version);
    CHECK(c.kind == ChangeKind::put);
    CHECK(c.expire_at_ms == h.clock.now_ms() + 500);
  }
}

TEST_CASE("store MSET with a repeated key keeps the last value and journals it once", "[store]") {
  StoreHarness h;
  const Response r = h.mset({"k", "x", "k", "k"}, {"1", "2", "3", "4"});
  REQUIRE(r.status == Status::ok);
  CHECK(h.get("k").value == "4");
  CHECK(h.store.size() == 2);
  const auto batch = h.log.batches().at(0);
  REQUIRE(batch.size() == 2);
  for (const Change& c : batch) {
    if (c.key == "k") CHECK(c.value == "4");
  }
}

TEST_CASE("store MSET with many keys and repeats keeps the last value of each", "[store]") {
  // Past the pairwise duplicate scan: 40 keys, every fourth a repeat of an earlier one.
  StoreHarness h;
  std::vector<std::string> keys;
  std::vector<std::string> values;
  for (int i = 0; i < 40; ++i) {
    keys.push_back("k" + std::to_string(i % 4 == 3 ? i - 3 : i));
    values.push_back("v" + std::to_string(i));
  }
  const std::vector<std::string_view> kv(keys.begin(), keys.end());
  const std::vector<std::string_view> vv(values.begin(), values.end());
  REQUIRE(h.mset(kv, vv).status == Status::ok);
  CHECK(h.store.size() == 30);
  CHECK(h.get("k0").value == "v3");
  CHECK(h.get("k36").value == "v39");
  CHECK(h.get("k1").value == "v1");
  CHECK(h.log.batches().at(0).size() == 30);
}

TEST_CASE("store MSET over existing keys rewrites them, same or different sizes", "[store]") {
  StoreHarness h;
  REQUIRE(h.mset({"same", "grow", "shrink"}, {"aaaa", "b", "cccccccccccccccccccccccccccccccc"}).status ==
          Status::ok);
  const auto memory_before = h.store.stats().memory_bytes;
  const Response r = h.mset({"same", "grow", "shrink"}, {"AAAA", std::string(300, 'B'), "c"}, 0, 100);
  REQUIRE(r.status == Status::ok);
  for (const char* k : {"same", "grow", "shrink"}) {
    const Response g = h.get(k);
    CHECK(g.version == r.version);
    CHECK(h.ttl(k).integer == 100);
  }
  CHECK(h.get("same").value == "AAAA");
  CHECK(h.get("grow").value == std::string(300, 'B'));
  CHECK(h.get("shrink").value == "c");
  CHECK(h.store.stats().memory_bytes > memory_before);  // "grow" took more room
  // Back to the first sizes: the memory estimate returns to where it was.
  REQUIRE(h.mset({"same", "grow", "shrink"}, {"aaaa", "b", "cccccccccccccccccccccccccccccccc"}).status ==
          Status::ok);
  CHECK(h.store.stats().memory_bytes == memory_before);
}

TEST_CASE("store MSET rejects empty or unbalanced requests", "[store]") {
  StoreHarness h;
  CHECK(h.mset({}, {}).status == Status::bad_request);
  CHECK(h.mset({"a", "b"}, {"1"}).status == Status::bad_request);
  CHECK(h.store.size() == 0);
}

TEST_CASE("store readers never see part of an MSET", "[store]") {
  StoreOptions o;
  o.shards = 16;
  StoreHarness h(o);
  // Keys chosen so they land in different shards in practice; the test holds either way.
  const std::vector<std::string> keys = {"pair:a", "pair:b", "pair:c", "pair:d"};
  std::vector<std::string_view> kv(keys.begin(), keys.end());
  REQUIRE(h.mset(kv, {"0", "0", "0", "0"}).status == Status::ok);
  std::atomic<bool> done{false};
  std::atomic<int> torn{0};
  std::atomic<int> reads{0};
  auto reader = [&] {
    while (!done.load()) {
      const Response r = h.keys_op(Opcode::mget, kv);
      for (const auto& v : r.values) {
        if (!v.found || v.value != r.values[0].value || v.version != r.values[0].version) ++torn;
      }
      ++reads;
    }
  };
  std::thread r1(reader);
  std::thread r2(reader);
  for (int i = 1; i <= 3000; ++i) {
    const std::string s = std::to_string(i);
    REQUIRE(h.mset(kv, {s, s, s, s}).status == Status::ok);
  }
  while (reads.load() < 100) std::this_thread::yield();  // make sure the readers ran
  done = true;
  r1.join();
  r2.join();
  CHECK(torn.load() == 0);
  CHECK(h.get("pair:c").value == "3000");
}

}  // namespace mnemo::server::test
