// Helpers for integration tests that speak to a server below the client
// library: raw bytes on a socket, reads that wait for a condition with a
// deadline, a field of the STATS document, and a process's resident memory.
#pragma once

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <fstream>
#include <string>
#include <string_view>
#include <thread>

#include "server/tools/client.h"

namespace mnemo::test {

// A connected socket to 127.0.0.1:port, closed by the destructor.
class RawSocket {
 public:
  explicit RawSocket(std::uint16_t port) {
    auto fd = tools::connect_tcp("127.0.0.1", port, 5000);
    if (fd.ok()) fd_ = *fd;
  }
  ~RawSocket() { close(); }
  RawSocket(const RawSocket&) = delete;
  RawSocket& operator=(const RawSocket&) = delete;

  bool ok() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  // Writes all of `bytes`; false if the peer closed or reset the connection.
  bool send(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // Reads until `done(received)` holds, the peer closes, or the deadline passes.
  // Sets closed_ when the peer closed (EOF or reset).
  template <typename Done>
  std::string read_until(Done done, int timeout_ms) {
    std::string got;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (!done(got)) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                            deadline - std::chrono::steady_clock::now()).count();
      if (left <= 0) break;
      pollfd p{fd_, POLLIN, 0};
      const int r = ::poll(&p, 1, static_cast<int>(left));
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) break;
      char buf[65536];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        closed_ = true;
        break;
      }
      got.append(buf, static_cast<std::size_t>(n));
    }
    return got;
  }

  // Reads everything until the peer closes (or the deadline passes).
  std::string read_to_close(int timeout_ms) {
    return read_until([](const std::string&) { return false; }, timeout_ms);
  }
  std::string read_bytes(std::size_t n, int timeout_ms) {
    return read_until([n](const std::string& s) { return s.size() >= n; }, timeout_ms);
  }
  std::string read_line(int timeout_ms) {  // RESP: one reply line, "\r\n" included
    return read_until([](const std::string& s) { return s.find("\r\n") != std::string::npos; }, timeout_ms);
  }
  bool closed() const { return closed_; }

 private:
  int fd_ = -1;
  bool closed_ = false;
};

// The raw text of `"name":<value>` inside `"section":{...}` of a STATS JSON
// document (numbers as digits, strings with their quotes); empty if absent.
inline std::string json_field(const std::string& json, const std::string& section, const std::string& name) {
  const auto sec = json.find("\"" + section + "\":");
  if (sec == std::string::npos) return "";
  const auto end = json.find('}', sec);
  const std::string key = "\"" + name + "\":";
  const auto at = json.find(key, sec);
  if (at == std::string::npos || at > end) return "";
  const auto v = at + key.size();
  if (json[v] == '"') {
    auto close = v + 1;
    while (close < json.size() && (json[close] != '"' || json[close - 1] == '\\')) ++close;
    return json.substr(v, close - v + 1);
  }
  auto stop = json.find_first_of(",}", v);
  return json.substr(v, stop - v);
}

inline std::int64_t json_number(const std::string& json, const std::string& section, const std::string& name) {
  const std::string v = json_field(json, section, name);
  return v.empty() ? -1 : std::stoll(v);
}

// VmRSS of a process in KiB (0 if it cannot be read).
inline std::uint64_t rss_kib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoull(line.substr(6));
  }
  return 0;
}

// Polls `cond` every few milliseconds until it holds or `timeout_ms` passes.
template <typename Cond>
bool eventually(Cond cond, int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!cond()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // polling a condition
  }
  return true;
}

}  // namespace mnemo::test
