// A stream (Redis 7.0's type): entries with increasing ids, each a list of
// field-value pairs, and the consumer groups that read them. It is one kind
// of Collection (collection.h), so it is changed only by operation lists: the
// journal records each XADD's entry, a trim's new first id, each delivery and
// acknowledgement, never the whole stream, and recovery rebuilds it with the
// same apply code as the live write.
//
// Stream operations (after the value type byte 6; "id" = varint ms, varint
// seq; "str" = varint length + bytes; "n+1" = a count stored plus one so
// that -1, Redis's "unknown", is 0):
//   20 xadd   id, str fields      the entry (fields: see FieldsWriter)
//   21 xdel   id                  deletes one entry, raises max-deleted-id
//   22 xtrim  id                  deletes every entry below id
//   23 xsetid id last, varint entries-added, id max-deleted
//   24 gcreate str group, id last-delivered, n+1 entries-read
//   25 gdestroy str group
//   26 gsetid  str group, id last-delivered, n+1 entries-read
//   27 ccreate str group, str consumer, varint seen-time ms
//   28 cdel    str group, str consumer (its pending entries go too)
//   29 pend    str group, str consumer, id, varint delivery-time ms,
//              varint delivery-count: the entry is pending for the consumer
//              (created if missing), taken from any other consumer
//   30 ack     str group, id
// An empty stream still exists (Redis keeps it), unlike the other types.
//
// Threads: none of its own; it belongs to its Collection.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/btree_set.h"
#include "server/stream_entries.h"
#include "server/stream_id.h"

namespace mnemo::server {

class OpReader;
class OpWriter;

struct StreamNack {
  std::string consumer;
  std::int64_t delivery_time = 0;
  std::uint64_t delivery_count = 0;
};

struct StreamConsumer {
  std::int64_t seen_time = 0;
  absl::btree_set<StreamId> pending;
};

struct StreamGroup {
  StreamId last_id;
  std::int64_t entries_read = -1;  // -1: unknown (Redis's SCG_INVALID_ENTRIES_READ)
  absl::btree_map<StreamId, StreamNack> pel;
  std::map<std::string, StreamConsumer, std::less<>> consumers;  // ordered, as XINFO lists them
};

struct Stream {
  // The entries, id -> fields and values packed (pack_fields' encoding),
  // kept in nodes of many entries each (stream_entries.h).
  StreamEntries entries;
  StreamId last_id;
  StreamId max_deleted;
  std::uint64_t entries_added = 0;
  std::map<std::string, StreamGroup, std::less<>> groups;

  StreamId first_id() const { return entries.front_id(); }
  const StreamGroup* group(std::string_view name) const {
    auto it = groups.find(name);
    return it == groups.end() ? nullptr : &it->second;
  }
  // Redis's streamEstimateDistanceFromFirstEverEntry: how many entries were
  // added up to id, or -1 when that cannot be told.
  std::int64_t distance_to(StreamId id) const;
  // Whether an XDEL'd id could lie in [start, end] (streamRangeHasTombstones).
  bool has_tombstones(StreamId start, StreamId end) const;
  // XINFO GROUPS' lag of a group; nullopt when unknown.
  std::optional<std::int64_t> lag(const StreamGroup& g) const;
  // A group's entries-read after it reads entry `id` (streamReplyWithRange).
  std::int64_t entries_read_after(std::int64_t entries_read, StreamId id) const;
};

// An entry's fields and values: varint count of pairs, then each as
// varint length + bytes.
std::string pack_fields(const std::vector<std::string_view>& field_values);
// The pairs of a packed entry; false when the bytes are malformed.
bool unpack_fields(std::string_view packed, std::vector<std::string_view>& out);

// Applies one stream operation (codes 20..30); bytes tracks the heap estimate.
// `replay` (recovery's journal over a snapshot, Collection::replay): an xadd
// of an id the stream holds leaves the entry as it is but still counts it
// (last id, entries-added), as its live write did; live, it is malformed.
bool apply_stream_op(Stream& s, std::uint8_t code, OpReader& r, std::size_t& bytes, bool replay);
// Appends the operations that rebuild s after a clear: its entries, then
// encode_stream_state's.
void encode_stream(const Stream& s, OpWriter& w);
// Appends an xsetid of s's last id, entries-added and max-deleted-id, then
// its groups with their consumers and pending entries.
void encode_stream_state(const Stream& s, OpWriter& w);

// Builders of the stream operations.
namespace stream_ops {
void xadd(OpWriter& w, StreamId id, std::string_view packed);
void xdel(OpWriter& w, StreamId id);
void xtrim(OpWriter& w, StreamId first_kept);
void xsetid(OpWriter& w, StreamId last, std::uint64_t entries_added, StreamId max_deleted);
void gcreate(OpWriter& w, std::string_view group, StreamId last, std::int64_t entries_read);
void gdestroy(OpWriter& w, std::string_view group);
void gsetid(OpWriter& w, std::string_view group, StreamId last, std::int64_t entries_read);
void ccreate(OpWriter& w, std::string_view group, std::string_view consumer, std::int64_t seen);
void cdel(OpWriter& w, std::string_view group, std::string_view consumer);
void pend(OpWriter& w, std::string_view group, std::string_view consumer, StreamId id, std::int64_t time,
          std::uint64_t count);
void ack(OpWriter& w, std::string_view group, StreamId id);
}  // namespace stream_ops

}  // namespace mnemo::server
