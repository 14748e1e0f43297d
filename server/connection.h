// One client connection of either protocol: reads bytes, lets its WireCodec
// cut them into requests, runs each through the Executor, and writes the
// replies back in request order, batching them into as few writes as it can.
//
// Threads: the connection lives on one io loop, the single-threaded
// io_context its socket belongs to, and every handler runs on that loop's
// thread, so none needs a strand. complete() (AsyncReply; the journal,
// snapshot and backup threads call it) and stop() (the server's stop
// sequence on loop 0) may be called from any thread: they only post to the
// socket's executor. The constructor and start() run on the accepting thread
// before anything else can reach the connection.
// Lifetime: kept alive by shared_ptr while an operation on it is pending; the
// Server holds only weak references.
// Flow control: it stops reading while a request is pending (durable wait,
// backup, snapshot --wait), while its unsent replies exceed max_output_bytes,
// and while the journal is under pressure; so neither a slow reader nor a
// lagging disk can make the server's memory grow without bound.
// Blocked commands: while a BLPOP-like command waits (server/blocking/), the
// connection runs nothing else but keeps reading (up to max_input_bytes), so
// that a client that goes away is noticed and its wait cancelled.
// Pushed output: a connection has an Outbox (pubsub/outbox.h) through
// which other threads hand it pub/sub messages (RESP) and change-feed events
// (native WATCH); they join the replies in out_. A connection whose unsent output passes pubsub_output_limit_bytes
// while it receives pushed messages is closed (a slow subscriber must not
// slow the publisher nor grow without bound), logged and counted.
// Backends: with a UringLoop (--io-backend io_uring) the socket's receives and
// sends go through that loop's ring (connection_uring.cpp) and the connection
// owns the bare descriptor; without one, through Asio's epoll reactor. Both
// call on_read() and on_written(), so everything above them is shared.
#pragma once

#include <asio.hpp>

#include <chrono>
#include <memory>
#include <string>

#include "server/executor.h"
#include "server/pubsub/outbox.h"
#include "server/uring_loop.h"
#include "server/wire_codec.h"

namespace mnemo::server {

struct ConnectionLimits {
  std::uint64_t max_output_bytes = 64ull << 20;
  std::size_t max_input_bytes = (32u << 20) + 4096;  // one largest frame plus slack
  std::uint32_t idle_timeout_s = 0;
  // Redis's client-output-buffer-limit pubsub hard limit (32 MB by default).
  std::uint64_t pubsub_output_limit_bytes = 32ull << 20;
};

class Connection : public std::enable_shared_from_this<Connection>,
                   public AsyncReply,
                   public pubsub::Outbox::Sink {
 public:
  Connection(asio::ip::tcp::socket socket, std::unique_ptr<WireCodec> codec, Executor& executor,
             ServerStats& stats, const persistence::Backpressure* backpressure, const ConnectionLimits& limits,
             bool resp, UringLoop* ring = nullptr);
  ~Connection() override;

  void start();  // once, on the accepting thread
  void stop();   // any thread: stop reading, flush what is queued, close

  void complete(std::function<void(protocol::Response&)> fill) override;
  void on_outbox_ready() override;
  void on_outbox_overflow() override;
  void on_unblocked() override;

 private:
  void read_next();
  void on_read(const std::error_code& ec, std::size_t n);
  void process();
  void process_input();
  bool execute_one(std::size_t consumed, const std::shared_ptr<AsyncReply>& self);
  void refuse_oversized();
  void flush();
  void on_written(const std::error_code& ec);
  void wait_for_pressure();
  void arm_idle_timer();
  void close();
  template <class F>
  bool defer_while_running(F again);
  void close_slow_consumer(std::uint64_t unsent_bytes);
  bool can_read() const;
  std::string_view input() const { return {in_.data() + in_begin_, in_end_ - in_begin_}; }
  void drop_input(std::size_t n);
  void prefetch_ahead(std::size_t offset);
  void make_room();
  // The transport: Asio's reactor, or the ring (connection_uring.cpp).
  void start_read();
  void start_write();
  void shutdown_socket(asio::socket_base::shutdown_type how);
  void close_socket();
  void adopt_descriptor();
  void on_readable(const std::error_code& ec);
  static void on_ring_read(UringLoop::Op& op, int result, std::shared_ptr<void> keep);
  static void on_ring_written(UringLoop::Op& op, int result, std::shared_ptr<void> keep);

  // -- the connection's loop thread only (after start()) --
  asio::ip::tcp::socket socket_;
  std::unique_ptr<WireCodec> codec_;
  Executor& executor_;
  ServerStats& stats_;
  const persistence::Backpressure* backpressure_;  // null: no journal to wait for
  ConnectionLimits limits_;
  SessionState session_;
  bool is_resp_;  // RESP, not the native protocol (a RESET starts a session of the same kind)
  std::string in_;              // [in_begin_, in_end_) holds unparsed bytes
  std::size_t in_begin_ = 0;
  std::size_t in_end_ = 0;
  std::string out_;             // replies not yet handed to the socket
  std::string writing_;         // replies being written
  protocol::Request req_;
  protocol::Response resp_;
  std::size_t pending_consumed_ = 0;  // input bytes of the request awaiting complete()
  bool pending_ = false;
  bool blocked_ = false;        // a blocking command waits for its reply (NextKind::blocked)
  bool reading_ = false;
  bool read_drained_ = false;   // epoll: the last read left the socket empty (connection_uring.cpp)
  bool writing_now_ = false;
  bool close_after_flush_ = false;
  bool closed_ = false;
  bool in_process_ = false;     // process() is on the stack (a busy script may serve others meanwhile)
  asio::steady_timer timer_;    // backpressure retry and idle timeout
  std::shared_ptr<pubsub::Outbox> outbox_;  // others push into it from any thread
  std::chrono::steady_clock::time_point last_activity_;
  // -- io_uring backend only (ring_ set) --
  UringLoop* ring_;             // this loop's ring, or nullptr for epoll
  int fd_ = -1;                 // the socket, taken out of socket_ once on the loop
  UringLoop::Op read_op_;
  UringLoop::Op write_op_;
  std::size_t written_ = 0;     // bytes of writing_ the kernel has taken
};

}  // namespace mnemo::server
