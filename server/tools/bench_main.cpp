// mnemo-bench: closed-loop load generator for the native protocol.
// Each connection keeps `--pipeline` requests in flight; client threads each
// drive their share of the connections with epoll. Prints throughput and
// latency percentiles, then one machine-readable RESULT line.
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "server/tools/bench_options.h"
#include "server/tools/bench_watchers.h"
#include "server/tools/client.h"
#include "server/tools/epoll_io.h"
#include "server/tools/latency_histogram.h"

namespace {

using mnemo::protocol::Opcode;
using mnemo::protocol::Request;
using mnemo::protocol::Response;
using mnemo::protocol::Status;
using mnemo::tools::BenchOptions;
using mnemo::tools::LatencyHistogram;
using mnemo::tools::send_pending;
using mnemo::tools::want_writable;
namespace native = mnemo::protocol::native;
using Clock = std::chrono::steady_clock;

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

// Shared by all worker threads.
struct Shared {
  const BenchOptions& opts;
  std::string value;                 // the SET payload
  std::atomic<bool> stop{false};     // no new requests after this
  std::atomic<std::uint64_t> issued{0};
};

// Formats "key:%012llu" without snprintf: the load generator shares the
// cores with the server, so its own per-request cost is kept small.
void format_key(char (&key)[16], std::uint64_t n) {
  std::memcpy(key, "key:", 4);
  for (int i = 15; i >= 4; --i) {
    key[i] = static_cast<char>('0' + n % 10);
    n /= 10;
  }
}

// One connection; touched only by the thread that owns it.
struct Conn {
  int fd = -1;
  bool dead = false;
  bool want_out = false;              // EPOLLOUT is in the registered interest set
  std::string in;                     // [in_pos, in_end) holds unparsed response bytes
  std::size_t in_pos = 0;
  std::size_t in_end = 0;
  std::string out;
  std::size_t out_pos = 0;
  std::vector<std::int64_t> sent_ns;  // ring of send times of in-flight requests, in order
  std::size_t sent_head = 0;
  std::size_t in_flight = 0;
  std::uint64_t next_id = 1;

  void push_sent(std::int64_t t) { sent_ns[(sent_head + in_flight++) % sent_ns.size()] = t; }
  std::int64_t pop_sent() {
    const std::int64_t t = sent_ns[sent_head];
    sent_head = (sent_head + 1) % sent_ns.size();
    --in_flight;
    return t;
  }
};

struct WorkerResult {
  LatencyHistogram latency;
  std::uint64_t ops = 0;
  std::uint64_t gets = 0;
  std::uint64_t sets = 0;
  std::uint64_t misses = 0;
  std::uint64_t errors = 0;
  std::uint64_t dead_connections = 0;
  std::string first_error;
};

class Worker {
 public:
  Worker(Shared& shared, std::vector<int> fds, std::uint64_t seed) : shared_(shared), rng_(seed | 1) {
    conns_.resize(fds.size());
    for (std::size_t i = 0; i < fds.size(); ++i) {
      conns_[i].fd = fds[i];
      conns_[i].sent_ns.assign(std::max(1u, shared.opts.pipeline), 0);
      conns_[i].in.resize(kReadChunk * 2);
    }
  }
  ~Worker() {
    for (auto& c : conns_) ::close(c.fd);
    if (ep_ >= 0) ::close(ep_);
  }

  void run();
  const WorkerResult& result() const { return result_; }

 private:
  std::uint64_t next_random() {  // xorshift64
    rng_ ^= rng_ << 13;
    rng_ ^= rng_ >> 7;
    rng_ ^= rng_ << 17;
    return rng_;
  }
  static constexpr std::size_t kReadChunk = 64 * 1024;
  bool issue(Conn& c, std::int64_t now);
  void on_readable(Conn& c);
  void flush(Conn& c);
  void kill(Conn& c, const std::string& why);

  Shared& shared_;
  std::uint64_t rng_;
  int ep_ = -1;
  std::vector<Conn> conns_;
  Request req_;
  Response resp_;
  WorkerResult result_;
};

bool Worker::issue(Conn& c, std::int64_t now) {
  const auto& o = shared_.opts;
  if (shared_.stop.load(std::memory_order_relaxed)) return false;
  if (o.requests != 0 && shared_.issued.fetch_add(1, std::memory_order_relaxed) >= o.requests) return false;
  char key[16];
  format_key(key, next_random() % o.keys);
  const bool is_get = next_random() % (o.get_ratio + o.set_ratio) < o.get_ratio;
  req_.clear();
  req_.id = c.next_id++;
  req_.key = std::string_view(key, sizeof key);
  if (is_get) {
    req_.op = Opcode::get;
  } else {
    req_.op = Opcode::set;
    req_.value = shared_.value;
    if (o.durable) req_.flags = mnemo::protocol::flags::kDurable;
  }
  native::encode_request(req_, c.out);
  c.push_sent(now);
  return true;
}

void Worker::kill(Conn& c, const std::string& why) {
  if (c.dead) return;
  c.dead = true;
  ++result_.dead_connections;
  if (result_.first_error.empty()) result_.first_error = why;
  ::epoll_ctl(ep_, EPOLL_CTL_DEL, c.fd, nullptr);
  c.in_flight = 0;
}

void Worker::flush(Conn& c) {
  if (!send_pending(c.fd, c.out, c.out_pos)) return kill(c, "send failed");
  want_writable(ep_, c.fd, &c, c.want_out, !c.out.empty());
}

void Worker::on_readable(Conn& c) {
  // Receive straight into the connection's buffer, behind the unparsed bytes.
  if (c.in_pos == c.in_end) {
    c.in_pos = c.in_end = 0;
  } else if (c.in.size() - c.in_end < kReadChunk) {
    std::memmove(c.in.data(), c.in.data() + c.in_pos, c.in_end - c.in_pos);
    c.in_end -= c.in_pos;
    c.in_pos = 0;
    if (c.in.size() - c.in_end < kReadChunk) c.in.resize(c.in_end + kReadChunk);
  }
  const ssize_t n = ::recv(c.fd, c.in.data() + c.in_end, c.in.size() - c.in_end, 0);
  if (n == 0) return kill(c, "server closed a connection");
  if (n < 0) {
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) kill(c, "recv failed");
    return;
  }
  c.in_end += static_cast<std::size_t>(n);
  const std::int64_t now = now_ns();
  for (;;) {
    const std::string_view pending(c.in.data() + c.in_pos, c.in_end - c.in_pos);
    const auto r = native::decode_response(pending, resp_);
    if (r.state == native::DecodeState::need_more) break;
    if (r.state != native::DecodeState::ok || c.in_flight == 0) return kill(c, "malformed response");
    c.in_pos += r.consumed;
    result_.latency.record(static_cast<std::uint64_t>(now - c.pop_sent()));
    ++result_.ops;
    const bool is_get = resp_.op == Opcode::get;
    ++(is_get ? result_.gets : result_.sets);
    if (is_get && resp_.status == Status::not_found) {
      ++result_.misses;
    } else if (resp_.status != Status::ok) {
      if (result_.errors++ == 0 && result_.first_error.empty()) {
        result_.first_error = std::string(mnemo::protocol::status_name(resp_.status)) + ": " + resp_.message;
      }
    }
    issue(c, now);
  }
  flush(c);
}

void Worker::run() {
  ep_ = ::epoll_create1(EPOLL_CLOEXEC);
  for (auto& c : conns_) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = &c;
    ::epoll_ctl(ep_, EPOLL_CTL_ADD, c.fd, &ev);
    const std::int64_t now = now_ns();
    for (unsigned i = 0; i < shared_.opts.pipeline; ++i) issue(c, now);
    flush(c);
  }
  std::int64_t drain_deadline = 0;
  epoll_event events[256];
  for (;;) {
    bool in_flight = false;
    for (const auto& c : conns_) in_flight |= !c.dead && c.in_flight != 0;
    if (!in_flight) break;
    if (shared_.stop.load(std::memory_order_relaxed)) {
      if (drain_deadline == 0) drain_deadline = now_ns() + 5'000'000'000LL;
      if (now_ns() > drain_deadline) break;  // a stuck request must not hang the benchmark
    }
    const int n = ::epoll_wait(ep_, events, 256, 10);
    for (int i = 0; i < n; ++i) {
      Conn& c = *static_cast<Conn*>(events[i].data.ptr);
      if (c.dead) continue;
      if (events[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) on_readable(c);
      if (!c.dead && (events[i].events & EPOLLOUT)) flush(c);
    }
  }
}

int open_connections(const BenchOptions& o, std::vector<int>& fds) {
  for (unsigned i = 0; i < o.connections; ++i) {
    mnemo::tools::Client c;
    if (auto r = c.connect(o.host, o.port, 5000); !r) {
      std::fprintf(stderr, "mnemo-bench: %s\n", r.error().message.c_str());
      return 1;
    }
    if (!o.auth_token.empty()) {
      if (auto r = c.auth(o.auth_token); !r) {
        std::fprintf(stderr, "mnemo-bench: AUTH failed: %s\n", r.error().message.c_str());
        return 1;
      }
    }
    const int fd = c.release();
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL, 0) | O_NONBLOCK);
    fds.push_back(fd);
  }
  return 0;
}

int prefill(const BenchOptions& o, const std::string& value) {
  mnemo::tools::Client c;
  if (auto r = c.connect(o.host, o.port, 5000); !r) return 1;
  if (!o.auth_token.empty() && !c.auth(o.auth_token)) return 1;
  std::vector<std::string> keys;
  std::vector<Request> reqs;
  std::vector<Response> resps;
  constexpr std::uint64_t kBatch = 1000;
  for (std::uint64_t start = 0; start < o.keys; start += kBatch) {
    const std::uint64_t end = std::min<std::uint64_t>(o.keys, start + kBatch);
    keys.clear();
    reqs.assign(end - start, Request{});
    for (std::uint64_t k = start; k < end; ++k) {
      char key[32];
      std::snprintf(key, sizeof key, "key:%012llu", static_cast<unsigned long long>(k));
      keys.emplace_back(key);
    }
    for (std::size_t i = 0; i < reqs.size(); ++i) {
      reqs[i].op = Opcode::set;
      reqs[i].key = keys[i];
      reqs[i].value = value;
    }
    if (!c.pipeline(reqs, resps)) return 1;
    for (const auto& r : resps) {
      if (r.status != Status::ok) {
        std::fprintf(stderr, "mnemo-bench: prefill SET failed: %s %s\n",
                     std::string(mnemo::protocol::status_name(r.status)).c_str(), r.message.c_str());
        return 1;
      }
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  BenchOptions o;
  if (auto err = mnemo::tools::parse_bench_options(std::vector<std::string>(argv + 1, argv + argc), o)) {
    std::fprintf(stderr, "mnemo-bench: %s\n%s", err->c_str(), mnemo::tools::bench_usage());
    return 2;
  }
  if (o.help) {
    std::fputs(mnemo::tools::bench_usage(), stdout);
    return 0;
  }
  Shared shared{o, std::string(o.value_size, 'v')};
  if (o.warmup && prefill(o, shared.value) != 0) {
    std::fprintf(stderr, "mnemo-bench: prefill failed\n");
    return 1;
  }
  std::vector<int> fds;
  if (open_connections(o, fds) != 0) {
    for (int fd : fds) ::close(fd);
    return 1;
  }
  mnemo::tools::WatcherDrain watchers;
  if (o.watchers > 0) {
    if (std::string err = watchers.start(o.host, o.port, o.watchers, o.keys); !err.empty()) {
      std::fprintf(stderr, "mnemo-bench: watchers: %s\n", err.c_str());
      return 1;
    }
  }
  std::vector<std::unique_ptr<Worker>> workers;
  for (unsigned t = 0; t < o.threads; ++t) {
    std::vector<int> mine;
    for (std::size_t i = t; i < fds.size(); i += o.threads) mine.push_back(fds[i]);
    workers.push_back(std::make_unique<Worker>(shared, std::move(mine), 0x9E3779B97F4A7C15ull * (t + 1)));
  }
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (auto& w : workers) threads.emplace_back([&w] { w->run(); });
  if (o.requests == 0) {
    const auto until = start + std::chrono::milliseconds(static_cast<std::int64_t>(o.duration_s * 1000));
    std::this_thread::sleep_until(until);  // the measurement window itself
    shared.stop.store(true);
  }
  for (auto& t : threads) t.join();
  const double elapsed_s = std::chrono::duration<double>(Clock::now() - start).count();
  mnemo::tools::WorkerTotals totals;
  for (auto& w : workers) {
    const auto& r = w->result();
    totals.add(r.latency, r.ops, r.gets, r.sets, r.misses, r.errors, r.dead_connections, r.first_error);
  }
  watchers.stop();
  if (o.watchers > 0) {
    std::printf("watchers: %u received %.1f MB, %u disconnected\n", o.watchers,
                static_cast<double>(watchers.bytes()) / 1e6, watchers.closed());
  }
  return mnemo::tools::print_report(o, totals, elapsed_s);
}
