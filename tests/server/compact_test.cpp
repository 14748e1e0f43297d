// The packed collection values (server/pack.h, hash_value.h, set_value.h,
// list_value.h, zset_value.h): random operation lists against plain models (the same
// driver as fuzz/compact_fuzz.cpp), and the properties the server relies on:
// a small hash keeps insertion order, conversion happens at the limits, a
// long list spreads over bounded nodes, and an operation list rebuilds the
// same value from its encode().
#include <catch2/catch.hpp>

#include <algorithm>
#include <iterator>
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
    in[6] = static_cast<std::uint8_t>(round % 4);  // each scenario as often
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
  for (ValueType t : {ValueType::hash, ValueType::set, ValueType::list, ValueType::zset}) {
    Collection c(t);
    OpWriter w(t);
    for (int i = 0; i < 700; ++i) {
      const std::string s = std::to_string(i * 7 % 300);
      if (t == ValueType::hash) w.hset(s, std::to_string(i));
      if (t == ValueType::set) w.sadd(s);
      if (t == ValueType::list) w.rpush(s);
      if (t == ValueType::zset) w.zadd(s, i % 3 == 0 ? i * 0.25 : -i);
      if (i % 5 == 0 && t == ValueType::zset) w.zrem(std::to_string(i % 300));
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

TEST_CASE("a sorted set stays packed to 128 members of 64 bytes, in score order both ways", "[compact][zset]") {
  ZSet z;
  for (int i = 0; i < 128; ++i) CHECK(z.set("m" + std::to_string(i), 127 - i));
  CHECK(z.listpack());
  CHECK(!z.set("m5", 0.5));  // moves, still packed
  CHECK(z.listpack());
  CHECK(z.bytes() < 128 * 10);  // a few bytes besides each member's
  CHECK((*z.begin()).member == "m127");
  CHECK((*std::next(z.begin())).member == "m5");
  CHECK((*std::prev(z.end())).member == "m0");
  CHECK(*z.rank("m5") == 1);
  CHECK((*z.at_rank(100)).member == "m28");
  CHECK(z.set("m128", -1));  // the 129th member
  CHECK(!z.listpack());
  CHECK(*z.rank("m128") == 0);
  CHECK(*z.score("m5") == 0.5);
  CHECK((*z.at_rank(101)).member == "m28");
  CHECK((*z.lower_bound(126.5, "")).member == "m0");
  CHECK(z.upper_bound(127, "m0") == z.end());
  CHECK(z.erase("m128"));
  CHECK(!z.listpack());  // one way, as Redis

  ZSet longer;
  longer.set(std::string(64, 'x'), 1);
  CHECK(longer.listpack());
  longer.set(std::string(65, 'y'), 1);
  CHECK(!longer.listpack());
  CHECK((*longer.begin()).member == std::string(64, 'x'));
}

TEST_CASE("a big sorted set stores each member once", "[compact][zset]") {
  ZSet z;
  for (int i = 0; i < 100000; ++i) z.set("member:" + std::to_string(i), i);
  CHECK(z.size() == 100000);
  CHECK(z.bytes() < 100000 * 80);  // one 32- or 48-byte block, a slot and a B-tree pointer each
  for (int i = 0; i < 100000; i += 999) CHECK(*z.rank("member:" + std::to_string(i)) == static_cast<std::size_t>(i));
  const ZSet copy(z);
  CHECK(std::equal(copy.begin(), copy.end(), z.begin(), z.end(), [](ZSet::Entry a, ZSet::Entry b) {
    return a.member == b.member && a.score == b.score;
  }));
}

}  // namespace mnemo::server::test
