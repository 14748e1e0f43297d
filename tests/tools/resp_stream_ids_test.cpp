// mnemo-bench-resp --xack: the entry ids of an XREADGROUP reply, whatever
// the split of the bytes, and the XACK built from them.
#include "server/tools/resp_stream_ids.h"

#include <catch2/catch.hpp>
#include <string>

using mnemo::tools::kReplyIncomplete;
using mnemo::tools::kReplyMalformed;
using mnemo::tools::parse_stream_reply;
using mnemo::tools::StreamIds;

namespace {

// XREADGROUP's answer: stream xg, two entries of one field each.
const std::string kRead =
    "*1\r\n*2\r\n$2\r\nxg\r\n*2\r\n"
    "*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"
    "*2\r\n$3\r\n2-0\r\n*2\r\n$2\r\nf2\r\n$0\r\n\r\n";

}  // namespace

TEST_CASE("parse_stream_reply reads the key and ids of a group read", "[tools]") {
  StreamIds got;
  const std::string in = kRead + ":2\r\n";  // the ids view it
  REQUIRE(parse_stream_reply(in, got) == kRead.size());
  CHECK(got.key == "xg");
  REQUIRE(got.ids.size() == 2);
  CHECK(got.ids[0] == "1-1");
  CHECK(got.ids[1] == "2-0");
}

TEST_CASE("parse_stream_reply sizes other replies and waits for whole ones", "[tools]") {
  StreamIds got;
  SECTION("every strict prefix is incomplete") {
    for (std::size_t n = 0; n < kRead.size(); ++n) {
      INFO("prefix of " << n << " bytes");
      CHECK(parse_stream_reply(std::string_view(kRead).substr(0, n), got) == kReplyIncomplete);
    }
  }
  SECTION("XACK's integer, a nil read, an error: no ids") {
    CHECK(parse_stream_reply(":3\r\n", got) == 4);
    CHECK(parse_stream_reply("*-1\r\n", got) == 5);
    CHECK(parse_stream_reply("-NOGROUP no such group\r\n", got) == 24);
    CHECK(got.ids.empty());
  }
  SECTION("not RESP") {
    CHECK(parse_stream_reply("?\r\n", got) == kReplyMalformed);
    CHECK(parse_stream_reply("*x\r\n", got) == kReplyMalformed);
  }
}

TEST_CASE("append_xack names the key, the group and every id", "[tools]") {
  StreamIds got;
  REQUIRE(parse_stream_reply(kRead, got) == kRead.size());
  std::string out;
  mnemo::tools::append_xack(got.key, "ga", got.ids, out);
  CHECK(out == "*5\r\n$4\r\nXACK\r\n$2\r\nxg\r\n$2\r\nga\r\n$3\r\n1-1\r\n$3\r\n2-0\r\n");
}
