// The tracking table's native connections (GET/MGET with TRACK,
// docs/PROTOCOL.md 6c): EVENT frames with id 0, their versions, the bound,
// and that RESP bytes never reach them.
#include <catch2/catch.hpp>

#include <asio/io_context.hpp>

#include <array>
#include <memory>
#include <string>

#include "protocol/feed_frame.h"
#include "server/tracking/tracking_table.h"

namespace mnemo::server::tracking {
namespace {

namespace feed = protocol::feed;

constexpr std::uint64_t kNative = TrackingTable::kNativeIdBit | 0x1000;

struct Fixture {
  asio::io_context loop{1};
  TrackingTable table;
  std::uint64_t latest = 77;
  std::shared_ptr<pubsub::Outbox> out = std::make_shared<pubsub::Outbox>(loop.get_executor(), 1 << 20);
  Fixture() {
    table.set_version_source([this] { return latest; });
  }
  std::string taken() {
    std::string s;
    out->take(s);
    return s;
  }
};

std::string invalidation(std::string_view key, std::uint64_t version) {
  std::string s;
  feed::encode_invalidation(key, version, s);
  return s;
}

}  // namespace

TEST_CASE("a native tracked read gets one EVENT frame per changed key", "[server][tracking]") {
  Fixture f;
  CHECK_FALSE(f.table.active());
  const std::array<std::string_view, 2> keys{"a", "b"};
  f.table.track_native(kNative, f.out, keys);
  CHECK(f.table.active());
  const std::array<std::string_view, 1> b{"b"};
  f.table.invalidate(b, 5, 42);
  CHECK(f.taken() == invalidation("b", 42));  // the writer's version
  f.table.invalidate(b, 5, 43);
  CHECK(f.taken().empty());  // forgotten until read again
  const std::array<std::string_view, 1> a{"a"};
  f.table.invalidate(a, 0, 0);
  CHECK(f.taken() == invalidation("a", 77));  // no version given: the latest
  f.table.track_native(kNative, f.out, a);
  f.table.invalidate(a, 5, 60);
  CHECK(f.taken() == invalidation("a", 77));  // never smaller than the frame before
  f.table.track_native(kNative, f.out, a);
  f.latest = 80;
  f.table.invalidate_all();
  std::string flush;
  feed::encode_flush_invalidation(80, flush);
  CHECK(f.taken() == flush);
  f.table.disconnect(kNative);
  CHECK_FALSE(f.table.active());
}

TEST_CASE("a native connection is no REDIRECT target", "[server][tracking]") {
  Fixture f;
  const std::array<std::string_view, 1> k{"k"};
  f.table.track_native(kNative, f.out, k);
  CHECK_FALSE(f.table.connected(kNative));
  auto resp = std::make_shared<pubsub::Outbox>(f.loop.get_executor(), 1 << 20);
  resp->set_resp3(true);
  f.table.connect(1, resp);
  Mode m;
  m.redirect = kNative;  // as if the id had been guessed: the frame is dropped, not sent as RESP
  f.table.enable(1, m);
  f.table.remember(1, k);
  f.table.invalidate(k, 0, 9);
  CHECK(f.taken() == invalidation("k", 9));  // its own read's frame only
  std::string r;
  resp->take(r);
  CHECK(r.empty());
}

TEST_CASE("native reads past the bound are invalidated early", "[server][tracking]") {
  Fixture f;
  f.table.set_max_keys(2);
  const std::array<std::string_view, 3> keys{"a", "b", "c"};
  f.table.track_native(kNative, f.out, keys);
  CHECK(f.table.tracked_keys() == 2);
  const std::string got = f.taken();
  feed::Event e;
  REQUIRE(feed::decode_event(got, e).state == protocol::native::DecodeState::ok);
  CHECK(e.kind == feed::EventKind::invalidate);
  CHECK(e.version == 77);
}

}  // namespace mnemo::server::tracking
