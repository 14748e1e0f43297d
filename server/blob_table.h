// A hash table of keys (and values) each packed in one heap block, the large
// form of a hash or a set (hash_value.h, set_value.h): a slot is one pointer
// and an element one malloc block of [LEB128 key length][key][LEB128 value
// length][value], where a table of std::string pairs spends 64 bytes a slot
// before the bytes themselves.
//
// Threads: no synchronisation; a table belongs to its hash or set.
#pragma once

#include <cstddef>
#include <iterator>
#include <string_view>

#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "server/pack.h"

namespace mnemo::server {

class BlobTable {
 public:
  struct Item {
    std::string_view key;
    std::string_view value;
  };
  // The key and value of a block.
  static Item read(const char* blob);

 private:
  struct Ref {
    mutable char* p;  // replaced in place when a value changes (the key, so the hash, stays)
  };
  struct RefHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view k) const { return absl::Hash<std::string_view>()(k); }
    std::size_t operator()(const Ref& r) const { return (*this)(read(r.p).key); }
  };
  struct RefEq {
    using is_transparent = void;
    static std::string_view key(std::string_view k) { return k; }
    static std::string_view key(const Ref& r) { return read(r.p).key; }
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const { return key(a) == key(b); }
  };
  using Table = absl::flat_hash_set<Ref, RefHash, RefEq>;

 public:
  class iterator : public ForwardViews<Item> {
   public:
    Item operator*() const { return read(it_->p); }
    iterator& operator++() {
      ++it_;
      return *this;
    }
    bool operator==(const iterator& o) const { return it_ == o.it_; }

   private:
    friend class BlobTable;
    Table::const_iterator it_{};
  };

  BlobTable() = default;
  BlobTable(const BlobTable& o);
  BlobTable(BlobTable&& o) noexcept = default;
  BlobTable& operator=(BlobTable o) noexcept {
    table_.swap(o.table_);
    std::swap(bytes_, o.bytes_);
    return *this;
  }
  ~BlobTable();

  std::size_t size() const { return table_.size(); }
  // Estimated heap bytes: the blocks (malloc's rounding included) and the slots.
  std::size_t bytes() const { return bytes_ + table_.capacity() * (sizeof(Ref) + 1); }
  void reserve(std::size_t n) { table_.reserve(n); }

  // The value of key, or nullptr when absent (value.data() may be null for an empty value).
  const Item* find(std::string_view key, Item& out) const;
  // Sets key to value; true when the key is new.
  bool set(std::string_view key, std::string_view value);
  // Removes key; true when it was there.
  bool erase(std::string_view key);

  iterator begin() const;
  iterator end() const;

 private:
  Table table_;
  std::size_t bytes_ = 0;
};

}  // namespace mnemo::server
