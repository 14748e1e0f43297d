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

TEST_CASE("resp SCAN narrows a pattern to its literal prefix", "[server][resp]") {
  CodecDriver d;
  CHECK(d.request(command({"SCAN", "0", "MATCH", "*"})).key.empty());
  CHECK(d.request(command({"SCAN", "0", "match", "a\\*b\\?*"})).key == "a*b?");
  CHECK(d.request(command({"SCAN", "0", "MATCH", "user:*:name"})).key == "user:");
  CHECK(d.request(command({"SCAN", "0", "MATCH", "us?r*"})).key == "us");
  CHECK(d.request(command({"SCAN", "0", "MATCH", "[ab]*"})).key.empty());
  CHECK(d.request(command({"SCAN", "0", "MATCH", "exact"})).key == "exact");
}

TEST_CASE("resp SCAN filters the page with the whole pattern", "[server][resp]") {
  CodecDriver d;
  d.request(command({"SCAN", "0", "MATCH", "user:*:name"}));
  CHECK(d.encode(scan_page("more", {"user:1:name", "user:1:mail", "user:22:name"})) ==
        "*2\r\n$1\r\n1\r\n*2\r\n$11\r\nuser:1:name\r\n$12\r\nuser:22:name\r\n");
  d.request(command({"SCAN", "1", "MATCH", "user:*:name"}));
  CHECK(d.encode(scan_page("", {"user:3:mail"})) == "*2\r\n$1\r\n0\r\n*0\r\n");  // an empty page, as in Redis
  d.request(command({"SCAN", "0", "MATCH", "exact"}));
  CHECK(d.encode(scan_page("", {"exact", "exactly"})) == "*2\r\n$1\r\n0\r\n*1\r\n$5\r\nexact\r\n");
  d.request(command({"SCAN", "0", "MATCH", "u*"}));  // a prefix pattern: every key of the prefix scan
  CHECK(d.encode(scan_page("", {"u", "uv"})) == "*2\r\n$1\r\n0\r\n*2\r\n$1\r\nu\r\n$2\r\nuv\r\n");
}

TEST_CASE("resp SCAN reads cursors as Redis's strtoul does", "[server][resp]") {
  CodecDriver d;
  for (const char* zero : {"0", "00", "+0", "-0", ""}) {
    CAPTURE(zero);
    CHECK(d.request(command({"SCAN", zero})).value.empty());
  }
  d.encode(scan_page("next", {}));
  CHECK(d.request(command({"SCAN", "+01"})).value == "next");
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
    d.encode(scan_page(std::string("c").append(std::to_string(i)), {}));
  }
  CHECK(d.local(command({"SCAN", "1"})) == "-ERR invalid cursor\r\n");
  CHECK(d.request(command({"SCAN", "100"})).value == "c99");
}
