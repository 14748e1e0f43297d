// The seam between a connection (bytes on a socket) and a wire protocol
// (native or RESP). A connection asks its codec for the next request, runs it
// through the Executor, and asks the codec to encode the response; it knows
// nothing else of the protocol.
//
// Threads: one codec per connection, used only on that connection's io thread.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "protocol/message.h"
#include "server/pubsub/outbox.h"

namespace mnemo::server {

enum class NextKind {
  need_more,  // no complete request in the input; read more
  request,    // `req` holds a request to execute; then call encode() with its response
  replied,    // the codec answered by itself (e.g. RESP ECHO, CONFIG, or a malformed
              // request answered with an error): the reply is already in `out`
  blocked,    // a blocking command (BLPOP ...) waits (server/blocking/): run nothing
              // more until its reply arrives through the outbox (Sink::on_unblocked),
              // then call unblocked()
  close,      // answer already in `out` (if any); flush it, then close the connection
              // (broken framing, QUIT)
};

struct Next {
  NextKind kind = NextKind::need_more;
  std::size_t consumed = 0;  // bytes of input this step used up
};

// What peek() saw of the first request of some input.
struct Peeked {
  std::size_t size = 0;   // its bytes; 0 = no complete request the codec could size cheaply
  std::string_view key;   // the key it names, if it names one (a hint: may be any argument)
};

class WireCodec {
 public:
  virtual ~WireCodec() = default;
  // Looks at the start of `in`. A returned request holds views into `in`,
  // valid until the caller drops those bytes.
  virtual Next next(std::string_view in, protocol::Request& req, std::string& out) = 0;
  // Appends the reply to the request last returned by next().
  virtual void encode(const protocol::Request& req, const protocol::Response& resp,
                      std::string& out) = 0;
  // Appends the error sent before the connection closes because one command's
  // bytes exceed what a connection may buffer (a codec that bounds its own frames
  // never gets here).
  virtual void input_too_large(std::string& out) = 0;
  // A cheap look at the first request of `in`, for prefetching the keys of
  // pipelined requests before they run: no state changes, nothing written, no
  // validation beyond finding the bounds. The default sees nothing.
  virtual Peeked peek(std::string_view in) const {
    (void)in;
    return {};
  }
  // The connection's mailbox for pushed messages (pub/sub); a codec that
  // cannot subscribe ignores it. Called once, before the first next().
  virtual void attach_outbox(std::shared_ptr<pubsub::Outbox> outbox) { (void)outbox; }
  // The blocked command's reply was delivered: the codec may run commands again.
  virtual void unblocked() {}
  // The connection has closed: drop whatever it listened to.
  virtual void closed() {}
  // Whether the command just run (RESET) asked the connection to start its
  // Executor session over (authentication, admin rights); asking clears it.
  virtual bool take_session_reset() { return false; }
  // Whether the connection has ever had a change-feed watch (native WATCH): a
  // slow consumer is then counted as a watcher rather than a subscriber.
  virtual bool watching() const { return false; }
};

}  // namespace mnemo::server
