// A RespCodec wired to a real Store (FakeClock, FakeLog): for the commands
// that run the store's typed operations, whose replies the codec writes
// itself, and for a whole round trip of those that become a request.
#pragma once

#include <catch2/catch.hpp>

#include <string>
#include <string_view>

#include "server/resp_codec.h"
#include "tests/server/resp_codec_test_support.h"
#include "tests/server/store_test_support.h"

namespace mnemo::server::resp_test {

class StoreCodecDriver {
 public:
  explicit StoreCodecDriver(StoreOptions store_opts = {}) : h(store_opts), codec(options(), {}) {}

  // The reply to one whole command: answered by the codec (typed store
  // operations, local commands) or, for a request, by Store::execute.
  std::string run(std::string_view in) {
    input.assign(in);
    out.clear();
    req = {};
    const Next n = codec.next(input, req, out);
    REQUIRE(n.consumed == in.size());
    if (n.kind == NextKind::replied) return out;
    REQUIRE(n.kind == NextKind::request);
    protocol::Response resp;
    h.store.execute(req, resp);
    out.clear();
    codec.encode(req, resp, out);
    return out;
  }

  std::int64_t now() const { return h.clock.now_ms(); }

  test::StoreHarness h;
  RespCodec codec;
  std::string input;
  protocol::Request req;
  std::string out;

 private:
  RespCodecOptions options() {
    RespCodecOptions o;
    o.clock = &h.clock;
    o.store = &h.store;
    return o;
  }
};

// A CodecDriver over a real store with 16 databases, for commands the codec
// runs locally (MULTI/EXEC, EVAL): run() gives the reply to one command.
struct LocalStoreDriver {
  test::StoreHarness h{test::few_shards()};
  CodecDriver d{options()};
  RespCodecOptions options() {
    RespCodecOptions o;
    o.store = &h.store;
    o.databases = 16;
    return o;
  }
  std::string run(std::initializer_list<std::string_view> words) { return d.local(command(words)); }
};

}  // namespace mnemo::server::resp_test
