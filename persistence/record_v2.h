// Record version 2 (layout in record_codec.h): the pieces record_codec.cpp
// and change_encoder.cpp share. Internal to the codec; callers use
// record_codec.h.
//
// Threads: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "persistence/change.h"
#include "persistence/outcome.h"
#include "persistence/record_compress.h"

namespace mnemo::persistence {

struct SnapshotEntryRef;

namespace v2 {

// u8 0x01 (cereal's little-endian flag, so that versions 1 and 2 share their
// first five bytes), u32 version, u8 codec, u32 count.
inline constexpr std::size_t kHeaderBytes = 1 + 4 + 1 + 4;

// version: 2, 3 for a record holding collections, 4 for a snapshot chunk
// holding continuation slices (record_codec.h).
void write_header(char* at, Codec codec, std::uint32_t count, std::uint32_t version = 2);

// A change without its seq (the encoder stamps seqs later), and its size.
std::size_t change_unit_size(const ChangeRef& c);
void append_change_unit(std::string& out, const ChangeRef& c);

// version 3 entries start with their type byte (version 4: its high bit
// marks a continuation slice).
void append_entry(std::string& out, const SnapshotEntry& e, std::uint32_t version = 2);

// Makes `storage` hold its bytes on the heap whatever its size (a short
// std::string keeps them inside itself), so that moving it, as recovery's
// queue does, keeps the views into it valid.
void keep_on_heap(std::string& storage);

// `payload` holds a version-2 record whose CRC was checked. The views point
// into `storage` (its contents replaced by the body, decompressed if need be).
// version: the record's (2 to 4).
Outcome decode_changes(std::string_view payload, std::vector<ChangeRef>& out, std::string& storage,
                       std::uint32_t version);
Outcome decode_entries(std::string_view payload, std::vector<SnapshotEntryRef>& out,
                       std::string& storage, std::uint32_t version);

// The payload with its body compressed by `codec`, or unchanged when that
// does not make it smaller.
std::string compress(std::string payload, Codec codec);

}  // namespace v2
}  // namespace mnemo::persistence
