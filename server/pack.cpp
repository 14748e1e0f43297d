#include "server/pack.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>

namespace mnemo::server {

namespace {

// The entry capacity a block for n entry bytes really has: glibc's malloc
// hands out chunks of 16k bytes holding 16k - 8 usable (at least 24), so the
// block (12-byte header included) is sized to the usable bytes of its chunk.
std::size_t pack_round(std::size_t n) {
  const std::size_t chunk = std::max<std::size_t>(32, (n + 12 + 8 + 15) & ~std::size_t{15});
  return chunk - 8 - 12;
}

}  // namespace

Pack::Pack(const Pack& o) {
  if (o.p_ == nullptr) return;
  const std::size_t bytes = kHeader + o.head()[1];
  p_ = static_cast<char*>(std::malloc(bytes));
  if (p_ == nullptr) throw std::bad_alloc();
  std::memcpy(p_, o.p_, kHeader + o.used());
}

Pack::~Pack() { std::free(p_); }

std::string_view Pack::at(std::size_t off, std::size_t* next) const {
  std::size_t len = 0;
  const char* p = packed::get_varint(data() + off, len);
  *next = static_cast<std::size_t>(p - data()) + len;
  return {p, len};
}

std::size_t Pack::last() const {
  const std::size_t end = used();
  if (end == 0) return npos;
  std::size_t off = 0;
  for (std::size_t n = next(off); n != end; n = next(off)) off = n;
  return off;
}

std::size_t Pack::offset_of(std::size_t index) const {
  if (index >= count()) return npos;
  std::size_t off = 0;
  for (std::size_t i = 0; i < index; ++i) off = next(off);
  return off;
}

std::size_t Pack::find(std::string_view e, std::size_t stride) const {
  const std::size_t end = used();
  std::size_t off = 0;
  while (off < end) {
    std::size_t n = 0;
    if (at(off, &n) == e) return off;
    for (std::size_t i = 1; i < stride && n < end; ++i) n = next(n);
    off = n;
  }
  return npos;
}

void Pack::reserve_more(std::size_t extra) {
  const std::size_t need = used() + extra;
  if (p_ != nullptr && need <= head()[1]) return;
  // A small block grows to the usable size of its malloc chunk only (the fill
  // of a small hash then costs a few reallocs, mostly in place); a big one
  // by a sixteenth more, for fewer copies.
  const std::size_t cap = pack_round(need < 1024 ? need : need + need / 16);
  char* q = static_cast<char*>(std::realloc(p_, kHeader + cap));
  if (q == nullptr) throw std::bad_alloc();
  if (p_ == nullptr) std::memset(q, 0, kHeader);
  p_ = q;
  head()[1] = static_cast<std::uint32_t>(cap);
}

void Pack::shrink_if_slack() {
  if (count() == 0) {
    std::free(p_);
    p_ = nullptr;
    return;
  }
  const std::size_t cap = head()[1];
  const std::size_t want = pack_round(used());
  if (cap - used() <= 64 && cap <= 2 * used()) return;
  char* q = static_cast<char*>(std::realloc(p_, kHeader + want));
  if (q == nullptr) return;  // keeping the bigger block is fine
  p_ = q;
  head()[1] = static_cast<std::uint32_t>(want);
}

void Pack::insert(std::size_t off, std::string_view e) {
  const std::size_t hdr = packed::varint_size(e.size());
  reserve_more(hdr + e.size());
  char* at_p = data() + off;
  std::memmove(at_p + hdr + e.size(), at_p, used() - off);
  packed::put_varint(at_p, e.size());
  if (!e.empty()) std::memcpy(at_p + hdr, e.data(), e.size());
  head()[0] += static_cast<std::uint32_t>(hdr + e.size());
  head()[2] += 1;
}

void Pack::erase(std::size_t off, std::size_t n) {
  std::size_t end = off;
  for (std::size_t i = 0; i < n; ++i) end = next(end);
  std::memmove(data() + off, data() + end, used() - end);
  head()[0] -= static_cast<std::uint32_t>(end - off);
  head()[2] -= static_cast<std::uint32_t>(n);
  shrink_if_slack();
}

void Pack::replace(std::size_t off, std::string_view e) {
  const std::size_t old_end = next(off);
  const std::size_t old_len = old_end - off;
  const std::size_t hdr = packed::varint_size(e.size());
  const std::size_t new_len = hdr + e.size();
  if (new_len > old_len) reserve_more(new_len - old_len);
  std::memmove(data() + off + new_len, data() + old_end, used() - old_end);
  packed::put_varint(data() + off, e.size());
  if (!e.empty()) std::memcpy(data() + off + hdr, e.data(), e.size());
  head()[0] = static_cast<std::uint32_t>(used() - old_len + new_len);
  if (new_len < old_len) shrink_if_slack();
}

}  // namespace mnemo::server
