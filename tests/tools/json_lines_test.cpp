#include "server/tools/json_lines.h"

#include <catch2/catch.hpp>

using mnemo::tools::json_to_lines;

TEST_CASE("json_to_lines flattens nested objects with dotted paths", "[tools]") {
  auto out = json_to_lines(R"({"server":{"version":"0.1.0","up":3},"store":{"keys":-2,"ok":true}})");
  REQUIRE(out);
  REQUIRE(*out == "server.version: 0.1.0\nserver.up: 3\nstore.keys: -2\nstore.ok: true\n");
}

TEST_CASE("json_to_lines indexes arrays and resolves string escapes", "[tools]") {
  auto out = json_to_lines(R"({"a":[1,{"b":"x\"y\u00e9"}],"e":{},"z":[]})");
  REQUIRE(out);
  REQUIRE(*out == "a[0]: 1\na[1].b: x\"y\xc3\xa9\ne: {}\nz: []\n");
}

TEST_CASE("json_to_lines rejects malformed JSON", "[tools]") {
  for (const char* bad : {"", "{", R"({"a":})", R"({"a":1,})", R"({"a":"\q"})", "[1] x", R"({"a" 1})"}) {
    INFO(bad);
    REQUIRE_FALSE(json_to_lines(bad));
  }
  REQUIRE_FALSE(json_to_lines(std::string(200, '[') + std::string(200, ']')));
}
