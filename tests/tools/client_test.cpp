// Client against a scripted loopback peer (no mnemo-server involved).
#include "server/tools/client.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <functional>
#include <string>
#include <thread>

using namespace mnemo::protocol;
using mnemo::tools::Client;
namespace native = mnemo::protocol::native;

namespace {

// Accepts one connection and answers each request frame with `answer(req)`,
// appended as encoded bytes; stops at EOF.
class FakeServer {
 public:
  explicit FakeServer(std::function<void(const Request&, std::string&)> answer) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(fd_, 1) == 0);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this, answer = std::move(answer)] { serve(answer); });
  }
  ~FakeServer() {
    ::shutdown(fd_, SHUT_RDWR);
    thread_.join();
    ::close(fd_);
  }
  std::uint16_t port() const { return port_; }

 private:
  void serve(const std::function<void(const Request&, std::string&)>& answer) {
    const int c = ::accept(fd_, nullptr, nullptr);
    if (c < 0) return;
    std::string in;
    char buf[4096];
    for (;;) {
      const ssize_t n = ::recv(c, buf, sizeof buf, 0);
      if (n <= 0) break;
      in.append(buf, static_cast<std::size_t>(n));
      std::string out;
      Request req;
      for (;;) {
        auto r = native::decode_request(in, req);
        if (r.state != native::DecodeState::ok) break;
        answer(req, out);
        in.erase(0, r.consumed);
      }
      if (!out.empty()) ::send(c, out.data(), out.size(), MSG_NOSIGNAL);
    }
    ::close(c);
  }

  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

void echo(const Request& req, std::string& out) {
  Response resp;
  resp.op = req.op;
  resp.id = req.id;
  resp.text = std::string(req.key);
  if (req.op == Opcode::auth) {
    if (req.key != "good") resp.fail(Status::unauthorized, "invalid token");
    resp.admin = true;
  }
  if (req.op == Opcode::hello) resp.version = 1;
  native::encode_response(resp, out);
}

}  // namespace

TEST_CASE("client pipelines requests and matches responses in order", "[tools]") {
  FakeServer server(echo);
  Client c;
  REQUIRE(c.connect("127.0.0.1", server.port(), 2000));
  c.set_io_timeout_ms(10000);
  REQUIRE(*c.hello("test") == 1);
  std::vector<std::string> payloads;
  for (int i = 0; i < 3000; ++i) payloads.push_back("p" + std::to_string(i));
  std::vector<Request> reqs(payloads.size());
  for (std::size_t i = 0; i < reqs.size(); ++i) {
    reqs[i].op = Opcode::ping;
    reqs[i].key = payloads[i];
  }
  std::vector<Response> resps;
  REQUIRE(c.pipeline(reqs, resps));
  REQUIRE(resps.size() == reqs.size());
  for (std::size_t i = 0; i < resps.size(); ++i) REQUIRE(resps[i].text == payloads[i]);
}

TEST_CASE("client turns an AUTH refusal into an error with the server's status", "[tools]") {
  FakeServer server(echo);
  Client c;
  REQUIRE(c.connect("127.0.0.1", server.port(), 2000));
  auto bad = c.auth("bad");
  REQUIRE_FALSE(bad);
  REQUIRE(bad.error().status == Status::unauthorized);
  REQUIRE(*c.auth("good"));
}

TEST_CASE("client reports a response whose id does not match", "[tools]") {
  FakeServer server([](const Request& req, std::string& out) {
    Response resp;
    resp.op = req.op;
    resp.id = req.id + 1;
    native::encode_response(resp, out);
  });
  Client c;
  REQUIRE(c.connect("127.0.0.1", server.port(), 2000));
  Request req;
  Response resp;
  auto r = c.call(req, resp);
  REQUIRE_FALSE(r);
  REQUIRE(r.error().message.find("does not match") != std::string::npos);
  REQUIRE_FALSE(c.connected());
}

TEST_CASE("client times out when the server does not answer", "[tools]") {
  FakeServer server([](const Request&, std::string&) {});
  Client c;
  REQUIRE(c.connect("127.0.0.1", server.port(), 2000));
  c.set_io_timeout_ms(50);
  Request req;
  Response resp;
  auto r = c.call(req, resp);
  REQUIRE_FALSE(r);
  REQUIRE(r.error().message.find("timed out") != std::string::npos);
}

TEST_CASE("client connect fails cleanly on a closed port", "[tools]") {
  Client c;
  auto r = c.connect("127.0.0.1", 1, 2000);
  REQUIRE_FALSE(r);
  REQUIRE(r.error().message.find("cannot connect") != std::string::npos);
}
