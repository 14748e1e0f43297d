// The typed multi-key string operations: MGET, MSET, MSETNX. Like the
// request path's (store_multi.cpp) they lock every shard they touch, in
// ascending order, and journal one unit.
#include <algorithm>
#include <mutex>
#include <shared_mutex>

#include "server/store_impl.h"

namespace mnemo::server {

using protocol::Error;
using protocol::Result;

Result<std::vector<std::optional<ValueRead>>> Store::mget(DbIndex db, std::span<const std::string_view> keys) {
  Impl& impl = *impl_;
  if (auto err = impl.keys_error(db, keys)) return std::move(*err);
  KeyList<KeyRef> refs;
  refs.reserve(keys.size());
  for (std::string_view key : keys) refs.emplace_back(key);
  std::vector<std::optional<ValueRead>> out(refs.size());
  auto locks = lock_shards<std::shared_lock<std::shared_mutex>>(impl.shards, impl.shards_touched(db, refs));
  const std::int64_t now = impl.clock.now_ms();
  std::uint64_t reply_bytes = 0;
  impl.prefetch_all(db, refs);
  for (std::size_t i = 0; i < refs.size(); ++i) {
    Shard& sh = impl.shard_of(db, refs[i]);
    const Entry* e = sh.find(refs[i]);
    const bool live = e != nullptr && !e->expired_at(now);
    sh.count_lookup(live);
    if (!live || !e->is_string()) continue;  // MGET answers nil for a collection, as Redis
    reply_bytes += e->value_len;
    if (reply_bytes > impl.opts.max_reply_bytes) {
      return Error{Status::too_large, "MGET reply over " + std::to_string(impl.opts.max_reply_bytes) +
                                          " bytes of values (max reply size); ask for fewer keys"};
    }
    out[i] = ValueRead{std::string(e->value()), e->version, e->expire_at_ms};
  }
  return out;
}

Result<std::uint64_t> Store::mset(DbIndex db, std::span<const std::string_view> keys,
                                  std::span<const std::string_view> values, bool ephemeral) {
  // The request path's MSET already is the operation; this only adapts the arguments.
  protocol::Request req;
  req.op = protocol::Opcode::mset;
  req.db = db;
  if (ephemeral) req.flags = protocol::flags::kEphemeral;
  req.keys.assign(keys.begin(), keys.end());
  req.values.assign(values.begin(), values.end());
  if (!impl_->db_ok(db)) return Error{Status::bad_request, "invalid DB index"};
  protocol::Response resp;
  impl_->mset(req, resp);
  if (resp.status != Status::ok) return Error{resp.status, std::move(resp.message)};
  return resp.version;
}

Result<bool> Store::msetnx(DbIndex db, std::span<const std::string_view> keys,
                           std::span<const std::string_view> values) {
  Impl& impl = *impl_;
  if (keys.empty() || keys.size() != values.size()) {
    return Error{Status::bad_request, "MSETNX needs one value per key and at least one key"};
  }
  if (auto err = impl.keys_error(db, keys)) return std::move(*err);
  for (std::string_view v : values) {
    if (auto err = impl.value_error(v)) return std::move(*err);
  }
  // A key named twice: the last value wins, as in MSET.
  KeyList<KeyRef> refs;
  KeyList<std::string_view> vals;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (std::find(keys.begin() + static_cast<std::ptrdiff_t>(i) + 1, keys.end(), keys[i]) != keys.end()) continue;
    refs.emplace_back(keys[i]);
    vals.push_back(values[i]);
  }
  auto locks = lock_shards<std::unique_lock<std::shared_mutex>>(impl.shards, impl.shards_touched(db, refs));
  const std::int64_t now = impl.clock.now_ms();
  IndexList new_key_shards;
  std::int64_t added = 0;
  for (std::size_t i = 0; i < refs.size(); ++i) {
    if (impl.find_live(impl.shard_of(db, refs[i]), refs[i], now) != nullptr) return false;
    added += static_cast<std::int64_t>(entry_footprint(refs[i].key.size(), vals[i].size()));
    new_key_shards.push_back(impl.shard_index(db, refs[i]));
  }
  if (auto err = impl.memory_error(added + impl.table_growth(new_key_shards))) return std::move(*err);
  KeyList<Entry*> fresh;
  KeyList<persistence::ChangeRef> changes;
  for (std::size_t i = 0; i < refs.size(); ++i) {
    fresh.push_back(make_entry(refs[i].key, vals[i], 0, 0, false));
    if (fresh.back() == nullptr) {
      for (Entry* e : fresh) free_entry(e);
      return Error{Status::out_of_memory, "out of memory: allocating the entries failed"};
    }
    if (impl.log) changes.push_back(put_change(db, refs[i].key, vals[i], 0));
  }
  auto seq = impl.commit(changes);
  if (!seq) {
    for (Entry* e : fresh) free_entry(e);
    return seq.error();
  }
  for (std::size_t i = 0; i < refs.size(); ++i) {
    fresh[i]->version = *seq;
    impl.shard_of(db, refs[i]).put(refs[i], fresh[i]);
  }
  return true;
}

}  // namespace mnemo::server
