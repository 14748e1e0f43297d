// RESP2 and RESP3 compatibility: lets redis-cli, redis-benchmark and Redis
// client libraries talk to mnemo's --resp-port. The codec only turns bytes
// into commands and replies into bytes: it parses a command, finds it in the
// command table (server/commands/command_table.h), checks its arity and the
// connection's AUTH as Redis does, and runs its handler with the reply
// builder of the connection's RESP version (HELLO 2 or 3), which appends
// straight to the output buffer. What a command does is the handler's
// business (server/commands/*.cpp); docs/RESP.md lists the commands and
// every difference from Redis.
//
// A handler either replies at once (NextKind::replied) or submits a request
// (NextKind::request): the connection runs it through the Executor and calls
// encode(), which hands the response to the handler's continuation. A
// continuation may submit again (a read, then a write at the version read);
// the command's bytes are consumed with its first step, and every later step
// is a request with consumed == 0 whose data lives in the context's scratch.
//
// Threads: one codec per connection, used only on that connection's io thread.
// Calls alternate: next() returning a request, then encode() for it.
// Lifetime: the options' clock and stats (if set) must outlive the codec. A
// request returned by next() views the input, or the codec's own buffers
// until the next call of next().
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/resp3_reply_builder.h"
#include "protocol/resp_parser.h"
#include "server/clock.h"
#include "server/commands/command_table.h"
#include "server/commands/context.h"
#include "server/commands/tracking.h"
#include "server/server_stats.h"
#include "server/wire_codec.h"

namespace mnemo::server {

struct RespCodecOptions {
  protocol::resp::RespLimits limits;
  bool auth_required = false;          // the server has an auth token: commands wait for AUTH
  std::uint64_t client_id = 0;         // CLIENT ID and HELLO's id
  std::uint64_t max_memory_bytes = 0;  // CONFIG GET maxmemory (0 = unlimited)
  std::uint32_t idle_timeout_s = 0;    // CONFIG GET timeout
  std::uint32_t databases = 1;         // CONFIG GET databases, SELECT's range
  std::uint64_t max_value_bytes = 16u << 20;  // the store's value limit
  bool journal = true;                 // CONFIG GET appendonly
  const Clock* clock = nullptr;        // for EXAT/PXAT/EXPIREAT/PEXPIREAT; null = system clock
  ServerStats* stats = nullptr;        // counts protocol errors; may be null
  Store* store = nullptr;              // typed store operations; may be null in tests
  pubsub::Registry* pubsub = nullptr;  // SUBSCRIBE, PUBLISH ...; may be null in tests
  pubsub::KeyspaceEvents* events = nullptr;  // keyspace notifications; may be null
  tracking::TrackingTable* tracking = nullptr;  // CLIENT TRACKING; may be null
  blocking::Registry* blocking = nullptr;    // BLPOP and the like; may be null
};

class RespCodec final : public WireCodec {
 public:
  RespCodec(RespCodecOptions opts, InfoProvider info, const CommandTable& table = builtin_commands());
  ~RespCodec() override;

  Next next(std::string_view in, protocol::Request& req, std::string& out) override;
  void encode(const protocol::Request& req, const protocol::Response& resp, std::string& out) override;
  void input_too_large(std::string& out) override;
  Peeked peek(std::string_view in) const override;
  void attach_outbox(std::shared_ptr<pubsub::Outbox> outbox) override;
  void closed() override;
  void unblocked() override;
  bool take_session_reset() override { return std::exchange(session_reset_, false); }

  // For a native connection running COMMAND frames through this codec
  // (native_wire_codec.h): the native AUTH succeeded, and the database its
  // SELECT chose.
  void authenticate() { session_.authenticated = true; }
  void select_db(std::uint32_t db) { session_.db = db; }
  // A blocking command of a COMMAND frame blocks with its reply framed for
  // the native connection's outbox (Session::native); frame_id: the frame running now.
  void native_blocking(std::shared_ptr<pubsub::Outbox> outbox,
                       std::function<std::string(std::uint64_t, std::string_view)> frame) {
    session_.native.outbox = std::move(outbox);
    session_.native.frame = std::move(frame);
  }
  void native_frame_id(std::uint64_t id) { session_.native.frame_id = id; }

  // The lower-case names of the commands this codec understands (COMMAND LIST).
  static std::vector<std::string_view> command_names();

 private:
  NextKind dispatch(ArgList argv, protocol::Request& req, std::string& out);
  // Runs `f` with the reply builder of the connection's RESP version (HELLO).
  template <typename F>
  auto with_builder(std::string& out, F&& f) {
    if (session_.resp == 3) {
      protocol::resp::Resp3ReplyBuilder reply(out);
      return f(reply);
    }
    protocol::resp::Resp2ReplyBuilder reply(out);
    return f(reply);
  }

  const CommandTable& table_;
  CommandEnv env_;
  Session session_;
  CommandContext ctx_;
  protocol::resp::RespParser parser_;
  std::uint64_t next_request_id_ = 1;
  commands::TrackedCommand tracked_;  // the running command's keys, for client-side caching
  ReplyFn then_ = nullptr;          // continuation of the request last returned
  bool step_pending_ = false;       // the continuation submitted another step ...
  protocol::Request step_req_;      // ... this one
  bool session_reset_ = false;      // RESET ran: the connection's Executor session starts over
};

}  // namespace mnemo::server
