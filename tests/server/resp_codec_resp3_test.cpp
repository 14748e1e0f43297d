// RESP3 on the RESP codec: HELLO 3 and back, the RESP3 types of replies the
// codec answers by itself, and pub/sub as push frames with ordinary commands
// allowed while subscribed.
#include <asio/io_context.hpp>

#include <array>

#include "server/pubsub/keyspace_events.h"
#include "server/pubsub/registry.h"
#include "tests/server/resp_codec_test_support.h"

namespace mnemo::server::resp_test {
namespace {

std::string hello_reply(char map_prefix, int pairs_count, int proto) {
  std::string out(1, map_prefix);
  out += std::to_string(pairs_count) + "\r\n";
  out += "$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$5\r\n7.0.0\r\n$5\r\nproto\r\n:";
  out += std::to_string(proto);
  out += "\r\n$2\r\nid\r\n:7\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n";
  return out;
}

RespCodecOptions with_id(bool auth_required = false) {
  RespCodecOptions o;
  o.client_id = 7;
  o.auth_required = auth_required;
  return o;
}

}  // namespace

TEST_CASE("resp HELLO 3 answers a RESP3 map and switches the connection until HELLO 2", "[server][resp3]") {
  CodecDriver d(with_id());
  CHECK(d.local(command({"HELLO", "3"})) == hello_reply('%', 7, 3));
  CHECK(d.local(command({"HELLO"})) == hello_reply('%', 7, 3));  // no version: the current one
  CHECK(d.local(command({"CLIENT", "GETNAME"})) == "_\r\n");
  CHECK(d.local(command({"CONFIG", "GET", "databases"})) == "%1\r\n$9\r\ndatabases\r\n$1\r\n1\r\n");
  CHECK(d.local(command({"HELLO", "4"})) == "-NOPROTO unsupported protocol version\r\n");
  CHECK(d.local(command({"HELLO", "2"})) == hello_reply('*', 14, 2));
  CHECK(d.local(command({"CLIENT", "GETNAME"})) == "$-1\r\n");
}

TEST_CASE("resp HELLO 3 with AUTH switches only once the token is accepted", "[server][resp3]") {
  CodecDriver d(with_id(true));
  d.request(command({"HELLO", "3", "AUTH", "default", "pw"}));
  CHECK(d.encode(failure(Status::unauthorized, "")) ==
        "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
  d.request(command({"HELLO", "3", "AUTH", "default", "pw", "SETNAME", "svc"}));
  CHECK(d.encode(response()) == hello_reply('%', 7, 3));
  CHECK(d.local(command({"CLIENT", "GETNAME"})) == "$3\r\nsvc\r\n");
}

TEST_CASE("resp3 INFO and CLIENT INFO are verbatim text", "[server][resp3]") {
  CodecDriver d(with_id(), [](std::string_view) { return std::string("# Server\r\n"); });
  d.local(command({"HELLO", "3"}));
  CHECK(d.local(command({"INFO"})) == "=14\r\ntxt:# Server\r\n\r\n");
  CHECK(d.local(command({"CLIENT", "INFO"})).rfind("=", 0) == 0);
}

TEST_CASE("a subscribed RESP3 connection gets push frames and runs any command", "[server][resp3][pubsub]") {
  asio::io_context loop{1};
  pubsub::Registry registry;
  auto outbox = std::make_shared<pubsub::Outbox>(loop.get_executor(), 1 << 20);
  RespCodecOptions o = with_id();
  o.pubsub = &registry;
  CodecDriver d(o);
  d.codec.attach_outbox(outbox);
  d.local(command({"HELLO", "3"}));
  CHECK(d.local(command({"SUBSCRIBE", "a"})) == ">3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n");
  CHECK(d.local(command({"PSUBSCRIBE", "a*"})) == ">3\r\n$10\r\npsubscribe\r\n$2\r\na*\r\n:2\r\n");
  CHECK(d.roundtrip(command({"PING"}), response()) == "+PONG\r\n");  // not RESP2's subscribed-mode array
  d.request(command({"GET", "k"}));  // allowed while subscribed
  CHECK(registry.publish("a", "m") == 2);
  std::string got;
  outbox->take(got);
  CHECK(got == ">3\r\n$7\r\nmessage\r\n$1\r\na\r\n$1\r\nm\r\n>4\r\n$8\r\npmessage\r\n$2\r\na*\r\n$1\r\na\r\n$1\r\nm\r\n");
  CHECK(d.local(command({"UNSUBSCRIBE"})) == ">3\r\n$11\r\nunsubscribe\r\n$1\r\na\r\n:1\r\n");
  CHECK(d.local(command({"PUNSUBSCRIBE"})) == ">3\r\n$12\r\npunsubscribe\r\n$2\r\na*\r\n:0\r\n");
  CHECK(d.local(command({"UNSUBSCRIBE"})) == ">3\r\n$11\r\nunsubscribe\r\n_\r\n:0\r\n");
}

}  // namespace mnemo::server::resp_test

namespace mnemo::server::resp_test {
namespace {

// Two RESP3 codecs sharing one tracking table, as two connections would.
struct TrackingPair {
  asio::io_context loop{1};
  tracking::TrackingTable table;
  std::shared_ptr<pubsub::Outbox> reader_box = std::make_shared<pubsub::Outbox>(loop.get_executor(), 1 << 20);
  std::shared_ptr<pubsub::Outbox> writer_box = std::make_shared<pubsub::Outbox>(loop.get_executor(), 1 << 20);
  CodecDriver reader{options(1)};
  CodecDriver writer{options(2)};
  TrackingPair() {
    reader.codec.attach_outbox(reader_box);
    writer.codec.attach_outbox(writer_box);
    reader.local(command({"HELLO", "3"}));
    writer.local(command({"HELLO", "3"}));
    REQUIRE(reader.local(command({"CLIENT", "TRACKING", "ON"})) == "+OK\r\n");
  }
  RespCodecOptions options(std::uint64_t id) {
    RespCodecOptions o;
    o.client_id = id;
    o.tracking = &table;
    return o;
  }
  std::string frames() {
    std::string out;
    reader_box->take(out);
    return out;
  }
};

const std::string kInvalidateK = ">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n";

}  // namespace

TEST_CASE("a write invalidates a tracked key only once the store has applied it", "[server][resp3][tracking]") {
  TrackingPair p;
  p.reader.roundtrip(command({"GET", "k"}), response());
  p.writer.request(command({"SET", "k", "v"}));
  CHECK(p.frames().empty());  // submitted, not applied yet
  p.writer.encode(response());
  CHECK(p.frames() == kInvalidateK);
  p.writer.roundtrip(command({"SET", "k", "w"}), response());
  CHECK(p.frames().empty());  // not read since: no longer tracked
}

TEST_CASE("a write landing while a tracked read runs leaves the key tracked", "[server][resp3][tracking]") {
  TrackingPair p;
  p.reader.request(command({"GET", "k"}));  // remembered before the store reads it
  const std::array<std::string_view, 1> k{"k"};
  p.table.invalidate(k, 2);  // another connection's write, before the read runs
  CHECK(p.frames() == kInvalidateK);
  p.reader.encode(response());  // the read sees the new value, and k is remembered again
  p.writer.roundtrip(command({"DEL", "k"}), response());
  CHECK(p.frames() == kInvalidateK);
}

}  // namespace mnemo::server::resp_test
