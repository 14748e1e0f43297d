// LEB128 varints (7 bits a byte, low bits first, high bit = more follow) and
// zigzag for signed values: the integers of record version 2
// (record_codec.h). A reader never trusts what it reads: it stops at the end
// of its bytes and at the tenth byte, and says so.
//
// Threads: plain functions and a cursor over bytes the caller owns.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace mnemo::persistence {

inline std::size_t varint_size(std::uint64_t v) {
  std::size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

inline void put_varint(std::string& out, std::uint64_t v) {
  char buf[10];
  std::size_t n = 0;
  while (v >= 0x80) {
    buf[n++] = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  buf[n++] = static_cast<char>(v);
  out.append(buf, n);
}

inline std::uint64_t zigzag(std::int64_t v) {
  return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}
inline std::int64_t unzigzag(std::uint64_t v) {
  return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1);
}

// Reads from a byte range; every read checks what is left. On a bad read
// `error` says what and the reads after it return zeros/empty views.
class ByteReader {
 public:
  explicit ByteReader(std::string_view bytes) : p_(bytes.data()), end_(bytes.data() + bytes.size()) {}

  std::size_t remaining() const { return static_cast<std::size_t>(end_ - p_); }
  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }

  std::uint64_t varint(const char* what) {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ == end_) return fail(what, "truncated varint");
      const auto b = static_cast<std::uint8_t>(*p_++);
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return v;
    }
    return fail(what, "varint longer than 10 bytes");
  }
  std::uint8_t byte(const char* what) {
    if (p_ == end_) return static_cast<std::uint8_t>(fail(what, "truncated"));
    return static_cast<std::uint8_t>(*p_++);
  }
  std::uint32_t u32le(const char* what) {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(byte(what)) << (8 * i);
    return v;
  }
  // A varint length followed by that many bytes, as a view.
  std::string_view bytes(const char* what) {
    const std::uint64_t n = varint(what);
    if (n > remaining()) {
      fail(what, ("length " + std::to_string(n) + " exceeds the " + std::to_string(remaining()) +
                  " bytes left").c_str());
      return {};
    }
    const std::string_view v(p_, static_cast<std::size_t>(n));
    p_ += n;
    return v;
  }
  std::string_view rest() const { return {p_, remaining()}; }
  std::uint64_t fail(const char* what, const char* problem) {
    if (error_.empty()) error_ = std::string("truncated or malformed ") + what + ": " + problem;
    p_ = end_;
    return 0;
  }

 private:
  const char* p_;
  const char* end_;
  std::string error_;
};

}  // namespace mnemo::persistence
