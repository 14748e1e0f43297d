// The value of a sorted-set key: members ordered by (score, member bytes), as
// Redis orders them, each stored once.
//
// Small: one packed block (pack.h) holding the members in that order, as
// Redis's listpack encoding keeps them. An entry's bytes are
//   [score][member][back length]
// where the score is a tag byte, 0 then the double's 8 bytes, or 1 then a
// zigzag LEB128 integer (a score that is a whole number below 2^53 in
// magnitude), and the back length is the entry's whole size in the pack
// (its length prefix included) as LEB128 written backwards, so iteration
// steps both ways (Redis's listpack keeps one for the same reason).
//
// Big: one malloc block per member, [double score][LEB128 length][member],
// pointed at from a hash set keyed by member bytes (score lookup) and from
// an Abseil B-tree ordered by (score, member) (ranges, ranks). A rank walks
// the tree (O(n)), as the earlier B-tree of (score, string) pairs did.
//
// A sorted set stays small up to zset-max-listpack-entries (128 in Redis
// 7.0) members of zset-max-listpack-value (64) bytes at most, mnemo's
// --zset-max-compact-entries/-value (compact_limits.h), and becomes big
// for good past either, as in Redis. OBJECT ENCODING answers "listpack" or
// "skiplist" by the same rule.
//
// Threads: no synchronisation; a ZSet belongs to its collection (collection.h).
#pragma once

#include <cstddef>
#include <iterator>
#include <memory>
#include <optional>
#include <string_view>

#include "absl/container/btree_set.h"
#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "server/pack.h"

namespace mnemo::server {

class ZSet {
 public:
  // A member and its score; the view lasts until the set next changes.
  struct Entry {
    std::string_view member;
    double score;
  };

 private:
  // (score, member) order, over blocks and over looked-up keys.
  struct Key {
    double score;
    std::string_view member;
  };
  static Key key_of(const char* block);
  struct Order {
    using is_transparent = void;
    static Key key(const Key& k) { return k; }
    static Key key(const char* b) { return key_of(b); }
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      const Key x = key(a), y = key(b);
      return x.score < y.score || (x.score == y.score && x.member < y.member);
    }
  };
  struct MemberHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view m) const { return absl::Hash<std::string_view>()(m); }
    std::size_t operator()(const char* b) const { return (*this)(key_of(b).member); }
  };
  struct MemberEq {
    using is_transparent = void;
    static std::string_view member(std::string_view m) { return m; }
    static std::string_view member(const char* b) { return key_of(b).member; }
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const { return member(a) == member(b); }
  };
  using OrderIndex = absl::btree_set<const char*, Order>;
  struct Big {
    absl::flat_hash_set<const char*, MemberHash, MemberEq> members;
    OrderIndex order;
    std::size_t block_bytes = 0;  // malloc's chunks of the blocks
  };

 public:
  // In (score, member) order both ways: `for (ZSet::Entry e : zset)`.
  class iterator {
   public:
    using iterator_category = std::bidirectional_iterator_tag;
    using value_type = Entry;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = Entry;

    Entry operator*() const;
    iterator& operator++();
    iterator& operator--();
    iterator operator++(int) {
      iterator t = *this;
      ++*this;
      return t;
    }
    iterator operator--(int) {
      iterator t = *this;
      --*this;
      return t;
    }
    bool operator==(const iterator& o) const { return small_ ? off_ == o.off_ : it_ == o.it_; }

   private:
    friend class ZSet;
    const ZSet* z_ = nullptr;
    bool small_ = true;
    std::size_t off_ = 0;  // the entry's offset in the pack
    OrderIndex::const_iterator it_{};
  };

  ZSet() = default;
  ZSet(const ZSet& o);
  ZSet(ZSet&&) noexcept = default;
  ZSet& operator=(ZSet o) noexcept {
    std::swap(small_, o.small_);
    std::swap(big_, o.big_);
    return *this;
  }
  ~ZSet();

  std::size_t size() const { return big_ ? big_->members.size() : small_.count(); }
  bool empty() const { return size() == 0; }
  // Whether the set is still packed (Redis's listpack encoding).
  bool listpack() const { return big_ == nullptr; }
  // Estimated heap bytes, for MEMORY USAGE and --max-memory.
  std::size_t bytes() const;

  // The member's score, or nothing.
  std::optional<double> score(std::string_view member) const;
  bool contains(std::string_view member) const { return score(member).has_value(); }
  // Adds a member or moves it to a new score; true when the member is new.
  bool set(std::string_view member, double score);
  // Removes a member; true when it was there.
  bool erase(std::string_view member);
  // The 0-based rank of a member in (score, member) order, or nothing (a walk).
  std::optional<std::size_t> rank(std::string_view member) const;

  iterator begin() const;
  iterator end() const;
  // The first entry not before (score, member), and the first after it.
  iterator lower_bound(double score, std::string_view member) const;
  iterator upper_bound(double score, std::string_view member) const;
  // The entry of a rank (< size()), stepping from the nearer end.
  iterator at_rank(std::size_t rank) const;

 private:
  void grow();
  // The pack offset of the first entry for which stop(entry) holds (used() if none).
  template <typename Stop>
  std::size_t small_find(Stop stop) const;

  Pack small_;                // while packed: the entries in order
  std::unique_ptr<Big> big_;  // once big (a pointer, so that a small set is two words)
};

}  // namespace mnemo::server
