// HyperLogLog values in Redis's representation: the bytes Redis 7.0.15 shows
// for the same adds, the promotion to dense, and corrupt values.
#include "server/hll.h"

#include <catch2/catch.hpp>

#include <string>

using namespace mnemo::server;

namespace {

std::string bytes(std::initializer_list<int> b) {
  std::string s;
  for (int c : b) s.push_back(static_cast<char>(c));
  return s;
}

std::string header(int encoding, int last_card_byte = 0) {
  return "HYLL" + bytes({encoding, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, last_card_byte});
}

std::string with_elements(int n) {
  std::string v = hll::create();
  for (int i = 0; i < n; ++i) REQUIRE(hll::add(v, "e" + std::to_string(i)) >= 0);
  return v;
}

}  // namespace

TEST_CASE("a new HLL is sparse, one XZERO over every register, cached count 0", "[server][hll]") {
  const std::string v = hll::create();
  CHECK(v == header(1) + bytes({0x7f, 0xff}));
  CHECK(hll::is_hll(v));
  CHECK(hll::cached_count(v) == 0u);
  CHECK(hll::count(v) == 0u);
}

TEST_CASE("adds leave the bytes Redis leaves", "[server][hll]") {
  std::string v = hll::create();
  CHECK(hll::add(v, "a") == 1);
  CHECK(hll::add(v, "b") == 1);
  CHECK(hll::add(v, "c") == 1);
  CHECK(hll::add(v, "a") == 0);
  // Redis 7.0.15: PFADD h a b c; GET h
  CHECK(v == header(1, 0x80) + bytes({0x60, 0xf3, 0x80, 0x50, 0xb1, 0x84, 0x4b, 0xfb, 0x80, 0x42, 0x5a}));
  CHECK_FALSE(hll::cached_count(v).has_value());
  REQUIRE(hll::count(v) == 3u);
  hll::store_count(v, 3);
  CHECK(hll::cached_count(v) == 3u);
}

TEST_CASE("an HLL turns dense past the sparse limit and estimates as Redis", "[server][hll]") {
  const std::string small = with_elements(100);
  CHECK(small.size() == 285);  // Redis: STRLEN after the same 100 adds
  CHECK(hll::count(small) == 100u);
  const std::string big = with_elements(5000);
  CHECK(big.size() == hll::kDenseBytes);
  CHECK(big[4] == 0);
  CHECK(hll::count(big) == 4968u);  // Redis's PFCOUNT of the same elements
  SECTION("merging a sparse and a dense one") {
    hll::Registers max{};
    REQUIRE(hll::merge_into(max, small));
    REQUIRE(hll::merge_into(max, big));
    CHECK(hll::count_registers(max) == 4968u);
    std::string dest = hll::create();
    REQUIRE(hll::write_registers(dest, max, true));
    CHECK(dest.size() == hll::kDenseBytes);
    CHECK(hll::count(dest) == 4968u);
  }
}

TEST_CASE("values that are not HLLs or are corrupt give errors, not crashes", "[server][hll]") {
  CHECK_FALSE(hll::is_hll("hello"));
  CHECK_FALSE(hll::is_hll("HYLL"));
  CHECK_FALSE(hll::is_hll(header(2) + bytes({0x7f, 0xff})));
  CHECK_FALSE(hll::is_hll(header(0) + std::string(10, '\0')));  // dense of the wrong length
  const std::string short_sparse = header(1, 0x80) + bytes({0x3f, 0x23});  // 100 registers only
  REQUIRE(hll::is_hll(short_sparse));
  CHECK_FALSE(hll::count(short_sparse).has_value());
  hll::Registers max{};
  CHECK_FALSE(hll::merge_into(max, short_sparse));
  std::string v = short_sparse;
  int failed = 0;
  for (int i = 0; i < 50; ++i) {
    std::string w = short_sparse;
    failed += hll::add(w, "x" + std::to_string(i)) < 0;
  }
  CHECK(failed > 0);  // an element landing past the covered registers
  std::string truncated = header(1, 0x80) + bytes({0x7f});  // an XZERO cut short
  CHECK(hll::add(truncated, "a") >= -1);
}
