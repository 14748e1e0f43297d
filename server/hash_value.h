// The value of a hash key: its fields in insertion order while small, as
// Redis's listpack encoding keeps them, and a hash table once it grows.
//
// Redis 7.0 answers HGETALL, HKEYS, HVALS and HSCAN of a small hash in the
// order its fields were first set (a field set again keeps its place, a
// deleted one closes the gap), and applications read that order: a client
// that prints HKEYS, or a JavaScript object built from HGETALL, shows it.
// A hash stays small up to Redis's hash-max-listpack-entries (512 fields in 7.0)
// and hash-max-listpack-value (64 bytes in a field or a value); past either
// it becomes a hash table for good, whose order is unspecified, as Redis's
// is. OBJECT ENCODING answers "listpack" or "hashtable" by the same rule.
//
// Threads: no synchronisation; a Hash belongs to its collection (collection.h).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"

namespace mnemo::server {

class Hash {
 public:
  static constexpr std::size_t kListpackEntries = 512;  // Redis 7.0's hash-max-listpack-entries
  static constexpr std::size_t kListpackValue = 64;     // Redis's hash-max-listpack-value

  // One field as iteration yields it: `for (const auto& [field, value] : hash)`.
  struct Field {
    const std::string& first;
    const std::string& second;
  };

  class iterator {
   public:
    Field operator*() const {
      if (small_) return {small_it_->first, small_it_->second};
      return {big_it_->first, big_it_->second};
    }
    iterator& operator++() {
      if (small_) ++small_it_;
      else ++big_it_;
      return *this;
    }
    bool operator==(const iterator& o) const { return small_ ? small_it_ == o.small_it_ : big_it_ == o.big_it_; }

   private:
    friend class Hash;
    bool small_ = true;
    std::vector<std::pair<std::string, std::string>>::const_iterator small_it_{};
    absl::flat_hash_map<std::string, std::string>::const_iterator big_it_{};
  };

  std::size_t size() const { return small_ ? fields_.size() : table_.size(); }
  bool empty() const { return size() == 0; }
  // Whether the hash is still in insertion order (Redis's listpack encoding).
  bool listpack() const { return small_; }

  // The value of a field, or nullptr.
  const std::string* find(std::string_view field) const;
  // Sets a field (a new one goes last); returns the replaced value's size
  // plus one, or 0 when the field is new, so the caller can account bytes.
  std::size_t set(std::string_view field, std::string_view value);
  // Deletes a field; returns its value's size plus one, or 0 when absent.
  std::size_t erase(std::string_view field);

  iterator begin() const;
  iterator end() const;

 private:
  void grow();

  bool small_ = true;
  std::vector<std::pair<std::string, std::string>> fields_;  // while small_
  absl::flat_hash_map<std::string, std::string> table_;      // once not small_
};

}  // namespace mnemo::server
