// The value of a hash key: its fields in insertion order while small, packed
// in one block as Redis's listpack encoding keeps them (pack.h), and a hash
// table of packed field-value blocks (blob_table.h) once it grows.
//
// Redis 7.0 answers HGETALL, HKEYS, HVALS and HSCAN of a small hash in the
// order its fields were first set (a field set again keeps its place, a
// deleted one closes the gap), and applications read that order: a client
// that prints HKEYS, or a JavaScript object built from HGETALL, shows it.
// A hash stays small up to hash-max-listpack-entries (512 fields in 7.0)
// and hash-max-listpack-value (64 bytes in a field or a value), mnemo's
// --hash-max-compact-entries/-value (compact_limits.h); past either it
// becomes a hash table for good, whose order is unspecified, as Redis's
// is. OBJECT ENCODING answers "listpack" or "hashtable" by the same rule.
//
// Threads: no synchronisation; a Hash belongs to its collection (collection.h).
#pragma once

#include <cstddef>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "server/blob_table.h"
#include "server/pack.h"

namespace mnemo::server {

class Hash {
 public:
  // One field as iteration yields it: `for (const auto& [field, value] : hash)`.
  struct Field {
    std::string_view first;
    std::string_view second;
  };

  class iterator : public ForwardViews<Field> {
   public:
    Field operator*() const;
    iterator& operator++();
    bool operator==(const iterator& o) const { return small_ ? off_ == o.off_ : big_it_ == o.big_it_; }

   private:
    friend class Hash;
    const Hash* h_ = nullptr;
    bool small_ = true;
    std::size_t off_ = 0;  // the field's offset in the pack
    BlobTable::iterator big_it_{};
  };

  std::size_t size() const { return small() ? fields_.count() / 2 : big_->size(); }
  bool empty() const { return size() == 0; }
  // Whether the hash is still in insertion order (Redis's listpack encoding).
  bool listpack() const { return small(); }

  Hash() = default;
  Hash(const Hash& o) : fields_(o.fields_), big_(o.big_ ? std::make_unique<BlobTable>(*o.big_) : nullptr) {}
  Hash(Hash&&) noexcept = default;
  Hash& operator=(Hash o) noexcept {
    std::swap(fields_, o.fields_);
    std::swap(big_, o.big_);
    return *this;
  }
  // Estimated heap bytes, for MEMORY USAGE and --max-memory.
  std::size_t bytes() const { return small() ? fields_.footprint() : big_->bytes(); }

  // The value of a field, or nothing; the view lasts until the next change.
  std::optional<std::string_view> find(std::string_view field) const;
  // Sets a field (a new one goes last); true when the field is new.
  bool set(std::string_view field, std::string_view value);
  // Deletes a field; true when it was there.
  bool erase(std::string_view field);

  iterator begin() const;
  iterator end() const;

 private:
  void grow();

  // Small while big_ is null (a hash is two words: a key's Collection stays small).
  bool small() const { return big_ == nullptr; }

  Pack fields_;  // while small(): field, value, field, value...
  std::unique_ptr<BlobTable> big_;  // once not small()
};

}  // namespace mnemo::server
