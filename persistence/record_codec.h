// The on-disk encoding of journal batches and snapshot chunks, plus a CRC-32
// (the zlib/gzip one) of the stored payload kept beside it in the row: the
// CRC covers the bytes as stored (compressed or not), so a flipped bit in a
// compressed body is caught before anything is decompressed. Decoding never
// trusts a length it reads: counts and string lengths are checked against
// the bytes left, so a corrupt or truncated payload is an error value, never
// a crash or a huge allocation.
//
// This build writes record versions 2 to 4 and reads versions 1 to 4. All
// start with the same five bytes: u8 0x01 (cereal's little-endian flag), u32 LE
// record version.
//
// Record version 1 (cereal's portable binary archive, fixed-width integers;
// no database numbers: its changes and entries are in database 0):
//   u8 1, u32 class version (=1)
//   u64 count, then per change:  u64 seq, u8 kind (1 put, 2 del), u64 len + key
//                                bytes, u64 len + value bytes, i64 expire_at_ms
//   snapshot chunk, per entry:   u64 len + key, u64 len + value, u64 version,
//                                i64 expire_at_ms
//
// Record version 3 is version 2 with collections: a journal batch may hold
// kind 4 (elements: the value is an operation list, server/collection.h),
// and each snapshot entry starts with a u8 type (0 string, else a
// collection whose value is its operation list). A batch or chunk without
// collections is still written as version 2, byte for byte as before.
//
// Record version 4 is version 3 with continuation slices, in snapshot chunks
// only: a snapshot entry whose type byte has its high bit (0x80) set holds
// element operations (no leading clear) that add to the value built by the
// earlier entries of the same key in the same snapshot, and recovery applies
// them whatever that value's version, which stays that of the key's first
// entry (server/collection_slice.h: a big hash, set or sorted set is copied
// in slices). Only types 2, 3 and 4 (set, sorted set, hash) may be
// continued. A chunk without a continuation slice is still written as
// version 3 (or 2), byte for byte as before; journal batches are never
// version 4.
//
// Record version 5 is version 4 where type 6 (a stream) may be continued
// too: its continuation slice holds xadds of entries, then an xsetid back to
// the counters of the key's first entry (server/collection_slice.h), and it
// is right only with a recovery that replays an xadd of a held id as a
// count (server/stream.h), which a build reading only up to version 4 has
// not: it refuses the chunk. Only a chunk with a stream's continuation
// slice is version 5; every other is written as before (4, 3 or 2).
//
// Record version 2 (varint = LEB128, zz = zigzag varint):
//   header: u8 1, u32 LE version (=2), u8 codec (0 none, 1 zstd, 2 lz4),
//           u32 LE count; with a codec, then varint size of the body once
//           decompressed; then the body, compressed by that codec (zstd: one
//           frame, lz4: one block), or as is with codec 0.
//   journal batch body, per change:
//           zz seq delta (from the previous change's seq; the first from 0),
//           u8 kind (1 put, 2 del, 3 flush_db), varint db, varint len + key,
//           varint len + value, zz expire_at_ms
//           (flush_db: key and value empty; every key of db older than seq
//           is gone)
//   snapshot chunk body, per entry:
//           varint db, varint len + key, varint len + value, varint version,
//           zz expire_at_ms
// The encoders write codec 0; compress_record() compresses a record's body
// when that makes it smaller (the journal does for batches above a size
// threshold, the snapshot writer for every chunk).
//
// The *_views decoders are the ones recovery uses: they check exactly what the
// owning decoders check (the owning ones are wrappers around them), but hand
// back keys and values as views into `storage` (the decoded body) instead of
// copies.
//
// Threads: pure functions, callable from any thread.
// Lifetime: the views a *_views decoder returns point into `storage`; they are
// valid until it is changed or destroyed. Moving it keeps them valid: the
// decoders always put its bytes on the heap, even a few.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "persistence/change.h"
#include "persistence/outcome.h"
#include "persistence/record_compress.h"
#include "protocol/result.h"

namespace mnemo::persistence {

// The newest record version this build writes (it reads 1 to 5).
inline constexpr std::uint32_t kRecordVersion = 5;

// A snapshot entry whose key and value are views into a decoded payload.
struct SnapshotEntryRef {
  std::string_view key;
  std::string_view value;
  std::uint64_t version = 0;
  std::int64_t expire_at_ms = 0;
  std::uint32_t db = kDefaultDb;
  std::uint8_t type = 0;  // as SnapshotEntry::type
  bool continued = false;  // as SnapshotEntry::continued
};

std::uint32_t payload_crc32(std::string_view payload);

// Record version 2, uncompressed.
std::string encode_changes(std::span<const Change> changes);
// Verifies `crc32` against the payload, then decodes. Errors (Status::internal)
// say what failed: "crc32 mismatch ...", "truncated ...", "record version ...".
protocol::Result<std::vector<Change>> decode_changes(std::string_view payload, std::uint32_t crc32);

std::string encode_entries(std::span<const SnapshotEntry> entries);

// `payload` (a version-2 record from the encoders) with its body compressed
// by `codec`, or unchanged when that would not make it smaller.
std::string compress_record(std::string payload, Codec codec);
protocol::Result<std::vector<SnapshotEntry>> decode_entries(std::string_view payload,
                                                            std::uint32_t crc32);

// As decode_changes / decode_entries, into `out` (cleared first; its capacity
// is reused, so a caller decoding row after row allocates only when a row is
// larger than any before it), with views into `storage` (its contents are
// replaced by the record's body; its capacity is reused too). On error `out`
// is left empty.
Outcome decode_change_views(std::string_view payload, std::uint32_t crc32,
                            std::vector<ChangeRef>& out, std::string& storage);
Outcome decode_entry_views(std::string_view payload, std::uint32_t crc32,
                           std::vector<SnapshotEntryRef>& out, std::string& storage);

}  // namespace mnemo::persistence
