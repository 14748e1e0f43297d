// A packed sequence of byte strings in one heap block, Redis's listpack idea:
// the small hashes, sets and list nodes of collection.h keep their elements
// here instead of one std::string object (and one container slot) each.
//
// Layout of the block: a 12-byte header (u32 bytes used by entries, u32
// capacity of the entry area, u32 entry count), then the entries back to
// back, each a LEB128 length and its bytes. An empty Pack owns no block, so
// it is one pointer. Entries are addressed by byte offset (0 is the first,
// used() is the end); search is linear, which is what keeps a pack small and
// is why its owners bound its size (compact_limits.h).
//
// Threads: no synchronisation; a Pack belongs to its hash, set or list.
#pragma once

#include <cstddef>
#include <iterator>
#include <cstdint>
#include <string_view>

namespace mnemo::server {

// The member types std::iterator_traits reads, for the packed values' forward
// iterators (Pack, List, Set, Hash, BlobTable), which yield views by value.
template <typename V>
struct ForwardViews {
  using iterator_category = std::forward_iterator_tag;
  using value_type = V;
  using difference_type = std::ptrdiff_t;
  using pointer = void;
  using reference = V;
};

// LEB128 lengths as the packed blocks store them (pack.h, blob_table.h); the
// bytes are the server's own, so reads are not checked.
namespace packed {
inline std::size_t varint_size(std::size_t v) {
  std::size_t n = 1;
  for (; v >= 0x80; v >>= 7) ++n;
  return n;
}
inline char* put_varint(char* out, std::size_t v) {
  for (; v >= 0x80; v >>= 7) *out++ = static_cast<char>((v & 0x7f) | 0x80);
  *out++ = static_cast<char>(v);
  return out;
}
inline const char* get_varint(const char* p, std::size_t& v) {
  v = 0;
  for (int shift = 0;; shift += 7) {
    const auto b = static_cast<unsigned char>(*p++);
    v |= static_cast<std::size_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) return p;
  }
}
}  // namespace packed

class Pack {
 public:
  static constexpr std::size_t npos = ~std::size_t{0};

  Pack() = default;
  Pack(const Pack& o);
  Pack(Pack&& o) noexcept : p_(o.p_) { o.p_ = nullptr; }
  Pack& operator=(Pack o) noexcept {
    std::swap(p_, o.p_);
    return *this;
  }
  ~Pack();

  std::size_t count() const { return p_ == nullptr ? 0 : head()[2] & kCountMask; }
  // One bit of the owner's, kept in the block's header (false while the pack
  // holds no block): a set marks a member that is not an integer with it.
  bool flag() const { return p_ != nullptr && (head()[2] & ~kCountMask) != 0; }
  // Sets the flag; the pack must hold a block (not empty()).
  void set_flag() { head()[2] |= ~kCountMask; }
  bool empty() const { return count() == 0; }
  // Bytes the entries take (the offset just past the last one).
  std::size_t used() const { return p_ == nullptr ? 0 : head()[0]; }
  // Heap bytes the block holds (header included), for MEMORY USAGE.
  std::size_t footprint() const { return p_ == nullptr ? 0 : head()[1] + kHeader + 8; }  // + malloc's 8

  // The entry bytes (used() of them, while not empty), for owners whose
  // entries carry their own size at their end to be read backwards (zset_value.h).
  const char* raw() const { return data(); }
  // The entry at byte offset `off` (< used()); sets *next to the next one's offset.
  std::string_view at(std::size_t off, std::size_t* next) const;
  // The offset of the entry after the one at `off`.
  std::size_t next(std::size_t off) const {
    std::size_t n = 0;
    at(off, &n);
    return n;
  }
  // The offset of the last entry (npos when empty); walks the pack.
  std::size_t last() const;
  // The offset of the index-th entry (npos past the end); walks the pack.
  std::size_t offset_of(std::size_t index) const;
  // The offset of the first entry equal to e among entries 0, stride, 2*stride... (npos if none).
  std::size_t find(std::string_view e, std::size_t stride = 1) const;

  // Inserts e before the entry at off (off == used() appends).
  void insert(std::size_t off, std::string_view e);
  void push_back(std::string_view e) { insert(used(), e); }
  void push_front(std::string_view e) { insert(0, e); }
  // Removes n entries starting at off.
  void erase(std::size_t off, std::size_t n = 1);
  // Replaces the entry at off with e.
  void replace(std::size_t off, std::string_view e);

  // Forward iteration over the entries: `for (std::string_view e : pack)`.
  class iterator : public ForwardViews<std::string_view> {
   public:
    std::string_view operator*() const { return pack_->at(off_, &next_); }
    iterator& operator++() {
      if (next_ == 0) pack_->at(off_, &next_);
      off_ = next_;
      next_ = 0;
      return *this;
    }
    bool operator==(const iterator& o) const { return off_ == o.off_; }
    std::size_t offset() const { return off_; }

   private:
    friend class Pack;
    iterator(const Pack* p, std::size_t off) : pack_(p), off_(off) {}
    const Pack* pack_;
    std::size_t off_;
    mutable std::size_t next_ = 0;
  };
  iterator begin() const { return {this, 0}; }
  iterator end() const { return {this, used()}; }

 private:
  static constexpr std::size_t kHeader = 12;
  static constexpr std::uint32_t kCountMask = 0x7fffffff;  // the count's bits; the top one is flag()
  std::uint32_t* head() const { return reinterpret_cast<std::uint32_t*>(p_); }
  char* data() const { return p_ + kHeader; }
  // Makes room for `extra` more bytes of entries.
  void reserve_more(std::size_t extra);
  void shrink_if_slack();

  char* p_ = nullptr;
};

}  // namespace mnemo::server
