#include "server/tools/resp_reply_scanner.h"

#include <catch2/catch.hpp>
#include <string>

using mnemo::tools::RespReplyScanner;
using mnemo::tools::ScanCounts;

namespace {

ScanCounts feed_all(RespReplyScanner& s, const std::string& bytes) { return s.feed(bytes); }

// Feeds `bytes` in two parts split at `at` and sums what both calls counted.
ScanCounts feed_split(const std::string& bytes, std::size_t at, RespReplyScanner& s) {
  ScanCounts a = s.feed(std::string_view(bytes).substr(0, at));
  ScanCounts b = s.feed(std::string_view(bytes).substr(at));
  return {a.replies + b.replies, a.errors + b.errors, a.pushes + b.pushes};
}

// A stream of RESP2 and RESP3 replies: 14 replies, 3 errors (one nested, one
// blob error), one push, one attribute before a reply.
const std::string kStream =
    "+OK\r\n"
    "-ERR wrong type\r\n"
    ":42\r\n"
    "$5\r\nhello\r\n"
    "$-1\r\n"
    "$0\r\n\r\n"
    "*3\r\n+QUEUED\r\n*2\r\n$1\r\na\r\n*0\r\n-ERR inside\r\n"
    "*-1\r\n"
    "%2\r\n+k1\r\n:1\r\n$2\r\nk2\r\n*1\r\n_\r\n"
    "~2\r\n,3.5\r\n#t\r\n"
    ">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$4\r\nbody\r\n"
    "|1\r\n+ttl\r\n:3\r\n(12345678901234567890\r\n"
    "!9\r\nERR blob!\r\n"
    "=9\r\ntxt:hello\r\n"
    "_\r\n";

}  // namespace

TEST_CASE("reply scanner counts whole replies of every RESP2 and RESP3 type", "[tools]") {
  RespReplyScanner s;
  const ScanCounts c = feed_all(s, kStream);
  REQUIRE_FALSE(s.failed());
  REQUIRE(c.replies == 14);
  REQUIRE(c.errors == 3);
  REQUIRE(c.pushes == 1);
  REQUIRE(s.first_error() == "ERR wrong type");
  REQUIRE(s.idle());
}

TEST_CASE("reply scanner gives the same counts whatever the split", "[tools]") {
  for (std::size_t at = 0; at <= kStream.size(); ++at) {
    RespReplyScanner s;
    const ScanCounts c = feed_split(kStream, at, s);
    INFO("split at " << at);
    REQUIRE_FALSE(s.failed());
    REQUIRE(c.replies == 14);
    REQUIRE(c.errors == 3);
    REQUIRE(c.pushes == 1);
    REQUIRE(s.idle());
  }
}

TEST_CASE("reply scanner counts a reply only once its last byte arrived", "[tools]") {
  RespReplyScanner s;
  SECTION("nested arrays") {
    const std::string exec = "*2\r\n*2\r\n:1\r\n:2\r\n*1\r\n$3\r\nabc\r\n";
    for (std::size_t i = 0; i + 1 < exec.size(); ++i) REQUIRE(s.feed(exec.substr(i, 1)).replies == 0);
    REQUIRE(s.feed(exec.substr(exec.size() - 1)).replies == 1);
  }
  SECTION("a bulk string's trailing CRLF") {
    REQUIRE(s.feed("$3\r\nabc\r").replies == 0);
    REQUIRE(s.feed("\n").replies == 1);
  }
  SECTION("byte by byte through the whole stream") {
    ScanCounts total;
    for (char ch : kStream) {
      const ScanCounts c = s.feed(std::string(1, ch));
      total.replies += c.replies;
      total.errors += c.errors;
      total.pushes += c.pushes;
    }
    REQUIRE(total.replies == 14);
    REQUIRE(total.errors == 3);
    REQUIRE(total.pushes == 1);
  }
}

TEST_CASE("reply scanner rejects what is not RESP", "[tools]") {
  RespReplyScanner s;
  SECTION("an unknown type byte") { s.feed("?what\r\n"); }
  SECTION("a line without CR") { s.feed("+OK\n"); }
  SECTION("a bad length") { s.feed("$x1\r\n"); }
  SECTION("a negative map size") { s.feed("%-1\r\n"); }
  REQUIRE(s.failed());
  REQUIRE(s.feed("+OK\r\n").replies == 0);
}
