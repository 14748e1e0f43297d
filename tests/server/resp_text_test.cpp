#include "server/resp_text.h"

#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

using namespace mnemo::server;

TEST_CASE("resp text compares names case-insensitively", "[server][resp]") {
  CHECK(iequals("GeT", "get"));
  CHECK_FALSE(iequals("gets", "get"));
  CHECK_FALSE(iequals("ge", "get"));
}

TEST_CASE("resp text builds Redis's unknown command message", "[server][resp]") {
  const std::vector<std::string_view> argv = {"foo", "a", "b"};
  CHECK(unknown_command_message(argv) == "ERR unknown command 'foo', with args beginning with: 'a' 'b' ");
  const std::string many(60, 'z');
  const std::vector<std::string_view> long_args = {"foo", many, many, many};
  // 60 + 3 bytes for the first, 60 + 3 for the second (126 < 128), then 2 bytes of the third.
  CHECK(unknown_command_message(long_args) == "ERR unknown command 'foo', with args beginning with: '" + many +
                                                  "' '" + many + "' 'zz' ");
}

TEST_CASE("resp text matches CONFIG GET globs", "[server][resp]") {
  CHECK(glob_match_nocase("*", "save"));
  CHECK(glob_match_nocase("max*", "maxmemory-policy"));
  CHECK(glob_match_nocase("MAXMEMORY", "maxmemory"));
  CHECK(glob_match_nocase("s?ve", "save"));
  CHECK(glob_match_nocase("*o*y", "maxmemory-policy"));
  CHECK_FALSE(glob_match_nocase("max", "maxmemory"));
  CHECK_FALSE(glob_match_nocase("s?ve", "sve"));
}

TEST_CASE("resp text accepts only prefix* SCAN patterns", "[server][resp]") {
  std::string prefix;
  CHECK((match_prefix_pattern("user:*", prefix) && prefix == "user:"));
  CHECK((match_prefix_pattern("*", prefix) && prefix.empty()));
  CHECK((match_prefix_pattern("a\\[b\\\\*", prefix) && prefix == "a[b\\"));
  for (std::string_view bad : {"", "user", "u*x", "*u", "u?*", "[a]*", "u**", "u\\"}) {
    CAPTURE(bad);
    CHECK_FALSE(match_prefix_pattern(bad, prefix));
  }
}
