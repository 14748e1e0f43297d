// Multi-key operations: MGET, EXISTS and the atomic MSET. Each locks every
// shard it touches, in ascending shard order, for its whole duration: readers
// see an MSET entirely or not at all, and two multi-key operations cannot
// deadlock.
#include <algorithm>
#include <mutex>
#include <numeric>
#include <shared_mutex>
#include <string>

#include "server/store_impl.h"

namespace mnemo::server {

namespace {

using persistence::ChangeKind;
using persistence::ChangeRef;
namespace flags = protocol::flags;

// Up to this many keys, duplicates are found by comparing every pair: cheaper
// than sorting for the usual handful of keys.
constexpr std::size_t kPairwiseDedupKeys = 32;

// Indices of the keys to write, one per distinct key: the last occurrence wins.
IndexList last_of_each_key(const std::vector<std::string_view>& keys) {
  IndexList out;
  out.reserve(keys.size());
  if (keys.size() <= kPairwiseDedupKeys) {
    for (std::size_t i = 0; i < keys.size(); ++i) {
      const bool repeated_later =
          std::find(keys.begin() + static_cast<std::ptrdiff_t>(i) + 1, keys.end(), keys[i]) != keys.end();
      if (!repeated_later) out.push_back(i);
    }
    return out;
  }
  IndexList order(keys.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return keys[a] < keys[b]; });
  for (std::size_t i = 0; i < order.size(); ++i) {
    const bool last_in_run = i + 1 == order.size() || keys[order[i + 1]] != keys[order[i]];
    if (last_in_run) out.push_back(order[i]);
  }
  return out;
}

// The journal records for an MSET: every key for a persisted MSET; for an
// ephemeral one, a deletion for each persisted entry it overwrites.
// The views point into req.
KeyList<ChangeRef> mset_changes(const Request& req, std::span<const std::size_t> pick,
                                std::span<Entry* const> cur, std::int64_t expire_at, bool ephemeral) {
  KeyList<ChangeRef> changes;
  changes.reserve(pick.size());
  for (std::size_t i = 0; i < pick.size(); ++i) {
    if (ephemeral && (cur[i] == nullptr || cur[i]->ephemeral)) continue;
    if (ephemeral) {
      changes.push_back(del_change(req.db, req.keys[pick[i]]));
    } else {
      changes.push_back(put_change(req.db, req.keys[pick[i]], req.values[pick[i]], expire_at));
    }
  }
  return changes;
}

void free_all(KeyList<Entry*>& entries) {
  for (Entry* e : entries) free_entry(e);  // null (rewritten in place) is fine
  entries.clear();
}

}  // namespace

// How much the tables of the shards grow when keys are added to them (one
// shard index per new key).
std::int64_t Store::Impl::table_growth(IndexList& new_key_shards) const {
  std::sort(new_key_shards.begin(), new_key_shards.end());
  std::int64_t bytes = 0;
  for (std::size_t i = 0; i < new_key_shards.size();) {
    std::size_t j = i;
    while (j < new_key_shards.size() && new_key_shards[j] == new_key_shards[i]) ++j;
    bytes += shards[new_key_shards[i]]->growth_bytes(j - i);
    i = j;
  }
  return bytes;
}

// Starts loading the table slots, then the entries, of many keys whose shards
// the caller holds locked, so that their cache misses overlap. The entry step
// reads slots the first step may not have brought in yet; that only costs time.
void Store::Impl::prefetch_all(DbIndex db, std::span<const KeyRef> refs) {
  if (refs.size() < 2) return;
  for (const KeyRef& k : refs) shard_of(db, k).prefetch(k);
  for (const KeyRef& k : refs) shard_of(db, k).prefetch_entry(k);
}

void Store::Impl::mget(const Request& req, Response& resp) {
  KeyList<KeyRef> refs;
  refs.reserve(req.keys.size());
  for (std::string_view key : req.keys) {
    if (!check_key(key, resp)) return;
    refs.emplace_back(key);
  }
  resp.values.clear();
  resp.values.resize(refs.size());
  auto locks = lock_shards<std::shared_lock<std::shared_mutex>>(shards, shards_touched(req.db, refs));
  const std::int64_t now = clock.now_ms();
  std::uint64_t reply_bytes = 0;
  prefetch_all(req.db, refs);
  for (std::size_t i = 0; i < refs.size(); ++i) {
    Shard& sh = shard_of(req.db, refs[i]);
    const Entry* e = sh.find(refs[i]);
    const bool live = e != nullptr && !e->expired_at(now);
    sh.count_lookup(live);
    if (!live || !e->is_string()) continue;  // expired ones are left to the sweep
    reply_bytes += e->value_len;
    if (reply_bytes > opts.max_reply_bytes) {
      resp.values.clear();
      return resp.fail(Status::too_large, "MGET reply over " + std::to_string(opts.max_reply_bytes) +
                                              " bytes of values (max reply size); ask for fewer keys");
    }
    protocol::MaybeValue& out = resp.values[i];
    out.found = true;
    out.value.assign(e->value());
    out.version = e->version;
  }
}

void Store::Impl::exists(const Request& req, Response& resp) {
  KeyList<KeyRef> refs;
  refs.reserve(req.keys.size());
  for (std::string_view key : req.keys) {
    if (!check_key(key, resp)) return;
    refs.emplace_back(key);
  }
  auto locks = lock_shards<std::shared_lock<std::shared_mutex>>(shards, shards_touched(req.db, refs));
  const std::int64_t now = clock.now_ms();
  std::int64_t n = 0;
  prefetch_all(req.db, refs);
  for (const KeyRef& k : refs) {
    const Entry* e = shard_of(req.db, k).find(k);
    if (e != nullptr && !e->expired_at(now)) ++n;
  }
  resp.integer = n;
}

void Store::Impl::mset(const Request& req, Response& resp) {
  if (req.keys.empty() || req.keys.size() != req.values.size()) {
    return resp.fail(Status::bad_request, "MSET needs one value per key and at least one key");
  }
  if (req.has(flags::kNx | flags::kXx | flags::kKeepTtl)) {
    return resp.fail(Status::bad_request, "the NX, XX and KEEPTTL flags apply to SET only");
  }
  for (std::size_t i = 0; i < req.keys.size(); ++i) {
    if (!check_key(req.keys[i], resp) || !check_value(req.values[i], resp)) return;
  }
  const IndexList pick = last_of_each_key(req.keys);
  KeyList<KeyRef> refs;
  refs.reserve(pick.size());
  for (std::size_t i : pick) refs.emplace_back(req.keys[i]);
  const bool ephemeral = req.has(flags::kEphemeral);

  auto locks = lock_shards<std::unique_lock<std::shared_mutex>>(shards, shards_touched(req.db, refs));
  const std::int64_t now = clock.now_ms();
  std::int64_t expire_at = 0;
  if (!expiry_for(req.ttl_ms, now, expire_at, resp)) return;
  KeyList<Entry*> cur(refs.size());
  IndexList new_key_shards;
  std::int64_t added = 0;
  for (std::size_t i = 0; i < refs.size(); ++i) {
    cur[i] = find_live(shard_of(req.db, refs[i]), refs[i], now);
    added += static_cast<std::int64_t>(entry_footprint(refs[i].key.size(), req.values[pick[i]].size()));
    if (cur[i] != nullptr) added -= static_cast<std::int64_t>(entry_footprint(*cur[i]));
    if (cur[i] == nullptr) new_key_shards.push_back(shard_index(req.db, refs[i]));
  }
  if (!check_memory(added + table_growth(new_key_shards), resp)) return;

  // A new entry for each key, except where the value fits the current entry's
  // allocation: that one is rewritten in place (null here), as SET does.
  KeyList<Entry*> fresh(refs.size(), nullptr);
  for (std::size_t i = 0; i < refs.size(); ++i) {
    const std::string_view value = req.values[pick[i]];
    if (cur[i] != nullptr && Shard::fits_in_place(*cur[i], value)) continue;
    fresh[i] = make_entry(refs[i].key, value, 0, expire_at, ephemeral);
    if (fresh[i] == nullptr) {
      free_all(fresh);
      return resp.fail(Status::out_of_memory, "out of memory: allocating the entries failed");
    }
  }
  KeyList<ChangeRef> changes;
  if (log) changes = mset_changes(req, pick, cur, expire_at, ephemeral);  // unread without a log
  auto seq = commit(changes);  // one append: one seq shared by every key
  if (!seq) {
    free_all(fresh);
    return resp.fail(seq.error().status, seq.error().message);
  }
  for (std::size_t i = 0; i < refs.size(); ++i) {
    Shard& sh = shard_of(req.db, refs[i]);
    if (fresh[i] == nullptr) {
      sh.rewrite(*cur[i], req.values[pick[i]], expire_at, ephemeral, *seq);
    } else {
      fresh[i]->version = *seq;
      sh.put(refs[i], fresh[i]);
    }
  }
  resp.version = *seq;
}

}  // namespace mnemo::server
