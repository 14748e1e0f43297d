// Native codec: responses. Golden frames are written out by hand from
// docs/PROTOCOL.md, so a change to the byte layout breaks these tests.
#include <catch2/catch.hpp>

#include <cstring>
#include <functional>
#include <memory>
#include <sstream>
#include <vector>

#include "protocol/native_codec.h"
#include "tests/protocol/hex.h"

using namespace mnemo::protocol;
using mnemo::test::hex;
using mnemo::test::unhex;
namespace native = mnemo::protocol::native;

namespace {

// Every field of a response, for comparisons with readable failure output.
std::string describe(const Response& r) {
  std::ostringstream s;
  s << "status=" << status_name(r.status) << " op=" << int(r.op) << " id=" << r.id
    << " message=" << r.message << " value=" << hex(r.value) << " text=" << r.text
    << " version=" << r.version << " expire=" << r.expire_at_ms << " integer=" << r.integer
    << " changed=" << r.changed << " admin=" << r.admin << " values=[";
  for (const auto& v : r.values) s << v.found << ":" << hex(v.value) << ":" << v.version << ",";
  s << "] keys=[";
  for (const auto& k : r.keys) s << hex(k) << ",";
  s << "] snapshots=[";
  for (const auto& x : r.snapshots) {
    s << x.id << "/" << x.start_seq << "/" << int(x.state) << "/" << x.entries << "/" << x.bytes
      << "/" << x.duration_ms << "/" << x.started_at_ms << ",";
  }
  s << "] versions=[";
  for (auto v : r.versions) s << v << ",";
  s << "]";
  return s.str();
}

Response make(Opcode op, std::uint64_t id, const std::function<void(Response&)>& fill = {}) {
  Response r;
  r.op = op;
  r.id = id;
  if (fill) fill(r);
  return r;
}

Response version_reply(Opcode op, std::uint64_t id, std::uint64_t version) {
  return make(op, id, [&](Response& r) { r.version = version; });
}

Response integer_reply(Opcode op, std::uint64_t id, std::int64_t integer) {
  return make(op, id, [&](Response& r) { r.integer = integer; });
}

struct Golden {
  const char* name;
  const char* bytes;
  Response response;
};

std::vector<Golden> golden_responses() {
  return {
      {"HELLO", "1d000000 00 01 0000 0200000000000000 0100 0b000000 6d6e656d6f20302e312e30",
       make(Opcode::hello, 2, [](Response& r) { r.version = 1; r.text = "mnemo 0.1.0"; })},
      {"AUTH", "0d000000 00 02 0000 0300000000000000 01",
       make(Opcode::auth, 3, [](Response& r) { r.admin = true; })},
      {"PING", "12000000 00 03 0000 0100000000000000 02000000 6869",
       make(Opcode::ping, 1, [](Response& r) { r.text = "hi"; })},
      {"GET", "22000000 00 10 0000 0400000000000000 02000000 7631 0700000000000000 0504030201000000",
       make(Opcode::get, 4,
            [](Response& r) {
              r.value = "v1";
              r.version = 7;
              r.expire_at_ms = 0x0102030405;
            })},
      {"SET", "14000000 00 11 0000 0700000000000000 0700000000000000", version_reply(Opcode::set, 7, 7)},
      {"DEL", "14000000 00 12 0000 0800000000000000 0900000000000000", version_reply(Opcode::del, 8, 9)},
      {"EXPIRE", "14000000 00 16 0000 0d00000000000000 1000000000000000",
       version_reply(Opcode::expire, 13, 16)},
      {"MSET", "14000000 00 15 0000 0c00000000000000 0b00000000000000", version_reply(Opcode::mset, 12, 11)},
      {"SYNC", "14000000 00 1c 0000 1100000000000000 2000000000000000", version_reply(Opcode::sync, 17, 32)},
      {"PERSIST", "15000000 00 17 0000 0600000000000000 0500000000000000 01",
       make(Opcode::persist, 6, [](Response& r) { r.version = 5; r.changed = true; })},
      {"INCRBY", "1c000000 00 13 0000 0900000000000000 ffffffffffffffff 0a00000000000000",
       make(Opcode::incrby, 9, [](Response& r) { r.integer = -1; r.version = 10; })},
      {"MGET", "1f000000 00 14 0000 0a00000000000000 02000000 01 01000000 78 0300000000000000 00",
       make(Opcode::mget, 10, [](Response& r) { r.values = {MaybeValue{true, "x", 3}, MaybeValue{}}; })},
      {"TTL", "14000000 00 18 0000 0500000000000000 ffffffffffffffff", integer_reply(Opcode::ttl, 5, -1)},
      {"EXISTS", "14000000 00 19 0000 0b00000000000000 0200000000000000",
       integer_reply(Opcode::exists, 11, 2)},
      {"DBSIZE", "14000000 00 1b 0000 1000000000000000 e803000000000000",
       integer_reply(Opcode::dbsize, 16, 1000)},
      {"SCAN", "25000000 00 1a 0000 0e00000000000000 03000000 753a62 02000000 03000000 753a61 03000000 753a62",
       make(Opcode::scan, 14, [](Response& r) { r.text = "u:b"; r.keys = {"u:a", "u:b"}; })},
      {"SNAPSHOT",
       "3d000000 00 30 0000 1200000000000000 0100000000000000 6400000000000000 00 0000000000000000 "
       "0000000000000000 0000000000000000 0201000000000000",
       make(Opcode::snapshot, 18, [](Response& r) { r.snapshots = {SnapshotInfo{1, 100, 0, 0, 0, 0, 0x102}}; })},
      {"SNAPSHOTS",
       "72000000 00 31 0000 1300000000000000 02000000 "
       "0100000000000000 6400000000000000 01 0300000000000000 0001000000000000 0500000000000000 0201000000000000 "
       "0200000000000000 c800000000000000 02 0000000000000000 0000000000000000 0100000000000000 ffffffffffffffff",
       make(Opcode::snapshots, 19,
            [](Response& r) {
              r.snapshots = {SnapshotInfo{1, 100, 1, 3, 256, 5, 0x102}, SnapshotInfo{2, 200, 2, 0, 0, 1, -1}};
            })},
      {"STATS", "12000000 00 32 0000 1400000000000000 02000000 7b7d",
       make(Opcode::stats, 20, [](Response& r) { r.text = "{}"; })},
      {"BACKUP", "0c000000 00 33 0000 0f00000000000000", make(Opcode::backup, 15)},
      {"SHUTDOWN", "0c000000 00 34 0000 1500000000000000", make(Opcode::shutdown, 21)},
      {"SELECT", "0c000000 00 1d 0000 1600000000000000", make(Opcode::select, 22)},
      {"TXN", "29000000 00 1e 0000 1700000000000000 01 0900000000000000 02000000 0700000000000000 0000000000000000",
       make(Opcode::txn, 23, [](Response& r) {
         r.changed = true;
         r.version = 9;
         r.versions = {7, 0};
       })},
      {"COMMAND", "1a000000 00 1f 0000 1900000000000000 0500000000000000 02 01000000 76",
       make(Opcode::command, 25, [](Response& r) {
         r.version = 5;
         r.value = std::string("\x02\x01\x00\x00\x00v", 6);
       })},
      {"TXN not applied", "21000000 00 1e 0000 1800000000000000 00 0000000000000000 01000000 0800000000000000",
       make(Opcode::txn, 24, [](Response& r) { r.versions = {8}; })},
      {"NOT_FOUND error", "10000000 01 10 0000 0400000000000000 00000000",
       make(Opcode::get, 4, [](Response& r) { r.fail(Status::not_found, ""); })},
      {"VERSION_MISMATCH error", "11000000 03 11 0000 0700000000000000 01000000 78",
       make(Opcode::set, 7, [](Response& r) { r.fail(Status::version_mismatch, "x"); })},
      {"UNKNOWN_COMMAND error for an unknown opcode",
       "1e000000 0e 7f 0000 1600000000000000 0e000000 756e6b6e6f776e206f70636f6465",
       make(static_cast<Opcode>(0x7f), 22, [](Response& r) { r.fail(Status::unknown_command, "unknown opcode"); })},
  };
}

native::DecodeResult decode(const std::string& bytes, Response& resp, const native::Limits& limits = {}) {
  return native::decode_response(bytes, resp, limits);
}

void expect_bad(const std::string& bytes, const native::Limits& limits = {}) {
  Response resp;
  auto r = decode(bytes, resp, limits);
  REQUIRE(r.state == native::DecodeState::bad_frame);
  REQUIRE(r.consumed == bytes.size());
}

}  // namespace

TEST_CASE("every response type decodes from and encodes to its golden bytes", "[protocol]") {
  for (const auto& g : golden_responses()) {
    SECTION(g.name) {
      const std::string bytes = unhex(g.bytes);
      Response resp;
      auto r = decode(bytes, resp);
      REQUIRE(r.state == native::DecodeState::ok);
      REQUIRE(r.consumed == bytes.size());
      REQUIRE(describe(resp) == describe(g.response));
      std::string out;
      native::encode_response(g.response, out);
      REQUIRE(hex(out) == hex(bytes));
    }
  }
}

TEST_CASE("an error response encodes only its message", "[protocol]") {
  Response resp = make(Opcode::get, 4, [](Response& r) {
    r.value = "ignored";
    r.version = 99;
    r.fail(Status::not_found, "");
  });
  std::string out;
  native::encode_response(resp, out);
  REQUIRE(hex(out) == hex(unhex("10000000 01 10 0000 0400000000000000 00000000")));
}

TEST_CASE("responses with binary values round-trip", "[protocol]") {
  Response in = make(Opcode::mget, 5, [](Response& r) {
    r.values = {MaybeValue{true, std::string("\0\xff", 2), ~0ull}, MaybeValue{},
                MaybeValue{true, std::string(100000, '\0'), 1}};
  });
  std::string bytes;
  native::encode_response(in, bytes);
  Response out;
  REQUIRE(decode(bytes, out).state == native::DecodeState::ok);
  REQUIRE(describe(out) == describe(in));
}

TEST_CASE("a response split at every byte needs more until complete", "[protocol]") {
  for (const auto& g : golden_responses()) {
    const std::string bytes = unhex(g.bytes);
    Response resp;
    for (std::size_t n = 0; n < bytes.size(); ++n) {
      INFO(g.name << " prefix " << n);
      REQUIRE(decode(bytes.substr(0, n), resp).state == native::DecodeState::need_more);
    }
    REQUIRE(decode(bytes, resp).state == native::DecodeState::ok);
  }
}

TEST_CASE("pipelined response frames decode back to back in order", "[protocol]") {
  std::string stream;
  auto goldens = golden_responses();
  for (const auto& g : goldens) stream += unhex(g.bytes);
  std::string_view rest = stream;
  Response resp;
  for (const auto& g : goldens) {
    auto r = native::decode_response(rest, resp);
    REQUIRE(r.state == native::DecodeState::ok);
    REQUIRE(describe(resp) == describe(g.response));
    rest.remove_prefix(r.consumed);
  }
  REQUIRE(rest.empty());
}

TEST_CASE("a reused response keeps no fields of the previous one", "[protocol]") {
  Response resp;
  REQUIRE(decode(unhex("25000000 00 1a 0000 0e00000000000000 03000000 753a62 02000000 03000000 753a61 "
                       "03000000 753a62"),
                 resp).state == native::DecodeState::ok);
  REQUIRE(decode(unhex("10000000 01 10 0000 0400000000000000 00000000"), resp).state ==
          native::DecodeState::ok);
  REQUIRE(describe(resp) == describe(make(Opcode::get, 4, [](Response& r) { r.fail(Status::not_found, ""); })));
}

TEST_CASE("malformed responses are bad frames", "[protocol]") {
  SECTION("OK for an unknown opcode") { expect_bad(unhex("0c000000 00 7f 0000 0100000000000000")); }
  SECTION("truncated GET payload") {
    expect_bad(unhex("1a000000 00 10 0000 0400000000000000 02000000 7631 0700000000000000"));
  }
  SECTION("error message length past the frame") {
    expect_bad(unhex("11000000 03 11 0000 0700000000000000 09000000 78"));
  }
  SECTION("trailing bytes") { expect_bad(unhex("0d000000 00 33 0000 0f00000000000000 00")); }
  SECTION("MGET count larger than the frame") {
    expect_bad(unhex("11000000 00 14 0000 0a00000000000000 ffffff00 00"));
  }
  SECTION("SNAPSHOTS count larger than the frame") {
    expect_bad(unhex("10000000 00 31 0000 1300000000000000 02000000"));
  }
  SECTION("SCAN key count over limits.max_keys") {
    native::Limits limits;
    limits.max_keys = 1;
    expect_bad(unhex("25000000 00 1a 0000 0e00000000000000 03000000 753a62 02000000 03000000 753a61 "
                     "03000000 753a62"),
               limits);
  }
}

TEST_CASE("a response frame over the limit is fatal", "[protocol]") {
  native::Limits limits;
  limits.max_frame_bytes = 16;
  Response resp;
  auto r = decode(unhex("11000000"), resp, limits);
  REQUIRE(r.state == native::DecodeState::fatal);
  REQUIRE(r.status == Status::too_large);
  REQUIRE(decode(unhex("0b000000"), resp).state == native::DecodeState::fatal);
}

static Request example_request(Opcode op, std::uint64_t id, std::string_view key, std::string_view value = {}) {
  Request r;
  r.op = op;
  r.id = id;
  r.key = key;
  r.value = value;
  return r;
}

TEST_CASE("the worked example of docs/PROTOCOL.md encodes as printed", "[protocol]") {
  std::string out;
  native::encode_request(example_request(Opcode::set, 1, "greeting", "hello"), out);
  REQUIRE(hex(out) == hex(unhex("31000000 11 00 0000 0100000000000000 08000000 6772656574696e67 "
                                "05000000 68656c6c6f 0000000000000000 0000000000000000")));
  out.clear();
  native::encode_response(make(Opcode::set, 1, [](Response& r) { r.version = 42; }), out);
  REQUIRE(hex(out) == hex(unhex("14000000 00 11 0000 0100000000000000 2a00000000000000")));
  out.clear();
  native::encode_request(example_request(Opcode::get, 2, "greeting"), out);
  REQUIRE(hex(out) == hex(unhex("18000000 10 00 0000 0200000000000000 08000000 6772656574696e67")));
  out.clear();
  native::encode_response(make(Opcode::get, 2, [](Response& r) { r.value = "hello"; r.version = 42; }), out);
  REQUIRE(hex(out) == hex(unhex("25000000 00 10 0000 0200000000000000 05000000 68656c6c6f "
                                "2a00000000000000 0000000000000000")));
  out.clear();
  native::encode_request(example_request(Opcode::get, 3, "nope"), out);
  REQUIRE(hex(out) == hex(unhex("14000000 10 00 0000 0300000000000000 04000000 6e6f7065")));
  out.clear();
  native::encode_response(make(Opcode::get, 3, [](Response& r) { r.fail(Status::not_found, ""); }), out);
  REQUIRE(hex(out) == hex(unhex("10000000 01 10 0000 0300000000000000 00000000")));
  out.clear();
  Request hello = example_request(Opcode::hello, 0, "");
  hello.version = 1;
  native::encode_request(hello, out);
  REQUIRE(hex(out) == hex(unhex("16000000 01 00 0000 0000000000000000 4d4e4d4f 0100 00000000")));
}

TEST_CASE("mutated response frames decode to a state without reading past the buffer", "[protocol]") {
  Response resp;
  for (const auto& g : golden_responses()) {
    const std::string bytes = unhex(g.bytes);
    for (std::size_t i = 0; i < bytes.size(); ++i) {
      for (int v : {0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff}) {
        std::string m = bytes;
        m[i] = static_cast<char>(v);
        std::unique_ptr<char[]> exact(new char[m.size()]);
        std::memcpy(exact.get(), m.data(), m.size());
        auto r = native::decode_response(std::string_view(exact.get(), m.size()), resp);
        REQUIRE(r.consumed <= m.size());
        if (i >= native::kLengthPrefixBytes && r.state != native::DecodeState::ok) {
          REQUIRE(r.state == native::DecodeState::bad_frame);
        }
      }
    }
  }
}
