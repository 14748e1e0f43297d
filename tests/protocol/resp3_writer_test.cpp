#include "protocol/resp3_writer.h"

#include <catch2/catch.hpp>

#include <limits>
#include <string>

#include "protocol/resp3_reply_builder.h"

namespace resp = mnemo::protocol::resp;
namespace resp3 = mnemo::protocol::resp3;

TEST_CASE("resp3 writer appends aggregate headers", "[protocol][resp3]") {
  std::string out;
  resp3::append_map_header(out, 2);
  resp3::append_set_header(out, 0);
  resp3::append_push_header(out, 3);
  CHECK(out == "%2\r\n~0\r\n>3\r\n");
}

TEST_CASE("resp3 writer appends doubles as Redis 7.0 does", "[protocol][resp3]") {
  std::string out;
  resp3::append_double(out, 1.5);
  resp3::append_double(out, 0.1);
  resp3::append_double(out, -3);
  resp3::append_double(out, std::numeric_limits<double>::infinity());
  resp3::append_double(out, -std::numeric_limits<double>::infinity());
  CHECK(out == ",1.5\r\n,0.10000000000000001\r\n,-3\r\n,inf\r\n,-inf\r\n");
}

TEST_CASE("resp3 writer appends nulls, booleans and verbatim text", "[protocol][resp3]") {
  std::string out;
  resp3::append_null(out);
  resp3::append_boolean(out, true);
  resp3::append_boolean(out, false);
  resp3::append_verbatim(out, "txt", "a\r\nb");
  resp3::append_verbatim(out, "md", "");
  CHECK(out == "_\r\n#t\r\n#f\r\n=8\r\ntxt:a\r\nb\r\n=4\r\nmd :\r\n");
}

// One handler's calls, spelled by each version: the bytes Redis 7 sends.
void sample_reply(mnemo::protocol::ReplyBuilder& r) {
  r.map(1);
  r.bulk("k");
  r.set(1);
  r.dbl(2.5);
  r.pairs(1);
  r.pair();
  r.bulk("m");
  r.dbl(1);
  r.null();
  r.null_array();
  r.push(1);
  r.verbatim("x");
  r.boolean(true);
}

TEST_CASE("the RESP2 and RESP3 builders spell the same reply for their version", "[protocol][resp3]") {
  std::string two, three;
  resp::Resp2ReplyBuilder b2(two);
  resp::Resp3ReplyBuilder b3(three);
  sample_reply(b2);
  sample_reply(b3);
  CHECK(two == "*2\r\n$1\r\nk\r\n*1\r\n$3\r\n2.5\r\n*2\r\n$1\r\nm\r\n$1\r\n1\r\n$-1\r\n*-1\r\n*1\r\n$1\r\nx\r\n:1\r\n");
  CHECK(three == "%1\r\n$1\r\nk\r\n~1\r\n,2.5\r\n*1\r\n*2\r\n$1\r\nm\r\n,1\r\n_\r\n_\r\n>1\r\n=5\r\ntxt:x\r\n#t\r\n");
  CHECK(b2.protocol_version() == 2);
  CHECK(b3.protocol_version() == 3);
}

TEST_CASE("a script's big number and verbatim text, in either version", "[protocol][resp3]") {
  std::string two, three;
  resp::Resp2ReplyBuilder a(two);
  resp::Resp3ReplyBuilder b(three);
  a.big_number("1234\r\n5");
  b.big_number("1234\r\n5");
  a.verbatim_as("mkd", "x");
  b.verbatim_as("mkd", "x");
  CHECK(two == "$7\r\n1234\r\n5\r\n$1\r\nx\r\n");
  CHECK(three == "(1234  5\r\n=5\r\nmkd:x\r\n");
}
