// Connection driven in-process: a real loopback socket pair on one io_context,
// a RespCodec over a real Store, and a fake journal that answers only the one
// question a connection may ask of persistence (persistence/backpressure.h).
#include <catch2/catch.hpp>

#include <asio.hpp>

#include <atomic>
#include <memory>
#include <string>

#include "server/config.h"
#include "server/connection.h"
#include "server/executor.h"
#include "server/resp_codec.h"
#include "server/server_stats.h"
#include "tests/server/store_test_support.h"

namespace mnemo::server {
namespace {

class FakeBackpressure final : public persistence::Backpressure {
 public:
  bool under_pressure() const override { return pressed.load(); }
  std::atomic<bool> pressed{false};
};

// One client socket talking to one Connection over 127.0.0.1.
struct Rig {
  Rig() : executor(cfg, h.store, nullptr, stats, [] {}), client(loop) {
    asio::ip::tcp::acceptor acceptor(loop, {asio::ip::make_address("127.0.0.1"), 0});
    client.connect(acceptor.local_endpoint());
    asio::ip::tcp::socket served(loop);
    acceptor.accept(served);
    RespCodecOptions opts;
    opts.clock = &h.clock;
    opts.store = &h.store;
    conn = std::make_shared<Connection>(std::move(served), std::make_unique<RespCodec>(opts, InfoProvider{}),
                                        executor, stats, &backpressure, ConnectionLimits{}, true);
    conn->start();
  }
  ~Rig() {
    conn->stop();
    loop.run_for(std::chrono::seconds(5));  // the close runs; then nothing is left to do
  }

  // Runs the loop until the client has `n` bytes to read, and returns them.
  std::string read_reply(std::size_t n) {
    std::string got;
    while (got.size() < n) {
      loop.run_one();
      std::error_code ec;
      const std::size_t ready = client.available(ec);
      REQUIRE(!ec);
      if (ready == 0) continue;
      std::string chunk(ready, '\0');
      got.append(chunk, 0, client.read_some(asio::buffer(chunk), ec));
      REQUIRE(!ec);
    }
    return got;
  }

  test::StoreHarness h;
  Config cfg;
  ServerStats stats;
  Executor executor;
  FakeBackpressure backpressure;
  asio::io_context loop{1};
  asio::ip::tcp::socket client;
  std::shared_ptr<Connection> conn;
};

const std::string kPing = "*1\r\n$4\r\nPING\r\n";

TEST_CASE("a connection answers what it reads, in order") {
  Rig rig;
  asio::write(rig.client, asio::buffer(kPing + "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"));
  CHECK(rig.read_reply(17) == "+PONG\r\n+OK\r\n$1\r\nv\r\n");
}

TEST_CASE("a connection reads nothing while the journal is under pressure, then goes on") {
  Rig rig;
  rig.backpressure.pressed = true;
  asio::write(rig.client, asio::buffer(kPing));
  // Two pauses: the connection looked twice, found pressure both times and did not read.
  while (rig.stats.pressure_pauses.load() < 2) rig.loop.run_one();
  std::error_code ec;
  CHECK(rig.client.available(ec) == 0);
  rig.backpressure.pressed = false;
  CHECK(rig.read_reply(7) == "+PONG\r\n");
}

}  // namespace
}  // namespace mnemo::server
