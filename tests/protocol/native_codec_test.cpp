// Native codec: requests and framing. Golden frames are written out by hand
// from docs/PROTOCOL.md, so a change to the byte layout breaks these tests.
#include "protocol/native_codec.h"

#include <catch2/catch.hpp>

#include <cstring>
#include <functional>
#include <memory>
#include <sstream>
#include <vector>

#include "tests/protocol/hex.h"

using namespace mnemo::protocol;
using mnemo::test::hex;
using mnemo::test::unhex;
namespace native = mnemo::protocol::native;

namespace {

// Every field of a request, for comparisons with readable failure output.
std::string describe(const Request& r) {
  std::ostringstream s;
  s << opcode_name(r.op) << " flags=" << int(r.flags) << " id=" << r.id << " key=" << hex(r.key)
    << " value=" << hex(r.value) << " ttl=" << r.ttl_ms << " ifv=" << r.if_version
    << " delta=" << r.delta << " count=" << r.count << " version=" << r.version << " db=" << r.db << " keys=[";
  for (auto k : r.keys) s << hex(k) << ",";
  s << "] values=[";
  for (auto v : r.values) s << hex(v) << ",";
  s << "] conditions=[";
  for (const auto& c : r.conditions) s << int(c.check) << ":" << hex(c.key) << ":" << c.version << ",";
  s << "] writes=[";
  for (const auto& w : r.writes) s << int(w.kind) << ":" << hex(w.key) << ":" << hex(w.value) << ":" << w.ttl_ms << ",";
  s << "]";
  return s.str();
}

Request make(Opcode op, std::uint64_t id, const std::function<void(Request&)>& fill = {}) {
  Request r;
  r.op = op;
  r.id = id;
  if (fill) fill(r);
  return r;
}

struct Golden {
  const char* name;
  const char* bytes;
  Request request;
};

std::vector<Golden> golden_requests() {
  return {
      {"PING", "12000000 03 00 0000 0100000000000000 02000000 6869",
       make(Opcode::ping, 1, [](Request& r) { r.key = "hi"; })},
      {"HELLO", "18000000 01 00 0000 0200000000000000 4d4e4d4f 0100 02000000 7079",
       make(Opcode::hello, 2, [](Request& r) { r.version = 1; r.key = "py"; })},
      {"AUTH", "12000000 02 00 0000 0300000000000000 02000000 7333",
       make(Opcode::auth, 3, [](Request& r) { r.key = "s3"; })},
      {"GET", "11000000 10 00 0000 0400000000000000 01000000 6b",
       make(Opcode::get, 4, [](Request& r) { r.key = "k"; })},
      {"TTL", "11000000 18 00 0000 0500000000000000 01000000 6b",
       make(Opcode::ttl, 5, [](Request& r) { r.key = "k"; })},
      {"PERSIST", "11000000 17 00 0000 0600000000000000 01000000 6b",
       make(Opcode::persist, 6, [](Request& r) { r.key = "k"; })},
      {"SET",
       "27000000 11 05 0000 0700000000000000 01000000 6b 02000000 7631 e803000000000000 "
       "0000000000000000",
       make(Opcode::set, 7,
            [](Request& r) {
              r.flags = flags::kDurable | flags::kNx;
              r.key = "k";
              r.value = "v1";
              r.ttl_ms = 1000;
            })},
      {"DEL", "19000000 12 00 0000 0800000000000000 01000000 6b 2a00000000000000",
       make(Opcode::del, 8, [](Request& r) { r.key = "k"; r.if_version = 42; })},
      {"INCRBY", "19000000 13 00 0000 0900000000000000 01000000 6e feffffffffffffff",
       make(Opcode::incrby, 9, [](Request& r) { r.key = "n"; r.delta = -2; })},
      {"MGET", "1b000000 14 00 0000 0a00000000000000 02000000 01000000 61 02000000 6263",
       make(Opcode::mget, 10, [](Request& r) { r.keys = {"a", "bc"}; })},
      {"EXISTS", "1b000000 19 00 0000 0b00000000000000 02000000 01000000 61 02000000 6263",
       make(Opcode::exists, 11, [](Request& r) { r.keys = {"a", "bc"}; })},
      {"MSET",
       "2b000000 15 00 0000 0c00000000000000 0000000000000000 02000000 01000000 61 01000000 31 "
       "01000000 62 00000000",
       make(Opcode::mset, 12, [](Request& r) { r.keys = {"a", "b"}; r.values = {"1", ""}; })},
      {"EXPIRE", "19000000 16 00 0000 0d00000000000000 01000000 6b 60ea000000000000",
       make(Opcode::expire, 13, [](Request& r) { r.key = "k"; r.ttl_ms = 60000; })},
      {"SCAN", "1a000000 1a 00 0000 0e00000000000000 02000000 753a 00000000 64000000",
       make(Opcode::scan, 14, [](Request& r) { r.key = "u:"; r.count = 100; })},
      {"BACKUP", "16000000 33 00 0000 0f00000000000000 06000000 2f746d702f62",
       make(Opcode::backup, 15, [](Request& r) { r.key = "/tmp/b"; })},
      {"DBSIZE", "0c000000 1b 00 0000 1000000000000000", make(Opcode::dbsize, 16)},
      {"SYNC", "0c000000 1c 00 0000 1100000000000000", make(Opcode::sync, 17)},
      {"SELECT", "10000000 1d 00 0000 1600000000000000 03000000",
       make(Opcode::select, 22, [](Request& r) { r.db = 3; })},
      {"TXN",
       "55000000 1e 01 0000 1700000000000000 "
       "02000000 01 01000000 61 0700000000000000 03 01000000 62 0000000000000000 "
       "02000000 01 01000000 61 01000000 78 e803000000000000 02 01000000 63 00000000 0000000000000000",
       make(Opcode::txn, 23,
            [](Request& r) {
              r.flags = flags::kDurable;
              r.conditions = {{mnemo::protocol::TxnCheck::version_is, "a", 7},
                              {mnemo::protocol::TxnCheck::missing, "b", 0}};
              r.writes = {{mnemo::protocol::TxnWriteKind::set, "a", "x", 1000},
                          {mnemo::protocol::TxnWriteKind::del, "c", "", 0}};
            })},
      {"COMMAND", "1d000000 1f 01 0000 1800000000000000 02000000 04000000 48474554 01000000 68",
       make(Opcode::command, 24,
            [](Request& r) {
              r.flags = flags::kDurable;
              r.keys = {"HGET", "h"};
            })},
      {"SNAPSHOT", "0c000000 30 20 0000 1200000000000000",
       make(Opcode::snapshot, 18, [](Request& r) { r.flags = flags::kWait; })},
      {"SNAPSHOTS", "0c000000 31 00 0000 1300000000000000", make(Opcode::snapshots, 19)},
      {"STATS", "0c000000 32 00 0000 1400000000000000", make(Opcode::stats, 20)},
      {"SHUTDOWN", "0c000000 34 00 0000 1500000000000000", make(Opcode::shutdown, 21)},
  };
}

native::DecodeResult decode(const std::string& bytes, Request& req, const native::Limits& limits = {}) {
  return native::decode_request(bytes, req, limits);
}

// Expects a bad_frame that consumed the whole frame and reports its header.
void expect_bad(const std::string& bytes, Status status, std::uint64_t id, std::uint8_t op,
                const native::Limits& limits = {}) {
  Request req;
  auto r = decode(bytes, req, limits);
  INFO(r.message);
  REQUIRE(r.state == native::DecodeState::bad_frame);
  REQUIRE(r.status == status);
  REQUIRE(r.consumed == bytes.size());
  REQUIRE(r.id == id);
  REQUIRE(r.op == op);
  REQUIRE_FALSE(r.message.empty());
}

}  // namespace

TEST_CASE("every request type decodes from and encodes to its golden bytes", "[protocol]") {
  for (const auto& g : golden_requests()) {
    SECTION(g.name) {
      const std::string bytes = unhex(g.bytes);
      Request req;
      auto r = decode(bytes, req);
      REQUIRE(r.state == native::DecodeState::ok);
      REQUIRE(r.consumed == bytes.size());
      REQUIRE(describe(req) == describe(g.request));
      std::string out;
      native::encode_request(g.request, out);
      REQUIRE(hex(out) == hex(bytes));
    }
  }
}

TEST_CASE("requests with binary keys and values round-trip", "[protocol]") {
  const std::string key("\x00\xff\x01k", 4);
  const std::string value = std::string(70000, '\xff') + std::string(1, '\0');
  Request in = make(Opcode::set, ~0ull, [&](Request& r) {
    r.key = key;
    r.value = value;
    r.ttl_ms = ~0ull;
    r.if_version = 0x0102030405060708ull;
    r.flags = flags::kEphemeral | flags::kXx;
  });
  std::string bytes;
  native::encode_request(in, bytes);
  Request out;
  auto r = decode(bytes, out);
  REQUIRE(r.state == native::DecodeState::ok);
  REQUIRE(describe(out) == describe(in));

  SECTION("INCRBY with the extreme deltas") {
    for (std::int64_t d : {INT64_MIN, INT64_MAX, std::int64_t{0}}) {
      bytes.clear();
      native::encode_request(make(Opcode::incrby, 1, [&](Request& q) { q.key = key; q.delta = d; }), bytes);
      REQUIRE(decode(bytes, out).state == native::DecodeState::ok);
      REQUIRE(out.delta == d);
    }
  }
}

TEST_CASE("a request split at every byte needs more until complete", "[protocol]") {
  for (const auto& g : golden_requests()) {
    const std::string bytes = unhex(g.bytes);
    Request req;
    for (std::size_t n = 0; n < bytes.size(); ++n) {
      auto r = decode(bytes.substr(0, n), req);
      INFO(g.name << " prefix " << n);
      REQUIRE(r.state == native::DecodeState::need_more);
    }
    REQUIRE(decode(bytes, req).state == native::DecodeState::ok);
  }
}

TEST_CASE("pipelined request frames decode back to back in order", "[protocol]") {
  std::string stream;
  auto goldens = golden_requests();
  for (const auto& g : goldens) stream += unhex(g.bytes);
  std::string_view rest = stream;
  Request req;
  for (const auto& g : goldens) {
    auto r = native::decode_request(rest, req);
    REQUIRE(r.state == native::DecodeState::ok);
    REQUIRE(describe(req) == describe(g.request));
    rest.remove_prefix(r.consumed);
  }
  REQUIRE(rest.empty());
  REQUIRE(native::decode_request(rest, req).state == native::DecodeState::need_more);
}

TEST_CASE("a reused request keeps no fields of the previous one", "[protocol]") {
  const std::string mset = unhex("2b000000 15 00 0000 0c00000000000000 0000000000000000 02000000 01000000 61 "
                                 "01000000 31 01000000 62 00000000");
  const std::string get = unhex("11000000 10 00 0000 0400000000000000 01000000 6b");
  Request req;
  REQUIRE(decode(mset, req).state == native::DecodeState::ok);
  REQUIRE(decode(get, req).state == native::DecodeState::ok);
  REQUIRE(describe(req) == describe(make(Opcode::get, 4, [](Request& r) { r.key = "k"; })));
}

TEST_CASE("malformed request payloads are bad frames that consume the frame", "[protocol]") {
  SECTION("unknown opcode") {
    expect_bad(unhex("0c000000 7f 00 0000 1600000000000000"), Status::unknown_command, 22, 0x7f);
  }
  SECTION("unknown flag bits") {
    expect_bad(unhex("0c000000 1b 80 0000 0100000000000000"), Status::bad_request, 1, 0x1b);
  }
  SECTION("reserved field not zero") {
    expect_bad(unhex("0c000000 1b 00 0100 0100000000000000"), Status::bad_request, 1, 0x1b);
  }
  SECTION("key length runs past the frame") {
    expect_bad(unhex("11000000 10 00 0000 0400000000000000 05000000 6b"), Status::bad_request, 4, 0x10);
  }
  SECTION("payload missing") {
    expect_bad(unhex("0c000000 10 00 0000 0400000000000000"), Status::bad_request, 4, 0x10);
  }
  SECTION("SET without if_version") {
    expect_bad(unhex("1f000000 11 00 0000 0700000000000000 01000000 6b 02000000 7631 e803000000000000"),
               Status::bad_request, 7, 0x11);
  }
  SECTION("trailing bytes after the payload") {
    expect_bad(unhex("12000000 10 00 0000 0400000000000000 01000000 6b 00"), Status::bad_request, 4, 0x10);
    expect_bad(unhex("0d000000 1b 00 0000 1000000000000000 00"), Status::bad_request, 16, 0x1b);
  }
  SECTION("HELLO with the wrong magic") {
    expect_bad(unhex("18000000 01 00 0000 0200000000000000 4d4e4d50 0100 02000000 7079"),
               Status::bad_request, 2, 0x01);
  }
  SECTION("empty MGET, EXISTS and MSET") {
    expect_bad(unhex("10000000 14 00 0000 0a00000000000000 00000000"), Status::bad_request, 10, 0x14);
    expect_bad(unhex("10000000 19 00 0000 0a00000000000000 00000000"), Status::bad_request, 10, 0x19);
    expect_bad(unhex("18000000 15 00 0000 0a00000000000000 0000000000000000 00000000"),
               Status::bad_request, 10, 0x15);
  }
  SECTION("conflicting flags") {
    const char* set_tail = "01000000 6b 02000000 7631 0000000000000000 0000000000000000";
    expect_bad(unhex(std::string("27000000 11 0c 0000 0700000000000000 ") + set_tail),
               Status::bad_request, 7, 0x11);  // NX|XX
    expect_bad(unhex(std::string("27000000 11 03 0000 0700000000000000 ") + set_tail),
               Status::bad_request, 7, 0x11);  // DURABLE|EPHEMERAL
  }
  SECTION("KEEPTTL with a ttl") {
    expect_bad(unhex("27000000 11 10 0000 0700000000000000 01000000 6b 02000000 7631 "
                     "0100000000000000 0000000000000000"),
               Status::bad_request, 7, 0x11);
  }
  SECTION("COMMAND without a name, or with a flag other than DURABLE") {
    expect_bad(unhex("10000000 1f 00 0000 1800000000000000 00000000"), Status::bad_request, 24, 0x1f);
    expect_bad(unhex("15000000 1f 02 0000 1800000000000000 01000000 01000000 78"), Status::bad_request, 24, 0x1f);
  }
  SECTION("TXN payloads that break its rules") {
    const std::string hdr = "1e 00 0000 1700000000000000 ";
    const std::string one_set = "01000000 01 01000000 61 01000000 78 0000000000000000";
    auto frame = [](const std::string& body_hex) {
      const std::string body = unhex(body_hex);
      std::string out(4, '\0');
      const auto n = static_cast<std::uint32_t>(body.size());
      for (int i = 0; i < 4; ++i) out[i] = static_cast<char>((n >> (8 * i)) & 0xFF);
      return out + body;
    };
    // No writes.
    expect_bad(frame(hdr + "00000000 00000000"), Status::bad_request, 23, 0x1e);
    // Condition kind 4, kind 0.
    expect_bad(frame(hdr + "01000000 04 01000000 61 0000000000000000 " + one_set), Status::bad_request, 23, 0x1e);
    expect_bad(frame(hdr + "01000000 00 01000000 61 0000000000000000 " + one_set), Status::bad_request, 23, 0x1e);
    // "At version 0", and "exists" with a version.
    expect_bad(frame(hdr + "01000000 01 01000000 61 0000000000000000 " + one_set), Status::bad_request, 23, 0x1e);
    expect_bad(frame(hdr + "01000000 02 01000000 61 0100000000000000 " + one_set), Status::bad_request, 23, 0x1e);
    // Write kind 3; a DEL with a value; a DEL with a ttl.
    expect_bad(frame(hdr + "00000000 01000000 03 01000000 61 00000000 0000000000000000"), Status::bad_request, 23,
               0x1e);
    expect_bad(frame(hdr + "00000000 01000000 02 01000000 61 01000000 78 0000000000000000"), Status::bad_request,
               23, 0x1e);
    expect_bad(frame(hdr + "00000000 01000000 02 01000000 61 00000000 0100000000000000"), Status::bad_request, 23,
               0x1e);
    // Flags other than DURABLE (NX).
    expect_bad(frame("1e 04 0000 1700000000000000 00000000 " + one_set), Status::bad_request, 23, 0x1e);
    // A write cut short.
    expect_bad(frame(hdr + "00000000 01000000 01 01000000 61 01000000 78 00000000"), Status::bad_request, 23, 0x1e);
  }
  SECTION("EXPIRE with ttl 0") {
    expect_bad(unhex("19000000 16 00 0000 0d00000000000000 01000000 6b 0000000000000000"),
               Status::bad_request, 13, 0x16);
  }
}

TEST_CASE("element counts are checked before anything is reserved", "[protocol]") {
  SECTION("count over limits.max_keys is TOO_LARGE") {
    native::Limits limits;
    limits.max_keys = 1;
    expect_bad(unhex("1b000000 14 00 0000 0a00000000000000 02000000 01000000 61 02000000 6263"),
               Status::too_large, 10, 0x14, limits);
    expect_bad(unhex("18000000 15 00 0000 0a00000000000000 0000000000000000 ffffffff"),
               Status::too_large, 10, 0x15);
  }
  SECTION("count larger than the frame can hold is BAD_REQUEST without reserving") {
    const std::string bytes = unhex("15000000 14 00 0000 0a00000000000000 00000100 01000000 61");
    expect_bad(bytes, Status::bad_request, 10, 0x14);
    Request req;
    decode(bytes, req);
    REQUIRE(req.keys.capacity() < 1000);
  }
  SECTION("MSET value missing for the last key") {
    expect_bad(unhex("1d000000 15 00 0000 0c00000000000000 0000000000000000 01000000 01000000 61"),
               Status::bad_request, 12, 0x15);
  }
}

TEST_CASE("a bad frame in a pipeline does not disturb the next frame", "[protocol]") {
  const std::string stream = unhex("0c000000 7f 00 0000 1600000000000000") +
                             unhex("11000000 10 00 0000 0400000000000000 05000000 6b") +
                             unhex("11000000 10 00 0000 1700000000000000 01000000 6b");
  std::string_view rest = stream;
  Request req;
  auto r = native::decode_request(rest, req);
  REQUIRE(r.state == native::DecodeState::bad_frame);
  rest.remove_prefix(r.consumed);
  r = native::decode_request(rest, req);
  REQUIRE(r.state == native::DecodeState::bad_frame);
  rest.remove_prefix(r.consumed);
  r = native::decode_request(rest, req);
  REQUIRE(r.state == native::DecodeState::ok);
  REQUIRE(req.id == 0x17);
  REQUIRE(req.key == "k");
  REQUIRE(r.consumed == rest.size());
}

TEST_CASE("broken framing is fatal", "[protocol]") {
  Request req;
  SECTION("body length over max_frame_bytes is TOO_LARGE as soon as the prefix is read") {
    native::Limits limits;
    limits.max_frame_bytes = 64;
    auto r = decode(unhex("41000000"), req, limits);
    REQUIRE(r.state == native::DecodeState::fatal);
    REQUIRE(r.status == Status::too_large);
    r = decode(unhex("41000000 10 00 0000 0900000000000000"), req, limits);
    REQUIRE(r.state == native::DecodeState::fatal);
    REQUIRE(r.id == 9);
    REQUIRE(r.op == 0x10);
    r = decode(unhex("40000000"), req, limits);
    REQUIRE(r.state == native::DecodeState::need_more);
  }
  SECTION("default limit is 32 MiB") {
    REQUIRE(decode(unhex("01000002"), req).state == native::DecodeState::fatal);
    REQUIRE(decode(unhex("00000002"), req).state == native::DecodeState::need_more);
    REQUIRE(decode(unhex("ffffffff"), req).state == native::DecodeState::fatal);
  }
  SECTION("body shorter than the header is BAD_REQUEST") {
    for (const char* prefix : {"00000000", "0b000000", "01000000"}) {
      auto r = decode(unhex(prefix), req);
      REQUIRE(r.state == native::DecodeState::fatal);
      REQUIRE(r.status == Status::bad_request);
    }
  }
}

TEST_CASE("mutated request frames decode to a state without reading past the buffer", "[protocol]") {
  // Run under ASan (MNEMO_SANITIZE=address) this also proves no out-of-bounds read.
  Request req;
  for (const auto& g : golden_requests()) {
    const std::string bytes = unhex(g.bytes);
    for (std::size_t i = 0; i < bytes.size(); ++i) {
      for (int v : {0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff}) {
        std::string m = bytes;
        m[i] = static_cast<char>(v);
        // Copy into an exactly sized heap buffer so that any overread is caught.
        std::unique_ptr<char[]> exact(new char[m.size()]);
        std::memcpy(exact.get(), m.data(), m.size());
        auto r = native::decode_request(std::string_view(exact.get(), m.size()), req);
        REQUIRE(r.consumed <= m.size());
        if (i >= native::kLengthPrefixBytes && r.state != native::DecodeState::ok) {
          REQUIRE(r.state == native::DecodeState::bad_frame);
          REQUIRE(r.consumed == m.size());
        }
      }
    }
  }
}

TEST_CASE("peek_request sizes a complete frame and finds a single-key request's key", "[protocol]") {
  auto frame = [](Opcode op, std::string_view key, std::string_view value = {}) {
    Request r;
    r.op = op;
    r.id = 7;
    r.key = key;
    r.value = value;
    if (op == Opcode::mget) r.keys = {key};
    std::string out;
    native::encode_request(r, out);
    return out;
  };
  const std::string set = frame(Opcode::set, "user:1", "v");
  const std::string get = frame(Opcode::get, std::string("k\0y", 3));
  const std::string both = set + get;
  const native::PeekResult first = native::peek_request(both);
  CHECK(first.size == set.size());
  CHECK(first.key == "user:1");
  const native::PeekResult second = native::peek_request(std::string_view(both).substr(first.size));
  CHECK(second.size == get.size());
  CHECK(second.key == std::string("k\0y", 3));
  for (std::size_t n = 0; n < set.size(); ++n) {  // incomplete: nothing
    CHECK(native::peek_request(std::string_view(set).substr(0, n)).size == 0);
  }
  const native::PeekResult mget = native::peek_request(frame(Opcode::mget, "a"));
  CHECK(mget.size > 0);
  CHECK(mget.key.empty());  // not a single-key request
  native::Limits small;
  small.max_frame_bytes = 16;
  CHECK(native::peek_request(set, small).size == 0);  // over the limit: the decoder's business
  std::string lying = get;  // a key length past the frame's end gives no key
  lying[16] = '\x7f';
  CHECK(native::peek_request(lying).size == get.size());
  CHECK(native::peek_request(lying).key.empty());
}
