// Removing expired entries in the background, and loading recovered state.
#include <limits>
#include <mutex>
#include <new>
#include <shared_mutex>

#include "server/store_impl.h"

namespace mnemo::server {

namespace {

// Entries a sweep may walk past before it stops, so one call stays short
// however many keys carry an expiry.
constexpr std::size_t kSweepWorkBudget = 1u << 16;

}  // namespace

std::size_t Store::sweep_expired(std::size_t max_keys) {
  Impl& impl = *impl_;
  const std::size_t n = impl.shards.size();
  const std::size_t start = impl.sweep_cursor.load(std::memory_order_relaxed) % n;
  std::size_t removed = 0;
  std::size_t examined = 0;
  std::size_t visited = 0;
  while (visited < n && removed < max_keys && examined < kSweepWorkBudget) {
    Shard& sh = *impl.shards[(start + visited) % n];
    ++visited;
    {
      std::shared_lock peek(sh.mutex());  // most shards have nothing to do: don't block readers
      if (sh.keys_with_expiry() == 0) continue;
    }
    std::unique_lock lock(sh.mutex());
    examined += sh.size();
    removed += sh.erase_expired(impl.clock.now_ms(), max_keys - removed);
  }
  impl.sweep_cursor.store((start + visited) % n, std::memory_order_relaxed);
  impl.expired_by_sweep.fetch_add(removed, std::memory_order_relaxed);
  return removed;
}

void Store::apply_recovered(const persistence::Change& c) {
  Impl& impl = *impl_;
  const KeyRef k(c.key);
  Shard& sh = impl.shard_of(k);
  std::unique_lock lock(sh.mutex());
  impl.note_seq(c.seq);
  const Entry* cur = sh.find(k);
  const std::uint64_t held = cur != nullptr ? cur->version : sh.tombstone(k.key);
  if (c.seq <= held) return;  // already has this change or a newer one
  if (c.kind == persistence::ChangeKind::del) {
    sh.erase(k);
    sh.set_tombstone(k.key, c.seq);
    return;
  }
  Entry* fresh = make_entry(c.key, c.value, c.seq, c.expire_at_ms, false);
  if (fresh == nullptr) throw std::bad_alloc();  // recovery runs at startup, where throwing is the rule
  sh.put(k, fresh);
  sh.erase_tombstone(k.key);
}

std::uint64_t Store::finish_recovery(std::int64_t now_ms) {
  std::uint64_t dropped = 0;
  for (const auto& sh : impl_->shards) {
    std::unique_lock lock(sh->mutex());
    sh->clear_tombstones();
    dropped += sh->erase_expired(now_ms, std::numeric_limits<std::size_t>::max());
  }
  return dropped;
}

}  // namespace mnemo::server
