#include "protocol/resp_parser.h"

#include <catch2/catch.hpp>

#include <limits>
#include <string>
#include <vector>

using mnemo::protocol::resp::ParseResult;
using mnemo::protocol::resp::ParseState;
using mnemo::protocol::resp::parse_int64;
using mnemo::protocol::resp::RespLimits;
using mnemo::protocol::resp::RespParser;

namespace {

using Argv = std::vector<std::string>;

Argv argv_of(const RespParser& p) {
  Argv out;
  for (std::string_view a : p.argv()) out.emplace_back(a);
  return out;
}

// Parses every command in `input`, feeding it in one piece.
std::vector<Argv> parse_all(std::string_view input, const RespLimits& limits = {}) {
  RespParser p(limits);
  std::vector<Argv> commands;
  while (!input.empty()) {
    const ParseResult r = p.parse(input);
    REQUIRE(r.state == ParseState::ok);
    REQUIRE(r.consumed > 0);
    commands.push_back(argv_of(p));
    input.remove_prefix(r.consumed);
  }
  return commands;
}

// Feeds `input` one growing prefix at a time, as a socket might deliver it, and
// collects the commands. Exercises the resumable state at every split point.
std::vector<Argv> parse_bytewise(const std::string& input) {
  RespParser p;
  std::vector<Argv> commands;
  std::size_t begin = 0;
  for (std::size_t end = begin + 1; end <= input.size(); ++end) {
    const ParseResult r = p.parse(std::string_view(input).substr(begin, end - begin));
    REQUIRE(r.state != ParseState::error);
    if (r.state == ParseState::ok) {
      commands.push_back(argv_of(p));
      begin += r.consumed;
      REQUIRE(begin == end);  // a command is complete only once its last byte arrived
    }
  }
  REQUIRE(begin == input.size());
  return commands;
}

// The outcome of parsing `input` with a fresh parser (the message copied, since
// it views the parser).
struct Outcome {
  ParseState state;
  std::string message;
  bool fatal;
};
Outcome parse_one(std::string_view input, const RespLimits& limits = {}) {
  RespParser p(limits);
  const ParseResult r = p.parse(input);
  return {r.state, std::string(r.message), r.fatal};
}

}  // namespace

TEST_CASE("resp parser reads an array of bulk strings", "[protocol][resp]") {
  RespParser p;
  const std::string in = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nvalue\r\n";
  const ParseResult r = p.parse(in);
  REQUIRE(r.state == ParseState::ok);
  CHECK(r.consumed == in.size());
  CHECK(argv_of(p) == Argv{"SET", "k", "value"});
  // Views point into the input: no copies.
  CHECK(p.argv()[2].data() == in.data() + in.find("value"));
}

TEST_CASE("resp parser keeps binary bytes and empty bulks", "[protocol][resp]") {
  std::string value("a\r\nb\0c", 6);
  std::string in = "*3\r\n$3\r\nSET\r\n$0\r\n\r\n$6\r\n" + value + "\r\n";
  auto cmds = parse_all(in);
  REQUIRE(cmds.size() == 1);
  CHECK(cmds[0] == Argv{"SET", "", value});
}

TEST_CASE("resp parser reads a pipeline one command per call", "[protocol][resp]") {
  std::string in;
  for (int i = 0; i < 100; ++i) {
    const std::string key = "key" + std::to_string(i);
    in += "*2\r\n$3\r\nGET\r\n$" + std::to_string(key.size()) + "\r\n" + key + "\r\n";
    in += "PING " + key + "\r\n";
  }
  auto cmds = parse_all(in);
  REQUIRE(cmds.size() == 200);
  CHECK(cmds[0] == Argv{"GET", "key0"});
  CHECK(cmds[199] == Argv{"PING", "key99"});
}

TEST_CASE("resp parser resumes after every possible split", "[protocol][resp]") {
  SECTION("multibulk") {
    const std::string in = "*3\r\n$3\r\nSET\r\n$11\r\nkey:\r\n12345\r\n$3\r\nval\r\n*1\r\n$4\r\nPING\r\n";
    auto cmds = parse_bytewise(in);
    REQUIRE(cmds.size() == 2);
    CHECK(cmds[0] == Argv{"SET", "key:\r\n12345", "val"});
    CHECK(cmds[1] == Argv{"PING"});
  }
  SECTION("inline") {
    const std::string in = "SET k v\r\nGET k\nECHO \"a b\"\r\n";
    auto cmds = parse_bytewise(in);
    REQUIRE(cmds.size() == 3);
    CHECK(cmds[0] == Argv{"SET", "k", "v"});
    CHECK(cmds[1] == Argv{"GET", "k"});
    CHECK(cmds[2] == Argv{"ECHO", "a b"});
  }
  SECTION("the buffer may move between calls") {
    RespParser p;
    std::string first = "*2\r\n$3\r\nGET\r\n$5\r\nhel";
    REQUIRE(p.parse(first).state == ParseState::need_more);
    std::string moved = first + "lo\r\n";  // a different allocation holding the same prefix
    first.assign(first.size(), 'x');       // the old bytes are gone
    const ParseResult r = p.parse(moved);
    REQUIRE(r.state == ParseState::ok);
    CHECK(argv_of(p) == Argv{"GET", "hello"});
  }
}

TEST_CASE("resp parser splits inline commands like Redis", "[protocol][resp]") {
  CHECK(parse_all("GET   key\r\n")[0] == Argv{"GET", "key"});
  CHECK(parse_all("\tGET key  \n")[0] == Argv{"GET", "key"});
  CHECK(parse_all("SET k \"a\\tb\\x41\\\"\"\r\n")[0] == Argv{"SET", "k", "a\tbA\""});
  CHECK(parse_all("SET k 'it\\'s'\r\n")[0] == Argv{"SET", "k", "it's"});
  CHECK(parse_all("SET k 'no \\n escape'\r\n")[0] == Argv{"SET", "k", "no \\n escape"});
  CHECK(parse_all("SET k \"\"\r\n")[0] == Argv{"SET", "k", ""});
  CHECK(parse_all("SET a\"b c\"\r\n")[0] == Argv{"SET", "ab c"});  // a quote opens mid-word
  CHECK(parse_all("SET k \"\\xZZ\"\r\n")[0] == Argv{"SET", "k", "xZZ"});
}

TEST_CASE("resp parser ignores blank lines and empty arrays", "[protocol][resp]") {
  for (std::string in : {"\r\n", "\n", "   \r\n", "*0\r\n", "*-1\r\n"}) {
    RespParser p;
    const ParseResult r = p.parse(in);
    REQUIRE(r.state == ParseState::ok);
    CHECK(r.consumed == in.size());
    CHECK(p.argv().empty());
  }
}

TEST_CASE("resp parser asks for more on incomplete input", "[protocol][resp]") {
  for (std::string in : {"", "*", "*2", "*2\r", "*2\r\n$3\r\nGET\r\n", "*1\r\n$3\r\nGE", "*1\r\n$3\r\nGET",
                         "*1\r\n$3\r\nGET\r", "GET k", "GET k\r"}) {
    CAPTURE(in);
    CHECK(parse_one(in).state == ParseState::need_more);
  }
}

TEST_CASE("resp parser rejects malformed framing with Redis's texts", "[protocol][resp]") {
  struct Case {
    std::string input;
    std::string message;
  };
  const Case cases[] = {
      {"*x\r\n", "Protocol error: invalid multibulk length"},
      {"*\r\n", "Protocol error: invalid multibulk length"},
      {"*01\r\n", "Protocol error: invalid multibulk length"},
      {"*2\rX", "Protocol error: invalid multibulk length"},
      {"*2097152\r\n", "Protocol error: invalid multibulk length"},
      {"*1\r\nx", "Protocol error: expected '$', got 'x'"},
      {"*1\r\n:1\r\n", "Protocol error: expected '$', got ':'"},
      {"*1\r\n$-1\r\n", "Protocol error: invalid bulk length"},
      {"*1\r\n$abc\r\n", "Protocol error: invalid bulk length"},
      {"*1\r\n$99999999999\r\n", "Protocol error: invalid bulk length"},
      {"*1\r\n$3\r\nGETxx", "Protocol error: expected CRLF after bulk string"},
      {"SET k \"abc\r\n", "Protocol error: unbalanced quotes in request"},
      {"SET k 'abc\r\n", "Protocol error: unbalanced quotes in request"},
      {"SET k \"abc\"def\r\n", "Protocol error: unbalanced quotes in request"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.input);
    const Outcome r = parse_one(c.input);
    REQUIRE(r.state == ParseState::error);
    CHECK(r.fatal);
    CHECK(r.message == c.message);
  }
}

TEST_CASE("resp parser enforces its limits", "[protocol][resp]") {
  RespLimits limits;
  limits.max_array_len = 4;
  limits.max_bulk_bytes = 10;
  limits.max_inline_bytes = 32;
  SECTION("array length") {
    CHECK(parse_one("*4\r\n", limits).state == ParseState::need_more);
    CHECK((parse_one("*5\r\n", limits).message) == "Protocol error: invalid multibulk length");
  }
  SECTION("bulk length") {
    CHECK(parse_one("*1\r\n$10\r\n", limits).state == ParseState::need_more);
    CHECK((parse_one("*1\r\n$11\r\n", limits).message) == "Protocol error: invalid bulk length");
  }
  SECTION("inline line without a newline") {
    CHECK(parse_one(std::string(32, 'a'), limits).state == ParseState::need_more);
    CHECK((parse_one(std::string(33, 'a'), limits).message) == "Protocol error: too big inline request");
  }
  SECTION("inline line too long even with its newline") {
    CHECK(parse_one(std::string(40, 'a') + "\r\n", limits).message == "Protocol error: too big inline request");
  }
  SECTION("header lines") {
    CHECK((parse_one(std::string("*").append(40, '1'), limits).message) ==
          "Protocol error: too big mbulk count string");
    CHECK((parse_one(std::string("*1\r\n$").append(40, '1'), limits).message) ==
          "Protocol error: too big bulk count string");
  }
}

TEST_CASE("resp parser does not trust a huge array length", "[protocol][resp]") {
  // One million elements announced, three bytes sent: must not reserve a million slots' worth.
  RespParser p;
  REQUIRE(p.parse("*1048576\r\n$1\r\na\r\n").state == ParseState::need_more);
  // And it still completes normally when the elements do arrive.
  std::string in = "*3\r\n";
  for (int i = 0; i < 3; ++i) in += "$1\r\nx\r\n";
  RespParser q;
  CHECK(q.parse(in).state == ParseState::ok);
}

TEST_CASE("resp parser survives garbage", "[protocol][resp]") {
  // Deterministic pseudo-random bytes, with protocol characters over-represented.
  std::uint32_t seed = 12345;
  auto next = [&] { return seed = seed * 1664525u + 1013904223u; };
  const char alphabet[] = "*$\r\n0123456789-\"' abcGETSET\\x";
  for (int round = 0; round < 2000; ++round) {
    std::string in;
    const std::size_t n = next() % 64;
    for (std::size_t i = 0; i < n; ++i) {
      in += (next() % 4 == 0) ? static_cast<char>(next()) : alphabet[next() % (sizeof alphabet - 1)];
    }
    RespParser p;
    std::string_view rest = in;
    while (!rest.empty()) {
      const ParseResult r = p.parse(rest);
      if (r.state != ParseState::ok) break;
      REQUIRE(r.consumed <= rest.size());
      REQUIRE(r.consumed > 0);
      rest.remove_prefix(r.consumed);
    }
  }
}

TEST_CASE("parse_int64 follows Redis's string2ll", "[protocol][resp]") {
  std::int64_t v = 0;
  CHECK((parse_int64("0", v) && v == 0));
  CHECK((parse_int64("-1", v) && v == -1));
  CHECK((parse_int64("9223372036854775807", v) && v == std::numeric_limits<std::int64_t>::max()));
  CHECK((parse_int64("-9223372036854775808", v) && v == std::numeric_limits<std::int64_t>::min()));
  for (const char* bad : {"", "-", "+1", " 1", "1 ", "01", "-0", "1.5", "9223372036854775808",
                          "-9223372036854775809", "18446744073709551616", "abc"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_int64(bad, v));
  }
}
