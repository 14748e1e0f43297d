#include "server/server.h"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "server/busy_loop.h"
#include "server/compact_limits.h"
#include "server/metrics_listener.h"
#include "server/native_wire_codec.h"
#include "server/resp_codec.h"
#include "server/script/script_state.h"

namespace mnemo::server {

namespace {
constexpr auto kStopGrace = std::chrono::seconds(3);

// One single-threaded loop per io thread: hint 1 lets Asio skip waking other
// threads and keep completions on a thread-private queue.
std::vector<std::unique_ptr<asio::io_context>> make_loops(unsigned threads) {
  std::vector<std::unique_ptr<asio::io_context>> loops;
  for (unsigned i = 0; i < std::max(1u, threads); ++i) loops.push_back(std::make_unique<asio::io_context>(1));
  return loops;
}
}  // namespace

Server::Server(const Config& cfg)
    : cfg_(cfg),
      loops_(make_loops(cfg.threads)),
      signals_(main_loop(), SIGINT, SIGTERM),
      sweep_timer_(main_loop()),
      stop_grace_(main_loop()),
      stop_poll_(main_loop()) {
  stats_.started_at_ms = clock_.now_ms();
  choose_io_backend();
  conn_limits_.max_output_bytes = cfg_.max_output_bytes;
  conn_limits_.max_input_bytes = std::max<std::size_t>(cfg_.native_limits.max_frame_bytes,
                                                       cfg_.resp_max_bulk_bytes) + 64 * 1024;
  conn_limits_.idle_timeout_s = cfg_.idle_timeout_s;
  // 0 means no limit, as in Redis's client-output-buffer-limit.
  conn_limits_.pubsub_output_limit_bytes =
      cfg_.pubsub_output_limit_bytes == 0 ? UINT64_MAX : cfg_.pubsub_output_limit_bytes;
  events_.set_flags(cfg_.notify_keyspace_events);
  tracking_.set_max_keys(cfg_.tracking_table_max_keys);
  script::ScriptWatchdog::instance().set_time_limit_ms(cfg_.lua_time_limit_ms);

  persistence::ChangeLog* log = nullptr;
  if (cfg_.persistence_enabled) {
    persistence_ = persistence::Persistence::open(cfg_.persistence, clock_);
    log = &persistence_->change_log();
    feed::FeedOptions feed_opts;
    feed_opts.storage = cfg_.persistence;
    feed_opts.progress_interval = std::chrono::milliseconds(std::max<std::uint32_t>(cfg_.feed_progress_ms, 1));
    feed_ = std::make_unique<feed::FeedHub>(*persistence_, stats_, feed_opts);
    log->set_tap(feed_.get());  // before any append: the feed sees every seq
  } else {
    spdlog::warn("persistence is off (--no-persistence): nothing survives a restart");
  }
  compact_limits() = cfg_.compact;  // before recovery builds any collection
  store_ = std::make_unique<Store>(cfg_.store, log, clock_);
  // Before any other thread uses the store. Recovery announces nothing: nobody
  // subscribes before the listeners open.
  store_->set_expired_listener([this](DbIndex db, std::string_view key) {
    events_.notify(pubsub::notify::kExpired, "expired", db, key);
    tracking_.invalidate({&key, 1}, 0);  // client-side caching: the server itself removed it
    if (feed_) feed_->on_expired(db, key);
  });
  if (persistence_) {
    auto recovered = persistence_->recover(*store_);
    if (!recovered.ok()) throw std::runtime_error("recovery failed: " + recovered.error().message);
    persistence_->start(*store_);
    feed_->start();
  }
  executor_ = std::make_unique<Executor>(cfg_, *store_, persistence_.get(), stats_, [this] { request_stop(); });
  executor_->attach_pubsub(&pubsub_);
  executor_->attach_tracking(&tracking_);
  // Native invalidations carry a version at least as new as their change.
  tracking_.set_version_source([this] {
    return persistence_ ? persistence_->last_seq() : store_->last_local_version();
  });
  executor_->attach_blocking(&blocking_);

  open_listener(native_acceptor_, cfg_.port, "native");
  cfg_.port = native_acceptor_->local_endpoint().port();  // the bound one, for STATS and INFO
  if (cfg_.resp_port >= 0) {
    open_listener(resp_acceptor_, cfg_.resp_port, "RESP");
    cfg_.resp_port = resp_acceptor_->local_endpoint().port();  // the bound one, for INFO
  }
  if (cfg_.metrics_port >= 0) {
    metrics_ = std::make_unique<MetricsListener>(main_loop(), cfg_.bind_address, static_cast<std::uint16_t>(cfg_.metrics_port),
                                                 [this] { return executor_->prometheus_text(); });
  }
}

// auto and io_uring both fall back to epoll when a ring cannot be made (an old
// kernel, a seccomp policy, kernel.io_uring_disabled): the server still serves.
void Server::choose_io_backend() {
  const std::string asked = cfg_.io_backend;
  if (asked != "epoll") {
    std::string error;
    for (auto& loop : loops_) {
      auto ring = UringLoop::create(*loop, error);
      if (!ring) break;
      rings_.push_back(std::move(ring));
    }
    if (rings_.size() == loops_.size()) {
      cfg_.io_backend = "io_uring";
      spdlog::info("io backend: io_uring (one ring per io thread)");
      return;
    }
    rings_.clear();
    if (asked == "io_uring") spdlog::warn("io backend: io_uring is unavailable ({}); using epoll", error);
    else spdlog::info("io backend: epoll (io_uring unavailable: {})", error);
  } else {
    spdlog::info("io backend: epoll");
  }
  cfg_.io_backend = "epoll";
}

Server::~Server() {
  if (persistence_) persistence_->stop();
}

void Server::open_listener(std::optional<asio::ip::tcp::acceptor>& acceptor, int port, const char* what) {
  std::error_code ec;
  auto address = asio::ip::make_address(cfg_.bind_address == "localhost" ? "127.0.0.1" : cfg_.bind_address, ec);
  if (ec) throw std::runtime_error("bad --bind address '" + cfg_.bind_address + "': " + ec.message());
  asio::ip::tcp::endpoint endpoint(address, static_cast<std::uint16_t>(port));
  acceptor.emplace(main_loop());
  acceptor->open(endpoint.protocol());
  acceptor->set_option(asio::ip::tcp::acceptor::reuse_address(true));
  acceptor->bind(endpoint, ec);
  if (ec) {
    throw std::runtime_error(std::string("cannot listen for ") + what + " on " + cfg_.bind_address + ":" +
                             std::to_string(port) + ": " + ec.message());
  }
  acceptor->listen(asio::socket_base::max_listen_connections);
}

int Server::run() {
  const auto native_port = native_acceptor_->local_endpoint().port();
  spdlog::info("listening on {}:{} (native){}{}", cfg_.bind_address, native_port,
               resp_acceptor_ ? fmt::format(", {}:{} (RESP)", cfg_.bind_address, resp_acceptor_->local_endpoint().port()) : "",
               metrics_ ? fmt::format(", {}:{} (metrics)", cfg_.bind_address, metrics_->port()) : "");
  write_port_file();
  signals_.async_wait([this](const std::error_code& ec, int sig) {
    if (ec) return;
    spdlog::info("received signal {}, stopping", sig);
    begin_stop();
  });
  accept_next(*native_acceptor_, Protocol::native);
  if (resp_acceptor_) accept_next(*resp_acceptor_, Protocol::resp);
  arm_sweep();

  // Every loop runs until the stop sequence lets it go, connections or not.
  for (auto& loop : loops_) keep_running_.push_back(asio::make_work_guard(*loop));
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < loops_.size(); ++i) threads.emplace_back([this, i] { serve_loop(i); });
  serve_loop(0);
  for (auto& t : threads) t.join();

  if (feed_) feed_->stop();  // its threads read SQLite and wait on the journal
  if (persistence_) {
    spdlog::info("draining the journal");
    persistence_->stop();
  }
  spdlog::info("stopped cleanly");
  return 0;
}

void Server::serve_loop(std::size_t index) {
  stats_.bind_io_thread(index);
  busy_loop::bind(loops_[index].get());
  // A handler that throws must not take the server down with it; asio lets
  // a loop be run again after an exception left it.
  for (;;) {
    try {
      loops_[index]->run();
      break;
    } catch (const std::exception& e) {
      spdlog::error("io loop {}: a handler failed ({}); the loop goes on", index, e.what());
    }
  }
  ServerStats::unbind_io_thread();
}

void Server::request_stop() {
  asio::post(main_loop(), [this] { begin_stop(); });
}

// Runs on loop 0, like every step of the stop sequence.
void Server::begin_stop() {
  if (stopping_.exchange(true)) return;
  if (script::ScriptWatchdog::instance().busy()) stop_past_busy_script();
  std::error_code ec;
  if (native_acceptor_) native_acceptor_->close(ec);
  if (resp_acceptor_) resp_acceptor_->close(ec);
  if (metrics_) metrics_->close();
  signals_.cancel(ec);
  sweep_timer_.cancel();
  stop_connections();
  // A client that never reads its replies must not hold the shutdown hostage.
  stop_grace_.expires_after(kStopGrace);
  stop_grace_.async_wait([this](const std::error_code& e) {
    if (e) return;
    spdlog::warn("connections did not close within {}s; stopping anyway", kStopGrace.count());
    stop_poll_.cancel();
    stop_loops();
  });
  poll_stop();
}

// A script past the time limit holds its io thread and may never end, so the
// loops cannot be joined: commit what the journal holds and leave. The script's
// own writes are one journal unit appended only when it ends, so none of them
// is kept (all or none); every write acknowledged to a client is.
void Server::stop_past_busy_script() {
  spdlog::warn("stopping while a script runs past the time limit: the journal is drained and the script's "
               "writes are dropped");
  if (persistence_) persistence_->stop();
  spdlog::info("stopped (a busy script was abandoned)");
  spdlog::shutdown();
  std::_Exit(0);
}

// Ends the stop early, and gently, once every connection is gone.
void Server::poll_stop() {
  if (stats_.connections_current.load() == 0) {
    stop_grace_.cancel();
    end_stop();
    return;
  }
  stop_poll_.expires_after(std::chrono::milliseconds(5));
  stop_poll_.async_wait([this](const std::error_code& e) {
    if (!e) poll_stop();
  });
}

// Every connection is gone: each loop returns once it has run what is queued on it.
// A ring's wait for completions is work too: it ends here, on the ring's loop.
void Server::end_stop() {
  keep_running_.clear();
  for (std::size_t i = 0; i < rings_.size(); ++i) asio::post(*loops_[i], [ring = rings_[i].get()] { ring->stop(); });
}

// Abandons whatever is still queued on the loops; it is destroyed with them.
void Server::stop_loops() {
  for (auto& loop : loops_) loop->stop();
}

// Each connection's stop() posts to its own loop.
void Server::stop_connections() {
  std::lock_guard lock(conns_mu_);
  for (auto& weak : conns_)
    if (auto c = weak.lock()) c->stop();
  conns_.clear();
}

void Server::accept_next(asio::ip::tcp::acceptor& acceptor, Protocol proto) {
  // The new socket belongs to the next loop in turn; the handler runs on loop 0.
  const std::size_t index = next_loop_;
  asio::io_context& loop = *loops_[index];
  next_loop_ = (next_loop_ + 1) % loops_.size();
  acceptor.async_accept(loop, [this, &acceptor, proto, index](const std::error_code& ec, asio::ip::tcp::socket socket) {
    if (ec) {
      if (ec == asio::error::operation_aborted || stopping_) return;
      spdlog::warn("accept failed: {}", ec.message());  // e.g. out of file descriptors
    } else {
      on_accept(std::move(socket), proto, index);
    }
    if (!stopping_) accept_next(acceptor, proto);
  });
}

// On loop 0; the connection then lives on its socket's loop.
void Server::on_accept(asio::ip::tcp::socket socket, Protocol proto, std::size_t loop_index) {
  if (stopping_) {  // accepted just before the listener closed
    std::error_code ec;
    socket.close(ec);
    return;
  }
  if (stats_.connections_current.load(std::memory_order_relaxed) >= cfg_.max_connections) {
    stats_.connections_rejected.fetch_add(1, std::memory_order_relaxed);
    reject(socket, proto);
    return;
  }
  UringLoop* ring = rings_.empty() ? nullptr : rings_[loop_index].get();
  auto conn = std::make_shared<Connection>(std::move(socket), make_codec(proto), *executor_, stats_,
                                           persistence_.get(), conn_limits_, proto == Protocol::resp, ring);
  {
    std::lock_guard lock(conns_mu_);
    // Forget closed connections now and then so the list stays as long as the live set.
    if (conns_.size() >= 64 && conns_.size() >= 2 * stats_.connections_current.load()) {
      std::erase_if(conns_, [](const auto& w) { return w.expired(); });
    }
    conns_.push_back(conn);
  }
  conn->start();
}

void Server::reject(asio::ip::tcp::socket& socket, Protocol proto) {
  std::string msg;
  if (proto == Protocol::resp) {
    msg = "-ERR max number of clients reached\r\n";
  } else {
    protocol::Response r;
    r.op = static_cast<protocol::Opcode>(0);  // answers no request: op 0, id 0
    r.fail(protocol::Status::busy, "max number of connections reached (--max-connections)");
    protocol::native::encode_response(r, msg);
  }
  std::error_code ec;
  asio::write(socket, asio::buffer(msg), ec);  // best effort, a few bytes into a fresh socket buffer
  socket.close(ec);
}

std::unique_ptr<WireCodec> Server::make_codec(Protocol proto) {
  if (proto == Protocol::native) {
    return std::make_unique<NativeWireCodec>(cfg_.native_limits, stats_, [this] { return make_resp_codec(); },
                                             &tracking_, feed_.get(), !cfg_.auth_token.empty());
  }
  return make_resp_codec();
}

std::unique_ptr<RespCodec> Server::make_resp_codec() {
  RespCodecOptions opts;
  opts.limits.max_array_len = cfg_.resp_max_array_len;
  opts.limits.max_bulk_bytes = cfg_.resp_max_bulk_bytes;
  opts.auth_required = !cfg_.auth_token.empty();
  // Unique per codec, also for the one a native connection makes for COMMAND frames later.
  opts.client_id = next_client_id_.fetch_add(1, std::memory_order_relaxed) + 1;
  opts.max_memory_bytes = cfg_.store.max_memory_bytes;
  opts.idle_timeout_s = cfg_.idle_timeout_s;
  opts.max_value_bytes = cfg_.store.max_value_bytes;
  opts.databases = cfg_.store.databases;
  opts.store = store_.get();
  opts.journal = cfg_.persistence_enabled;
  opts.clock = &clock_;
  opts.stats = &stats_;
  opts.pubsub = &pubsub_;
  opts.events = &events_;
  opts.tracking = &tracking_;
  opts.blocking = &blocking_;
  return std::make_unique<RespCodec>(opts, [this](std::string_view section) { return executor_->info_text(section); });
}

void Server::arm_sweep() {
  sweep_timer_.expires_after(std::chrono::milliseconds(cfg_.sweep_interval_ms));
  sweep_timer_.async_wait([this](const std::error_code& ec) {
    if (ec || stopping_) return;
    if (busy_loop::serving()) return busy_loop::defer([this] { arm_sweep(); });  // not inside a busy script
    store_->sweep_expired(cfg_.sweep_max_keys);
    stats_.sample_commands(clock_.now_ms());  // INFO's instantaneous_ops_per_sec
    arm_sweep();
  });
}

void Server::write_port_file() const {
  if (cfg_.port_file.empty()) return;
  std::string text = "native " + std::to_string(native_acceptor_->local_endpoint().port()) + "\n";
  if (resp_acceptor_) text += "resp " + std::to_string(resp_acceptor_->local_endpoint().port()) + "\n";
  if (metrics_) text += "metrics " + std::to_string(metrics_->port()) + "\n";
  const std::string tmp = cfg_.port_file + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << text;
    if (!out) throw std::runtime_error("cannot write --port-file " + cfg_.port_file);
  }
  std::filesystem::rename(tmp, cfg_.port_file);
}

}  // namespace mnemo::server
