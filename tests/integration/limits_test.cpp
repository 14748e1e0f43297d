// Every limit of docs/LIMITS.md, hit on the real binary started with small
// limits: the client gets the documented error (and, where the framing can no
// longer be trusted, a closed connection), and the server goes on serving
// everybody else.
#include <signal.h>
#include <sys/socket.h>

#include <chrono>

#include "protocol/native_codec.h"
#include "tests/integration/harness.h"
#include "tests/integration/raw_socket.h"

using namespace mnemo;
using namespace mnemo::test;
using protocol::Opcode;
using protocol::Status;

namespace {

constexpr int kReadTimeoutMs = 10000;

std::string frame(protocol::Request req) {
  std::string out;
  protocol::native::encode_request(req, out);
  return out;
}

// Decodes the first response frame of `bytes`; fails the test if there is none.
protocol::Response first_response(const std::string& bytes) {
  protocol::Response resp;
  auto r = protocol::native::decode_response(bytes, resp);
  INFO("bytes received: " << bytes.size());
  REQUIRE(r.state == protocol::native::DecodeState::ok);
  return resp;
}

bool has_frame(const std::string& bytes) {
  protocol::Response resp;
  return protocol::native::decode_response(bytes, resp).state != protocol::native::DecodeState::need_more;
}

std::string resp_command(std::initializer_list<std::string_view> words) {
  std::string out = "*" + std::to_string(words.size()) + "\r\n";
  for (auto w : words) out.append("$").append(std::to_string(w.size())).append("\r\n").append(w).append("\r\n");
  return out;
}

// Sends a RESP command on `s` and returns the first reply line.
std::string resp_call(RawSocket& s, std::initializer_list<std::string_view> words) {
  REQUIRE(s.send(resp_command(words)));
  return s.read_line(kReadTimeoutMs);
}

void expect_served(const ServerProcess& server) {
  auto c = connect_to(server);
  CHECK(call(c, make(Opcode::set, "other", "client")).status == Status::ok);
  CHECK(call(c, make(Opcode::get, "other")).value == "client");
}

}  // namespace

TEST_CASE("keys over --max-key-bytes are refused with TOO_LARGE", "[integration][limits]") {
  TempDir dir;
  ServerProcess server({dir.file("data"), true, {"--max-key-bytes", "100"}});
  auto c = connect_to(server);
  CHECK(call(c, make(Opcode::set, std::string(100, 'k'), "v")).status == Status::ok);
  auto r = call(c, make(Opcode::set, std::string(101, 'k'), "v"));
  CHECK(r.status == Status::too_large);
  CHECK_THAT(r.message, Catch::Contains("max key size"));
  CHECK(call(c, make(Opcode::get, std::string(101, 'k'))).status == Status::too_large);
  CHECK(call(c, make(Opcode::dbsize)).integer == 1);  // nothing written

  RawSocket resp(server.resp_port());
  REQUIRE(resp.ok());
  CHECK_THAT(resp_call(resp, {"SET", std::string(101, 'k'), "v"}), Catch::StartsWith("-ERR key is 101 bytes"));
  CHECK(resp_call(resp, {"PING"}) == "+PONG\r\n");  // the connection goes on
}

TEST_CASE("values over --max-value-bytes are refused with TOO_LARGE", "[integration][limits]") {
  TempDir dir;
  ServerProcess server({dir.file("data"), true, {"--max-value-bytes", "1000"}});
  auto c = connect_to(server);
  CHECK(call(c, make(Opcode::set, "k", std::string(1000, 'v'))).status == Status::ok);
  auto r = call(c, make(Opcode::set, "k", std::string(1001, 'w')));
  CHECK(r.status == Status::too_large);
  CHECK_THAT(r.message, Catch::Contains("max value size"));
  CHECK(call(c, make(Opcode::get, "k")).value == std::string(1000, 'v'));  // unchanged
  auto m = make(Opcode::mset);
  std::string big(1001, 'x');
  m.keys = {"a", "b"};
  m.values = {"small", big};
  CHECK(call(c, m).status == Status::too_large);
  auto e = make(Opcode::exists);
  e.keys = {"a", "b"};
  CHECK(call(c, e).integer == 0);  // MSET is all or nothing

  RawSocket resp(server.resp_port());
  REQUIRE(resp.ok());
  CHECK_THAT(resp_call(resp, {"SET", "k", big}), Catch::StartsWith("-ERR value is 1001 bytes"));
  CHECK(resp_call(resp, {"PING"}) == "+PONG\r\n");
}

TEST_CASE("an MGET over --max-reply-bytes gets TOO_LARGE and the connection goes on", "[integration][limits]") {
  TempDir dir;
  ServerProcess server({dir.file("data"), true, {"--max-value-bytes", "400K", "--max-reply-bytes", "1M"}});
  auto c = connect_to(server);
  const std::string big(400 << 10, 'b');
  REQUIRE(call(c, make(Opcode::set, "big", big)).status == Status::ok);
  auto m = make(Opcode::mget);
  m.keys = {"big", "big"};
  auto two = call(c, m);
  REQUIRE(two.status == Status::ok);
  CHECK(two.values.at(1).value == big);
  m.keys.assign(3000, "big");  // 1.2 GB of reply if it were built
  auto r = call(c, m);
  CHECK(r.status == Status::too_large);
  CHECK_THAT(r.message, Catch::Contains("max reply size"));
  CHECK(call(c, make(Opcode::ping)).status == Status::ok);

  RawSocket resp(server.resp_port());
  REQUIRE(resp.ok());
  CHECK_THAT(resp_call(resp, {"MGET", "big", "big", "big"}), Catch::StartsWith("-ERR MGET reply over"));
  CHECK(resp_call(resp, {"PING"}) == "+PONG\r\n");
  expect_served(server);
}

TEST_CASE("a native frame over --max-frame-bytes gets TOO_LARGE, then the connection closes",
          "[integration][limits]") {
  TempDir dir;
  ServerProcess server({dir.file("data"), false, {"--max-frame-bytes", "4K", "--max-value-bytes", "1K"}});
  SECTION("a frame over the limit") {
    const std::string value(8000, 'v');
    auto req = make(Opcode::set, "k", value);
    req.id = 77;
    const std::string bytes = frame(req);
    RawSocket s(server.port());
    REQUIRE(s.ok());
    // The length prefix and header are enough for the verdict; the body never needs to arrive.
    REQUIRE(s.send(std::string_view(bytes).substr(0, 16)));
    const std::string got = s.read_to_close(kReadTimeoutMs);
    CHECK(s.closed());
    auto resp = first_response(got);
    CHECK(resp.status == Status::too_large);
    CHECK(resp.id == 77);
    CHECK_THAT(resp.message, Catch::Contains("size limit"));
  }
  SECTION("a frame within the limit whose value is too large: an answer, and the connection goes on") {
    auto c = connect_to(server);
    CHECK(call(c, make(Opcode::set, "k", std::string(2000, 'v'))).status == Status::too_large);
    CHECK(call(c, make(Opcode::ping)).status == Status::ok);
  }
  SECTION("a length prefix shorter than a header") {
    RawSocket s(server.port());
    REQUIRE(s.ok());
    REQUIRE(s.send(std::string("\x05\x00\x00\x00hello", 9)));
    auto resp = first_response(s.read_to_close(kReadTimeoutMs));
    CHECK(s.closed());
    CHECK(resp.status == Status::bad_request);
  }
  expect_served(server);
}

TEST_CASE("a RESP command over --resp-max-array-len or --resp-max-bulk-bytes is an error, then close",
          "[integration][limits]") {
  TempDir dir;
  ServerProcess server({dir.file("data"), true, {"--resp-max-array-len", "8", "--resp-max-bulk-bytes", "1K"}});
  SECTION("at the limits the commands work") {
    RawSocket s(server.resp_port());
    REQUIRE(s.ok());
    CHECK(resp_call(s, {"SET", "k", std::string(1024, 'v')}) == "+OK\r\n");
    CHECK_THAT(resp_call(s, {"MGET", "a", "b", "c", "d", "e", "f", "g"}), Catch::StartsWith("*7\r\n$-1\r\n"));
  }
  SECTION("array length over the limit") {
    RawSocket s(server.resp_port());
    REQUIRE(s.ok());
    REQUIRE(s.send("*9\r\n"));
    CHECK(s.read_to_close(kReadTimeoutMs) == "-ERR Protocol error: invalid multibulk length\r\n");
    CHECK(s.closed());
  }
  SECTION("bulk length over the limit") {
    RawSocket s(server.resp_port());
    REQUIRE(s.ok());
    REQUIRE(s.send("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1025\r\n"));
    CHECK(s.read_to_close(kReadTimeoutMs) == "-ERR Protocol error: invalid bulk length\r\n");
    CHECK(s.closed());
  }
  SECTION("an inline command over 64K") {
    RawSocket s(server.resp_port());
    REQUIRE(s.ok());
    REQUIRE(s.send("SET k " + std::string(70 * 1024, 'v')));
    CHECK(s.read_to_close(kReadTimeoutMs) == "-ERR Protocol error: too big inline request\r\n");
    CHECK(s.closed());
  }
  expect_served(server);
}

TEST_CASE("a RESP command over the request size bound closes the connection",
          "[integration][limits]") {
  TempDir dir;
  ServerProcess server({dir.file("data"), true,
                        {"--max-frame-bytes", "64K", "--max-value-bytes", "1K", "--resp-max-bulk-bytes", "1K",
                         "--admin-token", "adm"}});
  // 200 pairs of 1 KB values: every argument within its limit, the whole command over
  // max(--max-frame-bytes, --resp-max-bulk-bytes) + 64K.
  std::string mset = "*401\r\n$4\r\nMSET\r\n";
  for (int i = 0; i < 200; ++i) {
    const std::string k = "k" + std::to_string(i);
    mset += "$" + std::to_string(k.size()) + "\r\n" + k + "\r\n$1000\r\n" + std::string(1000, 'v') + "\r\n";
  }
  RawSocket big(server.resp_port());
  REQUIRE(big.ok());
  big.send(mset);  // may fail part way once the server has closed
  const std::string reply = big.read_to_close(kReadTimeoutMs);
  CHECK(big.closed());
  // The error precedes the close; a reset from the client's unsent bytes may discard it.
  if (!reply.empty()) CHECK(reply.rfind("-ERR Protocol error: command larger than", 0) == 0);
  auto admin = connect_to(server);
  REQUIRE(admin->auth("adm").ok());
  const std::string stats = call(admin, make(Opcode::stats)).text;
  CHECK(json_number(stats, "traffic", "protocol_errors") >= 1);
  CHECK(json_number(stats, "store", "keys") == 0);  // nothing of it was applied
  RawSocket other(server.resp_port());
  REQUIRE(other.ok());
  CHECK(resp_call(other, {"PING"}) == "+PONG\r\n");
}

TEST_CASE("a client that pipelines GETs and never reads cannot grow the server", "[integration][limits]") {
  TempDir dir;
  ServerProcess server({dir.file("data"), false, {"--max-output-bytes", "1M", "--admin-token", "adm"}});
  auto admin = connect_to(server);
  REQUIRE(admin->auth("adm").ok());
  const std::string value(256 * 1024, 'v');
  REQUIRE(call(admin, make(Opcode::set, "big", value)).status == Status::ok);
  REQUIRE(call(admin, make(Opcode::get, "big")).value == value);  // warms the reply buffers
  const std::uint64_t before_kib = rss_kib(server.pid());
  REQUIRE(before_kib > 0);

  // 3000 GETs (about 60 KB of requests) would be 750 MB of replies if nothing held them back.
  RawSocket flood(server.port());
  REQUIRE(flood.ok());
  int small = 4096;
  ::setsockopt(flood.fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  std::string gets;
  for (int i = 0; i < 3000; ++i) gets += frame(make(Opcode::get, "big"));
  REQUIRE(flood.send(gets));

  auto stats = [&] { return call(admin, make(Opcode::stats)).text; };
  const std::uint64_t bound_kib = before_kib + 32 * 1024;
  std::uint64_t peak_kib = 0;
  auto sample = [&] {
    peak_kib = std::max(peak_kib, rss_kib(server.pid()));
    return peak_kib >= bound_kib;
  };
  // The server stops reading that connection (or, were the limit broken, grows past the bound).
  const bool paused = eventually([&] {
    return sample() || json_number(stats(), "traffic", "output_pauses") >= 1;
  }, kReadTimeoutMs);
  // Then watch it for a while: its memory must stay near the per-connection limit.
  eventually(sample, 500);
  INFO("RSS before " << before_kib << " KiB, peak " << peak_kib << " KiB");
  CHECK(paused);
  CHECK(peak_kib < bound_kib);
  const auto sent = json_number(stats(), "traffic", "bytes_out");
  CHECK(sent < 64ll * 1024 * 1024);  // nowhere near the 750 MB asked for

  expect_served(server);  // others are served meanwhile
  flood.close();
  CHECK(call(admin, make(Opcode::ping)).status == Status::ok);
}

TEST_CASE("the connection past --max-connections gets BUSY and is closed", "[integration][limits]") {
  TempDir dir;
  ServerProcess server({dir.file("data"), true, {"--max-connections", "3"}});
  std::vector<ClientPtr> clients;
  for (int i = 0; i < 3; ++i) {
    clients.push_back(connect_to(server));
    REQUIRE(call(clients.back(), make(Opcode::ping)).status == Status::ok);  // accepted and counted
  }
  SECTION("native") {
    RawSocket extra(server.port());
    REQUIRE(extra.ok());
    auto resp = first_response(extra.read_to_close(kReadTimeoutMs));
    CHECK(extra.closed());
    CHECK(resp.status == Status::busy);
    CHECK_THAT(resp.message, Catch::Contains("--max-connections"));
    CHECK(static_cast<int>(resp.op) == 0);  // answers no request
    CHECK(resp.id == 0);
  }
  SECTION("RESP") {
    RawSocket extra(server.resp_port());
    REQUIRE(extra.ok());
    CHECK(extra.read_to_close(kReadTimeoutMs) == "-ERR max number of clients reached\r\n");
    CHECK(extra.closed());
  }
  // The connections already open go on, and a freed slot is given to the next client.
  for (auto& c : clients) CHECK(call(c, make(Opcode::ping)).status == Status::ok);
  clients.pop_back();
  CHECK(eventually([&] {
    tools::Client c;
    protocol::Response r;
    auto req = make(Opcode::ping);
    c.set_io_timeout_ms(kReadTimeoutMs);
    return c.connect("127.0.0.1", server.port()).ok() && c.call(req, r).ok() && r.status == Status::ok;
  }, kReadTimeoutMs));
}

TEST_CASE("connections idle for --idle-timeout-s are closed; active ones are not", "[integration][limits]") {
  TempDir dir;
  ServerProcess server({dir.file("data"), true, {"--idle-timeout-s", "1"}});
  auto active = connect_to(server);
  RawSocket idle_native(server.port());
  RawSocket idle_resp(server.resp_port());
  REQUIRE(idle_native.ok());
  REQUIRE(idle_resp.ok());
  REQUIRE(idle_native.send(frame(make(Opcode::ping))));
  REQUIRE(has_frame(idle_native.read_until(has_frame, kReadTimeoutMs)));
  REQUIRE(resp_call(idle_resp, {"PING"}) == "+PONG\r\n");
  const auto quiet_since = std::chrono::steady_clock::now();

  // Keep one connection busy while the others wait for the server to close them.
  const auto deadline = quiet_since + std::chrono::seconds(10);
  while ((!idle_native.closed() || !idle_resp.closed()) && std::chrono::steady_clock::now() < deadline) {
    if (!idle_native.closed()) idle_native.read_to_close(100);
    if (!idle_resp.closed()) idle_resp.read_to_close(100);
    REQUIRE(call(active, make(Opcode::ping)).status == Status::ok);
  }
  const auto waited = std::chrono::steady_clock::now() - quiet_since;
  CHECK(idle_native.closed());
  CHECK(idle_resp.closed());
  CHECK(waited >= std::chrono::milliseconds(900));
  CHECK(call(active, make(Opcode::ping)).status == Status::ok);  // busy for longer than the timeout
}

TEST_CASE("past --max-memory writes get OUT_OF_MEMORY; reads and deletes go on", "[integration][limits]") {
  TempDir dir;
  ServerProcess server({dir.file("data"), true, {"--max-memory", "1M"}});
  auto c = connect_to(server);
  const std::string value(10 * 1024, 'v');
  protocol::Response last;
  int written = 0;
  for (; written < 1000; ++written) {
    last = call(c, make(Opcode::set, "k" + std::to_string(written), value));
    if (last.status != Status::ok) break;
  }
  REQUIRE(last.status == Status::out_of_memory);
  CHECK(written > 10);
  CHECK_THAT(last.message, Catch::Contains("max memory"));
  auto m = make(Opcode::mset);
  m.keys = {"m1", "m2"};
  m.values = {value, value};
  CHECK(call(c, m).status == Status::out_of_memory);

  RawSocket resp(server.resp_port());
  REQUIRE(resp.ok());
  CHECK_THAT(resp_call(resp, {"SET", "r", value}), Catch::StartsWith("-OOM "));

  // Reads, shrinking writes and deletes go on.
  CHECK(call(c, make(Opcode::get, "k0")).value == value);
  CHECK(call(c, make(Opcode::set, "k1", "small")).status == Status::ok);
  CHECK(call(c, make(Opcode::dbsize)).integer == written);
  for (int i = 2; i < 12; ++i) CHECK(call(c, make(Opcode::del, "k" + std::to_string(i))).status == Status::ok);
  // Room again.
  CHECK(call(c, make(Opcode::set, "again", value)).status == Status::ok);
  CHECK(resp_call(resp, {"SET", "r", "v"}) == "+OK\r\n");
}

TEST_CASE("the metrics port bounds its connections and never holds up a shutdown", "[integration][limits]") {
  TempDir dir;
  ServerProcess server({dir.file("data"), false, {"--metrics-port", "0"}});
  REQUIRE(server.metrics_port() != 0);
  // Scrapers that connect and send half a request (or nothing).
  std::vector<std::unique_ptr<RawSocket>> stuck;
  for (std::size_t i = 0; i < 64; ++i) {
    stuck.push_back(std::make_unique<RawSocket>(server.metrics_port()));
    REQUIRE(stuck.back()->ok());
    if (i % 2 == 0) REQUIRE(stuck.back()->send("GET /metr"));
  }
  const auto opened = std::chrono::steady_clock::now();
  SECTION("past 64 open exchanges a new one is closed at once") {
    RawSocket extra(server.metrics_port());
    REQUIRE(extra.ok());
    CHECK(extra.read_to_close(3000).empty());
    CHECK(extra.closed());
  }
  SECTION("each is closed 5 s after it was accepted, whatever the client does") {
    for (auto& s : stuck) {
      s->read_to_close(kReadTimeoutMs);
      CHECK(s->closed());
    }
    CHECK(std::chrono::steady_clock::now() - opened >= std::chrono::milliseconds(4000));
    // The slots are free again (once the server has let go of the closed exchanges).
    std::string reply;
    CHECK(eventually([&] {
      RawSocket scrape(server.metrics_port());
      reply = scrape.send("GET /metrics HTTP/1.0\r\n\r\n") ? scrape.read_to_close(kReadTimeoutMs) : "";
      return !reply.empty();
    }, kReadTimeoutMs));
    CHECK_THAT(reply, Catch::StartsWith("HTTP/1.0 200 OK"));
  }
  SECTION("SIGTERM stops the server at once even so") {
    REQUIRE(::kill(server.pid(), SIGTERM) == 0);
    CHECK(server.wait_exit(3000) == 0);
  }
}
