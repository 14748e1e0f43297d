#include "server/connection.h"

#include <spdlog/spdlog.h>

#include <atomic>

#include "server/busy_loop.h"

namespace mnemo::server {

namespace {
constexpr std::size_t kReadChunk = 64 * 1024;
constexpr auto kPressureRetry = std::chrono::milliseconds(1);
}  // namespace

Connection::Connection(asio::ip::tcp::socket socket, std::unique_ptr<WireCodec> codec, Executor& executor,
                       ServerStats& stats, const persistence::Backpressure* backpressure,
                       const ConnectionLimits& limits, bool resp, UringLoop* ring)
    : socket_(std::move(socket)),
      codec_(std::move(codec)),
      executor_(executor),
      stats_(stats),
      backpressure_(backpressure),
      limits_(limits),
      session_(executor.new_session(resp)),
      is_resp_(resp),
      timer_(socket_.get_executor()),
      ring_(ring) {
  // Native connections get one too: the change feed (WATCH) pushes into it.
  outbox_ = std::make_shared<pubsub::Outbox>(socket_.get_executor(), limits_.pubsub_output_limit_bytes);
  stats_.connections_current.fetch_add(1, std::memory_order_relaxed);
  stats_.connections_total.fetch_add(1, std::memory_order_relaxed);
}

Connection::~Connection() {
  close_socket();
  stats_.connections_current.fetch_sub(1, std::memory_order_relaxed);
}

void Connection::start() {
  std::error_code ec;
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
  if (!ring_) socket_.non_blocking(true, ec);  // on_readable()'s receive never waits
  in_.resize(kReadChunk);
  last_activity_ = std::chrono::steady_clock::now();
  if (outbox_) {
    outbox_->attach(weak_from_this());
    codec_->attach_outbox(outbox_);
  }
  asio::dispatch(socket_.get_executor(), [self = shared_from_this()] {
    self->adopt_descriptor();
    self->arm_idle_timer();
    self->read_next();
  });
}

// Inside busy_loop::serve_others(): while this connection's request runs a
// script, its own handlers wait until the script is done (busy_loop.h).
// `again` captures the connection by raw pointer: checking costs nothing on the
// hot path, and only a deferral pays for the shared_ptr that keeps it alive.
template <class F>
bool Connection::defer_while_running(F again) {
  if (!in_process_ || !busy_loop::serving()) [[likely]] return false;
  busy_loop::defer([self = shared_from_this(), again = std::move(again)] { again(); });
  return true;
}

void Connection::stop() {
  asio::post(socket_.get_executor(), [self = shared_from_this()] {
    if (self->defer_while_running([p = self.get()] { p->stop(); })) return;
    self->close_after_flush_ = true;
    self->timer_.cancel();
    if (!self->writing_now_ && self->out_.empty()) self->close();
    else self->shutdown_socket(asio::ip::tcp::socket::shutdown_receive);
  });
}

bool Connection::can_read() const {
  return !closed_ && !reading_ && !pending_ && !close_after_flush_ &&
         out_.size() + writing_.size() < limits_.max_output_bytes &&
         (!blocked_ || in_end_ - in_begin_ < limits_.max_input_bytes);
}

void Connection::read_next() {
  if (!can_read()) return;
  if (backpressure_ && backpressure_->under_pressure()) {
    wait_for_pressure();
    return;
  }
  make_room();
  reading_ = true;
  start_read();
}

// Keeps unparsed bytes at the front and at least one read chunk of space after them.
void Connection::make_room() {
  if (in_begin_ == in_end_) {
    in_begin_ = in_end_ = 0;
  } else if (in_begin_ > 0 && in_.size() - in_end_ < kReadChunk) {
    std::memmove(in_.data(), in_.data() + in_begin_, in_end_ - in_begin_);
    in_end_ -= in_begin_;
    in_begin_ = 0;
  }
  if (in_.size() - in_end_ < kReadChunk / 2) in_.resize(std::max(in_.size() * 2, in_end_ + kReadChunk));
}

void Connection::drop_input(std::size_t n) {
  in_begin_ += n;
  if (in_begin_ == in_end_) in_begin_ = in_end_ = 0;
}

void Connection::on_read(const std::error_code& ec, std::size_t n) {
  if (defer_while_running([this, ec, n] { on_read(ec, n); })) return;
  reading_ = false;
  if (ec) {
    if (ec != asio::error::eof && ec != asio::error::operation_aborted && ec != asio::error::connection_reset)
      spdlog::debug("connection read error: {}", ec.message());
    close_after_flush_ = true;
    if (!writing_now_) close();
    return;
  }
  stats_.add_bytes_in(n);
  in_end_ += n;
  last_activity_ = std::chrono::steady_clock::now();
  process();
}

void Connection::process() {
  in_process_ = true;
  try {
    process_input();
  } catch (const std::bad_alloc&) {
    // One request wanted more memory than the machine has: drop this
    // connection (its request state cannot be trusted), not the server.
    in_process_ = false;
    stats_.protocol_errors.fetch_add(1, std::memory_order_relaxed);
    spdlog::error("closing a connection: out of memory while serving its request");
    close();
    return;
  }
  in_process_ = false;
  flush();
  read_next();
}

void Connection::process_input() {
  // One reference for the whole batch of requests, not an atomic
  // increment and decrement per request.
  const std::shared_ptr<AsyncReply> self = shared_from_this();
  const bool prefetch = executor_.prefetch_pays();  // once per batch: a small store needs none
  while (!pending_ && !blocked_ && !closed_) {
    if (out_.size() + writing_.size() >= limits_.max_output_bytes) {
      stats_.output_pauses.fetch_add(1, std::memory_order_relaxed);
      break;  // on_written() resumes
    }
    const Next next = codec_->next(input(), req_, out_);
    if (codec_->take_session_reset()) session_ = executor_.new_session(is_resp_);  // RESET
    // One command larger than a connection may buffer, whether it arrived whole or
    // is still arriving: say so, then close.
    const bool incomplete = next.kind == NextKind::need_more;
    if (next.consumed > limits_.max_input_bytes ||
        (incomplete && in_end_ - in_begin_ > limits_.max_input_bytes)) {
      refuse_oversized();
      break;
    }
    if (incomplete) break;
    if (next.kind == NextKind::request) {
      if (prefetch && in_end_ - in_begin_ > next.consumed) prefetch_ahead(next.consumed);
      if (!execute_one(next.consumed, self)) break;
      continue;
    }
    drop_input(next.consumed);
    if (next.kind == NextKind::blocked) {
      blocked_ = true;
      break;  // on_unblocked() resumes
    }
    if (next.kind == NextKind::close) {
      close_after_flush_ = true;
      break;
    }
  }
}

// While one request runs, the keys of the two after it (when they are already
// in the input, and the store is too big for the cache: Store::prefetch_pays)
// make their way into the cache: the next one's entry, whose
// place in the table the previous step loaded, and the one after's place.
void Connection::prefetch_ahead(std::size_t offset) {
  const std::string_view rest = input().substr(offset);
  const Peeked a = codec_->peek(rest);
  if (a.size == 0) return;
  if (!a.key.empty()) executor_.prefetch(a.key, Store::Prefetch::entry);
  const Peeked b = codec_->peek(rest.substr(a.size));
  if (!b.key.empty()) executor_.prefetch(b.key, Store::Prefetch::table);
}

void Connection::refuse_oversized() {
  stats_.protocol_errors.fetch_add(1, std::memory_order_relaxed);
  codec_->input_too_large(out_);
  close_after_flush_ = true;
}

// Returns false when the request went asynchronous.
bool Connection::execute_one(std::size_t consumed, const std::shared_ptr<AsyncReply>& self) {
  if (busy_loop::serving() && req_.op != protocol::Opcode::shutdown) [[unlikely]] {
    // A request reaching a loop that serves others from inside a busy
    // script (busy_loop.h): nothing runs but SHUTDOWN (RESP's gate let it through).
    resp_.clear();
    resp_.op = req_.op;
    resp_.id = req_.id;
    resp_.fail(protocol::Status::busy, "a script is running past the time limit; retry later");
    codec_->encode(req_, resp_, out_);
    drop_input(consumed);
    return true;
  }
  if (executor_.execute(session_, req_, resp_, self)) {
    codec_->encode(req_, resp_, out_);
    drop_input(consumed);
    return true;
  }
  // req_ keeps viewing the input, which stays untouched (no reads) until complete().
  pending_ = true;
  pending_consumed_ = consumed;
  return false;
}

void Connection::complete(std::function<void(protocol::Response&)> fill) {
  asio::post(socket_.get_executor(), [self = shared_from_this(), fill = std::move(fill)]() mutable {
    if (self->in_process_ && busy_loop::serving()) {  // see defer_while_running(); fill moves only then
      busy_loop::defer([self, fill = std::move(fill)]() mutable { self->complete(std::move(fill)); });
      return;
    }
    fill(self->resp_);
    self->codec_->encode(self->req_, self->resp_, self->out_);
    self->drop_input(self->pending_consumed_);
    self->pending_ = false;
    if (self->closed_) return;
    self->process();
  });
}

void Connection::flush() {
  if (writing_now_ || closed_) return;
  if (out_.empty()) {
    if (close_after_flush_) close();
    return;
  }
  writing_.swap(out_);
  out_.clear();
  writing_now_ = true;
  start_write();
}

void Connection::on_written(const std::error_code& ec) {
  if (defer_while_running([this, ec] { on_written(ec); })) return;
  writing_now_ = false;
  if (ec) {
    close();
    return;
  }
  stats_.add_bytes_out(writing_.size());
  outbox_->set_owner_unsent(out_.size());
  // Keep a moderate buffer for reuse; give back the memory of a huge reply.
  if (writing_.capacity() > (1u << 20)) std::string().swap(writing_);
  else writing_.clear();
  const bool was_full = out_.size() >= limits_.max_output_bytes;
  flush();
  if (was_full || (in_end_ > in_begin_ && !pending_)) process();
  else read_next();
}

void Connection::wait_for_pressure() {
  stats_.pressure_pauses.fetch_add(1, std::memory_order_relaxed);
  timer_.expires_after(kPressureRetry);
  timer_.async_wait([self = shared_from_this()](const std::error_code& ec) {
    if (ec || self->closed_) return;
    if (self->defer_while_running([p = self.get()] { p->arm_idle_timer(); p->read_next(); })) return;
    self->arm_idle_timer();
    self->read_next();
  });
}

void Connection::arm_idle_timer() {
  if (limits_.idle_timeout_s == 0 || closed_) return;
  const auto idle = std::chrono::seconds(limits_.idle_timeout_s);
  const auto deadline = last_activity_ + idle;
  timer_.expires_at(deadline);
  timer_.async_wait([self = shared_from_this(), idle](const std::error_code& ec) {
    if (ec || self->closed_) return;
    if (self->defer_while_running([p = self.get()] { p->arm_idle_timer(); })) return;
    if (std::chrono::steady_clock::now() - self->last_activity_ >= idle && !self->pending_ &&
        !self->blocked_) {  // as in Redis, a blocked client is not idle
      self->stats_.idle_closes.fetch_add(1, std::memory_order_relaxed);
      spdlog::debug("closing idle connection");
      self->close();
      return;
    }
    self->arm_idle_timer();
  });
}

void Connection::on_outbox_ready() {
  if (closed_) return;
  if (defer_while_running([this] { on_outbox_ready(); })) return;
  outbox_->take(out_);
  const std::uint64_t unsent = out_.size() + writing_.size();
  outbox_->set_owner_unsent(unsent);
  if (unsent > limits_.pubsub_output_limit_bytes) {
    close_slow_consumer(unsent);
    return;
  }
  flush();
}

void Connection::on_unblocked() {
  if (closed_ || !blocked_) return;
  // Serving a blocked client is running its command: never inside a busy script.
  if (busy_loop::serving()) {
    busy_loop::defer([self = shared_from_this()] { self->on_unblocked(); });
    return;
  }
  outbox_->take(out_);
  blocked_ = false;
  codec_->unblocked();
  process();
}

void Connection::on_outbox_overflow() {
  if (closed_) return;
  if (defer_while_running([this] { on_outbox_overflow(); })) return;
  close_slow_consumer(out_.size() + writing_.size() + outbox_->pending_bytes());
}

void Connection::close_slow_consumer(std::uint64_t unsent_bytes) {
  const bool watcher = codec_->watching();
  (watcher ? stats_.feed_limit_closes : stats_.pubsub_limit_closes).fetch_add(1, std::memory_order_relaxed);
  // Rate-limited: a fan-out to many stuck subscribers must not flood the log.
  static std::atomic<std::int64_t> last_log_s{0};
  const auto now_s = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::steady_clock::now().time_since_epoch()).count();
  if (last_log_s.exchange(now_s) != now_s) {
    spdlog::warn("closing a {}: {} bytes of output not yet read, past --pubsub-output-limit {}",
                 watcher ? "change-feed watcher" : "pub/sub client", unsent_bytes,
                 limits_.pubsub_output_limit_bytes);
  }
  close();
}

void Connection::close() {
  if (closed_) return;
  closed_ = true;
  codec_->closed();
  timer_.cancel();
  shutdown_socket(asio::ip::tcp::socket::shutdown_both);
  close_socket();
}

}  // namespace mnemo::server
