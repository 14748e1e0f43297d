// The on-disk encoding of journal batches and snapshot chunks: cereal's
// portable binary archive (little-endian, fixed-width integers) of a record
// type carrying a cereal class version, plus a CRC32 (zlib) of the payload
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
// Threads: pure functions, callable from any thread.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "persistence/change.h"
#include "protocol/result.h"

namespace mnemo::persistence {

inline constexpr std::uint32_t kRecordVersion = 1;

std::uint32_t payload_crc32(std::string_view payload);

std::string encode_changes(std::span<const Change> changes);
// Verifies `crc32` against the payload, then decodes. Errors (Status::internal)
// say what failed: "crc32 mismatch ...", "truncated ...", "record version ...".
protocol::Result<std::vector<Change>> decode_changes(std::string_view payload, std::uint32_t crc32);

std::string encode_entries(std::span<const SnapshotEntry> entries);
protocol::Result<std::vector<SnapshotEntry>> decode_entries(std::string_view payload,
                                                            std::uint32_t crc32);

}  // namespace mnemo::persistence
