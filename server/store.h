// The in-memory store: a sharded hash map from byte-string keys to entries
// (value, version, expiry, ephemeral bit).
//
// Threads: every public method is thread-safe. Each shard has its own
// std::shared_mutex: reads take it shared, writes exclusive; multi-key
// operations (MGET, MSET, EXISTS) lock all the shards they touch in ascending
// shard order, so they are atomic and cannot deadlock. The change log is
// called while the shard lock is held, which is what makes the journal's seq
// order agree with the order writes to a key were applied.
// Lifetime: `log` (may be null: no persistence) and `clock` must outlive the store.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "persistence/change_log.h"
#include "protocol/message.h"
#include "server/clock.h"

namespace mnemo::server {

struct StoreOptions {
  std::size_t shards = 256;                  // rounded up to a power of two
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
};

class Store final : public persistence::SnapshotSource, public persistence::RecoveryTarget {
 public:
  Store(const StoreOptions& opts, persistence::ChangeLog* log, const Clock& clock);
  ~Store() override;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Executes one data operation (PING, GET, SET, DEL, INCRBY, MGET, MSET,
  // EXPIRE, PERSIST, TTL, EXISTS, SCAN, DBSIZE) and fills `resp` (status,
  // fields per protocol/message.h; resp.op and resp.id are set by the caller).
  // Honors the EPHEMERAL, NX, XX, KEEPTTL flags and if_version. DURABLE is the
  // caller's business: it waits for resp.version to become durable.
  void execute(const protocol::Request& req, protocol::Response& resp);

  // Removes up to `max_keys` expired entries, visiting shards round-robin;
  // returns how many were removed. Called by a background timer.
  std::size_t sweep_expired(std::size_t max_keys);

  // A hint that a request will soon use `key`; changes nothing. Stage `table`
  // starts loading the key's place in its shard's table; stage `entry`, given
  // a request or so later, loads the entry found there. Pipelined requests
  // run with their keys already in the cache instead of waiting on memory
  // one after another.
  enum class Prefetch : std::uint8_t { table, entry };
  void prefetch(std::string_view key, Prefetch stage) const;

  std::uint64_t size() const;  // DBSIZE (may count entries that expired but are not swept yet)
  StoreStats stats() const;

  // persistence::SnapshotSource
  std::size_t shard_count() const override;
  bool copy_chunk(std::size_t shard, const std::string* after, std::size_t max_entries,
                  persistence::SnapshotBuffer& out) override;

  // persistence::RecoveryTarget
  void apply_recovered(const persistence::ChangeRef& c) override;
  void apply_recovered_batch(std::span<const persistence::ChangeRef> changes) override;
  void reserve_recovered(std::uint64_t expected_keys) override;
  std::uint64_t finish_recovery(std::int64_t now_ms) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;  // pimpl keeps the table type out of every includer
};

}  // namespace mnemo::server
