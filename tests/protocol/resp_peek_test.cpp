// The RESP peek used to prefetch the keys of pipelined commands.
#include "protocol/resp_peek.h"

#include <catch2/catch.hpp>

#include <string>

using mnemo::protocol::resp::peek_command;
using mnemo::protocol::resp::RespLimits;

TEST_CASE("peek_command sizes a multibulk command and finds its second argument", "[protocol]") {
  const std::string set = "*3\r\n$3\r\nSET\r\n$6\r\nuser:1\r\n$2\r\nv1\r\n";
  const std::string both = set + std::string("*2\r\n$3\r\nGET\r\n$3\r\nk\0y\r\n", 22);
  const auto first = peek_command(both, RespLimits{});
  CHECK(first.size == set.size());
  CHECK(first.key == "user:1");
  const auto second = peek_command(std::string_view(both).substr(first.size), RespLimits{});
  CHECK(second.size == 22);
  CHECK(second.key == std::string("k\0y", 3));
  CHECK(peek_command("*1\r\n$4\r\nPING\r\n", RespLimits{}).size == 14);
  CHECK(peek_command("*1\r\n$4\r\nPING\r\n", RespLimits{}).key.empty());
}

TEST_CASE("peek_command sees nothing in what it cannot size cheaply or the parser would refuse", "[protocol]") {
  const std::string set = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n";
  for (std::size_t n = 0; n < set.size(); ++n) {  // incomplete
    CHECK(peek_command(std::string_view(set).substr(0, n), RespLimits{}).size == 0);
  }
  CHECK(peek_command("GET k\r\n", RespLimits{}).size == 0);                 // inline
  CHECK(peek_command("*0\r\n", RespLimits{}).size == 0);                    // empty array
  CHECK(peek_command("*-1\r\n", RespLimits{}).size == 0);                   // null array
  CHECK(peek_command("*2\r\n$03\r\nGET\r\n$1\r\nk\r\n", RespLimits{}).size == 0);  // leading zero
  CHECK(peek_command("*2\r\n$3\r\nGETxx$1\r\nk\r\n", RespLimits{}).size == 0);     // no line end after data
  CHECK(peek_command("*2\r\n+OK\r\n$1\r\nk\r\n", RespLimits{}).size == 0);         // not a bulk string
  CHECK(peek_command(set, RespLimits{}, 2).size == 0);                      // more arguments than asked to look at
  RespLimits small;
  small.max_bulk_bytes = 2;
  CHECK(peek_command("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n", small).size == 0);   // over the bulk limit
}
