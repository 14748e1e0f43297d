// The byte encoding of one node of a stream's entries (stream_entries.h):
// consecutive entries in one buffer, in the spirit of Redis's listpack nodes. In memory only: journal and snapshots carry each entry as
// its own XADD operation (stream.h), so this encoding may change freely.
//
//   master:  varint n, n field names (varint length + bytes): the fields of
//            the node's first entry, shared by every entry with the same ones
//   entries, in id order, each:
//     varint head = ms_delta << 3 | flags, where ms_delta = ms - previous ms
//            (the node's key, its first id, for the first entry); flag 1:
//            deleted (XDEL), flag 2: same field names as the master, flag 4:
//            ms_delta did not fit (head's delta is 0, a varint ms_delta follows)
//     varint seq (seq - previous seq when ms_delta is 0, else seq itself)
//     same fields: n values (varint length + bytes)
//     otherwise:   varint pairs, then field, value, ... (varint length + bytes)
//
// Deleting only sets flag 1 in the head's first byte: the length never changes.
//
// Where a node ends follows Redis 7.0 (t_stream.c's streamAppendItem) rather
// than this encoding's own size: a node takes entries while it holds fewer
// than kRedisEntries (deleted ones count) and while the bytes of Redis's
// listpack for the same entries, plus the new entry's fields and values, stay
// under kRedisBytes. XADD and XTRIM with `~` remove whole nodes only, so with
// the same boundaries they keep exactly the entries Redis keeps. The lp_*
// functions give those listpack sizes (listpack.c's encodings).
// Pure functions over bytes; decoders never read past the buffer and reject
// what they cannot decode. Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "server/stream_id.h"

namespace mnemo::server::stream_node {

inline constexpr std::size_t kRedisEntries = 100;  // stream-node-max-entries
inline constexpr std::size_t kRedisBytes = 4096;   // stream-node-max-bytes

// The sum of the lengths of an entry's fields and values (Redis's
// totelelen); 0 when packed is malformed.
std::size_t raw_size(std::string_view packed);
// The bytes of Redis's listpack for a new node whose master entry takes the
// field names of `packed`: header, end byte and master entry.
std::size_t lp_start_size(std::string_view packed);
// The listpack bytes of entry `id` appended to `node` (its master decides
// whether the entry's field names are left out), keyed `key`; 0 when malformed.
std::size_t lp_entry_size(std::string_view node, StreamId key, StreamId id, std::string_view packed);

// Starts `node` (emptied) with the field names of `packed` (pack_fields'
// encoding) as its master; false when packed is malformed.
bool start(std::string& node, std::string_view packed);
// Appends the entry `id` after `prev` (the last entry's id, or the node's
// key when it is the first); false (node unchanged) when packed is malformed.
bool append(std::string& node, StreamId prev, StreamId id, std::string_view packed, bool deleted = false);
// append() into the node keyed `key`, setting lp to the entry's listpack
// bytes in Redis (lp_entry_size) in the same pass.
bool append_sized(std::string& node, StreamId key, StreamId prev, StreamId id, std::string_view packed,
                  std::size_t& lp, bool deleted = false);

// One entry as the index of a node lists it.
struct Slot {
  StreamId id;
  std::uint32_t offset = 0;  // of its head
  bool deleted = false;
};

// Every entry of the node whose key is `key`, in order; false when the bytes
// are malformed (out then holds the entries decoded so far).
bool index(std::string_view node, StreamId key, std::vector<Slot>& out);
// The fields of the entry at `offset`, in pack_fields' encoding; false when
// malformed.
bool fields(std::string_view node, std::size_t offset, std::string& packed);
// Marks the entry at `offset` deleted.
void mark_deleted(std::string& node, std::size_t offset);

}  // namespace mnemo::server::stream_node
