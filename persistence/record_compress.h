// Compression of record bodies (record_codec.h, record version 2). A record
// names its codec in its header, so a reader decodes rows written with any
// codec this build knows, whatever it writes itself.
//
// Threads: pure functions, callable from any thread (zstd contexts are kept
// per thread).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "persistence/outcome.h"

namespace mnemo::persistence {

enum class Codec : std::uint8_t {
  none = 0,
  zstd = 1,  // one zstd frame
  lz4 = 2,   // one LZ4 block (the body size is in the record header)
};

// Bodies larger than this are stored uncompressed (and a record claiming a
// larger decompressed body is rejected before anything is allocated).
inline constexpr std::size_t kMaxCompressedBody = std::size_t{512} << 20;

// Appends the compressed form of `raw` to `out`; false (out unchanged) when
// the codec cannot compress it (too large, or no smaller than raw).
bool compress_body(Codec codec, std::string_view raw, std::string& out);

// Decompresses `packed` into `out` (replacing its contents), which must come
// to exactly `raw_size` bytes. Errors say what went wrong.
Outcome decompress_body(Codec codec, std::string_view packed, std::size_t raw_size,
                        std::string& out);

const char* codec_name(Codec codec);

}  // namespace mnemo::persistence
