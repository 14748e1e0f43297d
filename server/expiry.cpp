// Removing expired entries in the background, and loading recovered state.
#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>
#include <new>
#include <shared_mutex>
#include <stdexcept>
#include <string>
#include <vector>

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
    // The sweep runs on an io loop: it never waits for a shard that someone
    // holds (a script or an EXEC may hold it for long); it comes back later.
    {
      std::shared_lock peek(sh.mutex(), std::try_to_lock);  // most shards have nothing to do
      if (!peek.owns_lock() || sh.keys_with_expiry() == 0) continue;
    }
    std::unique_lock lock(sh.mutex(), std::try_to_lock);
    if (!lock.owns_lock()) continue;
    examined += sh.size();
    // A large collection is freed by the reclaimer, not here: this is an io
    // thread, and the shard's lock is held.
    std::vector<Shard::Detached> large;
    const DbIndex db = impl.db_of_shard((start + visited - 1) % n);
    const std::function<void(std::string_view)> tell = [&](std::string_view key) { impl.expired_listener(db, key); };
    removed += sh.erase_expired(impl.clock.now_ms(), max_keys - removed, impl.expired_listener ? &tell : nullptr,
                                &large, Reclaimer::kInlineEntries);
    lock.unlock();
    for (Shard::Detached& d : large) impl.reclaimer->add(std::move(d));
  }
  impl.sweep_cursor.store((start + visited) % n, std::memory_order_relaxed);
  impl.expired_by_sweep.fetch_add(removed, std::memory_order_relaxed);
  return removed;
}

void Store::set_expired_listener(ExpiredListener listener) { impl_->expired_listener = std::move(listener); }

namespace {

// apply_recovered's rules for one change, with sh (k's shard) held exclusively.
void apply_locked(Shard& sh, const KeyRef& k, const persistence::ChangeRef& c) {
  if (c.kind == persistence::ChangeKind::slice) return apply_recovered_slice(sh, k, c);  // no version check
  if (c.kind == persistence::ChangeKind::put && !sh.has_tombstones()) {
    // The common case: no deletion seen in this shard yet, so the version
    // check is the table's alone and a put costs one probe.
    Entry* fresh = make_entry(c.key, c.value, c.seq, c.expire_at_ms, false);
    if (fresh == nullptr) throw std::bad_alloc();  // recovery runs at startup, where throwing is the rule
    sh.put_if_newer(k, fresh);
    return;
  }
  const Entry* cur = sh.find(k);
  const std::uint64_t held = cur != nullptr ? cur->version : sh.tombstone(k.key);
  if (c.seq <= held) return;  // already has this change or a newer one
  if (c.kind == persistence::ChangeKind::del) {
    sh.erase(k);
    sh.set_tombstone(k.key, c.seq);
    return;
  }
  if (c.kind == persistence::ChangeKind::elements) return apply_recovered_elements(sh, k, c);
  Entry* fresh = make_entry(c.key, c.value, c.seq, c.expire_at_ms, false);
  if (fresh == nullptr) throw std::bad_alloc();
  sh.put(k, fresh);
  sh.erase_tombstone(k.key);
}

// Adds a shard's memory changes to the shared total once, when the batch
// leaves the shard (also when it leaves by an exception).
class DeferMemory {
 public:
  explicit DeferMemory(Shard& sh) : sh_(sh) { sh_.defer_memory(true); }
  ~DeferMemory() { sh_.defer_memory(false); }
  DeferMemory(const DeferMemory&) = delete;
  DeferMemory& operator=(const DeferMemory&) = delete;

 private:
  Shard& sh_;
};

// How many changes ahead of the one being applied the batch prefetches the
// table slots and bytes of: enough to overlap the cache misses, few enough to
// stay cached.
constexpr std::size_t kPrefetchAhead = 8;
// How far past the newest entry to prefetch for writing: about six entries.
constexpr std::size_t kAllocAhead = 512;

// Applies the changes `group` picks out of `changes` (all of them in shard
// sh, in their batch order) under one lock, prefetching a few changes ahead.
void apply_each(Shard& sh, std::span<const persistence::ChangeRef> changes,
                const std::vector<KeyRef>& keys, std::span<const std::uint32_t> group) {
  auto prefetch = [&](std::uint32_t i) {
    sh.prefetch(keys[i]);
    __builtin_prefetch(changes[i].key.data());
    if (!changes[i].value.empty()) __builtin_prefetch(changes[i].value.data());
  };
  for (std::size_t j = 0; j < group.size() && j < kPrefetchAhead; ++j) prefetch(group[j]);
  for (std::size_t j = 0; j < group.size(); ++j) {
    if (j + kPrefetchAhead < group.size()) prefetch(group[j + kPrefetchAhead]);
    apply_locked(sh, keys[group[j]], changes[group[j]]);
  }
}

// The same for a group of puts into a shard without tombstones, in two passes:
// first every entry is allocated and filled (while the table slots load into
// the cache), then each goes in with one probe. Kept apart, neither pass
// waits on the other's cache misses (malloc's lock would wait for the stores
// into the table to land).
void put_all(Shard& sh, std::span<const persistence::ChangeRef> changes,
             const std::vector<KeyRef>& keys, std::span<const std::uint32_t> group,
             std::vector<Entry*>& fresh) {
  auto prefetch_bytes = [&](std::uint32_t i) {
    __builtin_prefetch(changes[i].key.data());
    if (!changes[i].value.empty()) __builtin_prefetch(changes[i].value.data());
  };
  for (std::size_t j = 0; j < group.size() && j < kPrefetchAhead; ++j) prefetch_bytes(group[j]);
  for (const std::uint32_t i : group) sh.prefetch(keys[i]);
  fresh.clear();
  fresh.reserve(group.size());  // push_back below must not throw with entries in hand
  for (std::size_t j = 0; j < group.size(); ++j) {
    if (j + kPrefetchAhead < group.size()) prefetch_bytes(group[j + kPrefetchAhead]);
    const persistence::ChangeRef& c = changes[group[j]];
    Entry* e = make_entry(c.key, c.value, c.seq, c.expire_at_ms, false);
    if (e == nullptr) {
      for (Entry* f : fresh) free_entry(f);
      throw std::bad_alloc();  // recovery runs at startup, where throwing is the rule
    }
    fresh.push_back(e);
    // Entries of one recovery mostly come from the heap's top, one after
    // another: ready the memory the next few will take for writing.
    __builtin_prefetch(reinterpret_cast<const char*>(e) + kAllocAhead, 1);
  }
  for (std::size_t j = 0; j < group.size(); ++j) sh.put_if_newer(keys[group[j]], fresh[j]);
}

void apply_group(Shard& sh, std::span<const persistence::ChangeRef> changes,
                 const std::vector<KeyRef>& keys, std::span<const std::uint32_t> group,
                 std::vector<Entry*>& fresh) {
  std::unique_lock lock(sh.mutex());
  DeferMemory defer(sh);
  const bool all_puts =
      !sh.has_tombstones() && std::all_of(group.begin(), group.end(), [&](std::uint32_t i) {
        return changes[i].kind == persistence::ChangeKind::put;
      });
  if (all_puts) {
    put_all(sh, changes, keys, group, fresh);
  } else {
    apply_each(sh, changes, keys, group);
  }
}

}  // namespace

void Store::Impl::check_recovered_db(const persistence::ChangeRef& c) const {
  const Impl& impl = *this;
  if (impl.db_ok(c.db)) return;
  throw std::runtime_error("recovered change seq " + std::to_string(c.seq) + " is for database " +
                           std::to_string(c.db) + ", but this server has " + std::to_string(impl.databases) +
                           " databases (raise --databases)");
}

bool Store::Impl::flushed_away(const persistence::ChangeRef& c) const {
  return !recovered_flush_seq.empty() && c.seq < recovered_flush_seq[c.db];
}

void Store::Impl::apply_flush(const persistence::ChangeRef& c) {
  Impl& impl = *this;
  if (impl.recovered_flush_seq.empty()) impl.recovered_flush_seq.assign(impl.databases, 0);
  std::uint64_t& seq = impl.recovered_flush_seq[c.db];
  if (c.seq <= seq) return;
  seq = c.seq;
  const std::size_t first = static_cast<std::size_t>(c.db) << impl.shard_bits;
  for (std::size_t i = first; i < first + impl.shards_per_db(); ++i) {
    std::unique_lock lock(impl.shards[i]->mutex());
    impl.shards[i]->erase_older_than(c.seq);
  }
}

void Store::apply_recovered(const persistence::ChangeRef& c) {
  Impl& impl = *impl_;
  impl.check_recovered_db(c);
  impl.note_seq(c.seq);
  if (c.kind == persistence::ChangeKind::flush_db) return impl.apply_flush(c);
  if (impl.flushed_away(c)) return;
  const KeyRef k(c.key);
  Shard& sh = impl.shard_of(c.db, k);
  std::unique_lock lock(sh.mutex());
  apply_locked(sh, k, c);
}

// Groups the batch by shard (a stable counting sort, so two changes to one
// key keep their order), then applies each group under one lock, prefetching
// a few changes ahead: per change, no lock, no shared atomic, and cache misses
// (table slots, the change's bytes) that overlap instead of following one
// another. Large batches go in slices small enough for the slice's bytes to
// stay in the cache between hashing the keys and copying them.
void Store::apply_recovered_batch(std::span<const persistence::ChangeRef> changes) {
  constexpr std::size_t kSlice = 4096;
  Impl& impl = *impl_;
  std::vector<KeyRef> keys;
  std::vector<std::uint32_t> first;  // first[s]..first[s+1]: shard s's part of `order`
  std::vector<std::uint32_t> next;
  std::vector<std::uint32_t> order;  // indices into the slice, grouped by shard
  std::vector<Entry*> fresh;
  for (std::size_t at = 0; at < changes.size(); at += kSlice) {
    const auto slice = changes.subspan(at, std::min(kSlice, changes.size() - at));
    keys.clear();
    first.assign(impl.shards.size() + 1, 0);
    std::uint64_t max_seq = 0;
    // Flushes first: they drop what is older in their database, including
    // changes of this slice that come before them (skipped just below).
    for (const persistence::ChangeRef& c : slice) {
      impl.check_recovered_db(c);
      if (c.kind == persistence::ChangeKind::flush_db) impl.apply_flush(c);
    }
    // shards.size() marks a change that is not applied: it sorts after every shard.
    auto group_of = [&](std::size_t i) {
      const persistence::ChangeRef& c = slice[i];
      if (c.kind == persistence::ChangeKind::flush_db || impl.flushed_away(c)) return impl.shards.size();
      return impl.shard_index(c.db, keys[i]);
    };
    for (std::size_t i = 0; i < slice.size(); ++i) {
      keys.emplace_back(slice[i].key);
      if (group_of(i) < impl.shards.size()) ++first[group_of(i) + 1];
      max_seq = std::max(max_seq, slice[i].seq);
    }
    for (std::size_t s = 1; s < first.size(); ++s) first[s] += first[s - 1];
    order.resize(first.back());
    next.assign(first.begin(), first.end() - 1);
    for (std::uint32_t i = 0; i < slice.size(); ++i) {
      if (group_of(i) < impl.shards.size()) order[next[group_of(i)]++] = i;
    }
    impl.note_seq(max_seq);
    for (std::size_t s = 0; s + 1 < first.size(); ++s) {
      if (first[s] != first[s + 1]) {
        apply_group(*impl.shards[s], slice, keys, {order.data() + first[s], order.data() + first[s + 1]},
                    fresh);
      }
    }
  }
}

void Store::reserve_recovered(std::uint64_t expected_keys) {
  Impl& impl = *impl_;
  // Bound what an overestimate can set aside: a memory limit caps the keys
  // there can be (each takes at least a 32-byte entry); finish_recovery gives
  // back what the keys did not fill.
  if (impl.opts.max_memory_bytes != 0) {
    expected_keys = std::min<std::uint64_t>(expected_keys, impl.opts.max_memory_bytes / 32);
  }
  // Only database 0's shards: it is where keys usually are, and reserving
  // the same in every database would set aside many times what is needed
  // (other databases' tables grow as their keys come).
  const std::uint64_t n = impl.shards_per_db();
  const std::uint64_t per_shard = (expected_keys + n - 1) / n;
  if (per_shard == 0) return;
  // Keys spread over the shards by hash: allow four standard deviations above the mean.
  const auto keys = static_cast<std::size_t>(per_shard + 4 * std::sqrt(static_cast<double>(per_shard)));
  for (std::size_t i = 0; i < n; ++i) {
    std::unique_lock lock(impl.shards[i]->mutex());
    impl.shards[i]->reserve(keys);
  }
}

std::uint64_t Store::finish_recovery(std::int64_t now_ms) {
  std::vector<std::uint64_t>().swap(impl_->recovered_flush_seq);
  std::uint64_t dropped = 0;
  for (const auto& sh : impl_->shards) {
    std::unique_lock lock(sh->mutex());
    sh->clear_tombstones();
    dropped += sh->erase_expired(now_ms, std::numeric_limits<std::size_t>::max());
    sh->shrink_if_sparse();
  }
  return dropped;
}

}  // namespace mnemo::server
