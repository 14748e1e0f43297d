// The `cmsgpack` module of scripts (server/script/lua_cmsgpack*.cpp) through
// EVAL: the bytes cmsgpack.pack makes are Redis 7.0's (lua_cmsgpack.c), and
// unpack reads them back; the expected bytes follow that file's encoders.
#include <catch2/catch.hpp>

#include <string>

#include "tests/server/resp_codec_store_support.h"

using namespace mnemo::server;
using namespace mnemo::server::resp_test;

namespace {

struct MsgpackDriver : LocalStoreDriver {
  std::string eval(const std::string& script) { return run({"EVAL", script, "0"}); }
  // The bytes `return cmsgpack.pack(<args>)` replies, without the bulk framing.
  std::string pack(const std::string& args) {
    const std::string reply = eval("return cmsgpack.pack(" + args + ")");
    const auto body = reply.find("\r\n");
    if (reply.empty() || reply[0] != '$' || body == std::string::npos) return "not a bulk: " + reply;
    return reply.substr(body + 2, reply.size() - body - 4);
  }
};

std::string bytes(std::initializer_list<int> list) {
  std::string out;
  for (int b : list) out.push_back(static_cast<char>(b));
  return out;
}

}  // namespace

TEST_CASE("cmsgpack.pack integers take the smallest form", "[server][resp][script][cmsgpack]") {
  MsgpackDriver m;
  CHECK(m.pack("0") == bytes({0x00}));
  CHECK(m.pack("127") == bytes({0x7f}));
  CHECK(m.pack("128") == bytes({0xcc, 0x80}));
  CHECK(m.pack("65535") == bytes({0xcd, 0xff, 0xff}));
  CHECK(m.pack("65536") == bytes({0xce, 0x00, 0x01, 0x00, 0x00}));
  CHECK(m.pack("4294967296") == bytes({0xcf, 0, 0, 0, 1, 0, 0, 0, 0}));
  CHECK(m.pack("-1") == bytes({0xff}));
  CHECK(m.pack("-32") == bytes({0xe0}));
  CHECK(m.pack("-33") == bytes({0xd0, 0xdf}));
  CHECK(m.pack("-129") == bytes({0xd1, 0xff, 0x7f}));
  CHECK(m.pack("-32769") == bytes({0xd2, 0xff, 0xff, 0x7f, 0xff}));
  CHECK(m.pack("-2147483649") == bytes({0xd3, 0xff, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff}));
}

TEST_CASE("cmsgpack.pack floats, strings, booleans, nil", "[server][resp][script][cmsgpack]") {
  MsgpackDriver m;
  CHECK(m.pack("1.5") == bytes({0xca, 0x3f, 0xc0, 0x00, 0x00}));
  CHECK(m.pack("0.1") == bytes({0xcb, 0x3f, 0xb9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a}));
  CHECK(m.pack("2^63") == bytes({0xca, 0x5f, 0x00, 0x00, 0x00}));  // past int64: a float holds it
  CHECK(m.pack("'ab'") == bytes({0xa2, 'a', 'b'}));
  CHECK(m.pack("string.rep('x', 32)") == bytes({0xd9, 0x20}) + std::string(32, 'x'));
  CHECK(m.pack("string.rep('x', 256)") == bytes({0xda, 0x01, 0x00}) + std::string(256, 'x'));
  CHECK(m.pack("string.rep('x', 65536)") == bytes({0xdb, 0x00, 0x01, 0x00, 0x00}) + std::string(65536, 'x'));
  CHECK(m.pack("true, false, nil") == bytes({0xc3, 0xc2, 0xc0}));
  // A function (anything not a string, number, boolean or table) packs as nil.
  CHECK(m.pack("string.len") == bytes({0xc0}));
}

TEST_CASE("cmsgpack.pack tables: arrays, maps, nesting limit", "[server][resp][script][cmsgpack]") {
  MsgpackDriver m;
  CHECK(m.pack("{1, 2, 3}") == bytes({0x93, 1, 2, 3}));
  CHECK(m.pack("{}") == bytes({0x90}));
  CHECK(m.pack("{a=1}") == bytes({0x81, 0xa1, 'a', 1}));
  CHECK(m.pack("{[1]=1, [3]=3}") == bytes({0x82, 1, 1, 3, 3}));
  CHECK(m.pack("{0.5}") == bytes({0x91, 0xca, 0x3f, 0x00, 0x00, 0x00}));
  std::string sixteen = "{";
  for (int i = 0; i < 16; ++i) sixteen += std::to_string(i) + ",";
  sixteen += "}";
  CHECK(m.pack(sixteen).substr(0, 4) == bytes({0xdc, 0x00, 0x10, 0x00}));
  // 16 levels pack; the 17th table is nil.
  CHECK(m.pack("{{{{{{{{{{{{{{{{{}}}}}}}}}}}}}}}}}") == std::string(16, static_cast<char>(0x91)) + bytes({0xc0}));
  CHECK(m.eval("return cmsgpack.pack()").find("MessagePack pack needs input.") != std::string::npos);
}

TEST_CASE("cmsgpack.unpack reads what pack wrote, and Redis's errors", "[server][resp][script][cmsgpack]") {
  MsgpackDriver m;
  CHECK(m.eval("local t = cmsgpack.unpack(cmsgpack.pack({1, 'two', {x=-300}, true})) "
               "return {t[1], t[2], t[3].x, tostring(t[4]), #t}") == "*5\r\n:1\r\n$3\r\ntwo\r\n:-300\r\n$4\r\ntrue\r\n:4\r\n");
  CHECK(m.eval("return {cmsgpack.unpack(cmsgpack.pack(1, 'a', 2.5))}") == "*3\r\n:1\r\n$1\r\na\r\n:2\r\n");
  CHECK(m.eval("return {cmsgpack.unpack_one(cmsgpack.pack(7, 8))}") == "*2\r\n:1\r\n:7\r\n");
  CHECK(m.eval("return {cmsgpack.unpack_one(cmsgpack.pack(7, 8), 1)}") == "*2\r\n:-1\r\n:8\r\n");
  CHECK(m.eval("return {cmsgpack.unpack_limit(cmsgpack.pack(7, 8, 9), 2)}") == "*3\r\n:2\r\n:7\r\n:8\r\n");
  CHECK(m.eval("return {cmsgpack.unpack_limit(cmsgpack.pack(7, 8, 9), 0)}") == "*3\r\n:7\r\n:8\r\n:9\r\n");
  CHECK(m.eval("return cmsgpack.unpack('\\205')").find("Missing bytes in input.") != std::string::npos);
  CHECK(m.eval("return cmsgpack.unpack('\\193')").find("Bad data format in input.") != std::string::npos);
  CHECK(m.eval("return cmsgpack.unpack_one('ab', 5)").find("Start offset 5 greater than input length 2.") !=
        std::string::npos);
  // uint 64 past INT64_MAX wraps, as Redis's (lua_pushinteger of the unsigned value).
  CHECK(m.eval("return cmsgpack.unpack('\\207\\255\\255\\255\\255\\255\\255\\255\\255')") == ":-1\r\n");
  CHECK(m.eval("cmsgpack.pack = nil").find("Attempt to modify a readonly table") != std::string::npos);
}
