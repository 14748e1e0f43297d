#include "server/store_shard.h"

#include <cstring>
#include <iterator>

namespace mnemo::server {

Shard::~Shard() {
  for (const Slot& s : table_) free_entry(s.entry);
  add_memory(-memory_bytes());
}

Entry* Shard::find(const KeyRef& k) const {
  auto it = table_.find(k);
  return it == table_.end() ? nullptr : it->entry;
}

namespace {
// Debian's Abseil has its own string_view type; its string maps look up by that.
absl::string_view as_absl(std::string_view s) { return {s.data(), s.size()}; }
}  // namespace

std::uint64_t Shard::tombstone(std::string_view key) const {
  if (tombstones_.empty()) return 0;  // the usual case: spare recovery a hash per entry
  auto it = tombstones_.find(as_absl(key));
  return it == tombstones_.end() ? 0 : it->second;
}

void Shard::put(const KeyRef& k, Entry* e) { put_if(k, e, [](const Entry&) { return true; }); }

bool Shard::put_if_newer(const KeyRef& k, Entry* e) {
  const std::uint64_t version = e->version;
  return put_if(k, e, [version](const Entry& cur) { return cur.version < version; });
}

void Shard::reserve(std::size_t keys) {
  if (keys <= table_.size()) return;
  table_.reserve(keys);
  account_table();
}

void Shard::shrink_if_sparse() {
  // A table that grew by itself is at least 7/16 full; under 7/32 it is at
  // least twice the size it needs.
  if (table_.capacity() < 64 || table_.size() * 32 >= table_.capacity() * 7) return;
  table_.rehash(0);
  account_table();
}

void Shard::rewrite(Entry& e, std::string_view value, std::int64_t expire_at_ms, bool ephemeral,
                    std::uint64_t version) {
  count_in(e, -1);
  if (!value.empty()) std::memcpy(e.data() + e.key_len, value.data(), value.size());
  e.value_len = static_cast<std::uint32_t>(value.size());
  e.expire_at_ms = expire_at_ms;
  e.ephemeral = ephemeral ? 1 : 0;
  e.version = version;
  count_in(e, +1);
}

bool Shard::erase(const KeyRef& k) {
  auto it = table_.find(k);
  if (it == table_.end()) return false;
  Entry* e = it->entry;
  table_.erase(it);
  count_in(*e, -1);
  free_entry(e);
  account_table();
  ++removals_;
  return true;
}

const Entry* Shard::nth(std::size_t n) const {
  auto it = table_.begin();
  std::advance(it, static_cast<std::ptrdiff_t>(n));
  return it->entry;
}

Shard::Detached Shard::take_all() {
  Table old;
  old.swap(table_);
  if (!old.empty()) ++removals_;
  const std::int64_t bytes = memory_bytes();
  entry_bytes_ = 0;
  table_bytes_ = 0;
  ephemeral_keys_ = 0;
  keys_with_expiry_ = 0;
  ++inserts_;  // a new table: lists of the old one's keys no longer apply
  return Detached(std::move(old), bytes, memory_total_);
}

void Shard::swap_entries(Shard& other, std::uint64_t version) {
  table_.swap(other.table_);
  std::swap(entry_bytes_, other.entry_bytes_);
  std::swap(table_bytes_, other.table_bytes_);
  std::swap(ephemeral_keys_, other.ephemeral_keys_);
  std::swap(keys_with_expiry_, other.keys_with_expiry_);
  for (Shard* sh : {this, &other}) {
    ++sh->inserts_;   // lists of the old keys no longer apply (SCAN)
    ++sh->removals_;  // a WATCH of an absent key sees the change
    for (const Slot& slot : sh->table_) slot.entry->version = version;
  }
}

Shard::Detached Shard::take(const KeyRef& k) {
  auto it = table_.find(k);
  Entry* e = it->entry;
  table_.erase(it);
  return detach(e);
}

Shard::Detached Shard::detach(Entry* e) {
  // count_in(-1) without the shared total: the Detached gives the bytes back when it frees them.
  if (e->ephemeral) --ephemeral_keys_;
  if (e->has_expiry()) --keys_with_expiry_;
  const auto bytes = static_cast<std::int64_t>(entry_footprint(*e));
  entry_bytes_ -= bytes;
  account_table();
  Table one;
  one.insert(Slot{e});
  return Detached(std::move(one), bytes, memory_total_, e->is_string() ? 0 : collection_size(*e));
}

void Shard::Detached::release() {
  for (const Slot& s : table_) free_entry(s.entry);
  Table().swap(table_);
  if (total_ != nullptr && bytes_ != 0) total_->fetch_sub(bytes_, std::memory_order_relaxed);
  bytes_ = 0;
}

std::size_t Shard::erase_older_than(std::uint64_t seq) {
  std::size_t removed = 0;
  for (auto it = table_.begin(); it != table_.end();) {
    Entry* e = it->entry;
    if (e->version < seq) {
      table_.erase(it++);
      count_in(*e, -1);
      free_entry(e);
      ++removed;
    } else {
      ++it;
    }
  }
  if (removed > 0) {
    account_table();
    ++removals_;
  }
  return removed;
}

void Shard::set_expiry(Entry& e, std::int64_t expire_at_ms) {
  if (e.has_expiry()) --keys_with_expiry_;
  e.expire_at_ms = expire_at_ms;
  if (e.has_expiry()) ++keys_with_expiry_;
}

std::size_t Shard::erase_expired(std::int64_t now_ms, std::size_t max_keys,
                                 const std::function<void(std::string_view)>* on_erased,
                                 std::vector<Detached>* large, std::size_t large_elements) {
  if (keys_with_expiry_ == 0 || max_keys == 0) return 0;
  std::size_t removed = 0;
  // Erasing through an iterator neither rehashes nor invalidates the others.
  for (auto it = table_.begin(); it != table_.end() && removed < max_keys;) {
    Entry* e = it->entry;
    if (e->expired_at(now_ms)) {
      table_.erase(it++);
      if (on_erased != nullptr) (*on_erased)(e->key());
      if (large != nullptr && !e->is_string() && collection_size(*e) >= large_elements) {
        large->push_back(detach(e));
      } else {
        count_in(*e, -1);
        free_entry(e);
      }
      ++removed;
    } else {
      ++it;
    }
  }
  if (removed > 0) {
    account_table();
    ++removals_;
  }
  return removed;
}

void Shard::set_tombstone(std::string_view key, std::uint64_t seq) {
  tombstones_[std::string(key)] = seq;
}

void Shard::erase_tombstone(std::string_view key) {
  if (tombstones_.empty()) return;
  auto it = tombstones_.find(as_absl(key));
  if (it != tombstones_.end()) tombstones_.erase(it);
}

void Shard::clear_tombstones() {
  absl::flat_hash_map<std::string, std::uint64_t>().swap(tombstones_);  // give the memory back
}

void Shard::count_in(const Entry& e, int sign) {
  if (e.ephemeral) ephemeral_keys_ = sign > 0 ? ephemeral_keys_ + 1 : ephemeral_keys_ - 1;
  if (e.has_expiry()) keys_with_expiry_ = sign > 0 ? keys_with_expiry_ + 1 : keys_with_expiry_ - 1;
  const auto bytes = static_cast<std::int64_t>(entry_footprint(e)) * sign;
  entry_bytes_ += bytes;
  add_memory(bytes);
}

// The table's own allocation: one control byte and one pointer per slot,
// plus a group of cloned control bytes.
std::int64_t Shard::table_footprint(std::size_t capacity) {
  if (capacity == 0) return 0;
  return static_cast<std::int64_t>(malloc_footprint(capacity * (sizeof(Slot) + 1) + 24));
}

// Mirrors Abseil's growth policy: capacities are 2^n - 1, filled to 7/8.
std::int64_t Shard::growth_bytes(std::size_t new_keys) const {
  const std::size_t want = table_.size() + new_keys;
  std::size_t cap = table_.capacity();
  while (want > cap - cap / 8) cap = cap * 2 + 1;
  return cap == table_.capacity() ? 0 : table_footprint(cap) - table_bytes_;
}

void Shard::account_table() {
  const std::int64_t bytes = table_footprint(table_.capacity());
  if (bytes == table_bytes_) return;
  add_memory(bytes - table_bytes_);
  table_bytes_ = bytes;
}

void Shard::defer_memory(bool on) {
  defer_memory_ = on;
  if (on) return;
  add_memory(deferred_memory_);
  deferred_memory_ = 0;
}

void Shard::add_memory(std::int64_t delta) {
  if (defer_memory_) {
    deferred_memory_ += delta;
  } else if (delta != 0) {
    memory_total_->fetch_add(delta, std::memory_order_relaxed);
  }
}

}  // namespace mnemo::server
