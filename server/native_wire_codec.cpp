#include "server/native_wire_codec.h"

namespace mnemo::server {

using protocol::native::DecodeState;

Next NativeWireCodec::next(std::string_view in, protocol::Request& req, std::string& out) {
  // decode_request clears req once it has a whole frame; until then req is not used.
  const auto r = protocol::native::decode_request(in, req, limits_);
  switch (r.state) {
    case DecodeState::need_more:
      return {NextKind::need_more, 0};
    case DecodeState::ok:
      if (req.op != protocol::Opcode::select) req.db = db_;
      return {NextKind::request, r.consumed};
    case DecodeState::bad_frame:
    case DecodeState::fatal:
      break;
  }
  stats_.protocol_errors.fetch_add(1, std::memory_order_relaxed);
  error_.clear();
  error_.op = static_cast<protocol::Opcode>(r.op);
  error_.id = r.id;
  error_.fail(r.status, r.message);
  protocol::native::encode_response(error_, out);
  return {r.state == DecodeState::fatal ? NextKind::close : NextKind::replied, r.consumed};
}

void NativeWireCodec::encode(const protocol::Request& req, const protocol::Response& resp, std::string& out) {
  if (req.op == protocol::Opcode::select && resp.status == protocol::Status::ok) db_ = req.db;
  protocol::native::encode_response(resp, out);
}

void NativeWireCodec::input_too_large(std::string& out) {
  error_.clear();
  error_.op = static_cast<protocol::Opcode>(0);  // the request it answers is unknown: op 0, id 0
  error_.fail(protocol::Status::too_large, "request larger than the connection's input limit");
  protocol::native::encode_response(error_, out);
}

Peeked NativeWireCodec::peek(std::string_view in) const {
  const protocol::native::PeekResult p = protocol::native::peek_request(in, limits_);
  return {p.size, p.key};
}

}  // namespace mnemo::server
