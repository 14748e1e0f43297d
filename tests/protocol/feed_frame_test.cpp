// The change feed's frames (protocol/feed_frame.h) against the golden bytes
// docs/PROTOCOL.md shows for them.
#include <catch2/catch.hpp>

#include "protocol/byte_io.h"
#include "protocol/feed_frame.h"
#include "tests/protocol/hex.h"

namespace feed = mnemo::protocol::feed;
using mnemo::protocol::Status;
using mnemo::protocol::native::DecodeState;
using mnemo::test::hex;
using mnemo::test::unhex;

namespace {

const char* const kWatch = "1e000000 20 00 0000 0700000000000000 03 2900000000000000 05000000 757365723a";
const char* const kWatchOk = "1c000000 00 20 0000 0700000000000000 0100000000000000 2900000000000000";
const char* const kUnwatch = "14000000 21 00 0000 0800000000000000 0100000000000000";
const char* const kUnwatchOk = "0c000000 00 21 0000 0800000000000000";
const char* const kEvent =
    "32000000 00 22 0000 0100000000000000 01 00000000 2a00000000000000 0000000000000000 "
    "06000000 757365723a31 03000000 616461";

}  // namespace

TEST_CASE("WATCH decodes from and encodes to its golden bytes", "[protocol][feed]") {
  const std::string bytes = unhex(kWatch);
  feed::WatchRequest w;
  const auto r = feed::decode_watch(bytes, w);
  REQUIRE(r.state == DecodeState::ok);
  REQUIRE(r.consumed == bytes.size());
  CHECK(w.id == 7);
  CHECK(w.options == (feed::kFrom | feed::kCommitted));
  CHECK(w.from_version == 41);
  CHECK(w.prefix == "user:");
  std::string out;
  feed::encode_watch(w, out);
  CHECK(hex(out) == hex(bytes));
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    INFO("prefix " << n);
    CHECK(feed::decode_watch(bytes.substr(0, n), w).state == DecodeState::need_more);
  }
}

TEST_CASE("the answers and the event have their golden bytes", "[protocol][feed]") {
  std::string out;
  feed::encode_watch_ok(7, 1, 41, out);
  CHECK(hex(out) == hex(unhex(kWatchOk)));
  out.clear();
  feed::encode_unwatch_ok(8, out);
  CHECK(hex(out) == hex(unhex(kUnwatchOk)));
  out.clear();
  feed::encode_unwatch({8, 1}, out);
  CHECK(hex(out) == hex(unhex(kUnwatch)));
  out.clear();
  feed::Event e;
  e.watch_id = 1;
  e.kind = feed::EventKind::set;
  e.version = 42;
  e.key = "user:1";
  e.value = "ada";
  feed::encode_event(e, out);
  CHECK(hex(out) == hex(unhex(kEvent)));
  feed::Event back;
  REQUIRE(feed::decode_event(out, back).state == DecodeState::ok);
  CHECK(back.key == "user:1");
  CHECK(back.value == "ada");
  CHECK(back.version == 42);
}

TEST_CASE("COMPACTED carries the message and then the oldest version", "[protocol][feed]") {
  std::string out;
  feed::encode_compacted(5, 99, out);
  mnemo::protocol::byte_io::Reader in(std::string_view(out).substr(4));
  std::uint8_t status = 0, op = 0;
  std::uint16_t reserved = 0;
  std::uint64_t id = 0, oldest = 0;
  std::string_view message;
  REQUIRE((in.get(status) && in.get(op) && in.get(reserved) && in.get(id) && in.bytes(message) && in.get(oldest)));
  CHECK(in.at_end());
  CHECK(status == feed::kStatusCompacted);
  CHECK(op == feed::kOpWatch);
  CHECK(id == 5);
  CHECK(oldest == 99);
  CHECK(message.find("99") != std::string_view::npos);
}

TEST_CASE("malformed feed requests are answered, not fatal", "[protocol][feed]") {
  feed::WatchRequest w;
  SECTION("a flag bit") {
    std::string bytes = unhex(kWatch);
    bytes[5] = 0x01;
    const auto r = feed::decode_watch(bytes, w);
    CHECK(r.state == DecodeState::bad_frame);
    CHECK(r.status == Status::bad_request);
    CHECK(r.id == 7);
  }
  SECTION("an unknown option bit") {
    std::string bytes = unhex(kWatch);
    bytes[16] = 0x08;
    CHECK(feed::decode_watch(bytes, w).state == DecodeState::bad_frame);
  }
  SECTION("from_version without FROM") {
    std::string bytes = unhex(kWatch);
    bytes[16] = 0x00;
    CHECK(feed::decode_watch(bytes, w).state == DecodeState::bad_frame);
  }
  SECTION("trailing bytes") {
    std::string bytes = unhex(kUnwatch) + "x";
    bytes[0] = 0x15;
    feed::UnwatchRequest u;
    CHECK(feed::decode_unwatch(bytes, u).state == DecodeState::bad_frame);
  }
  SECTION("a length shorter than a header") {
    CHECK(feed::decode_watch(unhex("0b000000 20 00 0000 0700000000000000"), w).state == DecodeState::fatal);
  }
}

// Client-side caching (docs/PROTOCOL.md 6c): a GET with the TRACK flag, and the
// invalidations that follow, in the document's bytes.
TEST_CASE("tracking requests and invalidations have their golden bytes", "[protocol][feed][tracking]") {
  const std::string get = unhex("16000000 10 40 0000 0900000000000000 06000000 757365723a31");
  mnemo::protocol::Request req;
  const auto r = mnemo::protocol::native::decode_request(get, req);
  REQUIRE(r.state == DecodeState::ok);
  CHECK(req.op == mnemo::protocol::Opcode::get);
  CHECK(req.has(mnemo::protocol::flags::kTrack));
  CHECK(req.key == "user:1");

  std::string out;
  feed::encode_invalidation("user:1", 42, out);
  CHECK(hex(out) == hex(unhex("2f000000 00 22 0000 0000000000000000 07 ffffffff 2a00000000000000 "
                              "0000000000000000 06000000 757365723a31 00000000")));
  feed::Event back;
  REQUIRE(feed::decode_event(out, back).state == DecodeState::ok);
  CHECK(back.watch_id == feed::kTrackingId);
  CHECK(back.kind == feed::EventKind::invalidate);
  CHECK(back.db == feed::kAnyDb);
  CHECK(back.version == 42);
  CHECK(back.key == "user:1");

  out.clear();
  feed::encode_flush_invalidation(43, out);
  CHECK(hex(out) == hex(unhex("29000000 00 22 0000 0000000000000000 03 ffffffff 2b00000000000000 "
                              "0000000000000000 00000000 00000000")));
  CHECK(feed::event_kind_name(feed::EventKind::invalidate) == "invalidate");
}

TEST_CASE("the flag bit 0x80 is still refused; TRACK is ignored on other ops", "[protocol][tracking]") {
  mnemo::protocol::Request req;
  CHECK(mnemo::protocol::native::decode_request(unhex("0c000000 1b 80 0000 0100000000000000"), req).state ==
        DecodeState::bad_frame);
  CHECK(mnemo::protocol::native::decode_request(unhex("0c000000 1b 40 0000 0100000000000000"), req).state ==
        DecodeState::ok);
}
