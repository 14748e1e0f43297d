#include "server/tools/client.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mnemo::tools {

using protocol::Error;
using protocol::Request;
using protocol::Response;
using protocol::Status;
namespace native = protocol::native;

namespace {

Error transport_error(std::string message) { return Error{Status::internal, std::move(message)}; }

std::string errno_text(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

// Connects one socket within timeout_ms; returns the fd or -1 with errno set.
int connect_one(const addrinfo* ai, int timeout_ms) {
  int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
  if (fd < 0) return -1;
  const int fl = ::fcntl(fd, F_GETFL, 0);
  ::fcntl(fd, F_SETFL, fl | O_NONBLOCK);
  int rc = ::connect(fd, ai->ai_addr, ai->ai_addrlen);
  if (rc != 0 && errno == EINPROGRESS) {
    pollfd p{fd, POLLOUT, 0};
    rc = ::poll(&p, 1, timeout_ms);
    if (rc == 0) {
      errno = ETIMEDOUT;
      rc = -1;
    } else if (rc > 0) {
      int err = 0;
      socklen_t len = sizeof err;
      ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
      errno = err;
      rc = err == 0 ? 0 : -1;
    }
  }
  if (rc != 0) {
    const int saved = errno;
    ::close(fd);
    errno = saved;
    return -1;
  }
  ::fcntl(fd, F_SETFL, fl);
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

}  // namespace

protocol::Result<int> connect_tcp(const std::string& host, std::uint16_t port, int timeout_ms) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* list = nullptr;
  const std::string service = std::to_string(port);
  const std::string where = host + ":" + service;
  if (int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &list); rc != 0) {
    return transport_error("cannot resolve " + where + ": " + ::gai_strerror(rc));
  }
  std::string last = "no address";
  for (const addrinfo* ai = list; ai != nullptr; ai = ai->ai_next) {
    const int fd = connect_one(ai, timeout_ms);
    if (fd >= 0) {
      ::freeaddrinfo(list);
      return fd;
    }
    last = std::strerror(errno);
  }
  ::freeaddrinfo(list);
  return transport_error("cannot connect to " + where + ": " + last);
}

Client::~Client() { close(); }

void Client::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  pending_ids_.clear();
  out_.clear();
  in_.clear();
  in_pos_ = 0;
}

int Client::release() {
  const int fd = fd_;
  fd_ = -1;
  close();
  return fd;
}

Outcome Client::connect(const std::string& host, std::uint16_t port, int timeout_ms) {
  close();
  auto fd = connect_tcp(host, port, timeout_ms);
  if (!fd) return fd.error();
  fd_ = *fd;
  return Ok{};
}

Outcome Client::fail(std::string message) {
  close();
  return transport_error(std::move(message));
}

protocol::Result<std::uint16_t> Client::hello(std::string_view client_name, std::uint16_t version) {
  Request req;
  req.op = protocol::Opcode::hello;
  req.version = version;
  req.key = client_name;
  Response resp;
  if (auto r = call(req, resp); !r) return r.error();
  if (resp.status != Status::ok) return Error{resp.status, resp.message};
  return static_cast<std::uint16_t>(resp.version);
}

protocol::Result<bool> Client::auth(std::string_view token) {
  Request req;
  req.op = protocol::Opcode::auth;
  req.key = token;
  Response resp;
  if (auto r = call(req, resp); !r) return r.error();
  if (resp.status != Status::ok) return Error{resp.status, resp.message};
  return resp.admin;
}

Outcome Client::call(Request& req, Response& resp) {
  queue(req);
  if (auto r = flush(); !r) return r;
  return receive(resp);
}

void Client::queue(Request& req) {
  req.id = next_id_++;
  native::encode_request(req, out_);
  pending_ids_.push_back(req.id);
}

Outcome Client::wait_for(short events) {
  pollfd p{fd_, events, 0};
  for (;;) {
    const int rc = ::poll(&p, 1, io_timeout_ms_);
    if (rc > 0) return Ok{};
    if (rc == 0) return fail("timed out waiting for the server");
    if (errno != EINTR) return fail(errno_text("poll"));
  }
}

Outcome Client::flush() {
  if (fd_ < 0) return transport_error("not connected");
  std::size_t sent = 0;
  while (sent < out_.size()) {
    if (io_timeout_ms_ >= 0) {
      if (auto r = wait_for(POLLOUT); !r) return r;
    }
    const ssize_t n = ::send(fd_, out_.data() + sent, out_.size() - sent, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(errno_text("send"));
    }
    sent += static_cast<std::size_t>(n);
  }
  out_.clear();
  return Ok{};
}

Outcome Client::read_more() {
  if (in_pos_ > 0 && in_pos_ * 2 >= in_.size()) {
    in_.erase(0, in_pos_);
    in_pos_ = 0;
  }
  if (io_timeout_ms_ >= 0) {
    if (auto r = wait_for(POLLIN); !r) return r;
  }
  const std::size_t old = in_.size();
  in_.resize(old + 64 * 1024);
  ssize_t n;
  do {
    n = ::recv(fd_, in_.data() + old, in_.size() - old, 0);
  } while (n < 0 && errno == EINTR);
  in_.resize(old + static_cast<std::size_t>(n > 0 ? n : 0));
  if (n == 0) return fail("the server closed the connection");
  if (n < 0) return fail(errno_text("recv"));
  return Ok{};
}

Outcome Client::receive(Response& resp) {
  if (fd_ < 0) return transport_error("not connected");
  if (pending_ids_.empty()) return transport_error("no request is waiting for a response");
  for (;;) {
    const auto r = native::decode_response(std::string_view(in_).substr(in_pos_), resp, limits_);
    if (r.state == native::DecodeState::need_more) {
      if (auto more = read_more(); !more) return more;
      continue;
    }
    if (r.state != native::DecodeState::ok) {
      return fail("malformed response from the server: " + std::string(r.message));
    }
    in_pos_ += r.consumed;
    const std::uint64_t expected = pending_ids_.front();
    pending_ids_.pop_front();
    if (resp.id != expected) {
      return fail("response id " + std::to_string(resp.id) + " does not match request id " +
                  std::to_string(expected));
    }
    return Ok{};
  }
}

Outcome Client::pipeline(std::vector<Request>& reqs, std::vector<Response>& resps) {
  // Sent in bounded batches so that neither side's socket buffers fill while
  // the other waits: the server stops reading a connection whose output is
  // not being read.
  constexpr std::size_t kBatchRequests = 1024;
  constexpr std::size_t kBatchBytes = 1u << 20;
  if (!pending_ids_.empty()) return transport_error("pipeline() called with responses still pending");
  resps.resize(reqs.size());
  std::size_t received = 0;
  for (std::size_t i = 0; i < reqs.size(); ++i) {
    queue(reqs[i]);
    if (i + 1 < reqs.size() && pending_ids_.size() < kBatchRequests && out_.size() < kBatchBytes) continue;
    if (auto r = flush(); !r) return r;
    while (received <= i) {
      if (auto r = receive(resps[received]); !r) return r;
      ++received;
    }
  }
  return Ok{};
}

}  // namespace mnemo::tools
