#include "server/resp_codec.h"

#include "tests/server/resp_codec_test_support.h"

using namespace mnemo::server;
using namespace mnemo::server::resp_test;

namespace {

Response scan_page(std::string next_cursor, std::initializer_list<const char*> keys) {
  Response r = response();
  r.text = std::move(next_cursor);
  for (const char* k : keys) r.keys.emplace_back(k);
  return r;
}

}  // namespace

TEST_CASE("resp SCAN maps native cursors to integers", "[server][resp]") {
  CodecDriver d;
  const Request& first = d.request(command({"SCAN", "0", "MATCH", "user:*", "COUNT", "10"}));
  CHECK((first.op == Opcode::scan && first.key == "user:" && first.value.empty() && first.count == 10));
  CHECK(d.encode(scan_page("opaque\x01", {"user:1", "user:2"})) ==
        "*2\r\n$1\r\n1\r\n*2\r\n$6\r\nuser:1\r\n$6\r\nuser:2\r\n");

  const Request& second = d.request(command({"SCAN", "1", "MATCH", "user:*"}));
  CHECK((second.key == "user:" && second.value == "opaque\x01" && second.count == 0));
  CHECK(d.encode(scan_page("more", {"user:3"})) == "*2\r\n$1\r\n2\r\n*1\r\n$6\r\nuser:3\r\n");

  d.request(command({"SCAN", "2"}));
  CHECK((d.req.key.empty() && d.req.value == "more"));
  CHECK(d.encode(scan_page("", {})) == "*2\r\n$1\r\n0\r\n*0\r\n");
}

TEST_CASE("resp SCAN accepts only prefix patterns", "[server][resp]") {
  CodecDriver d;
  CHECK(d.request(command({"SCAN", "0", "MATCH", "*"})).key.empty());
  CHECK(d.request(command({"SCAN", "0", "match", "a\\*b\\?*"})).key == "a*b?");
  for (const char* bad : {"user:", "*user", "us?r*", "a*b*", "[ab]*", "a\\*", "a**"}) {
    CAPTURE(bad);
    CHECK(d.local(command({"SCAN", "0", "MATCH", bad})) == "-ERR mnemo supports only MATCH prefix* patterns\r\n");
  }
}

TEST_CASE("resp SCAN rejects bad cursors and options", "[server][resp]") {
  CodecDriver d;
  CHECK(d.local(command({"SCAN", "x"})) == "-ERR invalid cursor\r\n");
  CHECK(d.local(command({"SCAN", "-1"})) == "-ERR invalid cursor\r\n");
  CHECK(d.local(command({"SCAN", "77"})) == "-ERR invalid cursor\r\n");  // never handed out
  CHECK(d.local(command({"SCAN", "0", "COUNT", "0"})) == "-ERR syntax error\r\n");
  CHECK(d.local(command({"SCAN", "0", "COUNT", "x"})) == "-ERR value is not an integer or out of range\r\n");
  CHECK(d.local(command({"SCAN", "0", "MATCH"})) == "-ERR syntax error\r\n");
  CHECK(d.local(command({"SCAN", "0", "BOGUS", "1"})) == "-ERR syntax error\r\n");
}

TEST_CASE("resp SCAN TYPE filters by the only type mnemo has", "[server][resp]") {
  CodecDriver d;
  CHECK(d.request(command({"SCAN", "0", "TYPE", "string"})).op == Opcode::scan);
  CHECK(d.local(command({"SCAN", "0", "TYPE", "hash"})) == "*2\r\n$1\r\n0\r\n*0\r\n");
}

TEST_CASE("resp SCAN forgets the oldest cursors", "[server][resp]") {
  CodecDriver d;
  for (int i = 0; i < 100; ++i) {
    d.request(command({"SCAN", "0"}));
    d.encode(scan_page("c" + std::to_string(i), {}));
  }
  CHECK(d.local(command({"SCAN", "1"})) == "-ERR invalid cursor\r\n");
  CHECK(d.request(command({"SCAN", "100"})).value == "c99");
}
