// mnemo-bench-resp: closed-loop RESP load generator for mnemo and Redis.
// Each connection keeps `--depth` units in flight; each client thread drives
// its share of the connections with one epoll loop. Per ready connection and
// loop turn it makes one recv into a large buffer, counts the replies with a
// RespReplyScanner (no reply is built), and sends every unit it queued in
// that turn with one send, so its own cost per request stays well below a
// server's. Prints throughput and latency per unit, then one JSON line.
// With --xack it parses each reply instead of only counting it, and
// acknowledges the ids each XREADGROUP delivered (consume_acking).
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "server/tools/client.h"
#include "server/tools/epoll_io.h"
#include "server/tools/resp_bench_options.h"
#include "server/tools/resp_reply_scanner.h"
#include "server/tools/resp_stream_ids.h"

namespace {

using mnemo::tools::RespBenchOptions;
using mnemo::tools::RespBenchTotals;
using mnemo::tools::send_pending;
using mnemo::tools::StreamIds;
using mnemo::tools::want_writable;
using Clock = std::chrono::steady_clock;

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

// Shared by all worker threads.
struct Shared {
  const RespBenchOptions& opts;
  std::atomic<bool> stop{false};  // no new units after this
  std::atomic<std::uint64_t> issued{0};
};

struct InFlight {
  std::int64_t sent_ns;
  unsigned type;  // index into opts.units, or kAck
};
constexpr unsigned kAck = ~0u;  // --xack: an XACK, part of the read before it

// One connection; touched only by the thread that owns it.
struct Conn {
  int fd = -1;
  bool dead = false;
  bool want_out = false;  // EPOLLOUT is in the registered interest set
  mnemo::tools::RespReplyScanner scanner;
  std::string out;
  std::size_t out_pos = 0;
  std::vector<InFlight> ring;  // in-flight units, oldest at head
  std::size_t head = 0;
  std::size_t count = 0;
  std::uint64_t head_replies = 0;  // replies already received for the oldest unit
  std::string acked_in;            // --xack: received bytes not yet parsed into replies
};

class Worker {
 public:
  Worker(Shared& shared, const std::vector<int>& fds, std::uint64_t seed) : shared_(shared), rng_(seed | 1) {
    conns_.resize(fds.size());
    for (std::size_t i = 0; i < fds.size(); ++i) {
      conns_[i].fd = fds[i];
      // --xack: besides `depth` reads, at most one XACK before each of them.
      conns_[i].ring.resize(shared.opts.xack ? 2 * shared.opts.depth : shared.opts.depth);
    }
    in_.resize(kReadBytes);
    result_.per_unit.resize(shared.opts.units.size());
  }
  ~Worker() {
    for (auto& c : conns_) ::close(c.fd);
    if (ep_ >= 0) ::close(ep_);
  }

  void run();
  const RespBenchTotals& result() const { return result_; }

 private:
  static constexpr std::size_t kReadBytes = 256 * 1024;
  std::uint64_t next_random() {  // xorshift64
    rng_ ^= rng_ << 13;
    rng_ ^= rng_ >> 7;
    rng_ ^= rng_ << 17;
    return rng_;
  }
  void issue(Conn& c, std::int64_t now);
  void on_readable(Conn& c);
  bool consume(Conn& c, std::uint64_t replies, std::int64_t now);
  bool consume_acking(Conn& c, std::string_view bytes, std::int64_t now);
  void complete_head(Conn& c, std::int64_t now);
  void flush(Conn& c);
  void kill(Conn& c, const std::string& why);
  void note_error(std::string_view reply);
  bool has_in_flight() const;

  Shared& shared_;
  std::uint64_t rng_;
  int ep_ = -1;
  std::vector<Conn> conns_;
  std::string in_;  // one receive buffer for all connections: the scanner keeps no bytes
  RespBenchTotals result_;
};

void Worker::issue(Conn& c, std::int64_t now) {
  const auto& o = shared_.opts;
  if (shared_.stop.load(std::memory_order_relaxed)) return;
  if (o.requests != 0 && shared_.issued.fetch_add(1, std::memory_order_relaxed) >= o.requests) return;
  unsigned type = 0;
  if (o.units.size() == 2) {
    type = static_cast<double>(next_random() % 1000000) / 1e6 < o.mix ? 0 : 1;
  }
  o.units[type].append(c.out, o.keyspace, [this] { return next_random(); });
  c.ring[(c.head + c.count++) % c.ring.size()] = {now, type};
}

void Worker::kill(Conn& c, const std::string& why) {
  if (c.dead) return;
  c.dead = true;
  ++result_.dead_connections;
  if (result_.first_error.empty()) result_.first_error = why;
  ::epoll_ctl(ep_, EPOLL_CTL_DEL, c.fd, nullptr);
  c.count = 0;
}

void Worker::flush(Conn& c) {
  if (!send_pending(c.fd, c.out, c.out_pos)) return kill(c, "send failed");
  want_writable(ep_, c.fd, &c, c.want_out, !c.out.empty());
}

// Hands `replies` to the in-flight units in order; a unit completes with its
// last reply and a new one takes its place. False if replies outnumber requests.
bool Worker::consume(Conn& c, std::uint64_t replies, std::int64_t now) {
  const auto& units = shared_.opts.units;
  while (replies > 0) {
    if (c.count == 0) return false;
    const InFlight& f = c.ring[c.head];
    const std::uint64_t need = units[f.type].commands() - c.head_replies;
    const std::uint64_t take = std::min(need, replies);
    replies -= take;
    c.head_replies += take;
    if (take < need) break;
    complete_head(c, now);
    c.head_replies = 0;
    issue(c, now);
  }
  return true;
}

void Worker::complete_head(Conn& c, std::int64_t now) {
  const InFlight& f = c.ring[c.head];
  auto& totals = result_.per_unit[f.type];
  totals.latency.record(static_cast<std::uint64_t>(now - f.sent_ns));
  ++totals.units;
  c.head = (c.head + 1) % c.ring.size();
  --c.count;
}

// --xack: each complete reply answers the oldest request in flight. A read's
// ids are acknowledged at once (the XACK goes out with this turn's send),
// then the next read is issued; an XACK's reply only leaves the ring. A read
// that found nothing sends no XACK. False on a malformed or unasked reply.
bool Worker::consume_acking(Conn& c, std::string_view bytes, std::int64_t now) {
  c.acked_in.append(bytes);
  std::size_t at = 0;
  for (;;) {
    StreamIds got;
    const std::size_t n = mnemo::tools::parse_stream_reply(std::string_view(c.acked_in).substr(at), got);
    if (n == mnemo::tools::kReplyMalformed || (n != mnemo::tools::kReplyIncomplete && c.count == 0)) return false;
    if (n == mnemo::tools::kReplyIncomplete) break;
    if (c.acked_in[at] == '-') note_error(std::string_view(c.acked_in).substr(at, n));
    at += n;
    if (c.ring[c.head].type == kAck) {
      c.head = (c.head + 1) % c.ring.size();
      --c.count;
      ++result_.acks;
      continue;
    }
    complete_head(c, now);
    if (!got.ids.empty()) {
      mnemo::tools::append_xack(got.key, shared_.opts.xack_group, got.ids, c.out);
      c.ring[(c.head + c.count++) % c.ring.size()] = {now, kAck};
    }
    issue(c, now);
  }
  c.acked_in.erase(0, at);
  return true;
}

void Worker::note_error(std::string_view reply) {
  ++result_.errors;
  if (result_.first_error.empty()) result_.first_error = std::string(reply.substr(1, reply.size() - 3));
  if (!shared_.opts.allow_errors) shared_.stop.store(true);
}

void Worker::on_readable(Conn& c) {
  for (;;) {
    const ssize_t n = ::recv(c.fd, in_.data(), in_.size(), 0);
    if (n == 0) return kill(c, "server closed a connection");
    if (n < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) kill(c, "recv failed");
      break;
    }
    if (shared_.opts.xack) {
      if (!consume_acking(c, {in_.data(), static_cast<std::size_t>(n)}, now_ns())) return kill(c, "unexpected reply");
      if (static_cast<std::size_t>(n) < in_.size()) break;
      continue;
    }
    const auto counts = c.scanner.feed({in_.data(), static_cast<std::size_t>(n)});
    if (c.scanner.failed()) return kill(c, "malformed RESP reply");
    if (counts.errors != 0) {
      result_.errors += counts.errors;
      if (result_.first_error.empty()) result_.first_error = c.scanner.first_error();
      if (!shared_.opts.allow_errors) shared_.stop.store(true);  // fail fast, not after the full run
    }
    result_.pushes += counts.pushes;
    if (!consume(c, counts.replies, now_ns())) return kill(c, "more replies than requests");
    if (static_cast<std::size_t>(n) < in_.size()) break;  // drained; a full buffer may have more
  }
  flush(c);
}

bool Worker::has_in_flight() const {
  for (const auto& c : conns_) {
    if (!c.dead && c.count != 0) return true;
  }
  return false;
}

void Worker::run() {
  ep_ = ::epoll_create1(EPOLL_CLOEXEC);
  for (auto& c : conns_) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = &c;
    ::epoll_ctl(ep_, EPOLL_CTL_ADD, c.fd, &ev);
    const std::int64_t now = now_ns();
    for (unsigned i = 0; i < shared_.opts.depth; ++i) issue(c, now);
    flush(c);
  }
  std::int64_t drain_deadline = 0;
  epoll_event events[512];
  while (has_in_flight()) {
    if (shared_.stop.load(std::memory_order_relaxed)) {
      if (drain_deadline == 0) drain_deadline = now_ns() + 5'000'000'000LL;
      if (now_ns() > drain_deadline) break;  // a stuck reply must not hang the benchmark
    }
    const int n = ::epoll_wait(ep_, events, 512, 10);
    for (int i = 0; i < n; ++i) {
      Conn& c = *static_cast<Conn*>(events[i].data.ptr);
      if (c.dead) continue;
      if (events[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) on_readable(c);
      if (!c.dead && (events[i].events & EPOLLOUT)) flush(c);
    }
  }
  for (auto& c : conns_) {
    if (!c.dead && c.count != 0) kill(c, "no reply within 5 s of the end");
  }
}

int open_connections(const RespBenchOptions& o, std::vector<int>& fds) {
  for (unsigned i = 0; i < o.connections; ++i) {
    auto fd = mnemo::tools::connect_tcp(o.host, o.port, 5000);
    if (!fd.ok()) {
      std::fprintf(stderr, "mnemo-bench-resp: cannot connect to %s:%u: %s\n", o.host.c_str(), o.port,
                   fd.error().message.c_str());
      return 1;
    }
    ::fcntl(*fd, F_SETFL, ::fcntl(*fd, F_GETFL, 0) | O_NONBLOCK);
    fds.push_back(*fd);
  }
  return 0;
}

RespBenchTotals merge(const std::vector<std::unique_ptr<Worker>>& workers, std::size_t unit_types) {
  RespBenchTotals t;
  t.per_unit.resize(unit_types);
  for (const auto& w : workers) {
    const auto& r = w->result();
    for (std::size_t i = 0; i < unit_types; ++i) {
      t.per_unit[i].latency.merge(r.per_unit[i].latency);
      t.per_unit[i].units += r.per_unit[i].units;
    }
    t.errors += r.errors;
    t.pushes += r.pushes;
    t.acks += r.acks;
    t.dead_connections += r.dead_connections;
    if (t.first_error.empty()) t.first_error = r.first_error;
  }
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  RespBenchOptions o;
  if (auto err = mnemo::tools::parse_resp_bench_options(std::vector<std::string>(argv + 1, argv + argc), o)) {
    std::fprintf(stderr, "mnemo-bench-resp: %s\n%s", err->c_str(), mnemo::tools::resp_bench_usage());
    return 2;
  }
  if (o.help) {
    std::fputs(mnemo::tools::resp_bench_usage(), stdout);
    return 0;
  }
  std::vector<int> fds;
  if (open_connections(o, fds) != 0) {
    for (int fd : fds) ::close(fd);
    return 1;
  }
  Shared shared{o};
  std::vector<std::unique_ptr<Worker>> workers;
  for (unsigned t = 0; t < o.threads; ++t) {
    std::vector<int> mine;
    for (std::size_t i = t; i < fds.size(); i += o.threads) mine.push_back(fds[i]);
    workers.push_back(std::make_unique<Worker>(shared, mine, 0x9E3779B97F4A7C15ull * (t + 1)));
  }
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (auto& w : workers) threads.emplace_back([&w] { w->run(); });
  if (o.requests == 0) {
    const auto until = start + std::chrono::milliseconds(static_cast<std::int64_t>(o.seconds * 1000));
    while (Clock::now() < until && !shared.stop.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));  // the measurement window, or an early stop
    }
    shared.stop.store(true);
  }
  for (auto& t : threads) t.join();
  const double elapsed_s = std::chrono::duration<double>(Clock::now() - start).count();
  return mnemo::tools::print_resp_report(o, merge(workers, o.units.size()), elapsed_s);
}
