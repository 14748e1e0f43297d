#include "persistence/record_compress.h"

#include <lz4.h>
#include <zstd.h>

#include <memory>

namespace mnemo::persistence {

using protocol::Error;
using protocol::Status;

namespace {

// zstd level 1: the fastest of the regular levels; on snapshot chunks it
// already gets most of what higher levels get (docs/BENCHMARKS.md).
constexpr int kZstdLevel = 1;

struct CctxFree {
  void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};
struct DctxFree {
  void operator()(ZSTD_DCtx* d) const { ZSTD_freeDCtx(d); }
};

ZSTD_CCtx* cctx() {
  thread_local std::unique_ptr<ZSTD_CCtx, CctxFree> c(ZSTD_createCCtx());
  return c.get();
}
ZSTD_DCtx* dctx() {
  thread_local std::unique_ptr<ZSTD_DCtx, DctxFree> d(ZSTD_createDCtx());
  return d.get();
}

// Grows `out` by up to `bound` bytes, lets `fill` write into them, keeps what it wrote.
template <class Fill>
bool append_with(std::string& out, std::size_t bound, Fill fill) {
  const std::size_t at = out.size();
  out.resize(at + bound);
  const std::size_t n = fill(out.data() + at);
  out.resize(at + n);
  return n > 0;
}

}  // namespace

const char* codec_name(Codec codec) {
  switch (codec) {
    case Codec::none: return "none";
    case Codec::zstd: return "zstd";
    case Codec::lz4: return "lz4";
  }
  return "unknown";
}

bool compress_body(Codec codec, std::string_view raw, std::string& out) {
  if (codec == Codec::none || raw.size() > kMaxCompressedBody || raw.empty()) return false;
  const std::size_t before = out.size();
  bool ok = false;
  if (codec == Codec::zstd) {
    ok = append_with(out, ZSTD_compressBound(raw.size()), [&](char* dst) -> std::size_t {
      const std::size_t n = ZSTD_compressCCtx(cctx(), dst, ZSTD_compressBound(raw.size()),
                                              raw.data(), raw.size(), kZstdLevel);
      return ZSTD_isError(n) ? 0 : n;
    });
  } else if (codec == Codec::lz4) {
    const int bound = LZ4_compressBound(static_cast<int>(raw.size()));
    ok = append_with(out, static_cast<std::size_t>(bound), [&](char* dst) -> std::size_t {
      const int n = LZ4_compress_default(raw.data(), dst, static_cast<int>(raw.size()), bound);
      return n > 0 ? static_cast<std::size_t>(n) : 0;
    });
  }
  if (!ok || out.size() - before >= raw.size()) {
    out.resize(before);
    return false;
  }
  return true;
}

Outcome decompress_body(Codec codec, std::string_view packed, std::size_t raw_size,
                        std::string& out) {
  if (raw_size > kMaxCompressedBody) {
    return Error{Status::internal, "compressed body claims " + std::to_string(raw_size) +
                                       " bytes, more than any record holds"};
  }
  out.resize(raw_size);
  std::size_t got = 0;
  if (codec == Codec::zstd) {
    const std::size_t n =
        ZSTD_decompressDCtx(dctx(), out.data(), raw_size, packed.data(), packed.size());
    if (ZSTD_isError(n)) {
      out.clear();
      return Error{Status::internal, std::string("zstd: ") + ZSTD_getErrorName(n)};
    }
    got = n;
  } else if (codec == Codec::lz4) {
    const int n = LZ4_decompress_safe(packed.data(), out.data(), static_cast<int>(packed.size()),
                                      static_cast<int>(raw_size));
    if (n < 0) {
      out.clear();
      return Error{Status::internal, "lz4: malformed block"};
    }
    got = static_cast<std::size_t>(n);
  } else {
    return Error{Status::internal, "unknown codec " + std::to_string(static_cast<int>(codec))};
  }
  if (got != raw_size) {
    out.clear();
    return Error{Status::internal, std::string(codec_name(codec)) + ": body is " +
                                       std::to_string(got) + " bytes, header says " +
                                       std::to_string(raw_size)};
  }
  return success();
}

}  // namespace mnemo::persistence
