#include "server/tools/resp_unit.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using mnemo::tools::parse_units;
using mnemo::tools::RespUnit;

TEST_CASE("a unit encodes its commands as RESP arrays with random keys", "[tools]") {
  std::vector<RespUnit> units;
  REQUIRE_FALSE(parse_units({"MULTI", ";", "SET", "k:__rand_int__", "v w", ";", "EXEC"}, units));
  REQUIRE(units.size() == 1);
  REQUIRE(units[0].commands() == 3);
  REQUIRE(units[0].name() == "MULTI SET EXEC");
  std::uint64_t next = 123;
  std::string out;
  units[0].append(out, 1000, [&] { return next++; });
  REQUIRE(out ==
          "*1\r\n$5\r\nMULTI\r\n"
          "*3\r\n$3\r\nSET\r\n$14\r\nk:000000000123\r\n$3\r\nv w\r\n"
          "*1\r\n$4\r\nEXEC\r\n");
  SECTION("each placeholder gets its own number, below the key space") {
    std::vector<RespUnit> two;
    REQUIRE_FALSE(parse_units({"MSET", "a__rand_int__", "__rand_int__b"}, two));
    std::string o;
    std::uint64_t n = 1005;
    two[0].append(o, 1000, [&] { return n++; });
    REQUIRE(o == "*3\r\n$4\r\nMSET\r\n$13\r\na000000000005\r\n$13\r\n000000000006b\r\n");
  }
}

TEST_CASE("units are split by a double-semicolon word and empty commands are refused", "[tools]") {
  std::vector<RespUnit> units;
  REQUIRE_FALSE(parse_units({"PING", ";;", "SET", "a", "b", ";", "GET", "a"}, units));
  REQUIRE(units.size() == 2);
  REQUIRE(units[0].commands() == 1);
  REQUIRE(units[1].commands() == 2);
  REQUIRE(parse_units({"PING", ";"}, units).has_value());
  REQUIRE(parse_units({";;", "PING"}, units).has_value());
  REQUIRE(parse_units({}, units).has_value());
}
