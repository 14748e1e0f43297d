// One stored key-value entry and the hashing glue that lets a hash set of
// entry pointers be searched by key.
//
// An entry is ONE heap allocation: a 24-byte header followed by the key bytes
// and the value bytes. The table keeps only a pointer per key, so a 16-byte key
// with a 32-byte value costs one 80-byte malloc chunk plus ~9-19 bytes of table
// slot, instead of the three allocations of a std::string pair.
//
// Threads: an Entry has no synchronisation of its own; it belongs to the shard
// whose table points at it and is read under that shard's lock (shared) and
// changed or freed only under it (exclusive).
// Lifetime: created by make_entry(), freed by free_entry(); the shard's table
// owns every entry it points at.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "absl/hash/hash.h"

namespace mnemo::server {

class Collection;
enum class ValueType : std::uint8_t;

// Keys are at most this long (the entry header has 28 bits for the length).
inline constexpr std::size_t kMaxEntryKeyBytes = (std::size_t{1} << 28) - 1;

struct Entry {
  std::uint64_t version = 0;      // seq of the write that produced this state
  std::int64_t expire_at_ms = 0;  // absolute Unix ms; 0 = no expiry
  std::uint32_t key_len : 28 = 0;
  // A ValueType (collection.h); for anything but a string (0) the value
  // bytes hold a Collection* that the entry owns.
  std::uint32_t type : 3 = 0;
  std::uint32_t ephemeral : 1 = 0;  // never journaled or snapshotted
  std::uint32_t value_len = 0;

  bool is_string() const { return type == 0; }
  ValueType value_type() const { return static_cast<ValueType>(type); }
  // The collection of a non-string entry.
  Collection* collection() const {
    Collection* c = nullptr;
    __builtin_memcpy(&c, data() + key_len, sizeof c);
    return c;
  }

  char* data() { return reinterpret_cast<char*>(this + 1); }
  const char* data() const { return reinterpret_cast<const char*>(this + 1); }
  std::string_view key() const { return {data(), key_len}; }
  std::string_view value() const { return {data() + key_len, value_len}; }
  bool has_expiry() const { return expire_at_ms != 0; }
  bool expired_at(std::int64_t now_ms) const { return expire_at_ms != 0 && expire_at_ms <= now_ms; }
};
static_assert(sizeof(Entry) == 24, "the entry header is part of the memory budget");

// Allocates an entry holding copies of key and value. Returns null when malloc
// fails (the caller answers OUT_OF_MEMORY).
Entry* make_entry(std::string_view key, std::string_view value, std::uint64_t version,
                  std::int64_t expire_at_ms, bool ephemeral);
void free_entry(Entry* e);
// An entry owning `c` (a non-string value); null when malloc fails (c is then freed).
Entry* make_collection_entry(std::string_view key, Collection* c, std::uint64_t version,
                             std::int64_t expire_at_ms);
// A collection's estimated heap bytes (collection.h), for the entry's footprint.
std::size_t collection_bytes(const Entry& e);
// A collection's element count.
std::size_t collection_size(const Entry& e);

// Estimated heap bytes an allocation of `n` bytes really takes (glibc: 8-byte
// chunk header, 16-byte granularity, 32-byte minimum).
inline std::size_t malloc_footprint(std::size_t n) {
  const std::size_t chunk = (n + 8 + 15) & ~std::size_t{15};
  return chunk < 32 ? 32 : chunk;
}
inline std::size_t entry_footprint(std::size_t key_len, std::size_t value_len) {
  return malloc_footprint(sizeof(Entry) + key_len + value_len);
}
inline std::size_t entry_footprint(const Entry& e) {
  std::size_t n = entry_footprint(e.key_len, e.value_len);
  if (!e.is_string()) [[unlikely]] n += collection_bytes(e);
  return n;
}

// The one hash of a key: its high bits pick the shard, and the shard's table
// uses the same value, so a key is hashed once per lookup.
// Hashed as absl::string_view (Debian's Abseil has its own type): that is
// Abseil's own string hash; std::string_view would go through std::hash first.
inline std::uint64_t hash_key(std::string_view key) {
  const absl::string_view k(key.data(), key.size());
  return static_cast<std::uint64_t>(absl::Hash<absl::string_view>{}(k));
}

// A key with its hash computed once; what lookups pass to the table.
struct KeyRef {
  std::string_view key;
  std::uint64_t hash = 0;
  explicit KeyRef(std::string_view k) : key(k), hash(hash_key(k)) {}
};

// The table's element. `entry` is mutable so that a write can swap in a new
// allocation for the same key in place: the key, and so the hash, is unchanged.
struct Slot {
  mutable Entry* entry = nullptr;
};
static_assert(sizeof(Slot) == sizeof(void*));

// A lookup that matches nothing: looking it up starts loading every entry
// whose slot could hold the key (usually one) without reading any of them.
struct EntryPrefetch {
  std::uint64_t hash = 0;
};

struct SlotHash {
  using is_transparent = void;
  std::size_t operator()(const Slot& s) const { return hash_key(s.entry->key()); }
  std::size_t operator()(const KeyRef& k) const { return k.hash; }
  std::size_t operator()(const EntryPrefetch& p) const { return p.hash; }
};

struct SlotEq {
  using is_transparent = void;
  bool operator()(const Slot& a, const Slot& b) const { return a.entry->key() == b.entry->key(); }
  bool operator()(const Slot& a, const KeyRef& b) const { return a.entry->key() == b.key; }
  bool operator()(const KeyRef& a, const Slot& b) const { return a.key == b.entry->key(); }
  bool operator()(const Slot& a, const EntryPrefetch&) const {
    // Two lines: an entry is 16-byte aligned, so its header and a key of up to
    // 40 bytes (what a lookup compares) may sit across a line boundary.
    const char* p = reinterpret_cast<const char*>(a.entry);
    __builtin_prefetch(p);
    __builtin_prefetch(p + 64);
    // The lookup's result is thrown away, and a prefetch counts as no effect:
    // without this the compiler drops the whole probe, prefetches included.
    asm volatile("" : : "r"(p));
    return false;
  }
  bool operator()(const EntryPrefetch& a, const Slot& b) const { return (*this)(b, a); }
};

}  // namespace mnemo::server
