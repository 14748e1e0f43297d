// NativeWireCodec's change-feed frames, WATCH and UNWATCH (native_wire_codec.h).
#include "protocol/feed_frame.h"
#include "server/feed/feed_hub.h"
#include "server/tracking/tracking_table.h"
#include "server/native_wire_codec.h"

namespace mnemo::server {

using protocol::Status;
using protocol::native::DecodeState;
namespace pf = protocol::feed;

namespace {

std::uint8_t code(Status s) { return static_cast<std::uint8_t>(s); }

}  // namespace

Next NativeWireCodec::feed_frame(std::string_view in, std::string& out) {
  return static_cast<std::uint8_t>(in[4]) == pf::kOpWatch ? watch(in, out) : unwatch(in, out);
}

Next NativeWireCodec::watch(std::string_view in, std::string& out) {
  pf::WatchRequest w;
  const auto r = pf::decode_watch(in, w, limits_);
  if (r.state == DecodeState::need_more) return {NextKind::need_more, 0};
  if (r.state != DecodeState::ok) {
    stats_.protocol_errors.fetch_add(1, std::memory_order_relaxed);
    pf::encode_error(r.op, r.id, code(r.status), r.message, out);
    return {r.state == DecodeState::fatal ? NextKind::close : NextKind::replied, r.consumed};
  }
  if (auth_required_ && !authenticated_) {
    pf::encode_error(pf::kOpWatch, w.id, code(Status::unauthorized), "AUTH first", out);
    return {NextKind::replied, r.consumed};
  }
  if (feed_ == nullptr) {
    pf::encode_error(pf::kOpWatch, w.id, code(Status::bad_request),
                     "the change feed needs the journal; this server runs with --no-persistence", out);
    return {NextKind::replied, r.consumed};
  }
  feed::WatchSpec spec{db_, std::string(w.prefix), w.options, w.from_version};
  const auto conn = reinterpret_cast<std::uintptr_t>(this);
  auto started = feed_->watch(std::move(spec), w.id, conn, outbox_);
  if (!started.ok()) {
    pf::encode_error(pf::kOpWatch, w.id, code(started.error().status), started.error().message, out);
    return {NextKind::replied, r.consumed};
  }
  watched_ = true;
  // With FROM the hub's replay thread answers, through the outbox.
  if (started->replaying) return {NextKind::blocked, r.consumed};
  pf::encode_watch_ok(w.id, started->watch_id, started->start_version, out);
  return {NextKind::replied, r.consumed};
}

Next NativeWireCodec::unwatch(std::string_view in, std::string& out) {
  pf::UnwatchRequest u;
  const auto r = pf::decode_unwatch(in, u, limits_);
  if (r.state == DecodeState::need_more) return {NextKind::need_more, 0};
  if (r.state != DecodeState::ok) {
    stats_.protocol_errors.fetch_add(1, std::memory_order_relaxed);
    pf::encode_error(r.op, r.id, code(r.status), r.message, out);
    return {r.state == DecodeState::fatal ? NextKind::close : NextKind::replied, r.consumed};
  }
  if (auth_required_ && !authenticated_) {
    pf::encode_error(pf::kOpUnwatch, u.id, code(Status::unauthorized), "AUTH first", out);
    return {NextKind::replied, r.consumed};
  }
  const auto conn = reinterpret_cast<std::uintptr_t>(this);
  const bool found = feed_ != nullptr && feed_->unwatch(conn, u.watch_id);
  // Events pushed before the watch ended go out before the answer; none after it.
  if (outbox_) outbox_->take(out);
  if (!found) {
    pf::encode_error(pf::kOpUnwatch, u.id, code(Status::not_found), "no such watch on this connection", out);
  } else {
    pf::encode_unwatch_ok(u.id, out);
  }
  return {NextKind::replied, r.consumed};
}

void NativeWireCodec::closed() {
  if (commands_) commands_->closed();  // a blocked command stops waiting
  if (feed_ != nullptr && watched_) feed_->unwatch_all(reinterpret_cast<std::uintptr_t>(this));
  if (tracking_ != nullptr && tracked_) {
    tracking_->disconnect(tracking::TrackingTable::kNativeIdBit | reinterpret_cast<std::uintptr_t>(this));
  }
}

}  // namespace mnemo::server
