// Frames of the native change feed (docs/PROTOCOL.md, "Change feed"): the
// WATCH and UNWATCH requests, their answers, and the EVENT frames a server
// sends on its own for a watch. Same framing as every native frame (u32
// body_length, then a 12-byte header, little-endian); kept apart from
// native_codec so that the feed can grow without touching the hot path.
// Pure functions over bytes; never read past the buffer. Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/native_codec.h"

namespace mnemo::protocol::feed {

inline constexpr std::uint8_t kOpWatch = 0x20;
inline constexpr std::uint8_t kOpUnwatch = 0x21;
inline constexpr std::uint8_t kOpEvent = 0x22;  // server to client only

// WATCH option bits (the payload's `u8 options`); other bits are BAD_REQUEST.
inline constexpr std::uint8_t kFrom = 0x01;       // replay the journal after from_version first
inline constexpr std::uint8_t kCommitted = 0x02;  // deliver a change only once it is committed
inline constexpr std::uint8_t kKeysOnly = 0x04;   // leave the value out of set events
inline constexpr std::uint8_t kAllOptions = 0x07;

// Status of a WATCH whose from_version the journal no longer holds.
inline constexpr std::uint8_t kStatusCompacted = 16;

enum class EventKind : std::uint8_t {
  set = 1,       // the key holds `value` (a string), expiring at expire_at_ms (0 = never)
  del = 2,       // the key was removed
  flush = 3,     // the whole database was emptied (key empty)
  elements = 4,  // a collection (hash, list, set, sorted set, stream) changed; value empty
  expired = 5,   // the server removed the key because its expiry passed (never replayed)
  progress = 6,  // every matching change up to `version` has been sent (key empty)
  invalidate = 7,  // client-side caching: the tracked key changed (watch_id kTrackingId)
};

// Client-side caching (docs/PROTOCOL.md 6c) reuses the EVENT frame: id field
// 0 (no watch has it), db kAnyDb (tracking names keys in every database, as
// Redis's does), kind invalidate with the key, or flush with an empty key.
inline constexpr std::uint64_t kTrackingId = 0;
inline constexpr std::uint32_t kAnyDb = 0xFFFFFFFF;
// `key` changed; `version` is at least the version of the change.
void encode_invalidation(std::string_view key, std::uint64_t version, std::string& out);
// Every tracked key is gone (FLUSHDB, FLUSHALL).
void encode_flush_invalidation(std::uint64_t version, std::string& out);
bool is_event_kind(std::uint8_t k);
std::string_view event_kind_name(EventKind k);  // "set", "del", ...

bool is_feed_op(std::uint8_t op);

struct WatchRequest {
  std::uint64_t id = 0;
  std::uint8_t options = 0;
  std::uint64_t from_version = 0;
  std::string_view prefix;
};

struct UnwatchRequest {
  std::uint64_t id = 0;
  std::uint64_t watch_id = 0;
};

struct Event {
  std::uint64_t watch_id = 0;
  EventKind kind = EventKind::set;
  std::uint32_t db = 0;
  std::uint64_t version = 0;
  std::int64_t expire_at_ms = 0;
  std::string_view key;
  std::string_view value;
};

// A complete, well-framed request whose op is WATCH or UNWATCH: decodes it.
// State need_more/fatal: as native::decode_request. bad_frame: `id`, `op`,
// `status`, `message` say what to answer. Header flags must be 0.
native::DecodeResult decode_watch(std::string_view buf, WatchRequest& out, const native::Limits& limits = {});
native::DecodeResult decode_unwatch(std::string_view buf, UnwatchRequest& out,
                                    const native::Limits& limits = {});

void encode_watch(const WatchRequest& req, std::string& out);
void encode_unwatch(const UnwatchRequest& req, std::string& out);

// Answers. An error answer is the ordinary one: status, op, id, bytes message.
void encode_watch_ok(std::uint64_t id, std::uint64_t watch_id, std::uint64_t start_version, std::string& out);
void encode_unwatch_ok(std::uint64_t id, std::string& out);
void encode_error(std::uint8_t op, std::uint64_t id, std::uint8_t status, std::string_view message,
                  std::string& out);
// COMPACTED: the message, then u64 oldest_version (the smallest from_version accepted).
void encode_compacted(std::uint64_t id, std::uint64_t oldest_version, std::string& out);

void encode_event(const Event& e, std::string& out);
// The first frame of `buf` as an EVENT (status 0, op 0x22); bad_frame when it
// is another frame or malformed.
native::DecodeResult decode_event(std::string_view buf, Event& out);

}  // namespace mnemo::protocol::feed
