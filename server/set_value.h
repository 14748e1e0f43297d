// The value of a set key: its members packed in one block while small
// (pack.h), and a hash table of packed members (blob_table.h) once it grows.
//
// Redis 7.0 keeps a set of integers as an intset up to set-max-intset-entries
// (512) and any other set as a hash table. mnemo packs an all-integer set up
// to the same count (--set-max-intset-entries) and also a set of short
// strings up to --set-max-compact-entries members of at most
// --set-max-compact-value bytes (Redis 7.2's listpack sets; compact_limits.h).
// Past a limit the set becomes a hash table for good. OBJECT ENCODING still
// answers Redis 7.0's "intset" or "hashtable" (store_collections.cpp), and the
// commands order members as Redis does (redis_order), so the packed order
// (insertion) is never seen.
//
// Threads: no synchronisation; a Set belongs to its collection (collection.h).
#pragma once

#include <cstddef>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>

#include "server/blob_table.h"
#include "server/pack.h"

namespace mnemo::server {

class Set {
 public:
  // Iteration yields each member once: `for (std::string_view m : set)`.
  class iterator : public ForwardViews<std::string_view> {
   public:
    std::string_view operator*() const;
    iterator& operator++();
    bool operator==(const iterator& o) const { return small_ ? off_ == o.off_ : big_it_ == o.big_it_; }

   private:
    friend class Set;
    const Set* s_ = nullptr;
    bool small_ = true;
    std::size_t off_ = 0;
    BlobTable::iterator big_it_{};
  };

  std::size_t size() const { return small() ? members_.count() : big_->size(); }
  bool empty() const { return size() == 0; }
  // Whether the members are packed (not a hash table).
  bool packed() const { return small(); }
  // Estimated heap bytes, for MEMORY USAGE and --max-memory.
  std::size_t bytes() const { return small() ? members_.footprint() : big_->bytes(); }

  Set() = default;
  Set(const Set& o)
      : members_(o.members_), big_(o.big_ ? std::make_unique<BlobTable>(*o.big_) : nullptr) {}
  Set(Set&&) noexcept = default;
  Set& operator=(Set o) noexcept {
    std::swap(members_, o.members_);
    std::swap(big_, o.big_);
    return *this;
  }

  bool contains(std::string_view m) const;
  // Adds a member; true when it is new.
  bool insert(std::string_view m);
  // Removes a member; true when it was there.
  bool erase(std::string_view m);

  iterator begin() const;
  iterator end() const;

 private:
  void grow();

  // Small while big_ is null (a set is two words: a key's Collection stays small).
  bool small() const { return big_ == nullptr; }

  // While small(): the members; its flag() marks one that is not an integer
  // (then the set-max-listpack limits apply, else set-max-intset-entries).
  Pack members_;
  std::unique_ptr<BlobTable> big_;  // once not small() (members with empty values)
};

}  // namespace mnemo::server
