// The on-disk encoding of journal batches and snapshot chunks: cereal's
// portable binary archive (little-endian, fixed-width integers) of a record
// type carrying a cereal class version, plus a CRC-32 (the zlib/gzip one) of the payload
// kept beside it in the row. Decoding never trusts a length it reads: counts
// and string lengths are checked against the bytes left, so a corrupt or
// truncated payload is an error value, never a crash or a huge allocation.
//
// Record version 1, after cereal's one endianness byte:
//   u32 class version (=1)
//   u64 count, then per change:  u64 seq, u8 kind, u64 len + key bytes,
//                                u64 len + value bytes, i64 expire_at_ms
//   snapshot chunk, per entry:   u64 len + key, u64 len + value, u64 version,
//                                i64 expire_at_ms
//
// The *_views decoders are the ones recovery uses: they check exactly what the
// owning decoders check (the owning ones are wrappers around them), but hand
// back keys and values as views into the payload instead of copies.
//
// Threads: pure functions, callable from any thread.
// Lifetime: the views a *_views decoder returns point into `payload`; they are
// valid as long as those bytes are, and not after.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "persistence/change.h"
#include "persistence/outcome.h"
#include "protocol/result.h"

namespace mnemo::persistence {

inline constexpr std::uint32_t kRecordVersion = 1;

// A snapshot entry whose key and value are views into a decoded payload.
struct SnapshotEntryRef {
  std::string_view key;
  std::string_view value;
  std::uint64_t version = 0;
  std::int64_t expire_at_ms = 0;
  std::uint32_t db = kDefaultDb;
};

std::uint32_t payload_crc32(std::string_view payload);

std::string encode_changes(std::span<const Change> changes);
// Verifies `crc32` against the payload, then decodes. Errors (Status::internal)
// say what failed: "crc32 mismatch ...", "truncated ...", "record version ...".
protocol::Result<std::vector<Change>> decode_changes(std::string_view payload, std::uint32_t crc32);

std::string encode_entries(std::span<const SnapshotEntry> entries);
protocol::Result<std::vector<SnapshotEntry>> decode_entries(std::string_view payload,
                                                            std::uint32_t crc32);

// As decode_changes / decode_entries, into `out` (cleared first; its capacity
// is reused, so a caller decoding row after row allocates only when a row is
// larger than any before it). On error `out` is left empty.
Outcome decode_change_views(std::string_view payload, std::uint32_t crc32,
                            std::vector<ChangeRef>& out);
Outcome decode_entry_views(std::string_view payload, std::uint32_t crc32,
                           std::vector<SnapshotEntryRef>& out);

}  // namespace mnemo::persistence
