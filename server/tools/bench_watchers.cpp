#include "server/tools/bench_watchers.h"

#include <poll.h>
#include <cerrno>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>

#include "protocol/feed_frame.h"
#include "server/tools/client.h"

namespace mnemo::tools {

std::string watcher_prefix(unsigned i, unsigned n, std::uint64_t keys) {
  // The smallest power of ten covering the key space, split in n parts of
  // `span` keys: part i is every key whose 12-digit number starts with i's digits.
  std::uint64_t pow10 = 1;
  while (pow10 < keys) pow10 *= 10;
  std::uint64_t span = pow10 / n;
  std::uint64_t digits_left = 0;
  for (std::uint64_t s = span; s > 1; s /= 10) ++digits_left;
  char buf[32];
  std::snprintf(buf, sizeof buf, "key:%012llu", static_cast<unsigned long long>(i * span));
  return std::string(buf, 4 + 12 - digits_left);
}

WatcherDrain::~WatcherDrain() { stop(); }

std::string WatcherDrain::start(const std::string& host, std::uint16_t port, unsigned n, std::uint64_t keys) {
  for (unsigned i = 0; i < n; ++i) {
    auto fd = connect_tcp(host, port, 5000);
    if (!fd) return fd.error().message;
    fds_.push_back(*fd);
    protocol::feed::WatchRequest w;
    w.id = 1;
    const std::string prefix = watcher_prefix(i, n, keys);
    w.prefix = prefix;
    std::string frame;
    protocol::feed::encode_watch(w, frame);
    if (::send(*fd, frame.data(), frame.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(frame.size()))
      return "cannot send WATCH";
    char answer[4 + 12 + 16];
    if (::recv(*fd, answer, sizeof answer, MSG_WAITALL) != static_cast<ssize_t>(sizeof answer) || answer[4] != 0)
      return "WATCH refused";
  }
  thread_ = std::thread([this] { run(); });
  return {};
}

void WatcherDrain::run() {
  std::vector<pollfd> polls;
  for (int fd : fds_) polls.push_back({fd, POLLIN, 0});
  std::vector<char> buf(1 << 20);
  while (!stop_.load()) {
    if (::poll(polls.data(), polls.size(), 100) <= 0) continue;
    for (pollfd& p : polls) {
      if ((p.revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      const ssize_t got = ::recv(p.fd, buf.data(), buf.size(), MSG_DONTWAIT);
      if (got > 0) {
        bytes_.fetch_add(static_cast<std::uint64_t>(got), std::memory_order_relaxed);
      } else if (got == 0 || (errno != EAGAIN && errno != EINTR)) {
        closed_.fetch_add(1);
        p.fd = -1;  // poll ignores it from now on
      }
    }
  }
}

void WatcherDrain::stop() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
  for (int fd : fds_) ::close(fd);
  fds_.clear();
}

}  // namespace mnemo::tools
