// Little-endian integer and length-prefixed byte-string helpers shared by the
// native codec's request and response halves. Internal to protocol/.
//
// Reader never reads past the view it was given: every accessor checks the bytes
// left and returns false instead. Writer functions append to a std::string.
// Thread-safe (no shared state).
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

namespace mnemo::protocol::byte_io {

template <typename T>
inline T load_le(const char* p) {
  static_assert(std::is_integral_v<T>);
  T v;
  std::memcpy(&v, p, sizeof v);
  if constexpr (std::endian::native == std::endian::big && sizeof(T) > 1) {
    using U = std::make_unsigned_t<T>;
    U u = static_cast<U>(v), r = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i) r = static_cast<U>((r << 8) | ((u >> (8 * i)) & 0xFF));
    v = static_cast<T>(r);
  }
  return v;
}

template <typename T>
inline void store_le(char* p, T v) {
  static_assert(std::is_integral_v<T>);
  if constexpr (std::endian::native == std::endian::big && sizeof(T) > 1) {
    using U = std::make_unsigned_t<T>;
    const U u = static_cast<U>(v);
    for (std::size_t i = 0; i < sizeof(T); ++i) p[i] = static_cast<char>((u >> (8 * i)) & 0xFF);
  } else {
    std::memcpy(p, &v, sizeof v);
  }
}

class Reader {
 public:
  explicit Reader(std::string_view s) : p_(s.data()), end_(s.data() + s.size()) {}

  std::size_t left() const { return static_cast<std::size_t>(end_ - p_); }
  bool at_end() const { return p_ == end_; }

  template <typename T>
  bool get(T& v) {
    if (left() < sizeof(T)) return false;
    v = load_le<T>(p_);
    p_ += sizeof(T);
    return true;
  }

  // "bytes": u32 length, then that many bytes (a view into the input).
  bool bytes(std::string_view& v) {
    std::uint32_t n = 0;
    if (!get(n) || left() < n) return false;
    v = std::string_view(p_, n);
    p_ += n;
    return true;
  }

  // The next n bytes, with no length prefix.
  bool raw(std::size_t n, std::string_view& v) {
    if (left() < n) return false;
    v = std::string_view(p_, n);
    p_ += n;
    return true;
  }

 private:
  const char* p_;
  const char* end_;
};

template <typename T>
inline void put(std::string& out, T v) {
  char buf[sizeof(T)];
  store_le(buf, v);
  out.append(buf, sizeof(T));
}

inline void put_bytes(std::string& out, std::string_view s) {
  put(out, static_cast<std::uint32_t>(s.size()));
  out.append(s.data(), s.size());
}

// Assembles fixed-width fields on the stack and appends them with one call,
// which matters on the response hot path.
template <std::size_t N>
class Fixed {
 public:
  template <typename T>
  Fixed& put(T v) {
    static_assert(sizeof(T) <= N);
    store_le(buf_ + n_, v);
    n_ += sizeof(T);
    return *this;
  }
  void append_to(std::string& out) const { out.append(buf_, n_); }

 private:
  char buf_[N];
  std::size_t n_ = 0;
};

// Appends the 4-byte length prefix (0 for now) and the 12-byte header in one
// call; finish_frame() fills in the length.
inline std::size_t begin_frame(std::string& out, std::uint8_t b0, std::uint8_t b1, std::uint64_t id) {
  const std::size_t start = out.size();
  Fixed<16> h;
  h.put(std::uint32_t{0}).put(b0).put(b1).put(std::uint16_t{0}).put(id);
  h.append_to(out);
  return start;
}

inline void finish_frame(std::string& out, std::size_t start) {
  store_le(&out[start], static_cast<std::uint32_t>(out.size() - start - 4));
}

}  // namespace mnemo::protocol::byte_io
