#include "server/store.h"

#include <algorithm>
#include <bit>
#include <limits>
#include <mutex>
#include <shared_mutex>
#include <string>

#include "server/store_impl.h"

namespace mnemo::server {

Store::Impl::Impl(const StoreOptions& o, persistence::ChangeLog* l, const Clock& c)
    : opts(o), log(l), clock(c) {
  const std::size_t n = std::bit_ceil(std::max<std::size_t>(opts.shards, 1));
  opts.shards = n;
  opts.max_key_bytes = static_cast<std::uint32_t>(std::min<std::size_t>(opts.max_key_bytes, kMaxEntryKeyBytes));
  opts.databases = std::max<std::uint32_t>(opts.databases, 1);
  databases = opts.databases;
  shard_bits = static_cast<unsigned>(std::countr_zero(n));
  const std::size_t total = n * databases;
  shards.reserve(total);
  for (std::size_t i = 0; i < total; ++i) shards.push_back(std::make_unique<Shard>(&memory_bytes, static_cast<std::uint32_t>(i >> shard_bits)));
  if (opts.scan_max_count == 0) opts.scan_max_count = 1;
  opts.scan_default_count = std::clamp<std::uint32_t>(opts.scan_default_count, 1, opts.scan_max_count);
}

Store::Store(const StoreOptions& opts, persistence::ChangeLog* log, const Clock& clock)
    : impl_(std::make_unique<Impl>(opts, log, clock)) {}

Store::~Store() = default;

void Store::execute(const protocol::Request& req, protocol::Response& resp) {
  using protocol::Opcode;
  resp.status = Status::ok;
  if (!impl_->db_ok(req.db)) [[unlikely]] {
    return resp.fail(Status::bad_request, "invalid DB index");
  }
  switch (req.op) {
    case Opcode::ping: resp.text = req.key.empty() ? std::string_view("PONG") : req.key; return;
    case Opcode::get: impl_->get(req, resp); return;
    case Opcode::set: impl_->set(req, resp); return;
    case Opcode::del: impl_->del(req, resp); return;
    case Opcode::incrby: impl_->incrby(req, resp); return;
    case Opcode::mget: impl_->mget(req, resp); return;
    case Opcode::mset: impl_->mset(req, resp); return;
    case Opcode::expire: impl_->expire(req, resp); return;
    case Opcode::persist: impl_->persist(req, resp); return;
    case Opcode::ttl: impl_->ttl(req, resp); return;
    case Opcode::exists: impl_->exists(req, resp); return;
    case Opcode::scan: impl_->scan(req, resp); return;
    case Opcode::dbsize: resp.integer = static_cast<std::int64_t>(dbsize(req.db)); return;
    case Opcode::txn: {
      auto r = txn(req.db, req.conditions, req.writes);
      if (!r) return resp.fail(r.error().status, r.error().message);
      resp.changed = r->applied;
      resp.version = r->version;
      resp.versions = std::move(r->versions);
      return;
    }
    default:
      resp.fail(Status::bad_request,
                std::string(protocol::opcode_name(req.op)) + " is not a data operation of the store");
      return;
  }
}

void Store::prefetch(std::string_view key, Prefetch stage, DbIndex db) const {
  if (!impl_->db_ok(db)) return;
  const KeyRef k(key);
  const Shard& sh = impl_->shard_of(db, k);
  std::shared_lock lock(sh.mutex());
  if (stage == Prefetch::table) {
    sh.prefetch(k);
  } else {
    sh.prefetch_entry(k);
  }
}

bool Store::prefetch_pays() const {
  return impl_->memory_bytes.load(std::memory_order_relaxed) >= kPrefetchMinBytes;
}

std::uint64_t Store::size() const {
  std::uint64_t n = 0;
  for (const auto& sh : impl_->shards) {
    std::shared_lock lock(sh->mutex());
    n += sh->size();
  }
  return n;
}

StoreStats Store::stats() const {
  StoreStats s;
  for (const auto& sh : impl_->shards) {
    std::shared_lock lock(sh->mutex());
    s.keys += sh->size();
    s.ephemeral_keys += sh->ephemeral_keys();
    s.keys_with_expiry += sh->keys_with_expiry();
    s.keyspace_hits += sh->lookups(true);
    s.keyspace_misses += sh->lookups(false);
  }
  s.memory_bytes = static_cast<std::uint64_t>(std::max<std::int64_t>(0, impl_->memory_bytes.load()));
  s.expired_lazily = impl_->expired_lazily.load();
  s.expired_by_sweep = impl_->expired_by_sweep.load();
  s.oom_rejects = impl_->oom_rejects.load();
  s.reclaimer_handoffs = impl_->reclaimer->handoffs();
  return s;
}

std::size_t Store::shard_count() const { return impl_->shards.size(); }

std::uint32_t Store::databases() const { return impl_->databases; }

std::uint64_t Store::last_local_version() const { return impl_->local_seq.load(std::memory_order_relaxed); }

std::uint64_t Store::dbsize(DbIndex db) const {
  if (!impl_->db_ok(db)) return 0;
  const std::size_t first = static_cast<std::size_t>(db) << impl_->shard_bits;
  std::uint64_t n = 0;
  for (std::size_t i = first; i < first + impl_->shards_per_db(); ++i) {
    std::shared_lock lock(impl_->shards[i]->mutex());
    n += impl_->shards[i]->size();
  }
  return n;
}

std::vector<DbKeyspace> Store::keyspace() const {
  std::vector<DbKeyspace> out(impl_->databases);
  for (std::size_t i = 0; i < impl_->shards.size(); ++i) {
    const Shard& sh = *impl_->shards[i];
    std::shared_lock lock(sh.mutex());
    DbKeyspace& d = out[impl_->db_of_shard(i)];
    d.keys += sh.size();
    d.expires += sh.keys_with_expiry();
  }
  return out;
}

// ---- checks and plumbing ---------------------------------------------------

bool Store::Impl::check_key(std::string_view key, Response& resp) const {
  if (key.size() <= opts.max_key_bytes) return true;
  resp.fail(Status::too_large, "key is " + std::to_string(key.size()) + " bytes; the limit is " +
                                   std::to_string(opts.max_key_bytes) + " bytes (max key size)");
  return false;
}

bool Store::Impl::check_value(std::string_view value, Response& resp) const {
  if (value.size() <= opts.max_value_bytes) return true;
  resp.fail(Status::too_large, "value is " + std::to_string(value.size()) + " bytes; the limit is " +
                                   std::to_string(opts.max_value_bytes) + " bytes (max value size)");
  return false;
}

bool Store::Impl::check_memory(std::int64_t added_bytes, Response& resp) {
  if (opts.max_memory_bytes == 0 || added_bytes <= 0) return true;
  const std::int64_t used = memory_bytes.load(std::memory_order_relaxed);
  if (used + added_bytes <= static_cast<std::int64_t>(opts.max_memory_bytes)) return true;
  oom_rejects.fetch_add(1, std::memory_order_relaxed);
  resp.fail(Status::out_of_memory,
            "OOM command not allowed: used memory (" + std::to_string(used) +
                " bytes) would exceed max memory (" + std::to_string(opts.max_memory_bytes) +
                " bytes); reads and deletes still work");
  return false;
}

std::optional<protocol::Error> Store::Impl::key_error(std::string_view key) const {
  if (key.size() <= opts.max_key_bytes) return std::nullopt;
  Response r;
  check_key(key, r);
  return protocol::Error{r.status, std::move(r.message)};
}

std::optional<protocol::Error> Store::Impl::value_error(std::string_view value) const {
  if (value.size() <= opts.max_value_bytes) return std::nullopt;
  Response r;
  check_value(value, r);
  return protocol::Error{r.status, std::move(r.message)};
}

std::optional<protocol::Error> Store::Impl::memory_error(std::int64_t added_bytes) {
  Response r;
  if (check_memory(added_bytes, r)) return std::nullopt;
  return protocol::Error{r.status, std::move(r.message)};
}

bool Store::Impl::expiry_for(std::uint64_t ttl_ms, std::int64_t now_ms, std::int64_t& out,
                             Response& resp) const {
  if (ttl_ms == 0) {
    out = 0;
    return true;
  }
  const auto room = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max() - now_ms);
  if (ttl_ms > room) {
    resp.fail(Status::bad_request, "ttl_ms " + std::to_string(ttl_ms) + " is out of range");
    return false;
  }
  out = now_ms + static_cast<std::int64_t>(ttl_ms);
  return true;
}

protocol::Result<std::uint64_t> Store::Impl::commit(std::span<const persistence::ChangeRef> changes) {
  if (TxnUnit* unit = t_txn_unit; unit != nullptr && !changes.empty()) [[unlikely]] {
    return commit_in_txn(*unit, changes);
  }
  if (log == nullptr) return local_seq.fetch_add(1, std::memory_order_relaxed) + 1;
  if (changes.empty()) return log->allocate_seq();
  return log->append(changes);
}

void Store::Impl::note_seq(std::uint64_t seq) {
  std::uint64_t cur = local_seq.load(std::memory_order_relaxed);
  while (cur < seq && !local_seq.compare_exchange_weak(cur, seq, std::memory_order_relaxed)) {
  }
}

Entry* Store::Impl::find_live(Shard& sh, const KeyRef& k, std::int64_t now_ms) {
  Entry* e = sh.find(k);
  if (e == nullptr || !e->expired_at(now_ms)) return e;
  // Recovery drops expired entries by itself, so removing one journals nothing.
  if (expired_listener) expired_listener(sh.db(), e->key());  // before drop() frees the entry
  drop(sh, k);  // a large collection is freed by the reclaimer
  expired_lazily.fetch_add(1, std::memory_order_relaxed);
  return nullptr;
}

void Store::Impl::expire_lazily(Shard& sh, const KeyRef& k) {
  std::unique_lock lock(sh.mutex());
  find_live(sh, k, clock.now_ms());
}

IndexList Store::Impl::shards_touched(DbIndex db, std::span<const KeyRef> keys) const {
  IndexList idx;
  idx.reserve(keys.size());
  for (const KeyRef& k : keys) idx.push_back(shard_index(db, k));
  std::sort(idx.begin(), idx.end());
  idx.erase(std::unique(idx.begin(), idx.end()), idx.end());
  return idx;
}

// ---- single-key reads --------------------------------------------------------

void Store::Impl::get(const Request& req, Response& resp) {
  if (!check_key(req.key, resp)) return;
  const KeyRef k(req.key);
  Shard& sh = shard_of(req.db, k);
  {
    std::shared_lock lock(sh.mutex());
    const Entry* e = sh.find(k);
    const bool live = e != nullptr && !e->expired_at(clock.now_ms());
    sh.count_lookup(live);
    if (live && !e->is_string()) return resp.fail(Status::wrong_type, std::string(kWrongTypeMessage));
    if (live) {
      resp.value.assign(e->value());
      resp.version = e->version;
      resp.expire_at_ms = e->expire_at_ms;
      return;
    }
    if (e == nullptr) {
      resp.fail(Status::not_found, "");
      return;
    }
  }
  expire_lazily(sh, k);
  resp.fail(Status::not_found, "");
}

void Store::Impl::ttl(const Request& req, Response& resp) {
  if (!check_key(req.key, resp)) return;
  const KeyRef k(req.key);
  Shard& sh = shard_of(req.db, k);
  {
    std::shared_lock lock(sh.mutex());
    const Entry* e = sh.find(k);
    const std::int64_t now = clock.now_ms();
    if (e != nullptr && !e->expired_at(now)) {
      resp.integer = e->has_expiry() ? e->expire_at_ms - now : -1;
      resp.version = e->version;
      return;
    }
    if (e == nullptr) {
      resp.fail(Status::not_found, "");
      return;
    }
  }
  expire_lazily(sh, k);
  resp.fail(Status::not_found, "");
}

}  // namespace mnemo::server
