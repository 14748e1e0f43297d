// libFuzzer target for the change feed's frames (protocol/feed_frame.h):
// WATCH and UNWATCH requests as the server decodes them, EVENT frames as a
// client decodes them. Besides "no crash, no out-of-bounds read" (ASan/UBSan),
// it checks that
//   - a strict prefix of a frame is need_more, never another verdict;
//   - `consumed` is within the input and not 0 for a decoded frame;
//   - a client-side caching invalidation (id 0, kind invalidate or flush,
//     any database) is what encode_invalidation / encode_flush_invalidation
//     write for its key and version;
//   - every decoded message re-encodes to the very same bytes (the encodings
//     are canonical; an event's reserved header field, which clients ignore,
//     re-encodes as 0) and decodes again to the same fields.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "protocol/feed_frame.h"

namespace {

namespace feed = mnemo::protocol::feed;
using mnemo::protocol::native::DecodeResult;
using mnemo::protocol::native::DecodeState;

void check(bool ok) {
  if (!ok) std::abort();
}

void check_prefixes(std::string_view in, const DecodeResult& whole, DecodeResult (*decode)(std::string_view)) {
  if (whole.state == DecodeState::need_more || whole.state == DecodeState::fatal) return;
  check(whole.consumed > 0 && whole.consumed <= in.size());
  // A few cut points are enough: every prefix is the same code path.
  for (std::size_t cut : {std::size_t{0}, std::size_t{3}, whole.consumed / 2, whole.consumed - 1}) {
    if (cut >= whole.consumed) continue;
    check(decode(in.substr(0, cut)).state == DecodeState::need_more);
  }
}

DecodeResult watch(std::string_view in) {
  feed::WatchRequest w;
  return feed::decode_watch(in, w);
}
DecodeResult unwatch(std::string_view in) {
  feed::UnwatchRequest u;
  return feed::decode_unwatch(in, u);
}
DecodeResult event(std::string_view in) {
  feed::Event e;
  return feed::decode_event(in, e);
}

void round_trip_watch(std::string_view in) {
  feed::WatchRequest w;
  const DecodeResult r = feed::decode_watch(in, w);
  check_prefixes(in, r, watch);
  if (r.state != DecodeState::ok) return;
  std::string again;
  feed::encode_watch(w, again);
  check(again == in.substr(0, r.consumed));
}

void round_trip_unwatch(std::string_view in) {
  feed::UnwatchRequest u;
  const DecodeResult r = feed::decode_unwatch(in, u);
  check_prefixes(in, r, unwatch);
  if (r.state != DecodeState::ok) return;
  std::string again;
  feed::encode_unwatch(u, again);
  check(again == in.substr(0, r.consumed));
}

// The tracking frames are EVENT frames with fixed fields: the encoders agree.
void check_invalidation(const feed::Event& e, const std::string& bytes) {
  if (e.watch_id != feed::kTrackingId || e.db != feed::kAnyDb || e.expire_at_ms != 0 || !e.value.empty()) return;
  std::string mine;
  if (e.kind == feed::EventKind::invalidate) {
    feed::encode_invalidation(e.key, e.version, mine);
  } else if (e.kind == feed::EventKind::flush && e.key.empty()) {
    feed::encode_flush_invalidation(e.version, mine);
  } else {
    return;
  }
  check(mine == bytes);
}

void round_trip_event(std::string_view in) {
  feed::Event e;
  const DecodeResult r = feed::decode_event(in, e);
  check_prefixes(in, r, event);
  if (r.state != DecodeState::ok) return;
  std::string again;
  feed::encode_event(e, again);
  // A client ignores a response header's reserved field; the encoder writes 0.
  std::string expected(in.substr(0, r.consumed));
  expected[6] = expected[7] = 0;
  check(again == expected);
  feed::Event back;
  check(feed::decode_event(again, back).state == DecodeState::ok);
  check(back.kind == e.kind && back.version == e.version && back.key == e.key && back.value == e.value &&
        back.db == e.db && back.expire_at_ms == e.expire_at_ms && back.watch_id == e.watch_id);
  check_invalidation(e, again);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  round_trip_watch(in);
  round_trip_unwatch(in);
  round_trip_event(in);
  return 0;
}
