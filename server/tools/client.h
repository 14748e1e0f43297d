// A blocking client for mnemo's native protocol over plain POSIX sockets, used
// by the `mnemo` CLI and to set up `mnemo-bench` connections.
//
// Threads: a Client is not thread-safe; use each one from one thread at a time.
// Lifetime: owns its socket, closed by the destructor unless release() gave it
// away.
// Errors: methods return Outcome / Result values, never throw. A transport
// problem (connect failure, timeout, closed connection, malformed response)
// is an Error with Status::internal and a message saying what happened. The
// server's answer to a request is in Response::status, not an Error, except
// for hello() and auth(), which turn a non-OK answer into an Error with the
// server's status.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/message.h"
#include "protocol/native_codec.h"
#include "protocol/result.h"

namespace mnemo::tools {

struct Ok {};
using Outcome = protocol::Result<Ok>;

// Opens a TCP connection (TCP_NODELAY, blocking mode) to host:port, trying each
// address the name resolves to, each within timeout_ms. Returns the socket fd.
protocol::Result<int> connect_tcp(const std::string& host, std::uint16_t port, int timeout_ms);

class Client {
 public:
  Client() = default;
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  Outcome connect(const std::string& host, std::uint16_t port, int timeout_ms = 5000);
  bool connected() const { return fd_ >= 0; }
  void close();
  // Gives up the socket (the caller closes it). Only when nothing is pending.
  int release();

  // Per send/receive wait; -1 (the default) waits forever.
  void set_io_timeout_ms(int ms) { io_timeout_ms_ = ms; }
  void set_limits(const protocol::native::Limits& limits) { limits_ = limits; }

  // HELLO: returns the negotiated protocol version.
  protocol::Result<std::uint16_t> hello(std::string_view client_name,
                                        std::uint16_t version = protocol::kProtocolVersion);
  // AUTH: returns true when the connection now has admin rights.
  protocol::Result<bool> auth(std::string_view token);

  // Sends one request (its id is assigned here) and waits for its response.
  Outcome call(protocol::Request& req, protocol::Response& resp);

  // Pipelining: queue() encodes a request with a fresh id into the send
  // buffer, flush() sends everything queued, receive() returns the next
  // response in request order (checking its id).
  void queue(protocol::Request& req);
  Outcome flush();
  Outcome receive(protocol::Response& resp);
  std::size_t pending() const { return pending_ids_.size(); }

  // Sends all of `reqs` (pipelined, in bounded batches) and fills `resps` with
  // their responses, in order.
  Outcome pipeline(std::vector<protocol::Request>& reqs, std::vector<protocol::Response>& resps);

 private:
  Outcome read_more();
  Outcome wait_for(short events);
  Outcome fail(std::string message);

  int fd_ = -1;
  int io_timeout_ms_ = -1;
  protocol::native::Limits limits_;
  std::uint64_t next_id_ = 1;
  std::deque<std::uint64_t> pending_ids_;  // ids sent or queued, awaiting responses
  std::string out_;
  std::string in_;
  std::size_t in_pos_ = 0;  // start of the undecoded part of in_
};

}  // namespace mnemo::tools
