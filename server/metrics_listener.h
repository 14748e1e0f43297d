// A minimal HTTP/1.0 listener serving GET /metrics as Prometheus text
// (format 0.0.4). One request per connection; anything else gets 404.
// Threads: runs on the server's io_context; close() on an io thread.
// Lifetime: must outlive the io_context's run(); the render function must
// stay valid as long as the listener.
#pragma once

#include <asio.hpp>

#include <functional>
#include <string>

namespace mnemo::server {

class MetricsListener {
 public:
  MetricsListener(asio::io_context& io, const std::string& bind, std::uint16_t port,
                  std::function<std::string()> render);
  std::uint16_t port() const { return port_; }
  void close();

 private:
  void accept_next();

  asio::io_context& io_;
  asio::ip::tcp::acceptor acceptor_;
  std::function<std::string()> render_;
  std::uint16_t port_ = 0;
};

}  // namespace mnemo::server
