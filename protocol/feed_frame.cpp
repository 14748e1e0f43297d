// The change feed's frames (feed_frame.h; byte layout in docs/PROTOCOL.md).
#include "protocol/feed_frame.h"

#include "protocol/byte_io.h"
#include "protocol/native_frame.h"

namespace mnemo::protocol::feed {
namespace {

using byte_io::Reader;
using native::DecodeResult;
using native::DecodeState;
using native::detail::reject;

// Splits the frame and reads its request header; false when `r` already says
// what to do (need more, fatal, or a bad header).
bool open_request(std::string_view buf, std::uint8_t want_op, const native::Limits& limits, DecodeResult& r,
                  Reader& payload) {
  std::string_view body;
  if (!native::detail::split_frame(buf, limits, r, body)) return false;
  Reader in(body);
  std::uint8_t op = 0, fl = 0;
  std::uint16_t reserved = 0;
  in.get(op);
  in.get(fl);
  in.get(reserved);
  in.get(r.id);
  r.op = op;
  if (op != want_op) {
    reject(r, Status::unknown_command, "unknown opcode");
    return false;
  }
  if (fl != 0) {
    reject(r, Status::bad_request, "WATCH and UNWATCH take no flags");
    return false;
  }
  if (reserved != 0) {
    reject(r, Status::bad_request, "reserved header field is not 0");
    return false;
  }
  payload = in;
  return true;
}

}  // namespace

bool is_event_kind(std::uint8_t k) { return k >= 1 && k <= 7; }

std::string_view event_kind_name(EventKind k) {
  switch (k) {
    case EventKind::set: return "set";
    case EventKind::del: return "del";
    case EventKind::flush: return "flush";
    case EventKind::elements: return "elements";
    case EventKind::expired: return "expired";
    case EventKind::progress: return "progress";
    case EventKind::invalidate: return "invalidate";
  }
  return "unknown";
}

bool is_feed_op(std::uint8_t op) { return op == kOpWatch || op == kOpUnwatch; }

DecodeResult decode_watch(std::string_view buf, WatchRequest& out, const native::Limits& limits) {
  DecodeResult r;
  Reader in("");
  if (!open_request(buf, kOpWatch, limits, r, in)) return r;
  out = WatchRequest{};
  out.id = r.id;
  if (!in.get(out.options) || !in.get(out.from_version) || !in.bytes(out.prefix)) {
    reject(r, Status::bad_request, "payload shorter than its fields");
  } else if (!in.at_end()) {
    reject(r, Status::bad_request, "trailing bytes after the payload");
  } else if ((out.options & ~kAllOptions) != 0) {
    reject(r, Status::bad_request, "unknown WATCH option bits");
  } else if ((out.options & kFrom) == 0 && out.from_version != 0) {
    reject(r, Status::bad_request, "from_version without the FROM option");
  } else {
    r.state = DecodeState::ok;
  }
  return r;
}

DecodeResult decode_unwatch(std::string_view buf, UnwatchRequest& out, const native::Limits& limits) {
  DecodeResult r;
  Reader in("");
  if (!open_request(buf, kOpUnwatch, limits, r, in)) return r;
  out = UnwatchRequest{};
  out.id = r.id;
  if (!in.get(out.watch_id)) {
    reject(r, Status::bad_request, "payload shorter than its fields");
  } else if (!in.at_end()) {
    reject(r, Status::bad_request, "trailing bytes after the payload");
  } else {
    r.state = DecodeState::ok;
  }
  return r;
}

void encode_watch(const WatchRequest& req, std::string& out) {
  const std::size_t start = byte_io::begin_frame(out, kOpWatch, 0, req.id);
  byte_io::put(out, req.options);
  byte_io::put(out, req.from_version);
  byte_io::put_bytes(out, req.prefix);
  byte_io::finish_frame(out, start);
}

void encode_unwatch(const UnwatchRequest& req, std::string& out) {
  const std::size_t start = byte_io::begin_frame(out, kOpUnwatch, 0, req.id);
  byte_io::put(out, req.watch_id);
  byte_io::finish_frame(out, start);
}

void encode_watch_ok(std::uint64_t id, std::uint64_t watch_id, std::uint64_t start_version, std::string& out) {
  const std::size_t start = byte_io::begin_frame(out, 0, kOpWatch, id);
  byte_io::put(out, watch_id);
  byte_io::put(out, start_version);
  byte_io::finish_frame(out, start);
}

void encode_unwatch_ok(std::uint64_t id, std::string& out) {
  const std::size_t start = byte_io::begin_frame(out, 0, kOpUnwatch, id);
  byte_io::finish_frame(out, start);
}

void encode_error(std::uint8_t op, std::uint64_t id, std::uint8_t status, std::string_view message,
                  std::string& out) {
  const std::size_t start = byte_io::begin_frame(out, status, op, id);
  byte_io::put_bytes(out, message);
  byte_io::finish_frame(out, start);
}

void encode_compacted(std::uint64_t id, std::uint64_t oldest_version, std::string& out) {
  const std::string message = "compacted: the journal no longer holds the changes after that version; "
                              "the oldest from_version available is " + std::to_string(oldest_version) +
                              " (re-read with SCAN, then watch from the version read)";
  const std::size_t start = byte_io::begin_frame(out, kStatusCompacted, kOpWatch, id);
  byte_io::put_bytes(out, message);
  byte_io::put(out, oldest_version);
  byte_io::finish_frame(out, start);
}

void encode_event(const Event& e, std::string& out) {
  const std::size_t start = byte_io::begin_frame(out, 0, kOpEvent, e.watch_id);
  byte_io::Fixed<21> f;
  f.put(static_cast<std::uint8_t>(e.kind)).put(e.db).put(e.version).put(e.expire_at_ms);
  f.append_to(out);
  byte_io::put_bytes(out, e.key);
  byte_io::put_bytes(out, e.value);
  byte_io::finish_frame(out, start);
}

void encode_invalidation(std::string_view key, std::uint64_t version, std::string& out) {
  encode_event(Event{kTrackingId, EventKind::invalidate, kAnyDb, version, 0, key, {}}, out);
}

void encode_flush_invalidation(std::uint64_t version, std::string& out) {
  encode_event(Event{kTrackingId, EventKind::flush, kAnyDb, version, 0, {}, {}}, out);
}

DecodeResult decode_event(std::string_view buf, Event& out) {
  DecodeResult r;
  native::Limits unlimited;
  unlimited.max_frame_bytes = UINT32_MAX;
  std::string_view body;
  if (!native::detail::split_frame(buf, unlimited, r, body)) return r;
  Reader in(body);
  std::uint8_t status = 0, op = 0, kind = 0;
  std::uint16_t reserved = 0;
  in.get(status);
  in.get(op);
  in.get(reserved);
  in.get(r.id);
  r.op = op;
  out = Event{};
  out.watch_id = r.id;
  if (status != 0 || op != kOpEvent) {
    reject(r, Status::bad_request, "not an EVENT frame");
  } else if (!in.get(kind) || !in.get(out.db) || !in.get(out.version) || !in.get(out.expire_at_ms) ||
             !in.bytes(out.key) || !in.bytes(out.value)) {
    reject(r, Status::bad_request, "payload shorter than its fields");
  } else if (!in.at_end()) {
    reject(r, Status::bad_request, "trailing bytes after the payload");
  } else if (!is_event_kind(kind)) {
    reject(r, Status::bad_request, "unknown event kind");
  } else {
    out.kind = static_cast<EventKind>(kind);
    r.state = DecodeState::ok;
  }
  return r;
}

}  // namespace mnemo::protocol::feed
