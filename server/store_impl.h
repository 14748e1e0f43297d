// Store internals shared by the store's .cpp files (store.cpp: reads and
// plumbing, store_write.cpp: single-key writes, store_multi.cpp: MGET, MSET,
// EXISTS, store_scan.cpp: SCAN and snapshot copies, expiry.cpp: sweeping and
// recovery). Not for use outside the store.
//
// Threads: as Store (store.h). The shards are guarded by their own locks; the
// counters here are atomics; everything else is fixed at construction.
// Lifetime: owned by Store; `log` and `clock` outlive it.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "persistence/change.h"
#include "persistence/change_log.h"
#include "protocol/message.h"
#include "protocol/result.h"
#include "server/clock.h"
#include "server/entry.h"
#include "server/store.h"
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

struct Store::Impl {
  Impl(const StoreOptions& o, persistence::ChangeLog* l, const Clock& c);

  // -- fixed at construction --
  StoreOptions opts;
  persistence::ChangeLog* log;  // null: versions come from local_seq, nothing is journaled
  const Clock& clock;
  unsigned shard_bits = 0;
  // -- atomics, any thread --
  std::atomic<std::int64_t> memory_bytes{0};  // declared before shards: they update it
  std::atomic<std::uint64_t> local_seq{0};
  std::atomic<std::uint64_t> expired_lazily{0};
  std::atomic<std::uint64_t> expired_by_sweep{0};
  std::atomic<std::uint64_t> oom_rejects{0};
  std::atomic<std::size_t> sweep_cursor{0};
  // -- each guarded by its own lock --
  std::vector<std::unique_ptr<Shard>> shards;

  std::size_t shard_index(const KeyRef& k) const {
    return shard_bits == 0 ? 0 : static_cast<std::size_t>(k.hash >> (64 - shard_bits));
  }
  Shard& shard_of(const KeyRef& k) { return *shards[shard_index(k)]; }
  // Sorted, de-duplicated shard indices of `keys`, for locking in ascending order.
  IndexList shards_touched(std::span<const KeyRef> keys) const;

  // -- request checks: false means resp already holds the error --
  bool check_key(std::string_view key, Response& resp) const;
  bool check_value(std::string_view value, Response& resp) const;
  bool check_memory(std::int64_t added_bytes, Response& resp);
  std::int64_t table_growth(IndexList& new_key_shards) const;
  // ttl_ms -> absolute expiry at now_ms; false (BAD_REQUEST) when out of range.
  bool expiry_for(std::uint64_t ttl_ms, std::int64_t now_ms, std::int64_t& out, Response& resp) const;

  // Journals `changes` (or just allocates a seq when there are none, or when
  // there is no log) and returns the new version. Call with the shard locks held.
  protocol::Result<std::uint64_t> commit(std::span<const persistence::ChangeRef> changes);
  void note_seq(std::uint64_t seq);  // keeps local_seq ahead of recovered versions

  // The live entry for k, or null; removes it first when it has expired.
  // Caller holds the shard exclusively.
  Entry* find_live(Shard& sh, const KeyRef& k, std::int64_t now_ms);
  // Takes the shard exclusively and removes k if it is (still) expired.
  void expire_lazily(Shard& sh, const KeyRef& k);

  // Replaces cur (may be null) by an entry holding value, journaling as the
  // ephemeral rules say; fills resp.version or resp's error. Shard held exclusively.
  bool write_entry(Shard& sh, const KeyRef& k, Entry* cur, std::string_view value,
                   std::int64_t expire_at_ms, bool ephemeral, Response& resp);
  // write_entry's path for a value that fits cur's allocation (Shard::fits_in_place).
  bool rewrite_entry(Shard& sh, const KeyRef& k, Entry& cur, std::string_view value,
                     std::int64_t expire_at_ms, bool ephemeral, Response& resp);

  // Ops, by file.
  void get(const Request& req, Response& resp);
  void ttl(const Request& req, Response& resp);
  void set(const Request& req, Response& resp);
  void del(const Request& req, Response& resp);
  void incrby(const Request& req, Response& resp);
  void expire(const Request& req, Response& resp);
  void persist(const Request& req, Response& resp);
  void prefetch_all(std::span<const KeyRef> refs);
  void mget(const Request& req, Response& resp);
  void mset(const Request& req, Response& resp);
  void exists(const Request& req, Response& resp);
  void scan(const Request& req, Response& resp);
};

// Parses a value as a signed 64-bit decimal the way Redis does: no spaces, no
// '+', no leading zeros, no "-0".
bool parse_i64_strict(std::string_view s, std::int64_t& out);

}  // namespace mnemo::server
