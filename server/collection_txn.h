// What a collection command sees while Store::collections() holds its keys'
// shards: the live values of its keys, and a place to record the element
// operations (collection.h) it wants. The store journals what was recorded as
// one unit (one seq) and only then applies it, with the same code recovery
// uses; a command therefore decides from what it reads, never from a change
// it made itself in the same call.
//
// Threads: used only inside the callback, on the calling thread, while the
// store holds the locks. Lifetime: the views and pointers it hands out are
// valid during the callback only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "server/collection.h"
#include "server/entry.h"

namespace mnemo::server {

class Shard;

class CollectionTxn {
 public:
  // The type of key i's live value; nullopt when it is absent or expired.
  std::optional<ValueType> type(std::size_t i) const;
  // Key i's collection; null when it is absent or holds a string.
  const Collection* get(std::size_t i) const;
  // Key i's string value; nullopt when it is absent or holds a collection
  // (SORT's BY and GET patterns read strings as well as collections).
  std::optional<std::string_view> string_value(std::size_t i) const;
  // True when key i holds a value of another type than t (Redis's WRONGTYPE).
  bool wrong_type(std::size_t i, ValueType t) const {
    const auto ty = type(i);
    return ty && *ty != t;
  }
  // The operations for key i, which then holds a value of type t. The first
  // call on a key that holds nothing, or another type, starts with `clear`.
  // Only when the store was asked to write.
  OpWriter& ops(std::size_t i, ValueType t);
  // The same, but key i will hold only what the operations build, without
  // an expiry (the STORE commands, as Redis's setKey).
  OpWriter& replace(std::size_t i, ValueType t);
  // Key i is deleted (nothing recorded for it counts).
  void remove(std::size_t i);
  std::int64_t now_ms() const { return now_ms_; }
  std::size_t keys() const { return slot_.size(); }
  std::string_view key(std::size_t i) const { return items_[slot_[i]].ref.key; }

  // -- for the store --
  struct Item {
    KeyRef ref;
    Shard* shard = nullptr;
    Entry* cur = nullptr;  // the live entry when the callback started
    std::optional<OpWriter> ops;
    bool replace = false;
    bool remove = false;
    explicit Item(std::string_view key) : ref(key) {}
  };
  CollectionTxn(std::vector<Item> items, std::vector<std::size_t> slot, std::int64_t now_ms, bool write)
      : items_(std::move(items)), slot_(std::move(slot)), now_ms_(now_ms), write_(write) {}
  std::vector<Item>& items() { return items_; }

 private:
  std::vector<Item> items_;       // one per distinct key
  std::vector<std::size_t> slot_;  // argument i -> its item
  std::int64_t now_ms_ = 0;
  bool write_ = false;
};

}  // namespace mnemo::server
