// The RESP codec's side of pub/sub: subscribed mode, the counts in the
// confirmations, pending messages before a reply, keyspace events from
// write handlers, and a closed connection leaving the registry.
#include <asio/io_context.hpp>

#include "server/pubsub/keyspace_events.h"
#include "server/pubsub/registry.h"
#include "tests/server/resp_codec_test_support.h"

namespace mnemo::server::resp_test {
namespace {

struct PubSubDriver {
  asio::io_context loop{1};
  pubsub::Registry registry;
  pubsub::KeyspaceEvents events{registry};
  std::shared_ptr<pubsub::Outbox> outbox = std::make_shared<pubsub::Outbox>(loop.get_executor(), 1 << 20);
  CodecDriver driver{[this] {
    RespCodecOptions o;
    o.pubsub = &registry;
    o.events = &events;
    return o;
  }()};
  PubSubDriver() { driver.codec.attach_outbox(outbox); }
};

std::string confirmation(std::string_view kind, std::string_view name, int count) {
  std::string out = "*3\r\n$" + std::to_string(kind.size()) + "\r\n";
  out.append(kind).append("\r\n$" + std::to_string(name.size()) + "\r\n");
  out.append(name).append("\r\n:" + std::to_string(count) + "\r\n");
  return out;
}

}  // namespace

TEST_CASE("a subscribed RESP connection runs only the pub/sub family, PING and QUIT", "[server][resp][pubsub]") {
  PubSubDriver d;
  CHECK(d.driver.local(command({"SUBSCRIBE", "a", "b"})) ==
        confirmation("subscribe", "a", 1) + confirmation("subscribe", "b", 2));
  CHECK(d.driver.local(command({"GET", "k"})) ==
        "-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed "
        "in this context\r\n");
  CHECK(d.driver.local(command({"CONFIG", "GET", "x"})).find("'config|get'") != std::string::npos);
  CHECK(d.driver.local(command({"PING"})) == "*2\r\n$4\r\npong\r\n$0\r\n\r\n");
  CHECK(d.driver.local(command({"PSUBSCRIBE", "p*"})) == confirmation("psubscribe", "p*", 3));
  CHECK(d.registry.numsub("a") == 1);
  CHECK(d.driver.local(command({"UNSUBSCRIBE", "a"})) == confirmation("unsubscribe", "a", 2));
  CHECK(d.driver.local(command({"PUNSUBSCRIBE"})) == confirmation("punsubscribe", "p*", 1));
  CHECK(d.driver.local(command({"UNSUBSCRIBE"})) == confirmation("unsubscribe", "b", 0));
  CHECK(d.driver.local(command({"UNSUBSCRIBE"})) == "*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n");
  CHECK(d.registry.idle());
  d.driver.request(command({"GET", "k"}));  // out of subscribed mode
}

TEST_CASE("messages published before a command go out before its reply", "[server][resp][pubsub]") {
  PubSubDriver d;
  d.driver.local(command({"SUBSCRIBE", "a"}));
  CHECK(d.registry.publish("a", "m1") == 1);
  std::string want;
  pubsub::append_message(want, "a", "m1");
  CHECK(d.driver.local(command({"UNSUBSCRIBE", "a"})) == want + confirmation("unsubscribe", "a", 0));
}

TEST_CASE("a write handler publishes its keyspace event once the write succeeded", "[server][resp][pubsub]") {
  PubSubDriver d;
  auto subscriber = std::make_shared<pubsub::Outbox>(d.loop.get_executor(), 1 << 20);
  d.registry.psubscribe("*", subscriber);
  d.events.set_flags(*pubsub::parse_event_flags("KEA"));
  d.driver.roundtrip(command({"SET", "k", "v"}), response());
  d.driver.roundtrip(command({"SETNX", "n", "v"}), response(Status::exists));  // not written: no event
  d.driver.roundtrip(command({"DEL", "k"}), response());
  std::string got, want;
  subscriber->take(got);
  pubsub::append_pmessage(want, "*", "__keyspace@0__:k", "set");
  pubsub::append_pmessage(want, "*", "__keyevent@0__:set", "k");
  pubsub::append_pmessage(want, "*", "__keyspace@0__:k", "del");
  pubsub::append_pmessage(want, "*", "__keyevent@0__:del", "k");
  CHECK(got == want);
}

TEST_CASE("a closed RESP connection leaves no subscription behind", "[server][resp][pubsub]") {
  PubSubDriver d;
  d.driver.local(command({"SUBSCRIBE", "a"}));
  d.driver.local(command({"PSUBSCRIBE", "b*"}));
  d.driver.codec.closed();
  CHECK(d.registry.idle());
  CHECK(d.registry.publish("a", "x") == 0);
}

TEST_CASE("without a registry SUBSCRIBE is refused and PUBLISH reaches nobody", "[server][resp][pubsub]") {
  CodecDriver d;
  CHECK(d.local(command({"SUBSCRIBE", "a"})) == "-ERR pub/sub is not available on this connection\r\n");
  CHECK(d.local(command({"PUBLISH", "a", "x"})) == ":0\r\n");
}

}  // namespace mnemo::server::resp_test
