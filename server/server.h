// The running server: owns the persistence, the store, the executor, the
// listeners and the io threads, and the order in which they start and stop.
//
// Start: open the database, recover into the store, start the journal, bind
// the listeners, write the port file, serve. Stop (SIGTERM, SIGINT, SHUTDOWN):
// close the listeners, let connections flush and close, drain the journal,
// close the database, return 0.
//
// Threads: one io_context ("loop") per io thread, each run by that thread
// alone (concurrency hint 1). Loop 0 runs on the main thread inside run() and
// holds the listeners, the signal set, the expiry sweep timer, the metrics
// listener and the stop sequence; every accepted connection is handed to the
// loops in turn and lives on its loop for good, so its handlers need no strand.
// Construct and run() on the main thread; request_stop() from any thread.
// Lifetime: the loops outlive every connection and timer on them; the
// executor, store and stats outlive the loops.
#pragma once

#include <asio.hpp>

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "persistence/persistence.h"
#include "server/clock.h"
#include "server/config.h"
#include "server/connection.h"
#include "server/executor.h"
#include "server/feed/feed_hub.h"
#include "server/pubsub/keyspace_events.h"
#include "server/pubsub/registry.h"
#include "server/server_stats.h"
#include "server/store.h"
#include "server/tracking/tracking_table.h"
#include "server/uring_loop.h"

namespace mnemo::server {

class RespCodec;

class MetricsListener;

class Server {
 public:
  explicit Server(const Config& cfg);  // recovers and binds; throws on failure
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  int run();            // serves until stopped; returns the process exit code
  void request_stop();  // thread-safe, idempotent

 private:
  enum class Protocol { native, resp };
  void open_listener(std::optional<asio::ip::tcp::acceptor>& acceptor, int port, const char* what);
  void accept_next(asio::ip::tcp::acceptor& acceptor, Protocol proto);
  void on_accept(asio::ip::tcp::socket socket, Protocol proto, std::size_t loop_index);
  std::unique_ptr<WireCodec> make_codec(Protocol proto);
  std::unique_ptr<RespCodec> make_resp_codec();
  std::atomic<std::uint64_t> next_client_id_{0};  // CLIENT ID, HELLO's id, tracking redirects  // also runs a native connection's COMMAND frames
  void reject(asio::ip::tcp::socket& socket, Protocol proto);
  void arm_sweep();
  void write_port_file() const;
  void begin_stop();
  [[noreturn]] void stop_past_busy_script();
  void poll_stop();
  void stop_connections();
  void end_stop();
  void stop_loops();
  void serve_loop(std::size_t index);
  void choose_io_backend();
  asio::io_context& main_loop() { return *loops_.front(); }

  // -- set at construction, then read-only --
  Config cfg_;
  SystemClock clock_;
  ServerStats stats_;
  // Before the loops: connections on them unsubscribe when they are destroyed.
  pubsub::Registry pubsub_;
  pubsub::KeyspaceEvents events_{pubsub_};
  tracking::TrackingTable tracking_;  // client-side caching (CLIENT TRACKING)
  blocking::Registry blocking_;  // clients blocked on keys (BLPOP ...)
  std::unique_ptr<persistence::Persistence> persistence_;
  std::unique_ptr<feed::FeedHub> feed_;  // the change feed (WATCH); only with persistence
  std::unique_ptr<Store> store_;
  std::unique_ptr<Executor> executor_;
  ConnectionLimits conn_limits_;

  // -- the loops: set at construction, one per io thread --
  using WorkGuard = asio::executor_work_guard<asio::io_context::executor_type>;
  std::vector<std::unique_ptr<asio::io_context>> loops_;
  // One ring per loop with --io-backend io_uring, none with epoll. After the
  // loops: destroyed first, while their loops still exist.
  std::vector<std::unique_ptr<UringLoop>> rings_;

  // -- loop 0 only --
  std::vector<WorkGuard> keep_running_;  // lets a loop with no connection wait for one; dropped at stop
  std::size_t next_loop_ = 0;            // round-robin for accepted connections
  std::optional<asio::ip::tcp::acceptor> native_acceptor_;
  std::optional<asio::ip::tcp::acceptor> resp_acceptor_;
  std::unique_ptr<MetricsListener> metrics_;
  asio::signal_set signals_;
  asio::steady_timer sweep_timer_;
  asio::steady_timer stop_grace_;  // at stop: gives up waiting for connections to close
  asio::steady_timer stop_poll_;   // at stop: checks whether they have

  // -- any thread, guarded by conns_mu_ --
  std::mutex conns_mu_;
  std::vector<std::weak_ptr<Connection>> conns_;

  std::atomic<bool> stopping_{false};
};

}  // namespace mnemo::server
