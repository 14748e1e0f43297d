// The store's typed key operations: multi-key DEL and EXISTS, the EXPIRE
// family's conditions, PERSIST, PTTL/EXPIRETIME, RENAME, RENAMENX, COPY.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "server/store_types.h"
#include "store_test_support.h"

namespace mnemo::server::test {

namespace {

using Keys = std::vector<std::string_view>;

void put_value(Store& s, std::string_view key, std::string_view value, DbIndex db = 0) {
  REQUIRE(s.set(db, key, value, SetOptions{})->written);
}

bool has(Store& s, std::string_view key, DbIndex db = 0) { return s.get(db, key)->has_value(); }

}  // namespace

TEST_CASE("store del of many keys counts them and journals one unit", "[store]") {
  StoreHarness h;
  // Enough keys to span several shards.
  std::vector<std::string> names;
  for (int i = 0; i < 20; ++i) names.push_back("k" + std::to_string(i));
  for (const auto& n : names) put_value(h.store, n, "v");
  SetOptions eph;
  eph.ephemeral = true;
  h.store.set(0, "eph", "v", eph);
  Keys keys(names.begin(), names.end());
  keys.push_back("eph");
  keys.push_back("missing");
  keys.push_back("k0");  // named twice, counted once
  const std::size_t before = h.log.batches().size();
  CHECK(*h.store.del(0, keys) == 21);
  const auto batches = h.log.batches();
  REQUIRE(batches.size() == before + 1);
  CHECK(batches.back().size() == 20);  // the ephemeral key's removal is not journaled
  for (const Change& c : batches.back()) CHECK(c.kind == ChangeKind::del);
  CHECK(h.store.dbsize(0) == 0);
  CHECK(*h.store.del(0, keys) == 0);
  CHECK(h.log.batches().size() == before + 1);  // nothing deleted, nothing journaled
}

TEST_CASE("store exists counts repeats and skips expired keys", "[store]") {
  StoreHarness h;
  put_value(h.store, "a", "1");
  h.store.expire_at(0, "a", h.clock.now_ms() + 10);
  put_value(h.store, "b", "1");
  CHECK(*h.store.exists(0, Keys{"a", "a", "b", "c"}) == 3);
  h.clock.advance(10);
  CHECK(*h.store.exists(0, Keys{"a", "b"}) == 1);
}

TEST_CASE("store expire_at with NX, XX, GT and LT follows Redis 7", "[store]") {
  StoreHarness h;
  const std::int64_t now = h.clock.now_ms();
  put_value(h.store, "k", "v");
  CHECK_FALSE(*h.store.expire_at(0, "k", now + 100, ExpireCondition::xx));  // no expiry yet
  CHECK_FALSE(*h.store.expire_at(0, "k", now + 100, ExpireCondition::gt));  // none counts as infinite
  CHECK(*h.store.expire_at(0, "k", now + 100, ExpireCondition::nx));
  CHECK_FALSE(*h.store.expire_at(0, "k", now + 200, ExpireCondition::nx));
  CHECK_FALSE(*h.store.expire_at(0, "k", now + 50, ExpireCondition::gt));
  CHECK(*h.store.expire_at(0, "k", now + 200, ExpireCondition::gt));
  CHECK_FALSE(*h.store.expire_at(0, "k", now + 300, ExpireCondition::lt));
  CHECK(*h.store.expire_at(0, "k", now + 150, ExpireCondition::lt));
  CHECK(*h.store.pttl(0, "k") == 150);
  CHECK(*h.store.expire_time(0, "k") == now + 150);
  CHECK(h.log.batches().back() == std::vector<Change>{put(h.log.last_seq(), "k", "v", now + 150)});
  CHECK_FALSE(*h.store.expire_at(0, "missing", now + 1));
  SECTION("XX with LT needs an expiry, then a smaller one") {
    CHECK(*h.store.persist(0, "k"));
    CHECK_FALSE(*h.store.expire_at(0, "k", now + 100, ExpireCondition::xx_lt));  // none: XX refuses
    CHECK(*h.store.expire_at(0, "k", now + 100, ExpireCondition::lt));           // none: LT alone sets
    CHECK_FALSE(*h.store.expire_at(0, "k", now + 120, ExpireCondition::xx_lt));
    CHECK(*h.store.expire_at(0, "k", now + 80, ExpireCondition::xx_lt));
    CHECK(*h.store.expire_time(0, "k") == now + 80);
  }
  SECTION("a deadline in the past deletes the key") {
    CHECK(*h.store.expire_at(0, "k", now - 1));
    CHECK_FALSE(has(h.store, "k"));
    CHECK(h.log.batches().back() == std::vector<Change>{del(h.log.last_seq(), "k")});
  }
  SECTION("persist removes the expiry once") {
    CHECK(*h.store.persist(0, "k"));
    CHECK_FALSE(*h.store.persist(0, "k"));
    CHECK(*h.store.pttl(0, "k") == -1);
    CHECK(*h.store.pttl(0, "missing") == -2);
  }
}

TEST_CASE("store rename moves value and expiry in one unit, new version", "[store]") {
  StoreHarness h;
  const std::int64_t now = h.clock.now_ms();
  put_value(h.store, "src", "v");
  h.store.expire_at(0, "src", now + 100);
  put_value(h.store, "dst", "old");
  auto seq = h.store.rename(0, "src", "dst");
  REQUIRE(seq.ok());
  CHECK(*seq == h.log.last_seq());
  CHECK_FALSE(has(h.store, "src"));
  auto got = h.store.get(0, "dst");
  CHECK((*got)->value == "v");
  CHECK((*got)->version == *seq);
  CHECK(*h.store.pttl(0, "dst") == 100);
  CHECK(h.log.batches().back() == std::vector<Change>{del(*seq, "src"), put(*seq, "dst", "v", now + 100)});
  CHECK(h.store.rename(0, "src", "x").error().status == Status::not_found);
  CHECK(h.store.rename(0, "dst", "dst").ok());
  CHECK(h.store.rename(0, "nope", "nope").error().status == Status::not_found);
}

TEST_CASE("store renamenx refuses an existing destination", "[store]") {
  StoreHarness h;
  put_value(h.store, "a", "1");
  put_value(h.store, "b", "2");
  CHECK_FALSE(*h.store.renamenx(0, "a", "b"));
  CHECK_FALSE(*h.store.renamenx(0, "a", "a"));
  CHECK(*h.store.renamenx(0, "a", "c"));
  CHECK((*h.store.get(0, "c"))->value == "1");
  CHECK_FALSE(has(h.store, "a"));
}

TEST_CASE("store rename of an ephemeral key over a persisted one journals only the removal", "[store]") {
  StoreHarness h;
  SetOptions eph;
  eph.ephemeral = true;
  h.store.set(0, "e", "v", eph);
  put_value(h.store, "p", "persisted");
  auto seq = h.store.rename(0, "e", "p");
  REQUIRE(seq.ok());
  CHECK(h.log.batches().back() == std::vector<Change>{del(*seq, "p")});
  CHECK(h.store.stats().ephemeral_keys == 1);
}

TEST_CASE("store copy within and across databases", "[store]") {
  StoreHarness h;
  put_value(h.store, "s", "v");
  CHECK(*h.store.copy(0, "s", 0, "d", false));
  CHECK((*h.store.get(0, "d"))->value == "v");
  CHECK(has(h.store, "s"));
  put_value(h.store, "s", "w");
  CHECK_FALSE(*h.store.copy(0, "s", 0, "d", false));
  CHECK(*h.store.copy(0, "s", 0, "d", true));
  CHECK((*h.store.get(0, "d"))->value == "w");
  CHECK(*h.store.copy(0, "s", 3, "s", false));
  CHECK((*h.store.get(3, "s"))->value == "w");
  CHECK(h.log.batches().back() == std::vector<Change>{in_db(3, put(h.log.last_seq(), "s", "w"))});
  CHECK_FALSE(*h.store.copy(0, "missing", 0, "x", false));
  CHECK(h.store.copy(0, "s", 0, "s", true).error().message == "source and destination objects are the same");
  CHECK(h.store.copy(0, "s", 99, "s", true).error().message == "invalid DB index");
}

TEST_CASE("store key_info reports Redis's string encodings", "[store]") {
  StoreHarness h;
  put_value(h.store, "i", "12345");
  put_value(h.store, "z", "012");
  put_value(h.store, "e", std::string(44, 'x'));
  put_value(h.store, "r", std::string(45, 'x'));
  CHECK((*h.store.key_info(0, "i"))->encoding == "int");
  CHECK((*h.store.key_info(0, "z"))->encoding == "embstr");
  CHECK((*h.store.key_info(0, "e"))->encoding == "embstr");
  CHECK((*h.store.key_info(0, "r"))->encoding == "raw");
  CHECK((*h.store.key_info(0, "r"))->memory_bytes > 45);
  CHECK_FALSE(h.store.key_info(0, "missing")->has_value());
}

}  // namespace mnemo::server::test
