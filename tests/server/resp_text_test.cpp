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

TEST_CASE("resp text glob matches like Redis's stringmatchlen", "[server][resp]") {
  struct Case {
    std::string_view pattern, text;
    bool match;
  };
  const Case cases[] = {
      {"*", "", false},         {"*", "abc", true},        {"a*", "abc", true},       {"a*", "bac", false},
      {"*c", "abc", true},      {"a?c", "abc", true},      {"a?c", "ac", false},      {"?", "", false},
      {"", "", true},           {"", "a", false},          {"[ab]1", "b1", true},     {"[ab]1", "c1", false},
      {"[^a]*", "b", true},     {"[^a]*", "a", false},     {"[a-c]", "b", true},      {"[c-a]", "b", true},
      {"[a-]", "-", false},     {"[a-]", "a", true},       {"[\\]]", "]", true},      {"[[]a]", "[a]", true},
      {"a\\*", "a*", true},     {"a\\*", "ab", false},     {"a\\", "a\\", true},      {"a\\\\b", "a\\b", true},
      {"[a", "a", true},        {"[a", "b", false},        {"**", "x", true},         {"a*1*", "a21", true},
      {"a*b*c", "aXbYc", true}, {"a*b*c", "aXcYb", false}, {"A*", "abc", false},
  };
  for (const Case& c : cases) {
    CAPTURE(c.pattern, c.text);
    CHECK(glob_match(c.pattern, c.text, false) == c.match);
  }
  CHECK(glob_match("MAX*", "maxmemory", true));
  CHECK(glob_match("[A-C]", "b", true));
  CHECK_FALSE(glob_match("MAX*", "maxmemory", false));
}

TEST_CASE("resp text glob compares bytes as signed chars in ranges", "[server][resp]") {
  // Redis reads pattern and text as (signed) char: 0xE9 is below 'a'.
  CHECK(glob_match("[\x80-\x7f]", "\xe9", false));
  CHECK_FALSE(glob_match("[a-z]", "\xe9", false));
  CHECK(glob_match("*\xe9*", "t\xe9t", false));
}

TEST_CASE("resp text glob gives up past 1000 nested stars, as Redis does", "[server][resp]") {
  const std::string text(1100, 'a');
  std::string shallow, deep;
  for (int i = 0; i < 900; ++i) shallow += "*a";
  for (int i = 0; i < 1100; ++i) deep += "*a";
  CHECK(glob_match(shallow, text, false));
  CHECK_FALSE(glob_match(deep, text, false));
}

TEST_CASE("resp text glob stays fast on patterns that backtrack", "[server][resp]") {
  const std::string text(5000, 'a');
  std::string pattern;
  for (int i = 0; i < 30; ++i) pattern += "a*";
  pattern += "b";
  CHECK_FALSE(glob_match(pattern, text, false));  // finishes: later stars never retry earlier ones
}

TEST_CASE("resp text finds the literal prefix of a glob", "[server][resp]") {
  CHECK(glob_literal_prefix("user:*") == "user:");
  CHECK(glob_literal_prefix("*") == "");
  CHECK(glob_literal_prefix("a\\[b\\\\*") == "a[b\\");
  CHECK(glob_literal_prefix("ab?c") == "ab");
  CHECK(glob_literal_prefix("ab[c]") == "ab");
  CHECK(glob_literal_prefix("abc") == "abc");
  CHECK(glob_literal_prefix("ab\\") == "ab\\");
  CHECK(glob_is_prefix_only("user:*"));
  CHECK(glob_is_prefix_only("*"));
  CHECK(glob_is_prefix_only("a\\*b*"));
  for (std::string_view other : {"", "user", "u*x", "*u", "u?*", "[a]*", "u**", "u\\", "u\\*"}) {
    CAPTURE(other);
    CHECK_FALSE(glob_is_prefix_only(other));
  }
}

TEST_CASE("resp text accepts Redis's client name characters", "[server][resp]") {
  CHECK(valid_client_attribute("redis-py_4.3"));
  CHECK(valid_client_attribute(""));
  CHECK_FALSE(valid_client_attribute("a b"));
  CHECK_FALSE(valid_client_attribute("a\nb"));
  CHECK_FALSE(valid_client_attribute("\x7f"));
}
