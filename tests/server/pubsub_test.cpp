// The pub/sub pieces without sockets: Outbox delivery and its limit on a real
// io_context, the registry's receivers and patterns, keyspace event flags.
#include <asio/io_context.hpp>
#include <catch2/catch.hpp>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "server/pubsub/keyspace_events.h"
#include "server/pubsub/outbox.h"
#include "server/pubsub/registry.h"

using namespace mnemo::server::pubsub;

namespace {

// Stands in for a connection: collects what its outbox hands it on the loop's thread.
struct FakeSink : Outbox::Sink {
  explicit FakeSink(std::shared_ptr<Outbox> o) : outbox(std::move(o)) {}
  void on_outbox_ready() override { outbox->take(received); }
  void on_outbox_overflow() override { ++overflows; }
  std::shared_ptr<Outbox> outbox;
  std::string received;
  int overflows = 0;
};

struct Peer {
  asio::io_context loop{1};
  std::shared_ptr<Outbox> outbox;
  std::shared_ptr<FakeSink> sink;
  explicit Peer(std::uint64_t limit = 1 << 20)
      : outbox(std::make_shared<Outbox>(loop.get_executor(), limit)), sink(std::make_shared<FakeSink>(outbox)) {
    outbox->attach(sink);
  }
  std::string drain() {
    loop.restart();
    loop.run();
    return std::exchange(sink->received, {});
  }
};

std::string message(std::string_view channel, std::string_view text) {
  std::string out;
  append_message(out, channel, text);
  return out;
}

}  // namespace

TEST_CASE("an outbox hands pushes from other threads to its owner's loop, in order", "[server][pubsub]") {
  Peer peer;
  constexpr int kThreads = 4, kEach = 500;
  std::vector<std::thread> pushers;
  for (int t = 0; t < kThreads; ++t) {
    pushers.emplace_back([&peer, t] {
      for (int i = 0; i < kEach; ++i) peer.outbox->push(std::to_string(t) + ":" + std::to_string(i) + ";");
    });
  }
  for (auto& t : pushers) t.join();
  const std::string got = peer.drain();
  // Each pusher's items arrive whole and in its own order.
  std::vector<int> next(kThreads, 0);
  std::size_t at = 0;
  while (at < got.size()) {
    const std::size_t colon = got.find(':', at), semi = got.find(';', at);
    REQUIRE((colon != std::string::npos && semi != std::string::npos && colon < semi));
    const int t = std::stoi(got.substr(at, colon - at));
    REQUIRE(std::stoi(got.substr(colon + 1, semi - colon - 1)) == next[t]);
    ++next[t];
    at = semi + 1;
  }
  CHECK(next == std::vector<int>(kThreads, kEach));
  CHECK(peer.outbox->pending_bytes() == 0);
}

TEST_CASE("an outbox past its limit drops pushes and tells its owner once", "[server][pubsub]") {
  Peer peer(100);
  CHECK(peer.outbox->push(std::string(60, 'a')));
  CHECK_FALSE(peer.outbox->push(std::string(60, 'b')));
  CHECK_FALSE(peer.outbox->push("c"));  // overflowed for good
  CHECK(peer.outbox->overflowed());
  CHECK(peer.drain() == std::string(60, 'a'));
  CHECK(peer.sink->overflows == 1);
}

TEST_CASE("an outbox whose owner is gone delivers nothing", "[server][pubsub]") {
  Peer peer;
  bool ran = false;
  peer.outbox->push("x");
  peer.outbox->post([&ran] { ran = true; });
  peer.sink.reset();  // the connection is destroyed before its loop runs
  peer.loop.run();
  CHECK_FALSE(ran);
}

TEST_CASE("publish reaches channel and pattern subscribers and counts them", "[server][pubsub]") {
  Registry registry;
  Peer a, b;
  CHECK(registry.idle());
  CHECK(registry.subscribe("news", a.outbox));
  CHECK_FALSE(registry.subscribe("news", a.outbox));  // already there
  CHECK(registry.psubscribe("n*", a.outbox));
  CHECK(registry.psubscribe("n[aeiou]ws", b.outbox));
  CHECK(registry.publish("news", "hi") == 3);  // a twice (channel and pattern), b once
  CHECK(registry.publish("nothing", "x") == 1);
  CHECK(registry.publish("other", "x") == 0);
  std::string pm;
  append_pmessage(pm, "n*", "news", "hi");
  CHECK(a.drain() == message("news", "hi") + pm + [] {
          std::string s;
          append_pmessage(s, "n*", "nothing", "x");
          return s;
        }());
  CHECK(registry.numsub("news") == 1);
  CHECK(registry.numpat() == 2);
  CHECK(registry.channels("") == std::vector<std::string>{"news"});
  CHECK(registry.channels("x*").empty());
  CHECK(registry.unsubscribe("news", a.outbox.get()));
  CHECK_FALSE(registry.unsubscribe("news", a.outbox.get()));
  CHECK(registry.numsub("news") == 0);
  CHECK(registry.channels("").empty());

  Subscriber sub;
  sub.outbox = b.outbox;
  sub.patterns.insert("n[aeiou]ws");
  registry.forget(sub);
  CHECK(sub.count() == 0);
  CHECK(registry.numpat() == 1);
}

TEST_CASE("keyspace event letters parse and print as Redis's", "[server][pubsub]") {
  CHECK(parse_event_flags("KEA") == (notify::kKeyspace | notify::kKeyevent | notify::kAll));
  CHECK(format_event_flags(*parse_event_flags("KEA")) == "AKE");
  CHECK(format_event_flags(*parse_event_flags("Kg$x")) == "g$xK");
  CHECK(format_event_flags(*parse_event_flags("Elshzxetdgn$Km")) == "AKEm");
  CHECK(format_event_flags(0).empty());
  CHECK_FALSE(parse_event_flags("KQ").has_value());
}

TEST_CASE("keyspace events publish only the enabled classes", "[server][pubsub]") {
  Registry registry;
  KeyspaceEvents events(registry);
  Peer peer;
  registry.psubscribe("*", peer.outbox);
  events.notify(notify::kString, "set", 0, "k");
  CHECK(peer.drain().empty());  // off
  events.set_flags(notify::kKeyevent | notify::kString);
  events.notify(notify::kString, "set", 3, "k");
  events.notify(notify::kGeneric, "del", 3, "k");
  std::string want;
  append_pmessage(want, "*", "__keyevent@3__:set", "k");
  CHECK(peer.drain() == want);
}
