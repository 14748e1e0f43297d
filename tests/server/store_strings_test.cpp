// The store's typed string operations: SET's options, GETSET, GETDEL, GETEX,
// INCRBY, INCRBYFLOAT, APPEND, SETRANGE, GETRANGE, STRLEN, MGET, MSETNX.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "server/store_types.h"
#include "store_test_support.h"

namespace mnemo::server::test {

namespace {

std::string value_of(Store& s, std::string_view key, DbIndex db = 0) {
  auto r = s.get(db, key);
  REQUIRE(r.ok());
  return *r ? (*r)->value : std::string("<absent>");
}

}  // namespace

TEST_CASE("store set: NX and XX decide, GET returns the old value either way", "[store]") {
  StoreHarness h;
  SetOptions nx;
  nx.condition = SetCondition::if_absent;
  nx.get = true;
  auto first = h.store.set(0, "k", "v1", nx);
  REQUIRE(first.ok());
  CHECK(first->written);
  CHECK_FALSE(first->old.has_value());
  auto second = h.store.set(0, "k", "v2", nx);
  CHECK_FALSE(second->written);
  REQUIRE(second->old.has_value());
  CHECK(second->old->value == "v1");
  CHECK(value_of(h.store, "k") == "v1");
  SetOptions xx;
  xx.condition = SetCondition::if_present;
  CHECK_FALSE(h.store.set(0, "absent", "x", xx)->written);
  CHECK(value_of(h.store, "absent") == "<absent>");
  auto third = h.store.set(0, "k", "v3", xx);
  CHECK(third->written);
  CHECK(third->version == h.log.last_seq());
}

TEST_CASE("store set: expiry options", "[store]") {
  StoreHarness h;
  const std::int64_t now = h.clock.now_ms();
  SetOptions at;
  at.expiry = SetExpiry::at;
  at.expire_at_ms = now + 1000;
  REQUIRE(h.store.set(0, "k", "v", at)->written);
  CHECK(*h.store.pttl(0, "k") == 1000);
  SECTION("KEEPTTL keeps it") {
    SetOptions keep;
    keep.expiry = SetExpiry::keep;
    h.store.set(0, "k", "w", keep);
    CHECK(*h.store.pttl(0, "k") == 1000);
  }
  SECTION("a plain SET clears it") {
    h.store.set(0, "k", "w", SetOptions{});
    CHECK(*h.store.pttl(0, "k") == -1);
  }
  SECTION("a deadline in the past deletes the key and journals the removal") {
    SetOptions past;
    past.expiry = SetExpiry::at;
    past.expire_at_ms = now - 1;
    auto r = h.store.set(0, "k", "w", past);
    CHECK(r->written);
    CHECK(value_of(h.store, "k") == "<absent>");
    CHECK(h.log.batches().back() == std::vector<Change>{del(r->version, "k")});
  }
}

TEST_CASE("store getset, getdel and getex", "[store]") {
  StoreHarness h;
  CHECK_FALSE(h.store.getset(0, "k", "a")->has_value());
  CHECK((*h.store.getset(0, "k", "b"))->value == "a");
  auto gd = h.store.getdel(0, "k");
  REQUIRE(gd->has_value());
  CHECK((*gd)->value == "b");
  CHECK(h.log.batches().back() == std::vector<Change>{del(h.log.last_seq(), "k")});
  CHECK_FALSE(h.store.getdel(0, "k")->has_value());

  h.store.set(0, "e", "x", SetOptions{});
  const std::int64_t now = h.clock.now_ms();
  auto ex = h.store.getex(0, "e", GetExAction::at, now + 500);
  REQUIRE(ex->has_value());
  CHECK((*ex)->value == "x");
  CHECK(*h.store.pttl(0, "e") == 500);
  CHECK(h.log.batches().back() == std::vector<Change>{put(h.log.last_seq(), "e", "x", now + 500)});
  CHECK((*h.store.getex(0, "e", GetExAction::persist))->expire_at_ms == now + 500);  // the expiry removed
  CHECK(*h.store.pttl(0, "e") == -1);
  CHECK((*h.store.getex(0, "e", GetExAction::persist))->expire_at_ms == 0);  // none left to remove
  const std::size_t journaled = h.log.batches().size();
  h.store.getex(0, "e", GetExAction::none);
  CHECK(h.log.batches().size() == journaled);
  h.store.getex(0, "e", GetExAction::at, now);
  CHECK(value_of(h.store, "e") == "<absent>");
}

TEST_CASE("store incrby keeps expiry and refuses non-integers", "[store]") {
  StoreHarness h;
  CHECK(*h.store.incrby(0, "n", 5) == 5);
  CHECK(*h.store.incrby(0, "n", -7) == -2);
  h.store.set(0, "s", "abc", SetOptions{});
  CHECK(h.store.incrby(0, "s", 1).error().status == Status::wrong_type);
  h.store.set(0, "big", "9223372036854775807", SetOptions{});
  CHECK(h.store.incrby(0, "big", 1).error().status == Status::bad_request);
}

TEST_CASE("store incrbyfloat formats as Redis does", "[store]") {
  StoreHarness h;
  CHECK(*h.store.incrbyfloat(0, "f", 10.5L) == "10.5");
  CHECK(*h.store.incrbyfloat(0, "f", 0.1L) == "10.6");
  h.store.set(0, "g", "5.0e3", SetOptions{});
  CHECK(*h.store.incrbyfloat(0, "g", 2.0e2L) == "5200");
  h.store.set(0, "z", "-1", SetOptions{});
  CHECK(*h.store.incrbyfloat(0, "z", 1) == "0");
  h.store.set(0, "bad", "1x", SetOptions{});
  CHECK(h.store.incrbyfloat(0, "bad", 1).error().message == "value is not a valid float");
  h.store.set(0, "huge", "1.1e4932", SetOptions{});
  CHECK(h.store.incrbyfloat(0, "huge", 1.1e4932L).error().message == "increment would produce NaN or Infinity");
  long double v = 0;
  CHECK(parse_redis_long_double("3.0", v));
  CHECK_FALSE(parse_redis_long_double(" 3", v));
  CHECK_FALSE(parse_redis_long_double("nan", v));
  CHECK_FALSE(parse_redis_long_double("", v));
  CHECK(format_redis_long_double(3.0L) == "3");
  CHECK(format_redis_long_double(-0.0L) == "0");
}

TEST_CASE("store append, setrange, getrange and strlen", "[store]") {
  StoreOptions o;
  o.max_value_bytes = 16;
  StoreHarness h(o);
  CHECK(*h.store.append(0, "a", "hello") == 5);
  CHECK(*h.store.append(0, "a", " world") == 11);
  CHECK(*h.store.strlen(0, "a") == 11);
  CHECK(*h.store.strlen(0, "none") == 0);
  CHECK(h.store.append(0, "a", "123456").error().status == Status::too_large);
  CHECK(*h.store.getrange(0, "a", 0, 4) == "hello");
  CHECK(*h.store.getrange(0, "a", -5, -1) == "world");
  CHECK(*h.store.getrange(0, "a", 0, -100) == "h");  // Redis 7.0 clamps end to 0
  CHECK(h.store.getrange(0, "a", -1, -5)->empty());
  CHECK(*h.store.getrange(0, "none", 0, -1) == "");
  CHECK(*h.store.setrange(0, "a", 6, "WORLD") == 11);
  CHECK(value_of(h.store, "a") == "hello WORLD");
  CHECK(*h.store.setrange(0, "p", 3, "x") == 4);
  CHECK(value_of(h.store, "p") == std::string("\0\0\0x", 4));
  CHECK(*h.store.setrange(0, "q", 3, "") == 0);
  CHECK(value_of(h.store, "q") == "<absent>");
  CHECK(h.store.setrange(0, "p", 15, "xy").error().status == Status::too_large);
}

TEST_CASE("store append keeps an ephemeral key ephemeral and its expiry", "[store]") {
  StoreHarness h;
  SetOptions o;
  o.ephemeral = true;
  o.expiry = SetExpiry::at;
  o.expire_at_ms = h.clock.now_ms() + 100;
  h.store.set(0, "e", "x", o);
  h.store.append(0, "e", "y");
  CHECK(h.log.batches().empty());
  CHECK(*h.store.pttl(0, "e") == 100);
  CHECK(h.store.stats().ephemeral_keys == 1);
}

TEST_CASE("store mget and msetnx", "[store]") {
  StoreHarness h;
  std::vector<std::string_view> keys{"a", "b"};
  std::vector<std::string_view> vals{"1", "2"};
  REQUIRE(*h.store.msetnx(0, keys, vals));
  CHECK(h.log.batches().back().size() == 2);  // one unit
  std::vector<std::string_view> more{"b", "c"};
  const std::size_t journaled = h.log.batches().size();
  CHECK_FALSE(*h.store.msetnx(0, more, vals));
  CHECK(h.log.batches().size() == journaled);
  CHECK(value_of(h.store, "c") == "<absent>");
  std::vector<std::string_view> read{"a", "c", "b"};
  auto got = h.store.mget(0, read);
  REQUIRE(got->size() == 3);
  CHECK((*got)[0]->value == "1");
  CHECK_FALSE((*got)[1].has_value());
  CHECK((*got)[2]->value == "2");
  CHECK(h.store.stats().keyspace_hits == 2);
  CHECK(h.store.stats().keyspace_misses == 2);  // "c" above, and here
}

TEST_CASE("store typed writes honour max memory", "[store]") {
  StoreOptions o;
  o.max_memory_bytes = 1;
  StoreHarness h(o);
  CHECK(h.store.set(0, "k", "v", SetOptions{}).error().status == Status::out_of_memory);
  CHECK(h.store.append(0, "k", "v").error().status == Status::out_of_memory);
  CHECK(*h.store.del(0, std::vector<std::string_view>{"k"}) == 0);  // deletes still work
}

}  // namespace mnemo::server::test
