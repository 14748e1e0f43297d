// The typed key operations (store.h): DEL/UNLINK, EXISTS/TOUCH, the EXPIRE
// family, PERSIST, PTTL, EXPIRETIME, RENAME, RENAMENX, COPY. Multi-key ones
// lock every shard they touch in ascending order and journal one unit.
#include <algorithm>
#include <mutex>
#include <shared_mutex>

#include "server/store_impl.h"

namespace mnemo::server {

namespace {

using persistence::ChangeRef;
using protocol::Error;
using protocol::Result;

// Whether EXPIRE's condition lets a deadline `at` replace the entry's expiry
// (Redis 7's expireGenericCommand: no expiry counts as infinite).
bool expire_allowed(const Entry& e, std::int64_t at, ExpireCondition cond) {
  const bool has = e.has_expiry();
  switch (cond) {
    case ExpireCondition::always: return true;
    case ExpireCondition::nx: return !has;
    case ExpireCondition::xx: return has;
    case ExpireCondition::gt: return has && at > e.expire_at_ms;
    case ExpireCondition::lt: return !has || at < e.expire_at_ms;
    case ExpireCondition::xx_lt: return has && at < e.expire_at_ms;
  }
  return false;
}

}  // namespace

Result<std::uint64_t> Store::del(DbIndex db, std::span<const std::string_view> keys,
                                 std::vector<std::string_view>* deleted) {
  Impl& impl = *impl_;
  if (auto err = impl.keys_error(db, keys)) return std::move(*err);
  KeyList<KeyRef> refs;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (std::find(keys.begin(), keys.begin() + static_cast<std::ptrdiff_t>(i), keys[i]) ==
        keys.begin() + static_cast<std::ptrdiff_t>(i)) {
      refs.emplace_back(keys[i]);  // each distinct key once
    }
  }
  auto locks = lock_shards<std::unique_lock<std::shared_mutex>>(impl.shards, impl.shards_touched(db, refs));
  const std::int64_t now = impl.clock.now_ms();
  KeyList<std::size_t> found;
  KeyList<ChangeRef> changes;
  for (std::size_t i = 0; i < refs.size(); ++i) {
    const Entry* e = impl.find_live(impl.shard_of(db, refs[i]), refs[i], now);
    if (e == nullptr) continue;
    found.push_back(i);
    if (impl.log && !e->ephemeral) changes.push_back(del_change(db, refs[i].key));
  }
  if (found.empty()) return std::uint64_t{0};
  auto seq = impl.commit(changes);
  if (!seq) return seq.error();
  for (std::size_t i : found) {
    if (deleted != nullptr) deleted->push_back(refs[i].key);
    impl.drop(impl.shard_of(db, refs[i]), refs[i]);
  }
  return std::uint64_t{found.size()};
}

Result<std::uint64_t> Store::exists(DbIndex db, std::span<const std::string_view> keys) {
  Impl& impl = *impl_;
  if (auto err = impl.keys_error(db, keys)) return std::move(*err);
  KeyList<KeyRef> refs;
  for (std::string_view key : keys) refs.emplace_back(key);
  auto locks = lock_shards<std::shared_lock<std::shared_mutex>>(impl.shards, impl.shards_touched(db, refs));
  const std::int64_t now = impl.clock.now_ms();
  std::uint64_t n = 0;
  for (const KeyRef& k : refs) {
    Shard& sh = impl.shard_of(db, k);
    const Entry* e = sh.find(k);
    const bool live = e != nullptr && !e->expired_at(now);
    sh.count_lookup(live);
    n += live ? 1 : 0;
  }
  return n;
}

Result<bool> Store::expire_at(DbIndex db, std::string_view key, std::int64_t at_ms, ExpireCondition cond) {
  Impl& impl = *impl_;
  if (auto err = impl.arg_error(db, key)) return std::move(*err);
  const KeyRef k(key);
  Shard& sh = impl.shard_of(db, k);
  std::unique_lock lock(sh.mutex());
  const std::int64_t now = impl.clock.now_ms();
  Entry* cur = impl.find_live(sh, k, now);
  if (cur == nullptr || !expire_allowed(*cur, at_ms, cond)) return false;
  // A deadline already past deletes the key, as Redis does.
  auto seq = at_ms <= now ? impl.remove_entry(db, sh, k, *cur) : impl.change_expiry(db, *cur, sh, at_ms);
  if (!seq) return seq.error();
  return true;
}

Result<bool> Store::persist(DbIndex db, std::string_view key) {
  Impl& impl = *impl_;
  if (auto err = impl.arg_error(db, key)) return std::move(*err);
  const KeyRef k(key);
  Shard& sh = impl.shard_of(db, k);
  std::unique_lock lock(sh.mutex());
  Entry* cur = impl.find_live(sh, k, impl.clock.now_ms());
  if (cur == nullptr || !cur->has_expiry()) return false;
  auto seq = impl.change_expiry(db, *cur, sh, 0);
  if (!seq) return seq.error();
  return true;
}

namespace {

// -2 absent, -1 no expiry, else f(expire_at_ms, now).
template <typename F>
Result<std::int64_t> read_expiry(Store::Impl& impl, DbIndex db, std::string_view key, F f) {
  if (auto err = impl.arg_error(db, key)) return std::move(*err);
  const KeyRef k(key);
  Shard& sh = impl.shard_of(db, k);
  std::shared_lock lock(sh.mutex());
  const Entry* e = sh.find(k);
  const std::int64_t now = impl.clock.now_ms();
  const bool live = e != nullptr && !e->expired_at(now);
  sh.count_lookup(live);
  if (!live) return std::int64_t{-2};
  return e->has_expiry() ? f(e->expire_at_ms, now) : std::int64_t{-1};
}

}  // namespace

Result<std::int64_t> Store::pttl(DbIndex db, std::string_view key) {
  return read_expiry(*impl_, db, key, [](std::int64_t at, std::int64_t now) { return at - now; });
}

Result<std::int64_t> Store::expire_time(DbIndex db, std::string_view key) {
  return read_expiry(*impl_, db, key, [](std::int64_t at, std::int64_t) { return at; });
}

// ---- RENAME, RENAMENX, COPY ----------------------------------------------------

// Writes src's value, expiry and ephemeral bit under dst (removing src
// unless keep_src), as one journal unit. Result: the version, 0 when dst
// exists and !replace; NOT_FOUND when src is absent.
Result<std::uint64_t> Store::Impl::move_key(const MoveArgs& a) {
  const KeyRef sk(a.src);
  const KeyRef dk(a.dst);
  IndexList idx{shard_index(a.src_db, sk), shard_index(a.dst_db, dk)};
  std::sort(idx.begin(), idx.end());
  idx.erase(std::unique(idx.begin(), idx.end()), idx.end());
  auto locks = lock_shards<std::unique_lock<std::shared_mutex>>(shards, idx);
  const std::int64_t now = clock.now_ms();
  Shard& ssh = shard_of(a.src_db, sk);
  Shard& dsh = shard_of(a.dst_db, dk);
  const Entry* src = find_live(ssh, sk, now);
  if (src == nullptr) return Error{Status::not_found, "no such key"};
  const Entry* dst = find_live(dsh, dk, now);
  if (dst != nullptr && !a.replace) return std::uint64_t{0};
  if (a.check_memory) {
    const std::int64_t added = static_cast<std::int64_t>(entry_footprint(dk.key.size(), src->value_len) +
                                                         (src->is_string() ? 0 : collection_bytes(*src))) -
                               (dst ? static_cast<std::int64_t>(entry_footprint(*dst)) : dsh.growth_bytes(1));
    if (auto err = memory_error(added)) return std::move(*err);
  }
  // A collection moves as a copy of itself, journaled whole (clear + every element).
  std::string whole;
  Entry* fresh = src->is_string() ? make_entry(dk.key, src->value(), 0, src->expire_at_ms, src->ephemeral)
                                  : copy_collection_entry(*src, dk.key, whole);
  if (fresh == nullptr) return Error{Status::out_of_memory, "out of memory: allocating the entry failed"};
  KeyList<ChangeRef> changes;
  if (log) {
    if (!a.keep_src && !src->ephemeral) changes.push_back(del_change(a.src_db, sk.key));
    if (!src->ephemeral && !src->is_string()) {
      changes.push_back({0, persistence::ChangeKind::elements, dk.key, whole, src->expire_at_ms, a.dst_db});
    } else if (!src->ephemeral) {
      changes.push_back(put_change(a.dst_db, dk.key, src->value(), src->expire_at_ms));
    }
    if (src->ephemeral && dst != nullptr && !dst->ephemeral) changes.push_back(del_change(a.dst_db, dk.key));
  }
  auto seq = commit(changes);
  if (!seq) {
    free_entry(fresh);
    return seq;
  }
  fresh->version = *seq;
  dsh.put(dk, fresh);  // frees dst
  if (!a.keep_src) ssh.erase(sk);
  return seq;
}

Result<std::uint64_t> Store::rename(DbIndex db, std::string_view src, std::string_view dst) {
  Impl& impl = *impl_;
  if (auto err = impl.arg_error(db, src)) return std::move(*err);
  if (auto err = impl.key_error(dst)) return std::move(*err);
  if (src == dst) {  // Redis: OK when it exists, nothing changes
    auto e = pttl(db, src);
    if (!e) return e.error();
    if (*e == -2) return Error{Status::not_found, "no such key"};
    auto got = get(db, src);
    return got && *got ? (*got)->version : std::uint64_t{0};
  }
  return impl.move_key({db, src, db, dst, false, true, false});
}

Result<bool> Store::renamenx(DbIndex db, std::string_view src, std::string_view dst) {
  Impl& impl = *impl_;
  if (auto err = impl.arg_error(db, src)) return std::move(*err);
  if (auto err = impl.key_error(dst)) return std::move(*err);
  if (src == dst) {
    auto e = pttl(db, src);
    if (!e) return e.error();
    if (*e == -2) return Error{Status::not_found, "no such key"};
    return false;
  }
  auto seq = impl.move_key({db, src, db, dst, false, false, false});
  if (!seq) return seq.error();
  return *seq != 0;
}

Result<bool> Store::copy(DbIndex db, std::string_view src, DbIndex dst_db, std::string_view dst, bool replace) {
  Impl& impl = *impl_;
  if (auto err = impl.arg_error(db, src)) return std::move(*err);
  if (auto err = impl.arg_error(dst_db, dst)) return std::move(*err);
  if (db == dst_db && src == dst) return Error{Status::bad_request, "source and destination objects are the same"};
  auto seq = impl.move_key({db, src, dst_db, dst, true, replace, true});
  if (!seq && seq.error().status == Status::not_found) return false;
  if (!seq) return seq.error();
  return *seq != 0;
}

Result<bool> Store::move(DbIndex db, std::string_view key, DbIndex dst_db) {
  Impl& impl = *impl_;
  if (auto err = impl.arg_error(db, key)) return std::move(*err);
  if (auto err = impl.arg_error(dst_db, key)) return std::move(*err);
  if (db == dst_db) return Error{Status::bad_request, "source and destination objects are the same"};
  auto seq = impl.move_key({db, key, dst_db, key, false, false, false});
  if (!seq && seq.error().status == Status::not_found) return false;
  if (!seq) return seq.error();
  return *seq != 0;
}

}  // namespace mnemo::server
