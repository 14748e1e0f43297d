#include "server/metrics_listener.h"

#include <memory>

namespace mnemo::server {

namespace {

constexpr std::size_t kMaxRequestBytes = 8192;

// One HTTP exchange; keeps itself alive through its handlers.
class MetricsExchange : public std::enable_shared_from_this<MetricsExchange> {
 public:
  MetricsExchange(asio::ip::tcp::socket s, const std::function<std::string()>& render)
      : socket_(std::move(s)), render_(render) {}

  void start() {
    asio::async_read_until(socket_, asio::dynamic_buffer(request_, kMaxRequestBytes), "\r\n\r\n",
                           [self = shared_from_this()](const std::error_code& ec, std::size_t) {
                             if (ec) return;
                             self->respond();
                           });
  }

 private:
  void respond() {
    const bool is_metrics = request_.rfind("GET /metrics ", 0) == 0 || request_.rfind("GET /metrics?", 0) == 0;
    std::string body = is_metrics ? render_() : "not found: try /metrics\n";
    response_ = std::string("HTTP/1.0 ") + (is_metrics ? "200 OK" : "404 Not Found") +
                "\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\nContent-Length: " +
                std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
    asio::async_write(socket_, asio::buffer(response_), [self = shared_from_this()](const std::error_code&, std::size_t) {
      std::error_code ec;
      self->socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    });
  }

  asio::ip::tcp::socket socket_;
  const std::function<std::string()>& render_;
  std::string request_;
  std::string response_;
};

}  // namespace

MetricsListener::MetricsListener(asio::io_context& io, const std::string& bind, std::uint16_t port,
                                 std::function<std::string()> render)
    : io_(io), acceptor_(io), render_(std::move(render)) {
  auto address = asio::ip::make_address(bind == "localhost" ? "127.0.0.1" : bind);
  asio::ip::tcp::endpoint endpoint(address, port);
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(asio::ip::tcp::acceptor::reuse_address(true));
  std::error_code ec;
  acceptor_.bind(endpoint, ec);
  if (ec) throw std::runtime_error("cannot listen for metrics on port " + std::to_string(port) + ": " + ec.message());
  acceptor_.listen();
  port_ = acceptor_.local_endpoint().port();
  accept_next();
}

void MetricsListener::close() {
  std::error_code ec;
  acceptor_.close(ec);
}

void MetricsListener::accept_next() {
  acceptor_.async_accept(asio::make_strand(io_), [this](const std::error_code& ec, asio::ip::tcp::socket s) {
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (!ec) std::make_shared<MetricsExchange>(std::move(s), render_)->start();
    accept_next();
  });
}

}  // namespace mnemo::server
