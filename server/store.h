// The in-memory store: a sharded hash map from byte-string keys to entries
// (value, version, expiry, ephemeral bit).
//
// Databases: each numbered database has its own StoreOptions::shards shards,
// all in one array (database d holds shards d*shards .. (d+1)*shards - 1), so
// database 0 costs what a store without databases did: no extra lookup, lock
// or allocation per request.
//
// Threads: every public method is thread-safe. Each shard has its own
// std::shared_mutex: reads take it shared, writes exclusive; multi-key
// operations (MGET, MSET, DEL, RENAME, COPY, FLUSHDB...) lock all the shards
// they touch in ascending shard order, so they are atomic and cannot deadlock. The change log is
// called while the shard lock is held, which is what makes the journal's seq
// order agree with the order writes to a key were applied.
// Lifetime: `log` (may be null: no persistence) and `clock` must outlive the store.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "persistence/change_log.h"
#include "protocol/message.h"
#include "server/clock.h"
#include "absl/functional/function_ref.h"
#include "server/collection_txn.h"
#include "server/store_types.h"

namespace mnemo::server {

struct StoreOptions {
  std::size_t shards = 256;                  // per database; rounded up to a power of two
  std::uint32_t databases = 16;              // numbered 0 .. databases - 1 (Redis's SELECT)
  std::uint32_t max_key_bytes = 64u << 10;
  std::uint32_t max_value_bytes = 16u << 20;
  std::uint64_t max_memory_bytes = 0;        // 0 = unlimited; past it writes get OUT_OF_MEMORY
  std::uint32_t scan_default_count = 100;
  std::uint32_t scan_max_count = 10000;
  // Bytes of values one MGET may return, and of keys one SCAN page may
  // return, so that no request can make the server build an unbounded reply.
  std::uint64_t max_reply_bytes = 64ull << 20;
};

struct StoreStats {
  std::uint64_t keys = 0;
  std::uint64_t ephemeral_keys = 0;
  std::uint64_t keys_with_expiry = 0;
  std::uint64_t memory_bytes = 0;       // estimate: entries + table overhead
  std::uint64_t expired_lazily = 0;
  std::uint64_t expired_by_sweep = 0;
  std::uint64_t oom_rejects = 0;
  std::uint64_t keyspace_hits = 0;      // reads that found their key (GET, MGET, ... as Redis counts)
  std::uint64_t keyspace_misses = 0;
  std::uint64_t reclaimer_handoffs = 0;  // values handed to the reclaimer thread to free (store_reclaimer.h)
};

class Store final : public persistence::SnapshotSource, public persistence::RecoveryTarget {
 public:
  Store(const StoreOptions& opts, persistence::ChangeLog* log, const Clock& clock);
  ~Store() override;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Executes one data operation in database req.db (PING, GET, SET, DEL, INCRBY, MGET, MSET,
  // EXPIRE, PERSIST, TTL, EXISTS, SCAN, DBSIZE) and fills `resp` (status,
  // fields per protocol/message.h; resp.op and resp.id are set by the caller).
  // Honors the EPHEMERAL, NX, XX, KEEPTTL flags and if_version. DURABLE is the
  // caller's business: it waits for resp.version to become durable.
  void execute(const protocol::Request& req, protocol::Response& resp);

  // ---- typed operations (store_types.h): one per command, atomic under the
  // shard locks it needs, journaled as one unit (one seq). Every key argument
  // is checked against max key bytes, every stored value against max value
  // bytes; a db >= StoreOptions::databases is BAD_REQUEST "invalid DB index".
  // Writes honour --max-memory (OUT_OF_MEMORY; deletes always work) and the
  // ephemeral rules: a value derived from an entry (APPEND, INCRBY, RENAME,
  // COPY, ...) keeps that entry's ephemeral bit.

  // -- strings (store_strings.cpp) --
  protocol::Result<std::optional<ValueRead>> get(DbIndex db, std::string_view key);
  protocol::Result<std::vector<std::optional<ValueRead>>> mget(DbIndex db,
                                                               std::span<const std::string_view> keys);
  protocol::Result<SetResult> set(DbIndex db, std::string_view key, std::string_view value,
                                  const SetOptions& opts);
  // GETSET: SET ... GET without options; the old value, if any.
  protocol::Result<std::optional<ValueRead>> getset(DbIndex db, std::string_view key, std::string_view value);
  protocol::Result<std::optional<ValueRead>> getdel(DbIndex db, std::string_view key);
  // GETEX: at_ms is used with GetExAction::at; at or before now deletes the key.
  // The result's expire_at_ms is the key's expiry after the command, except
  // with persist: the expiry it removed (0 = it had none, nothing written).
  protocol::Result<std::optional<ValueRead>> getex(DbIndex db, std::string_view key, GetExAction action,
                                                   std::int64_t at_ms = 0);
  // MSET: version shared by every key. MSETNX: false (nothing written) when any key exists.
  protocol::Result<std::uint64_t> mset(DbIndex db, std::span<const std::string_view> keys,
                                       std::span<const std::string_view> values, bool ephemeral = false);
  protocol::Result<bool> msetnx(DbIndex db, std::span<const std::string_view> keys,
                                std::span<const std::string_view> values);
  // The new value.
  protocol::Result<std::int64_t> incrby(DbIndex db, std::string_view key, std::int64_t delta);
  // The new value as Redis formats it (format_redis_long_double).
  protocol::Result<std::string> incrbyfloat(DbIndex db, std::string_view key, long double delta);
  // The length after the write (APPEND, SETRANGE); SETRANGE with an empty
  // value writes nothing and answers the current length.
  protocol::Result<std::uint64_t> append(DbIndex db, std::string_view key, std::string_view value);
  protocol::Result<std::uint64_t> setrange(DbIndex db, std::string_view key, std::uint64_t offset,
                                           std::string_view value);
  // GETRANGE with Redis's index rules (negative from the end, clamped); "" when absent.
  protocol::Result<std::string> getrange(DbIndex db, std::string_view key, std::int64_t start, std::int64_t end);
  protocol::Result<std::uint64_t> strlen(DbIndex db, std::string_view key);  // 0 when absent
  // A string's read-modify-write (SETBIT, BITFIELD ...): fn sees the value
  // (null when the key is absent) under the shard's exclusive lock and may
  // ask for a new one, which is stored as one journaled write keeping the
  // key's expiry and ephemeral bit. fn's error refuses (nothing written);
  // WRONGTYPE for a key of another type. The write's version; 0 when fn
  // wrote nothing.
  struct StringUpdate {
    bool write = false;
    std::string value;
  };
  using StringFn = absl::FunctionRef<std::optional<protocol::Error>(const std::string_view* current,
                                                                      StringUpdate& out)>;
  protocol::Result<std::uint64_t> update_string(DbIndex db, std::string_view key, StringFn fn);

  // -- collections (store_collections.cpp) --
  // Runs `fn` on the live values of `keys` (database db) under their shards'
  // locks, exclusive when `write`; then journals the operations fn recorded
  // (collection_txn.h) as one unit, one seq, and applies them. fn returns an
  // error to refuse (nothing is written). A key left empty is deleted. The
  // version of the write; 0 when fn recorded nothing.
  using CollectionFn = absl::FunctionRef<std::optional<protocol::Error>(CollectionTxn&)>;
  protocol::Result<std::uint64_t> collections(DbIndex db, std::span<const std::string_view> keys, bool write,
                                              CollectionFn fn);

  // -- keys (store_keys.cpp; flushes: store_flush.cpp; KEYS, RANDOMKEY,
  // key_info, SCAN: store_keyspace.cpp) --
  // DEL/UNLINK: how many of the keys existed (each distinct key counted once). Atomic.
  // `deleted` (if given) receives the keys that existed, as views of `keys`.
  protocol::Result<std::uint64_t> del(DbIndex db, std::span<const std::string_view> keys,
                                      std::vector<std::string_view>* deleted = nullptr);
  // EXISTS/TOUCH: how many of the keys exist, a key named twice counting twice.
  protocol::Result<std::uint64_t> exists(DbIndex db, std::span<const std::string_view> keys);
  // EXPIRE family with an absolute deadline; true when the expiry was set or,
  // for a deadline at or before now, the key deleted; false when the key is
  // absent or the condition refused.
  protocol::Result<bool> expire_at(DbIndex db, std::string_view key, std::int64_t at_ms,
                                   ExpireCondition cond = ExpireCondition::always);
  protocol::Result<bool> persist(DbIndex db, std::string_view key);  // true when an expiry was removed
  // PTTL: -2 absent, -1 no expiry, else ms left. EXPIRETIME-style: -2, -1, or absolute ms.
  protocol::Result<std::int64_t> pttl(DbIndex db, std::string_view key);
  protocol::Result<std::int64_t> expire_time(DbIndex db, std::string_view key);
  // RENAME: the new version; NOT_FOUND "no such key". Keeps the expiry.
  protocol::Result<std::uint64_t> rename(DbIndex db, std::string_view src, std::string_view dst);
  protocol::Result<bool> renamenx(DbIndex db, std::string_view src, std::string_view dst);
  // COPY: false when src is absent, or dst exists and !replace.
  protocol::Result<bool> copy(DbIndex db, std::string_view src, DbIndex dst_db, std::string_view dst,
                              bool replace);
  // MOVE: false when key is absent, or already exists in dst_db (dst_db != db).
  // Keeps the expiry; one journal unit (the delete and the put, as RENAME).
  protocol::Result<bool> move(DbIndex db, std::string_view key, DbIndex dst_db);
  // FLUSHDB / FLUSHALL: the version of the flush.
  protocol::Result<std::uint64_t> flushdb(DbIndex db);
  protocol::Result<std::uint64_t> flushall();
  // SWAPDB: databases a and b exchange their keys. One journal unit, as
  // FLUSHDB is, but it records every key of both (O(keys), under the locks of
  // both databases): a fuzzy snapshot may have read one database before the
  // swap and the other after it, and only records that carry each key's new
  // place and seq replay right over such a snapshot.
  protocol::Result<std::uint64_t> swapdb(DbIndex a, DbIndex b);
  // KEYS: every live key matching the glob (Redis's stringmatchlen);
  // TOO_LARGE past max reply bytes.
  protocol::Result<std::vector<std::string>> keys(DbIndex db, std::string_view pattern);
  protocol::Result<std::optional<std::string>> randomkey(DbIndex db);
  protocol::Result<std::optional<KeyInfo>> key_info(DbIndex db, std::string_view key);  // OBJECT, MEMORY USAGE
  // SCAN: cursor 0 starts; the page's cursor 0 means done. pattern "" or "*"
  // matches all; type "" matches all ("string" is the only type today).
  // Every key present for the whole scan is returned at least once, on any
  // connection, whatever is added or removed meanwhile (see store_scan.cpp).
  protocol::Result<ScanPage> scan(DbIndex db, std::uint64_t cursor, std::string_view pattern,
                                  std::uint32_t count, std::string_view type = {});
  std::uint64_t dbsize(DbIndex db) const;
  std::vector<DbKeyspace> keyspace() const;  // one per database
  std::uint32_t databases() const;
  // Returns once the memory of every flushed table is given back (tests).
  void wait_reclaimed();

  // -- transactions (store_txn.cpp): EXEC, scripts --
  struct TxnKey {
    DbIndex db = 0;
    std::string_view key;
  };
  // Runs `body` on this thread as one isolated, atomic unit: first takes the
  // exclusive lock of the shard of every key in `keys` (or of every shard of
  // every database when `all_shards`), in ascending shard order; then, while
  // body runs, the typed operations and execute() it calls on this store
  // from this thread neither lock those shards again nor journal one by one:
  // their changes are buffered and appended as ONE journal unit (one seq)
  // when body returns, and the entries they wrote get that seq as their
  // version; then the locks are released. So no other client sees part of
  // it, and recovery shows all of it or none. A key body touches without
  // naming it in `keys` (a script's undeclared key) has its shard taken then,
  // by try_lock only (no deadlock): the operation touching it throws
  // UndeclaredShardBusy (shard_mutex.h) if another thread keeps it held.
  // An exception from body is passed on after what ran was journaled.
  // Returns the unit's seq, 0 when body journaled nothing. Errors: before
  // body runs, the journal's refusal (read_only while the disk is failing,
  // shutting_down) and then body does not run; after it, shutting_down
  // only (the changes stay in memory of a server that is stopping).
  // Not reentrant: body must not call run_atomically.
  protocol::Result<std::uint64_t> run_atomically(std::span<const TxnKey> keys, bool all_shards,
                                                 absl::FunctionRef<void()> body);
  // Whether this thread is inside run_atomically's body (an EVAL inside
  // EXEC runs in the EXEC's transaction instead of starting its own).
  static bool in_transaction();
  // WATCH: what a key is now (its version, 0 when absent, and its shard's
  // removal count, since an absent key has no version) ...
  struct WatchStamp {
    std::uint64_t version = 0;
    std::uint64_t removals = 0;
  };
  WatchStamp watch_stamp(DbIndex db, std::string_view key);
  // ... and, at EXEC (inside run_atomically, which holds the key's shard),
  // whether it is still that: false after any write to it, its expiry, or
  // (for a key absent when watched) any removal in its shard, which may be
  // the key created and deleted again. The last is conservative: a deletion
  // of another key of the same shard also counts.
  bool watch_unchanged(DbIndex db, std::string_view key, const WatchStamp& stamp);

  // -- the native TXN (store_native_txn.cpp) --
  // Checks every condition, then, only if all hold, applies every write, in
  // order, as one run_atomically unit: one journal record, one version, and
  // no other client sees the keys in between. A write's ttl_ms counts from
  // now. Size limits and --max-memory (for the writes' total) are checked
  // before anything is written; the one way part of it can be applied is
  // another client filling memory between two of its writes (then the error
  // is OUT_OF_MEMORY and what ran is journaled as one unit, as with EXEC).
  struct TxnOutcome {
    bool applied = false;                // every condition held
    std::uint64_t version = 0;           // the unit's version; 0 when nothing was written
    std::vector<std::uint64_t> versions;  // per condition: the key's version when checked, 0 = absent
  };
  protocol::Result<TxnOutcome> txn(DbIndex db, std::span<const protocol::TxnCondition> conditions,
                                   std::span<const protocol::TxnWrite> writes);

  // Removes up to `max_keys` expired entries, visiting shards round-robin;
  // returns how many were removed. Called by a background timer.
  std::size_t sweep_expired(std::size_t max_keys);

  // Sees every key removed because it expired, by the sweep or by a request
  // that found it expired (keyspace "expired" events). Runs with the key's
  // shard lock held, so it must not call the store. Set once before serving.
  using ExpiredListener = std::function<void(DbIndex db, std::string_view key)>;
  void set_expired_listener(ExpiredListener listener);

  // A hint that a request will soon use `key`; changes nothing. Stage `table`
  // starts loading the key's place in its shard's table; stage `entry`, given
  // a request or so later, loads the entry found there. Pipelined requests
  // run with their keys already in the cache instead of waiting on memory
  // one after another.
  enum class Prefetch : std::uint8_t { table, entry };
  void prefetch(std::string_view key, Prefetch stage, DbIndex db = 0) const;
  // Whether prefetching can pay: the store holds kPrefetchMinBytes or more.
  // A smaller one stays in the cache, where a prefetch (a peek at the next
  // request and a shard lock) would only add to every request. One relaxed load.
  static constexpr std::int64_t kPrefetchMinBytes = 32ll << 20;
  bool prefetch_pays() const;

  std::uint64_t size() const;  // keys in every database (may count entries expired but not swept yet)
  StoreStats stats() const;
  // Without a journal: the last version handed out (with one, the journal's last seq is).
  std::uint64_t last_local_version() const;

  // persistence::SnapshotSource. Shards are numbered across databases:
  // shard i belongs to database i / (shards per database); copies carry their db.
  std::size_t shard_count() const override;
  bool copy_chunk(std::size_t shard, const std::string* after, std::size_t max_entries,
                  persistence::SnapshotBuffer& out) override;

  // persistence::RecoveryTarget. A flush_db change removes every entry of
  // its db older than its seq, and keeps older changes to that db from
  // coming back for the rest of the recovery. A change for a db this store
  // does not have throws (recovery runs at startup).
  void apply_recovered(const persistence::ChangeRef& c) override;
  void apply_recovered_batch(std::span<const persistence::ChangeRef> changes) override;
  void reserve_recovered(std::uint64_t expected_keys) override;
  std::uint64_t finish_recovery(std::int64_t now_ms) override;

  // Opaque outside the store's own files (store_impl.h defines it).
  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;  // pimpl keeps the table type out of every includer
};

}  // namespace mnemo::server
