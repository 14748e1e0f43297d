// WireCodec for the native binary protocol (docs/PROTOCOL.md).
//
// The COMMAND frame (op 0x1F) reaches every command of the command table by
// name: the codec hands its arguments, as one RESP2 command, to a RespCodec
// of its own (made on the first COMMAND frame), lets that run the command
// (its store steps go through the Executor like any request, so AUTH and
// admin rights are the native connection's), and turns the RESP2 reply into
// the frame's typed value (protocol/native_value.h). With DURABLE, a write's
// reply waits for a SYNC, whose durable version the frame carries.
//
// A blocking command (BLPOP, XREAD BLOCK ...) blocks the connection as on
// RESP (NextKind::blocked): its answer frame is built from the RESP2 reply
// on whichever thread serves it and arrives through the connection's Outbox;
// frames pipelined behind it wait until it is answered.
//
// The change feed's WATCH (0x20) and UNWATCH (0x21) frames are answered here
// with the FeedHub (server/feed/), not by the Executor: a watch belongs to
// the connection, and its events arrive through the connection's Outbox. A
// WATCH with FROM blocks the connection (NextKind::blocked) until the hub's
// replay thread has answered, so answers stay in request order.
//
// GET and MGET with the TRACK flag make the connection a client-side caching
// client of the TrackingTable (server/tracking/): its invalidations arrive as
// EVENT frames with id 0 through the Outbox (docs/PROTOCOL.md 6c).
//
// Threads: one per connection, used only on that connection's io thread.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "protocol/native_codec.h"
#include "server/server_stats.h"
#include "server/wire_codec.h"

namespace mnemo::server {

class RespCodec;
namespace tracking {
class TrackingTable;
}
namespace feed {
class FeedHub;
}
// Makes the RespCodec a native connection runs COMMAND frames with.
using CommandCodecFactory = std::function<std::unique_ptr<RespCodec>()>;

class NativeWireCodec final : public WireCodec {
 public:
  // `tracking` (may be null): client-side caching, told of the keys native
  // writes change (writes through COMMAND frames tell it in the command layer).
  // `feed` (may be null: a server without persistence): WATCH frames.
  // `auth_required`: WATCH and UNWATCH need a native AUTH first.
  NativeWireCodec(const protocol::native::Limits& limits, ServerStats& stats, CommandCodecFactory commands = {},
                  tracking::TrackingTable* tracking = nullptr, feed::FeedHub* feed = nullptr,
                  bool auth_required = false);
  ~NativeWireCodec() override;
  Next next(std::string_view in, protocol::Request& req, std::string& out) override;
  void encode(const protocol::Request& req, const protocol::Response& resp, std::string& out) override;
  void input_too_large(std::string& out) override;
  Peeked peek(std::string_view in) const override;
  void attach_outbox(std::shared_ptr<pubsub::Outbox> outbox) override { outbox_ = std::move(outbox); }
  void unblocked() override;
  void closed() override;
  bool watching() const override { return watched_; }

 private:
  // A COMMAND frame in progress: which step it is at.
  enum class Phase : std::uint8_t {
    idle,
    running,  // the inner codec submitted a request; more steps may follow
    syncing,  // DURABLE: the reply is ready, a SYNC runs before it is sent
    blocked,  // a blocking command waits; its answer comes through the outbox
  };
  static void append_command_answer(std::uint64_t id, std::string_view resp2, std::uint64_t version,
                                    std::string& out);
  Next block_command(std::size_t consumed);
  Next start_command(const protocol::Request& frame, std::size_t consumed, protocol::Request& req,
                     std::string& out);
  Next finish_command(std::size_t consumed, protocol::Request& req, std::string& out);
  void write_command_reply(std::uint64_t version, std::string& out);
  void fail_command(protocol::Status status, std::string_view message, std::string& out);
  void invalidate_written(const protocol::Request& req, const protocol::Response& resp);
  void track_read(const protocol::Request& req);
  Next feed_frame(std::string_view in, std::string& out);
  Next watch(std::string_view in, std::string& out);
  Next unwatch(std::string_view in, std::string& out);

  protocol::native::Limits limits_;
  ServerStats& stats_;
  protocol::Response error_;  // reused for error frames
  // The connection's database (SELECT): stamped on every later request. It
  // changes only once the Executor has accepted the number.
  std::uint32_t db_ = 0;
  bool authenticated_ = false;  // a native AUTH succeeded: the inner codec is told
  tracking::TrackingTable* tracking_ = nullptr;
  bool tracked_ = false;  // a TRACK read made this connection a tracking client
  // -- the change feed --
  feed::FeedHub* feed_ = nullptr;
  bool auth_required_ = false;
  bool watched_ = false;
  std::shared_ptr<pubsub::Outbox> outbox_;
  // -- COMMAND frames --
  CommandCodecFactory make_commands_;
  std::unique_ptr<RespCodec> commands_;
  Phase phase_ = Phase::idle;
  std::uint64_t frame_id_ = 0;
  bool durable_ = false;      // the frame asked for DURABLE and the command writes
  std::string command_in_;    // the frame's arguments as one RESP2 command (the inner requests view it)
  std::string reply_;         // the inner codec's RESP2 reply
};

}  // namespace mnemo::server
