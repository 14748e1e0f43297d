// The packed collection values (server/pack.h, hash_value.h, set_value.h,
// list_value.h): random operation lists against plain models (the same
// driver as fuzz/compact_fuzz.cpp), and the properties the server relies on:
// a small hash keeps insertion order, conversion happens at the limits, a
// long list spreads over bounded nodes, and an operation list rebuilds the
// same value from its encode().
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "fuzz/compact_model.h"
#include "server/collection.h"

namespace mnemo::server::test {

TEST_CASE("packed values match their models under random operations", "[compact]") {
  std::mt19937 rng(1234);
  for (int round = 0; round < 3000; ++round) {
    std::vector<std::uint8_t> in(8 + rng() % 400);
    for (auto& b : in) b = static_cast<std::uint8_t>(rng());
    in[6] = static_cast<std::uint8_t>(round % 3);  // each scenario as often
    INFO("round " << round);
    REQUIRE(compact_model::check(in.data(), in.size()));
  }
}

TEST_CASE("a small hash keeps insertion order and converts past the limits", "[compact]") {
  Hash h;
  CHECK(h.set("z", "1"));
  CHECK(h.set("a", "2"));
  CHECK(!h.set("z", "3"));  // keeps its place
  std::vector<std::string> order;
  for (const auto& [f, v] : h) order.push_back(std::string(f) + std::string(v));
  CHECK(order == std::vector<std::string>{"z3", "a2"});
  CHECK(h.listpack());
  CHECK(h.bytes() < 64);
  h.set("long", std::string(65, 'x'));
  CHECK(!h.listpack());
  CHECK(*h.find("z") == "3");
  CHECK(h.erase("long"));
  CHECK(!h.listpack());  // one way, as Redis
}

TEST_CASE("a set of integers stays packed to 512 members, of strings to 128", "[compact]") {
  Set ints, strs;
  for (int i = 0; i < 512; ++i) ints.insert(std::to_string(i));
  for (int i = 0; i < 128; ++i) strs.insert("m" + std::to_string(i));
  CHECK(ints.packed());
  CHECK(strs.packed());
  ints.insert("512");
  strs.insert("m128");
  CHECK(!ints.packed());
  CHECK(!strs.packed());
  CHECK(ints.contains("511"));
  CHECK(strs.size() == 129);
}

TEST_CASE("a long list spreads over bounded nodes and indexes from both ends", "[compact]") {
  List l;
  for (int i = 0; i < 1000; ++i) l.push_back(std::to_string(i));
  for (int i = 1; i <= 1000; ++i) l.push_front(std::to_string(-i));
  CHECK(l.size() == 2000);
  CHECK(l.nodes() >= 2000 / List::kNodeEntries);
  CHECK(l[0] == "-1000");
  CHECK(l[1999] == "999");
  CHECK(l[1000] == "0");
  l.insert(1000, "mid");
  CHECK(l[1000] == "mid");
  CHECK(l[1001] == "0");
  CHECK(l.bytes() < 2001 * 8 + 64 * l.nodes());  // a few bytes an element
}

TEST_CASE("encode() of packed values rebuilds the same value", "[compact]") {
  for (ValueType t : {ValueType::hash, ValueType::set, ValueType::list}) {
    Collection c(t);
    OpWriter w(t);
    for (int i = 0; i < 700; ++i) {
      const std::string s = std::to_string(i * 7 % 300);
      if (t == ValueType::hash) w.hset(s, std::to_string(i));
      if (t == ValueType::set) w.sadd(s);
      if (t == ValueType::list) w.rpush(s);
      if (i % 5 == 0 && t == ValueType::list) w.lpop(1);
      if (i % 5 == 0 && t == ValueType::hash) w.hdel(std::to_string(i % 300));
    }
    REQUIRE(c.apply(w.bytes()));
    Collection back(t);
    REQUIRE(back.apply(c.encode()));
    CHECK(back.encode() == c.encode());
    CHECK(back.size() == c.size());
    CHECK(c.bytes() > 0);
  }
}

}  // namespace mnemo::server::test
