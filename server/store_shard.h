// One shard of the store: a hash set of entry pointers, its counters, its
// memory estimate and (during recovery only) its tombstones.
//
// Threads: the shard does no locking itself. Every method other than mutex()
// requires the caller to hold mutex(): shared for the const methods, exclusive
// for the others. The memory total it updates is an atomic shared by all
// shards, so it may be read without any shard lock.
// Lifetime: owns every entry in its table and frees them when destroyed;
// `memory_total` must outlive the shard.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "server/entry.h"
#include "server/shard_mutex.h"

namespace mnemo::server {

class Shard {
 public:
  using Table = absl::flat_hash_set<Slot, SlotHash, SlotEq>;

  // What FLUSHDB took out of a shard: freed later, without the shard's lock.
  // Until then its bytes still count in the shared memory total.
  class Detached {
   public:
    Detached() = default;
    Detached(Table t, std::int64_t bytes, std::atomic<std::int64_t>* total, std::size_t elements = 0)
        : table_(std::move(t)), bytes_(bytes), total_(total), elements_(elements) {}
    Detached(Detached&& o) noexcept
        : table_(std::move(o.table_)), bytes_(std::exchange(o.bytes_, 0)), total_(o.total_),
          elements_(o.elements_) {
      o.table_.clear();  // a moved-from table is valid but unspecified; make it empty
    }
    Detached& operator=(Detached&&) = delete;
    ~Detached() { release(); }
    std::size_t size() const { return table_.size(); }
    // What freeing it costs: its entries plus the elements of its collections (when known).
    std::size_t cost() const { return table_.size() + elements_; }
    // Frees every entry and gives the bytes back to the memory total.
    void release();

   private:
    Table table_;
    std::int64_t bytes_ = 0;
    std::atomic<std::int64_t>* total_ = nullptr;
    std::size_t elements_ = 0;
  };

  explicit Shard(std::atomic<std::int64_t>* memory_total, std::uint32_t db = 0)
      : memory_total_(memory_total), db_(db) {}
  ~Shard();
  Shard(const Shard&) = delete;
  Shard& operator=(const Shard&) = delete;

  // A std::shared_mutex that a transaction on this thread may already hold (shard_mutex.h).
  ShardMutex& mutex() const { return mu_; }
  std::uint32_t db() const { return db_; }  // the database this shard belongs to

  // -- caller holds mutex() shared (or exclusive) --
  Entry* find(const KeyRef& k) const;
  template <typename F>
  void for_each(F&& f) const {  // f(const Entry&); no changes to the shard from f
    for (const Slot& s : table_) f(*s.entry);
  }
  std::size_t size() const { return table_.size(); }
  std::size_t ephemeral_keys() const { return ephemeral_keys_; }
  std::size_t keys_with_expiry() const { return keys_with_expiry_; }
  std::int64_t memory_bytes() const { return entry_bytes_ + table_bytes_; }
  // Keyspace hits and misses: counted under the lock held shared, hence atomics.
  void count_lookup(bool hit) const { (hit ? hits_ : misses_).fetch_add(1, std::memory_order_relaxed); }
  std::uint64_t lookups(bool hit) const { return (hit ? hits_ : misses_).load(std::memory_order_relaxed); }
  // Changes whenever a key is added to the shard (never otherwise): a list
  // of the shard's keys made at one value holds every key present while the
  // value stays the same. For SCAN's page cache.
  std::uint64_t key_set_epoch() const { return inserts_; }
  // Changes whenever a key leaves the shard (deleted, expired, flushed):
  // WATCH of an absent key compares it, since an absent key has no version.
  std::uint64_t removals() const { return removals_; }
  // The n-th entry in table order (n < size()), for RANDOMKEY.
  const Entry* nth(std::size_t n) const;
  // Seq of a deletion recorded during recovery, 0 when none.
  std::uint64_t tombstone(std::string_view key) const;
  bool has_tombstones() const { return !tombstones_.empty(); }

  // -- caller holds mutex() exclusive --
  // Stores `e` under k: inserts it, or replaces (and frees) the entry there.
  void put(const KeyRef& k, Entry* e);
  // Recovery's put, in one table probe: stores `e` under k unless the entry
  // there already has a version >= e->version. Takes ownership of `e` either
  // way (frees it when it is not stored); returns whether it was stored.
  bool put_if_newer(const KeyRef& k, Entry* e);
  // Starts loading k's place in the table into the cache (a hint, no effect
  // on the contents), so that a later put or find of k does not wait for memory.
  void prefetch(const KeyRef& k) const { table_.prefetch(k); }
  // The next step after prefetch(k): reads k's place in the table (cheap once
  // prefetch(k) has loaded it) and starts loading the entry there.
  void prefetch_entry(const KeyRef& k) const { table_.find(EntryPrefetch{k.hash}); }
  // While on, memory changes are summed here instead of being added to the
  // shared total one by one; turning it off adds the sum.
  void defer_memory(bool on);
  // Sizes the table for at least `keys` entries (never shrinks it).
  void reserve(std::size_t keys);
  // Gives back table capacity that size() is far from using (a reservation
  // that was an overestimate, or keys deleted); rehashes only then.
  void shrink_if_sparse();
  // Overwrites e's value, expiry, ephemeral bit and version in place; the
  // value must satisfy fits_in_place(e, value). Readers holding the shard
  // shared cannot see it half-done: this needs the lock exclusive.
  void rewrite(Entry& e, std::string_view value, std::int64_t expire_at_ms, bool ephemeral,
               std::uint64_t version);
  // Whether `value` can replace e's value inside e's allocation without
  // changing the memory estimate: no longer than the current value, same
  // estimated footprint. Needs no lock beyond what made e reachable.
  static bool fits_in_place(const Entry& e, std::string_view value) {
    return e.is_string() && value.size() <= e.value_len &&
           entry_footprint(e.key_len, value.size()) == entry_footprint(e);
  }
  // Empties the shard at once: the entries go to the returned Detached.
  Detached take_all();
  // SWAPDB: exchanges every entry with `other` (both held exclusive), and
  // gives each entry now here the version `version`. O(1) but for the stamp.
  void swap_entries(Shard& other, std::uint64_t version);
  // Removes k's entry (which must be there) into a Detached of its own, so
  // that a large collection is freed later, without the shard's lock.
  Detached take(const KeyRef& k);
  // Recovery's flush_db: removes every entry older than seq.
  std::size_t erase_older_than(std::uint64_t seq);
  // Removes and frees the entry for k; false when there was none.
  bool erase(const KeyRef& k);
  // A collection in the shard changed size by `delta` estimated bytes.
  void resized(std::int64_t delta) {
    entry_bytes_ += delta;
    add_memory(delta);
  }
  // Changes an entry's expiry (keeps keys_with_expiry right).
  void set_expiry(Entry& e, std::int64_t expire_at_ms);
  // Removes entries expired at now_ms, at most max_keys of them.
  // `on_erased` (may be null) sees each removed key just before it is freed.
  // With `large`, an entry whose collection has at least `large_elements`
  // elements is moved there instead of freed, so that the caller frees it
  // off the lock and off the io thread (the reclaimer).
  std::size_t erase_expired(std::int64_t now_ms, std::size_t max_keys,
                            const std::function<void(std::string_view)>* on_erased = nullptr,
                            std::vector<Detached>* large = nullptr, std::size_t large_elements = 0);
  void set_tombstone(std::string_view key, std::uint64_t seq);
  void erase_tombstone(std::string_view key);
  void clear_tombstones();

  // Estimated bytes the table grows by when `new_keys` keys are added (0
  // unless that makes it resize), for max-memory checks before a write.
  std::int64_t growth_bytes(std::size_t new_keys) const;

 private:
  // take()'s accounting for e, already out of the table: into a Detached of its own.
  Detached detach(Entry* e);
  // put's one probe: inserts e, or replaces the entry there when
  // replace(current) says so; frees whichever entry loses. Returns whether e was stored.
  template <typename Replace>
  bool put_if(const KeyRef& k, Entry* e, Replace replace) {
    bool inserted = false;
    auto it = table_.lazy_emplace(k, [e, &inserted](const auto& ctor) {
      ctor(Slot{e});
      inserted = true;
    });
    if (inserted) {
      ++inserts_;
      account_table();
    } else if (replace(*it->entry)) {
      count_in(*it->entry, -1);
      free_entry(it->entry);
      it->entry = e;  // same key, same hash: swapping the pointer keeps the table valid
    } else {
      free_entry(e);
      return false;
    }
    count_in(*e, +1);
    return true;
  }
  void count_in(const Entry& e, int sign);
  static std::int64_t table_footprint(std::size_t capacity);
  void account_table();
  void add_memory(std::int64_t delta);

  mutable ShardMutex mu_;
  // -- atomics, updated under mu_ held shared: next to it, on the line the lock just wrote --
  mutable std::atomic<std::uint64_t> hits_{0};
  mutable std::atomic<std::uint64_t> misses_{0};
  // -- guarded by mu_ --
  Table table_;
  std::uint64_t inserts_ = 0;
  std::uint64_t removals_ = 0;
  std::size_t ephemeral_keys_ = 0;
  std::size_t keys_with_expiry_ = 0;
  std::int64_t entry_bytes_ = 0;
  std::int64_t table_bytes_ = 0;
  bool defer_memory_ = false;
  std::int64_t deferred_memory_ = 0;
  absl::flat_hash_map<std::string, std::uint64_t> tombstones_;  // recovery only
  // -- shared by all shards --
  std::atomic<std::int64_t>* memory_total_;
  // -- fixed at construction --
  const std::uint32_t db_;
};

}  // namespace mnemo::server
