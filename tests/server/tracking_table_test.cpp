// The client-side caching table alone: who hears about which key, in which
// frame, and the bound on remembered keys.
#include "server/tracking/tracking_table.h"

#include <catch2/catch.hpp>

#include <asio/io_context.hpp>

#include <array>
#include <memory>
#include <string>

#include "server/tracking/invalidation.h"

namespace mnemo::server::tracking {
namespace {

struct Fixture {
  asio::io_context loop{1};
  TrackingTable table;
  std::shared_ptr<pubsub::Outbox> outbox(std::uint64_t id, bool resp3) {
    auto o = std::make_shared<pubsub::Outbox>(loop.get_executor(), 1 << 20);
    o->set_resp3(resp3);
    table.connect(id, o);
    return o;
  }
};

std::string taken(pubsub::Outbox& o) {
  std::string out;
  o.take(out);
  return out;
}

std::string push_of(std::initializer_list<std::string_view> keys) {
  std::vector<std::string_view> v(keys);
  const std::span<const std::string_view> s(v);
  std::string out;
  append_push_invalidation(out, &s);
  return out;
}

}  // namespace

TEST_CASE("tracking frames are Redis's bytes", "[server][tracking]") {
  CHECK(push_of({"a", "bc"}) == ">2\r\n$10\r\ninvalidate\r\n*2\r\n$1\r\na\r\n$2\r\nbc\r\n");
  std::string flush, message, broken;
  append_push_invalidation(flush, nullptr);
  CHECK(flush == ">2\r\n$10\r\ninvalidate\r\n_\r\n");
  const std::array<std::string_view, 1> k{"k"};
  const std::span<const std::string_view> s(k);
  append_message_invalidation(message, &s);
  CHECK(message == "*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*1\r\n$1\r\nk\r\n");
  append_redirect_broken(broken, 9);
  CHECK(broken == ">2\r\n$21\r\ntracking-redir-broken\r\n:9\r\n");
}

TEST_CASE("a key read by a tracking connection is invalidated once, on the next write", "[server][tracking]") {
  Fixture f;
  auto reader = f.outbox(1, true);
  auto other = f.outbox(2, true);
  CHECK_FALSE(f.table.active());
  f.table.enable(1, {});
  CHECK(f.table.active());
  const std::array<std::string_view, 2> keys{"a", "b"};
  f.table.remember(1, keys);
  f.table.remember(1, keys);  // read twice, remembered once
  CHECK(f.table.tracked_keys() == 2);
  CHECK(f.table.totals().items == 2);
  const std::array<std::string_view, 2> written{"b", "z"};
  f.table.invalidate(written, 2);
  CHECK(taken(*reader) == push_of({"b"}));
  CHECK(taken(*other).empty());  // not tracking
  f.table.invalidate(written, 2);
  CHECK(taken(*reader).empty());  // forgotten until read again
  CHECK(f.table.tracked_keys() == 1);
  f.table.invalidate_all();
  CHECK(taken(*reader) == ">2\r\n$10\r\ninvalidate\r\n_\r\n");
  CHECK(f.table.tracked_keys() == 0);
  f.table.disable(1);
  CHECK_FALSE(f.table.active());
}

TEST_CASE("NOLOOP skips the connection's own writes", "[server][tracking]") {
  Fixture f;
  auto c = f.outbox(1, true);
  Mode m;
  m.noloop = true;
  f.table.enable(1, m);
  const std::array<std::string_view, 1> k{"k"};
  f.table.remember(1, k);
  f.table.invalidate(k, 1);
  CHECK(taken(*c).empty());
  f.table.remember(1, k);
  f.table.invalidate(k, 7);
  CHECK(taken(*c) == push_of({"k"}));
}

TEST_CASE("BCAST sends every write under the connection's prefixes, without reads", "[server][tracking]") {
  Fixture f;
  auto c = f.outbox(1, true);
  Mode m;
  m.bcast = true;
  m.prefixes = {"user:", "cart:"};
  f.table.enable(1, m);
  f.outbox(2, true);
  Mode all;
  all.bcast = true;
  all.prefixes = {"user:"};
  f.table.enable(2, all);
  CHECK(f.table.totals().prefixes == 2);  // "user:" counted once, as Redis
  CHECK(f.table.totals().clients == 2);
  const std::array<std::string_view, 3> written{"user:1", "other", "cart:9"};
  f.table.invalidate(written, 0);
  CHECK(taken(*c) == push_of({"user:1", "cart:9"}));
  f.table.disable(1);
  f.table.invalidate(written, 0);
  CHECK(taken(*c).empty());
}

TEST_CASE("REDIRECT sends a RESP2 pub/sub message to a subscribed connection", "[server][tracking]") {
  Fixture f;
  auto tracker = f.outbox(1, false);
  auto target = f.outbox(2, false);
  Mode m;
  m.redirect = 2;
  f.table.enable(1, m);
  const std::array<std::string_view, 1> k{"k"};
  f.table.remember(1, k);
  f.table.invalidate(k, 0);
  CHECK(taken(*target).empty());  // RESP2 and not subscribed: nowhere to send it, as Redis
  target->set_subscribed(true);
  f.table.remember(1, k);
  f.table.invalidate(k, 0);
  CHECK(taken(*target) == "*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*1\r\n$1\r\nk\r\n");
  CHECK(taken(*tracker).empty());
  f.table.disconnect(2);
  f.table.remember(1, k);
  f.table.invalidate(k, 0);
  CHECK(f.table.redirect_broken(1));
}

TEST_CASE("past max keys the table invalidates early instead of growing", "[server][tracking]") {
  Fixture f;
  f.table.set_max_keys(2);
  auto c = f.outbox(1, true);
  f.table.enable(1, {});
  const std::array<std::string_view, 3> keys{"a", "b", "c"};
  f.table.remember(1, keys);
  CHECK(f.table.tracked_keys() == 2);
  const std::string got = taken(*c);
  CHECK(got.rfind(">2\r\n$10\r\ninvalidate\r\n*1\r\n", 0) == 0);  // one key told early
}

}  // namespace mnemo::server::tracking
