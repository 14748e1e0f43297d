#include "server/metrics_listener.h"

#include <mutex>
#include <vector>

namespace mnemo::server {

namespace {
constexpr std::size_t kMaxRequestBytes = 8192;
}  // namespace

// Outside the anonymous namespace: State, which is not in it, holds pointers to it.
class MetricsExchange;

// -- shared by the listener and its exchanges; guarded by mu --
struct MetricsListener::State {
  std::function<std::string()> render;
  std::mutex mu;
  std::vector<std::weak_ptr<MetricsExchange>> open;
  bool closed = false;
};

// One HTTP exchange; keeps itself alive through its handlers, which run on its
// socket's strand. stop() may be called from any thread.
class MetricsExchange : public std::enable_shared_from_this<MetricsExchange> {
 public:
  MetricsExchange(asio::ip::tcp::socket s, std::shared_ptr<MetricsListener::State> state)
      : socket_(std::move(s)), timer_(socket_.get_executor()), state_(std::move(state)) {}

  void start() {
    timer_.expires_after(MetricsListener::kExchangeTimeout);
    timer_.async_wait([self = shared_from_this()](const std::error_code& ec) {
      if (!ec) self->finish();  // too slow: whatever it was doing, it is over
    });
    asio::async_read_until(socket_, asio::dynamic_buffer(request_, kMaxRequestBytes), "\r\n\r\n",
                           [self = shared_from_this()](const std::error_code& ec, std::size_t) {
                             if (ec) {
                               self->finish();
                               return;
                             }
                             self->respond();
                           });
  }

  void stop() {
    asio::post(socket_.get_executor(), [self = shared_from_this()] { self->finish(); });
  }

 private:
  void respond() {
    const bool is_metrics = request_.rfind("GET /metrics ", 0) == 0 || request_.rfind("GET /metrics?", 0) == 0;
    std::string body = is_metrics ? state_->render() : "not found: try /metrics\n";
    response_ = std::string("HTTP/1.0 ") + (is_metrics ? "200 OK" : "404 Not Found") +
                "\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\nContent-Length: " +
                std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
    asio::async_write(socket_, asio::buffer(response_),
                      [self = shared_from_this()](const std::error_code&, std::size_t) { self->finish(); });
  }

  void finish() {
    std::error_code ec;
    timer_.cancel();
    socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    socket_.close(ec);
  }

  asio::ip::tcp::socket socket_;
  asio::steady_timer timer_;
  std::shared_ptr<MetricsListener::State> state_;
  std::string request_;
  std::string response_;
};

MetricsListener::MetricsListener(asio::io_context& io, const std::string& bind, std::uint16_t port,
                                 std::function<std::string()> render)
    : io_(io), acceptor_(io), state_(std::make_shared<State>()) {
  state_->render = std::move(render);
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

MetricsListener::~MetricsListener() {
  std::lock_guard lock(state_->mu);
  state_->closed = true;
}

void MetricsListener::close() {
  std::error_code ec;
  acceptor_.close(ec);
  std::vector<std::weak_ptr<MetricsExchange>> open;
  {
    std::lock_guard lock(state_->mu);
    state_->closed = true;
    open.swap(state_->open);
  }
  for (auto& weak : open)
    if (auto x = weak.lock()) x->stop();
}

void MetricsListener::accept_next() {
  acceptor_.async_accept(asio::make_strand(io_), [this](const std::error_code& ec, asio::ip::tcp::socket s) {
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (!ec) {
      auto x = std::make_shared<MetricsExchange>(std::move(s), state_);
      bool admitted = false;
      {
        std::lock_guard lock(state_->mu);
        std::erase_if(state_->open, [](const auto& w) { return w.expired(); });
        admitted = !state_->closed && state_->open.size() < kMaxExchanges;
        if (admitted) state_->open.push_back(x);
      }
      if (admitted) x->start();  // otherwise x goes now, closing its socket
    }
    accept_next();
  });
}

}  // namespace mnemo::server
