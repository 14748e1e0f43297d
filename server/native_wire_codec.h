// WireCodec for the native binary protocol (docs/PROTOCOL.md).
// Threads: one per connection, used only on that connection's io thread.
#pragma once

#include "protocol/native_codec.h"
#include "server/server_stats.h"
#include "server/wire_codec.h"

namespace mnemo::server {

class NativeWireCodec final : public WireCodec {
 public:
  NativeWireCodec(const protocol::native::Limits& limits, ServerStats& stats) : limits_(limits), stats_(stats) {}
  Next next(std::string_view in, protocol::Request& req, std::string& out) override;
  void encode(const protocol::Request& req, const protocol::Response& resp, std::string& out) override;
  void input_too_large(std::string& out) override;
  Peeked peek(std::string_view in) const override;

 private:
  protocol::native::Limits limits_;
  ServerStats& stats_;
  protocol::Response error_;  // reused for error frames
  // The connection's database (SELECT): stamped on every later request. It
  // changes only once the Executor has accepted the number.
  std::uint32_t db_ = 0;
};

}  // namespace mnemo::server
