#include "server/zset_value.h"

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

#include "server/compact_limits.h"

namespace mnemo::server {

namespace {

// ---- packed entries: [score][member][back length] -----------------------------------

constexpr double kZsetIntLimit = 9007199254740992.0;  // 2^53: every whole double below is exact

bool zset_int_score(double v) {
  return std::fabs(v) < kZsetIntLimit && std::trunc(v) == v && !(v == 0 && std::signbit(v));
}

// Appends the score's encoding (the header's tag byte and its bytes).
void zset_put_score(std::string& out, double v) {
  if (zset_int_score(v)) {
    const auto i = static_cast<std::int64_t>(v);
    const auto zz = (static_cast<std::uint64_t>(i) << 1) ^ static_cast<std::uint64_t>(i >> 63);
    char buf[10];
    out.push_back(1);
    out.append(buf, packed::put_varint(buf, zz));
    return;
  }
  const auto bits = std::bit_cast<std::uint64_t>(v);
  out.push_back(0);
  for (int k = 0; k < 8; ++k) out.push_back(static_cast<char>(bits >> (8 * k)));
}

// The entry bytes for a member and score, back length included.
std::string zset_entry(std::string_view member, double score) {
  std::string e;
  zset_put_score(e, score);
  e.append(member);
  // The back length counts the pack's length prefix and itself: its size is
  // the fixed point of t = size(total(t)), reached from below (total grows with t).
  std::size_t t = 1;
  while (packed::varint_size(packed::varint_size(e.size() + t) + e.size() + t) != t) ++t;
  const std::size_t len = e.size() + t;
  char buf[10];
  const char* end = packed::put_varint(buf, packed::varint_size(len) + len);
  for (const char* p = end; p != buf;) e.push_back(*--p);  // backwards: read from the entry's end
  return e;
}

ZSet::Entry zset_decode(std::string_view e) {
  double score = 0;
  const char* p = e.data() + 1;
  if (e[0] == 0) {
    std::uint64_t bits = 0;
    for (int k = 0; k < 8; ++k) bits |= static_cast<std::uint64_t>(static_cast<unsigned char>(p[k])) << (8 * k);
    score = std::bit_cast<double>(bits);
    p += 8;
  } else {
    std::size_t zz = 0;
    p = packed::get_varint(p, zz);
    score = static_cast<double>(static_cast<std::int64_t>((zz >> 1) ^ (~(zz & 1) + 1)));
  }
  const std::size_t back = packed::varint_size(packed::varint_size(e.size()) + e.size());
  const auto head = static_cast<std::size_t>(p - e.data());
  return {e.substr(head, e.size() - head - back), score};
}

// The offset of the entry before the one at `off` (> 0): its back length ends just before.
std::size_t zset_prev(const Pack& pack, std::size_t off) {
  const char* p = pack.raw() + off;
  std::size_t total = 0;
  for (int shift = 0;; shift += 7) {
    const auto b = static_cast<unsigned char>(*--p);
    total |= static_cast<std::size_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) break;
  }
  return off - total;
}

bool zset_before(const ZSet::Entry& a, double score, std::string_view member) {
  return a.score < score || (a.score == score && a.member < member);
}

// ---- big: one block per member, [double][LEB128 length][member] ---------------------

std::size_t zset_block_size(std::string_view m) { return 8 + packed::varint_size(m.size()) + m.size(); }

// What malloc really holds for n bytes (glibc: 16-byte chunks with an 8-byte header, at least 32).
std::size_t zset_chunk(std::size_t n) { return n + 8 <= 32 ? 32 : (n + 8 + 15) & ~std::size_t{15}; }

char* zset_make_block(std::string_view m, double score) {
  char* b = static_cast<char*>(std::malloc(zset_block_size(m)));
  if (b == nullptr) throw std::bad_alloc();
  std::memcpy(b, &score, 8);
  char* p = packed::put_varint(b + 8, m.size());
  if (!m.empty()) std::memcpy(p, m.data(), m.size());
  return b;
}

}  // namespace

ZSet::Key ZSet::key_of(const char* block) {
  Key k{};
  std::memcpy(&k.score, block, 8);
  std::size_t n = 0;
  const char* p = packed::get_varint(block + 8, n);
  k.member = {p, n};
  return k;
}

ZSet::ZSet(const ZSet& o) : small_(o.small_) {
  if (!o.big_) return;
  big_ = std::make_unique<Big>();
  big_->members.reserve(o.big_->members.size());
  big_->block_bytes = o.big_->block_bytes;
  for (const char* b : o.big_->order) {
    const Key k = key_of(b);
    const char* c = zset_make_block(k.member, k.score);
    big_->members.insert(c);
    big_->order.insert(big_->order.end(), c);
  }
}

ZSet::~ZSet() {
  if (!big_) return;
  for (const char* b : big_->members) std::free(const_cast<char*>(b));
}

std::size_t ZSet::bytes() const {
  if (!big_) return small_.footprint();
  // B-tree leaves hold about 30 pointers and run about 70% full: ~12 bytes a member.
  return big_->block_bytes + big_->members.capacity() * (sizeof(const char*) + 1) + big_->order.size() * 12;
}

template <typename Stop>
std::size_t ZSet::small_find(Stop stop) const {
  const std::size_t end = small_.used();
  std::size_t off = 0;
  while (off < end) {
    std::size_t next = 0;
    if (stop(zset_decode(small_.at(off, &next)))) return off;
    off = next;
  }
  return end;
}

std::optional<double> ZSet::score(std::string_view member) const {
  if (big_) {
    auto it = big_->members.find(member);
    if (it == big_->members.end()) return std::nullopt;
    return key_of(*it).score;
  }
  const std::size_t off = small_find([&](const Entry& e) { return e.member == member; });
  if (off == small_.used()) return std::nullopt;
  std::size_t next = 0;
  return zset_decode(small_.at(off, &next)).score;
}

bool ZSet::set(std::string_view member, double score) {
  if (!big_) {
    const CompactLimits& lim = compact_limits();
    const std::size_t at = small_find([&](const Entry& e) { return e.member == member; });
    const bool is_new = at == small_.used();
    if (!is_new) {
      std::size_t next = 0;
      if (zset_decode(small_.at(at, &next)).score == score) return false;
      small_.erase(at);
    } else if (small_.count() + 1 > lim.zset_entries || member.size() > lim.zset_value) {
      grow();
      return set(member, score);
    }
    small_.insert(small_find([&](const Entry& e) { return !zset_before(e, score, member); }),
                  zset_entry(member, score));
    return is_new;
  }
  Big& b = *big_;
  auto it = b.members.find(member);
  if (it != b.members.end()) {
    char* block = const_cast<char*>(*it);
    if (key_of(block).score == score) return false;
    b.order.erase(block);
    std::memcpy(block, &score, 8);
    b.order.insert(block);
    return false;
  }
  const char* block = zset_make_block(member, score);
  b.members.insert(block);
  b.order.insert(block);
  b.block_bytes += zset_chunk(zset_block_size(member));
  return true;
}

bool ZSet::erase(std::string_view member) {
  if (!big_) {
    const std::size_t at = small_find([&](const Entry& e) { return e.member == member; });
    if (at == small_.used()) return false;
    small_.erase(at);
    return true;
  }
  Big& b = *big_;
  auto it = b.members.find(member);
  if (it == b.members.end()) return false;
  const char* block = *it;
  b.order.erase(block);
  b.members.erase(it);
  b.block_bytes -= zset_chunk(zset_block_size(member));
  std::free(const_cast<char*>(block));
  return true;
}

std::optional<std::size_t> ZSet::rank(std::string_view member) const {
  if (big_) {
    auto it = big_->members.find(member);
    if (it == big_->members.end()) return std::nullopt;
    return static_cast<std::size_t>(std::distance(big_->order.begin(), big_->order.find(*it)));
  }
  std::size_t r = 0;
  for (auto it = begin(); it != end(); ++it, ++r) {
    if ((*it).member == member) return r;
  }
  return std::nullopt;
}

void ZSet::grow() {
  auto b = std::make_unique<Big>();
  b->members.reserve(small_.count() + 1);
  for (auto it = begin(); it != end(); ++it) {
    const Entry e = *it;
    const char* block = zset_make_block(e.member, e.score);
    b->members.insert(block);
    b->order.insert(b->order.end(), block);
    b->block_bytes += zset_chunk(zset_block_size(e.member));
  }
  small_ = Pack();
  big_ = std::move(b);
}

ZSet::iterator ZSet::begin() const {
  iterator it;
  it.z_ = this;
  it.small_ = !big_;
  if (big_) it.it_ = big_->order.begin();
  return it;
}

ZSet::iterator ZSet::end() const {
  iterator it;
  it.z_ = this;
  it.small_ = !big_;
  if (big_) it.it_ = big_->order.end();
  else it.off_ = small_.used();
  return it;
}

ZSet::iterator ZSet::lower_bound(double score, std::string_view member) const {
  iterator it = begin();
  if (big_) it.it_ = big_->order.lower_bound(Key{score, member});
  else it.off_ = small_find([&](const Entry& e) { return !zset_before(e, score, member); });
  return it;
}

ZSet::iterator ZSet::upper_bound(double score, std::string_view member) const {
  iterator it = begin();
  if (big_) it.it_ = big_->order.upper_bound(Key{score, member});
  else it.off_ = small_find([&](const Entry& e) { return zset_before(Entry{member, score}, e.score, e.member); });
  return it;
}

ZSet::iterator ZSet::at_rank(std::size_t rank) const {
  const std::size_t n = size();
  if (rank > n / 2) {
    iterator it = end();
    for (std::size_t i = rank; i < n; ++i) --it;
    return it;
  }
  iterator it = begin();
  if (big_) std::advance(it.it_, static_cast<std::ptrdiff_t>(rank));
  else for (std::size_t i = 0; i < rank; ++i) ++it;
  return it;
}

ZSet::Entry ZSet::iterator::operator*() const {
  if (!small_) {
    const Key k = key_of(*it_);
    return {k.member, k.score};
  }
  std::size_t next = 0;
  return zset_decode(z_->small_.at(off_, &next));
}

ZSet::iterator& ZSet::iterator::operator++() {
  if (small_) off_ = z_->small_.next(off_);
  else ++it_;
  return *this;
}

ZSet::iterator& ZSet::iterator::operator--() {
  if (small_) off_ = zset_prev(z_->small_, off_);
  else --it_;
  return *this;
}

}  // namespace mnemo::server
