// The native TXN (store_native_txn.cpp): conditions, all-or-nothing writes,
// one journal unit, and the checks made before anything is written.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "server/store_types.h"
#include "store_test_support.h"

namespace mnemo::server::test {

namespace {

using protocol::TxnCheck;
using protocol::TxnCondition;
using protocol::TxnWrite;
using protocol::TxnWriteKind;

TxnCondition at_version(std::string_view key, std::uint64_t v) { return {TxnCheck::version_is, key, v}; }
TxnCondition exists(std::string_view key) { return {TxnCheck::exists, key, 0}; }
TxnCondition missing(std::string_view key) { return {TxnCheck::missing, key, 0}; }
TxnWrite put(std::string_view key, std::string_view value, std::uint64_t ttl_ms = 0) {
  return {TxnWriteKind::set, key, value, ttl_ms};
}
TxnWrite remove(std::string_view key) { return {TxnWriteKind::del, key, {}, 0}; }

std::string value_of(StoreHarness& h, std::string_view key) {
  Response r = h.get(key);
  return r.status == Status::ok ? r.value : std::string("<none>");
}

}  // namespace

TEST_CASE("native TXN applies its writes as one unit when every condition holds", "[store][txn]") {
  StoreHarness h;
  const std::uint64_t va = h.set("a", "1").version;
  h.set("gone", "x");
  const std::size_t before = h.log.batches().size();
  const std::vector<TxnCondition> conds = {at_version("a", va), exists("gone"), missing("new")};
  const std::vector<TxnWrite> writes = {put("a", "2"), put("new", "n", 60000), remove("gone")};
  auto r = h.store.txn(0, conds, writes);
  REQUIRE(r);
  CHECK(r->applied);
  CHECK(r->versions == std::vector<std::uint64_t>{va, h.log.batches()[before - 1].front().seq, 0});
  const auto batches = h.log.batches();
  REQUIRE(batches.size() == before + 1);
  const auto& unit = batches.back();
  REQUIRE(unit.size() == 3);
  for (const Change& c : unit) CHECK(c.seq == r->version);
  CHECK(value_of(h, "a") == "2");
  CHECK(h.get("a").version == r->version);
  CHECK(h.get("new").version == r->version);
  CHECK(h.get("new").expire_at_ms == h.clock.now_ms() + 60000);
  CHECK(value_of(h, "gone") == "<none>");
}

TEST_CASE("native TXN writes nothing when a condition fails, and reports every key's version", "[store][txn]") {
  StoreHarness h;
  const std::uint64_t va = h.set("a", "1").version;
  const std::uint64_t vb = h.set("b", "1").version;
  const std::size_t before = h.log.batches().size();
  SECTION("a stale version") {
    const std::vector<TxnCondition> conds = {at_version("a", va), at_version("b", vb - 1)};
    auto r = h.store.txn(0, conds, std::vector<TxnWrite>{put("a", "2"), put("c", "3")});
    REQUIRE(r);
    CHECK_FALSE(r->applied);
    CHECK(r->version == 0);
    CHECK(r->versions == std::vector<std::uint64_t>{va, vb});
  }
  SECTION("a key that should be missing exists, and one that should exist is missing") {
    auto r1 = h.store.txn(0, std::vector<TxnCondition>{missing("a")}, std::vector<TxnWrite>{put("c", "3")});
    auto r2 = h.store.txn(0, std::vector<TxnCondition>{exists("zz")}, std::vector<TxnWrite>{put("c", "3")});
    REQUIRE(r1);
    REQUIRE(r2);
    CHECK_FALSE(r1->applied);
    CHECK_FALSE(r2->applied);
    CHECK(r2->versions == std::vector<std::uint64_t>{0});
  }
  SECTION("an expired key counts as missing") {
    h.set("t", "x", 0, 10);
    h.clock.advance(11);
    auto r = h.store.txn(0, std::vector<TxnCondition>{missing("t")}, std::vector<TxnWrite>{put("t", "y")});
    REQUIRE(r);
    CHECK(r->applied);
    CHECK(value_of(h, "t") == "y");
    return;
  }
  CHECK(h.log.batches().size() == before);
  CHECK(value_of(h, "a") == "1");
  CHECK(value_of(h, "c") == "<none>");
}

TEST_CASE("native TXN overwrites a collection key and deletes any type", "[store][txn]") {
  StoreHarness h;
  auto lpush = h.store.collections(0, std::vector<std::string_view>{"list"}, true,
                                   [](CollectionTxn& t) -> std::optional<protocol::Error> {
                                     t.ops(0, ValueType::hash).hset("f", "v");
                                     return {};
                                   });
  REQUIRE(lpush);
  auto r = h.store.txn(0, std::vector<TxnCondition>{at_version("list", *lpush)},
                       std::vector<TxnWrite>{put("list", "plain"), remove("list"), put("list", "again")});
  REQUIRE(r);
  CHECK(r->applied);
  CHECK(value_of(h, "list") == "again");
}

TEST_CASE("native TXN checks its limits before writing anything", "[store][txn]") {
  StoreOptions o;
  o.max_value_bytes = 8;
  o.max_key_bytes = 8;
  StoreHarness h(o);
  const std::size_t before = h.log.batches().size();
  auto big_value = h.store.txn(0, {}, std::vector<TxnWrite>{put("a", "1"), put("b", "123456789")});
  auto big_key = h.store.txn(0, std::vector<TxnCondition>{exists("123456789")}, std::vector<TxnWrite>{put("a", "1")});
  auto bad_ttl = h.store.txn(0, {}, std::vector<TxnWrite>{put("a", "1"), put("b", "2", ~std::uint64_t{0})});
  auto bad_db = h.store.txn(9999, {}, std::vector<TxnWrite>{put("a", "1")});
  REQUIRE_FALSE(big_value);
  CHECK(big_value.error().status == Status::too_large);
  REQUIRE_FALSE(big_key);
  CHECK(big_key.error().status == Status::too_large);
  REQUIRE_FALSE(bad_ttl);
  CHECK(bad_ttl.error().status == Status::bad_request);
  REQUIRE_FALSE(bad_db);
  CHECK(h.log.batches().size() == before);
  CHECK(value_of(h, "a") == "<none>");
}

TEST_CASE("native TXN over the memory limit is refused whole", "[store][txn]") {
  StoreOptions o;
  o.max_memory_bytes = 1;  // any write that adds memory is refused
  StoreHarness h(o);
  auto r = h.store.txn(0, {}, std::vector<TxnWrite>{put("a", "1"), put("b", "2")});
  REQUIRE_FALSE(r);
  CHECK(r.error().status == Status::out_of_memory);
  CHECK(value_of(h, "a") == "<none>");
  // Deletes still work.
  auto d = h.store.txn(0, {}, std::vector<TxnWrite>{remove("a")});
  REQUIRE(d);
  CHECK(d->applied);
  CHECK(d->version == 0);  // nothing existed: nothing written
}

TEST_CASE("native TXN through execute fills the response", "[store][txn]") {
  StoreHarness h;
  const std::uint64_t va = h.set("a", "1").version;
  Request req;
  req.op = Opcode::txn;
  req.conditions = {at_version("a", va)};
  req.writes = {put("a", "2")};
  Response ok = h.run(req);
  REQUIRE(ok.status == Status::ok);
  CHECK(ok.changed);
  CHECK(ok.version > va);
  CHECK(ok.versions == std::vector<std::uint64_t>{va});
  Response stale = h.run(req);  // same condition, now stale
  REQUIRE(stale.status == Status::ok);
  CHECK_FALSE(stale.changed);
  CHECK(stale.versions == std::vector<std::uint64_t>{ok.version});
}

}  // namespace mnemo::server::test
