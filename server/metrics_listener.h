// A minimal HTTP/1.0 listener serving GET /metrics as Prometheus text
// (format 0.0.4). One request per connection; anything else gets 404.
// Bounded like the data ports: at most kMaxExchanges connections at a time
// (more are closed at once), each closed kExchangeTimeout after it was
// accepted whatever the client does, and close() ends every open one, so a
// scraper that connects and never sends cannot hold file descriptors or the
// server's shutdown.
// Threads: runs on the io_context it is given (the server's loop 0, one
// thread); close() on that loop's thread.
// Lifetime: the io_context must outlive the listener; exchanges still pending
// when the listener goes share its state, so they never dangle.
#pragma once

#include <asio.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace mnemo::server {

class MetricsListener {
 public:
  static constexpr std::size_t kMaxExchanges = 64;
  static constexpr std::chrono::seconds kExchangeTimeout{5};

  MetricsListener(asio::io_context& io, const std::string& bind, std::uint16_t port,
                  std::function<std::string()> render);
  ~MetricsListener();
  std::uint16_t port() const { return port_; }
  void close();  // stops accepting and ends every open exchange

  struct State;  // shared with the exchanges (metrics_listener.cpp)

 private:
  void accept_next();

  asio::io_context& io_;
  asio::ip::tcp::acceptor acceptor_;
  std::shared_ptr<State> state_;
  std::uint16_t port_ = 0;
};

}  // namespace mnemo::server
