// Store internals shared by the store's .cpp files. The request path
// (execute): store.cpp (reads and plumbing), store_write.cpp (single-key
// writes), store_multi.cpp (MGET, MSET, EXISTS), store_scan.cpp (SCAN with
// text cursors, and snapshot copies). The typed operations:
// store_strings.cpp, store_strings_multi.cpp, store_keys.cpp,
// store_flush.cpp, store_keyspace.cpp. expiry.cpp: sweeping and recovery.
// Not for use outside the store.
//
// Threads: as Store (store.h). The shards are guarded by their own locks; the
// counters here are atomics; the scan cache and the reclaimer have their own
// mutexes (taken after a shard lock, never before); recovered_flush_seq is
// the recovery thread's; everything else is fixed at construction.
// Lifetime: owned by Store; `log` and `clock` outlive it.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "persistence/change.h"
#include "persistence/change_log.h"
#include "protocol/message.h"
#include "protocol/result.h"
#include "server/clock.h"
#include "server/collection_slice.h"
#include "server/entry.h"
#include "server/store.h"
#include "server/store_reclaimer.h"
#include "server/store_shard.h"

namespace mnemo::server {

using protocol::Request;
using protocol::Response;
using protocol::Status;

// Per-request scratch lists of a multi-key operation: inline up to a typical
// MGET/MSET size, so a small one allocates nothing for its bookkeeping.
inline constexpr std::size_t kInlineKeys = 16;
template <typename T>
using KeyList = absl::InlinedVector<T, kInlineKeys>;
using IndexList = KeyList<std::size_t>;

// SCAN's cache of a few shards' keys in hash order (store_keyspace.cpp), so
// that the pages of a scan through a large shard do not each hash the whole
// shard again. An entry is used only while its shard's key_set_epoch() is
// the one it was made at.
struct ScanCache {
  struct Keys {
    std::size_t shard = 0;          // index into Store::Impl::shards
    std::uint64_t epoch = 0;
    std::uint64_t last_use = 0;
    std::vector<std::uint64_t> prefixes;  // sorted; prefixes[i] is key i's
    std::vector<std::uint32_t> ends;      // key i is bytes[ends[i-1] .. ends[i])
    std::string bytes;
    std::string_view key(std::size_t i) const {
      const std::uint32_t begin = i == 0 ? 0 : ends[i - 1];
      return std::string_view(bytes).substr(begin, ends[i] - begin);
    }
  };
  std::mutex mu;
  // -- guarded by mu --
  std::vector<Keys> entries;
  std::uint64_t uses = 0;
};

// The journal unit of the transaction running on this thread (store_txn.cpp):
// set by Store::run_atomically around its body, null otherwise.
struct TxnUnit;
extern constinit thread_local TxnUnit* t_txn_unit;
// The version an entry written inside a transaction holds until the unit's
// seq is known (never seen outside the transaction: its shards are locked).
inline constexpr std::uint64_t kTxnPendingVersion = ~std::uint64_t{0};

struct Store::Impl {
  Impl(const StoreOptions& o, persistence::ChangeLog* l, const Clock& c);

  // -- fixed at construction --
  StoreOptions opts;
  persistence::ChangeLog* log;  // null: versions come from local_seq, nothing is journaled
  const Clock& clock;
  unsigned shard_bits = 0;        // log2 of the shards per database
  std::uint32_t databases = 1;
  // -- atomics, any thread --
  std::atomic<std::int64_t> memory_bytes{0};  // declared before shards: they update it
  std::atomic<std::uint64_t> local_seq{0};
  std::atomic<std::uint64_t> expired_lazily{0};
  std::atomic<std::uint64_t> expired_by_sweep{0};
  std::atomic<std::uint64_t> oom_rejects{0};
  std::atomic<std::size_t> sweep_cursor{0};
  // -- set before serving, then read-only --
  ExpiredListener expired_listener;
  // -- recovery thread only (before any io thread starts) --
  // Per database: the seq of the newest flush_db recovered; older changes to
  // that database are ignored. Empty outside recovery.
  std::vector<std::uint64_t> recovered_flush_seq;
  // -- each guarded by its own lock; databases << shard_bits of them --
  std::vector<std::unique_ptr<Shard>> shards;
  // -- guarded by its own mutex: tables emptied by FLUSHDB, freed by a background thread --
  std::unique_ptr<Reclaimer> reclaimer = std::make_unique<Reclaimer>();
  ScanCache scan_cache;
  // -- the snapshot thread's (copy_chunk's caller, one at a time) --
  // Where the copy of a big collection stands between copy_chunk calls
  // (store_slice.cpp). entry, coll and version are compared, never followed,
  // until the key is looked up again under its shard's lock.
  struct SnapshotWalk {
    bool active = false;
    std::size_t shard = 0;
    std::string key;
    ValueType type = ValueType::string;
    const Entry* entry = nullptr;
    const Collection* coll = nullptr;
    std::uint64_t version = 0;
    CollectionSlicer slicer;
  };
  SnapshotWalk snapshot_walk;
  static constexpr CollectionSlicer::Limits kSnapshotSlice{};

  std::size_t shards_per_db() const { return std::size_t{1} << shard_bits; }
  // Index of k's shard in `shards`: its database's block, then the hash's top bits.
  std::size_t shard_index(DbIndex db, const KeyRef& k) const {
    const std::size_t base = static_cast<std::size_t>(db) << shard_bits;
    return shard_bits == 0 ? base : base | static_cast<std::size_t>(k.hash >> (64 - shard_bits));
  }
  Shard& shard_of(DbIndex db, const KeyRef& k) { return *shards[shard_index(db, k)]; }
  DbIndex db_of_shard(std::size_t index) const { return static_cast<DbIndex>(index >> shard_bits); }
  // Sorted, de-duplicated shard indices of `keys`, for locking in ascending order.
  IndexList shards_touched(DbIndex db, std::span<const KeyRef> keys) const;
  bool db_ok(DbIndex db) const { return db < databases; }

  // -- request checks: false means resp already holds the error --
  bool check_key(std::string_view key, Response& resp) const;
  bool check_value(std::string_view value, Response& resp) const;
  bool check_memory(std::int64_t added_bytes, Response& resp);
  // The typed operations' checks: an error, or none.
  std::optional<protocol::Error> key_error(std::string_view key) const;
  std::optional<protocol::Error> value_error(std::string_view value) const;
  std::optional<protocol::Error> memory_error(std::int64_t added_bytes);
  std::int64_t table_growth(IndexList& new_key_shards) const;
  // ttl_ms -> absolute expiry at now_ms; false (BAD_REQUEST) when out of range.
  bool expiry_for(std::uint64_t ttl_ms, std::int64_t now_ms, std::int64_t& out, Response& resp) const;

  // Journals `changes` (or just allocates a seq when there are none, or when
  // there is no log) and returns the new version. Call with the shard locks held.
  protocol::Result<std::uint64_t> commit(std::span<const persistence::ChangeRef> changes);
  // collections()'s write: journals the items' operations as one unit, then applies them.
  protocol::Result<std::uint64_t> commit_collections(DbIndex db, std::vector<CollectionTxn::Item>& items);
  // commit() inside a transaction: buffers the changes in the unit (store_txn.cpp).
  protocol::Result<std::uint64_t> commit_in_txn(TxnUnit& unit, std::span<const persistence::ChangeRef> changes);
  void note_seq(std::uint64_t seq);  // keeps local_seq ahead of recovered versions
  // Recovery (expiry.cpp): throws for a db this store lacks; flush_db rules.
  void check_recovered_db(const persistence::ChangeRef& c) const;
  bool flushed_away(const persistence::ChangeRef& c) const;
  void apply_flush(const persistence::ChangeRef& c);

  // The live entry for k, or null; removes it first when it has expired.
  // Caller holds the shard exclusively.
  Entry* find_live(Shard& sh, const KeyRef& k, std::int64_t now_ms);
  // Takes the shard exclusively and removes k if it is (still) expired.
  void expire_lazily(Shard& sh, const KeyRef& k);

  // Replaces cur (may be null) by an entry holding value, journaling as the
  // ephemeral rules say; fills resp.version or resp's error. Shard held exclusively.
  bool write_entry(DbIndex db, Shard& sh, const KeyRef& k, Entry* cur, std::string_view value,
                   std::int64_t expire_at_ms, bool ephemeral, Response& resp);
  // write_entry for the typed operations: the new version or the error.
  protocol::Result<std::uint64_t> store_value(DbIndex db, Shard& sh, const KeyRef& k, Entry* cur,
                                              std::string_view value, std::int64_t expire_at_ms,
                                              bool ephemeral);
  // write_entry's path for a value that fits cur's allocation (Shard::fits_in_place).
  bool rewrite_entry(DbIndex db, Shard& sh, const KeyRef& k, Entry& cur, std::string_view value,
                     std::int64_t expire_at_ms, bool ephemeral, Response& resp);
  // Counts a read that found (hit) or missed its key, as Redis's keyspace_hits/misses.
  void count_lookup(Shard& sh, bool hit) const { sh.count_lookup(hit); }

  // FLUSHDB of databases [first_db, end_db) as one unit (store_flush.cpp).
  protocol::Result<std::uint64_t> flush(DbIndex first_db, DbIndex end_db);
  // SWAPDB: a and b exchange their keys, as one journal unit (store_flush.cpp).
  protocol::Result<std::uint64_t> swap_databases(DbIndex a, DbIndex b);
  // Typed-operation argument checks: BAD_REQUEST for a db out of range, the key size.
  std::optional<protocol::Error> arg_error(DbIndex db, std::string_view key) const {
    if (!db_ok(db)) [[unlikely]] return protocol::Error{Status::bad_request, "invalid DB index"};
    return key_error(key);
  }
  std::optional<protocol::Error> keys_error(DbIndex db, std::span<const std::string_view> keys) const {
    if (!db_ok(db)) [[unlikely]] return protocol::Error{Status::bad_request, "invalid DB index"};
    for (std::string_view key : keys) {
      if (auto err = key_error(key)) return err;
    }
    return std::nullopt;
  }
  // RENAME, RENAMENX, COPY (store_keys.cpp): src's value, expiry and
  // ephemeral bit written under dst, src removed unless keep_src, one
  // journal unit. The version; 0 when dst exists and !replace; NOT_FOUND
  // when src is absent.
  struct MoveArgs {
    DbIndex src_db = 0;
    std::string_view src;
    DbIndex dst_db = 0;
    std::string_view dst;
    bool keep_src = false;      // COPY
    bool replace = true;        // false: RENAMENX, COPY without REPLACE
    bool check_memory = false;  // COPY adds a key; RENAME does not (Redis: not denyoom)
  };
  protocol::Result<std::uint64_t> move_key(const MoveArgs& a);
  // Removes k's entry from sh (held exclusively): a large collection goes to
  // the reclaimer, to be freed off this thread; anything else is freed here.
  void drop(Shard& sh, const KeyRef& k);
  // copy_chunk's pieces (store_slice.cpp), the shard held shared. Appends e's
  // snapshot entry to `out`: the whole value, or a big collection's first
  // slice, then false (the walk goes on in snapshot_walk).
  bool copy_snapshot_entry(const Entry& e, std::size_t shard, persistence::SnapshotBuffer& out);
  // Appends the next slice of snapshot_walk's collection, if it still has
  // one; true when the walk is finished.
  bool continue_snapshot_walk(const Shard& sh, std::int64_t now, persistence::SnapshotBuffer& out);
  // Removes cur (k's live entry in sh, locked exclusively), journaling it
  // unless ephemeral; the version of the removal.
  protocol::Result<std::uint64_t> remove_entry(DbIndex db, Shard& sh, const KeyRef& k, const Entry& cur);
  // Sets cur's expiry (0 = none), journaling the entry unless ephemeral; the new version.
  protocol::Result<std::uint64_t> change_expiry(DbIndex db, Entry& cur, Shard& sh, std::int64_t at_ms);

  // Ops, by file.
  void get(const Request& req, Response& resp);
  void ttl(const Request& req, Response& resp);
  void set(const Request& req, Response& resp);
  void del(const Request& req, Response& resp);
  void incrby(const Request& req, Response& resp);
  void expire(const Request& req, Response& resp);
  void persist(const Request& req, Response& resp);
  void prefetch_all(DbIndex db, std::span<const KeyRef> refs);
  void mget(const Request& req, Response& resp);
  void mset(const Request& req, Response& resp);
  void exists(const Request& req, Response& resp);
  void scan(const Request& req, Response& resp);
};

// Locks the given shards (ascending indices into shards) with Lock
// (std::shared_lock or std::unique_lock), for the life of the returned list.
template <typename Lock>
auto lock_shards(const std::vector<std::unique_ptr<Shard>>& shards, const IndexList& ascending) {
  KeyList<typename ShardLockOf<Lock>::type> locks;
  locks.reserve(ascending.size());
  for (std::size_t i : ascending) locks.emplace_back(shards[i]->mutex());
  return locks;
}

// Redis's WRONGTYPE text (without its prefix): a string operation on a
// collection, or an operation of one collection type on another.
inline constexpr std::string_view kWrongTypeMessage = "Operation against a key holding the wrong kind of value";
inline protocol::Error wrong_type_error() { return {Status::wrong_type, std::string(kWrongTypeMessage)}; }

// The journal record that gives cur (live, in database db) the expiry at_ms:
// a string is written whole; a collection gets an elements change with no
// operations (store_collections.cpp).
persistence::ChangeRef expiry_change(DbIndex db, const Entry& cur, std::int64_t at_ms);
// A new entry under `key` holding a copy of src's collection (same expiry,
// version 0), with the operation list that rebuilds it in `whole`; null when
// malloc fails.
Entry* copy_collection_entry(const Entry& src, std::string_view key, std::string& whole);
// OBJECT ENCODING of a collection: Redis 7.0's name for the encoding it
// would use at this size (mnemo has one encoding per type; see docs/RESP.md).
std::string_view collection_encoding(const Collection& c);
// Recovery's rule for an elements change (apply_recovered), sh held exclusively.
void apply_recovered_elements(Shard& sh, const KeyRef& k, const persistence::ChangeRef& c);
// Removes k's entry from sh (held exclusively), if there is one: a large
// collection goes to `reclaimer`, anything else is freed here.
void drop_entry(Shard& sh, const KeyRef& k, Reclaimer& reclaimer);
// Recovery's rule for a snapshot's continuation slice (store_slice.cpp).
void apply_recovered_slice(Shard& sh, const KeyRef& k, const persistence::ChangeRef& c);

// Journal records, all in database db.
inline persistence::ChangeRef put_change(DbIndex db, std::string_view key, std::string_view value,
                                         std::int64_t expire_at_ms) {
  return {0, persistence::ChangeKind::put, key, value, expire_at_ms, db};
}
inline persistence::ChangeRef del_change(DbIndex db, std::string_view key) {
  return {0, persistence::ChangeKind::del, key, {}, 0, db};
}


}  // namespace mnemo::server
