// Store transactions (store.h: run_atomically, watch_stamp, watch_unchanged).
//
// Why this is isolated and atomic:
// - Isolation: every shard the body may touch is locked exclusively before
//   it runs, in ascending shard order (the order every multi-key operation
//   uses, so no deadlock), and released only after the unit is journaled and
//   its versions stamped. Another thread can neither read nor write those
//   shards in between; the body's own operations pass through the locks it
//   holds (ShardMutex, shard_mutex.h), so they need no second code path.
// - One journal unit: Store::Impl::commit() hands the body's changes to
//   commit_in_txn(), which copies them into the unit instead of appending;
//   the unit is appended once, with ChangeLog::append_forced, so it gets one
//   seq and is committed in one row. Because the changes are already applied
//   in memory by then, the append must not be refused for a full queue or a
//   failing disk (a refusal would leave memory ahead of the journal); the
//   journal's refusal is asked for before the body runs instead.
// - Recovery applies a change only when its seq is newer than the key's, so
//   a unit holds at most one change per key (the last one wins here), and a
//   flush_db drops the unit's earlier changes to its database (the flush
//   removes them in memory too; at equal seqs recovery would keep them).
// - Entries written inside the unit hold kTxnPendingVersion until the seq is
//   known; they are re-stamped before the locks are released, so nobody else
//   ever sees that value.
#include <algorithm>
#include <cassert>
#include <exception>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "server/store_impl.h"

namespace mnemo::server {

constinit thread_local TxnUnit* t_txn_unit = nullptr;
constinit thread_local const HeldShards* t_held_shards = nullptr;

struct TxnUnit {
  Store::Impl* impl = nullptr;
  std::vector<persistence::Change> changes;
  // db and key -> index in `changes`, so a key keeps only its last change.
  absl::flat_hash_map<std::string, std::size_t> index;

  static std::string slot_key(std::uint32_t db, std::string_view key) {
    std::string k(reinterpret_cast<const char*>(&db), sizeof db);
    k.append(key);
    return k;
  }
  void add(const persistence::ChangeRef& c) {
    if (c.kind == persistence::ChangeKind::flush_db) return add_flush(c);
    persistence::Change owned{0, c.kind, std::string(c.key), std::string(c.value), c.expire_at_ms, c.db};
    auto [it, inserted] = index.try_emplace(slot_key(c.db, c.key), changes.size());
    if (inserted) return changes.push_back(std::move(owned));
    persistence::Change& prev = changes[it->second];
    if (c.kind == persistence::ChangeKind::elements) return merge_elements(prev, std::move(owned));
    prev = std::move(owned);
  }
  // An elements change is a delta (collection.h), not the key's whole state:
  // two of them on one key become one operation list, and one after a put or
  // a del starts from an empty value (a clear), so that replaying the unit's
  // single change gives what the unit's writes gave.
  static void merge_elements(persistence::Change& prev, persistence::Change next) {
    constexpr char kClear = 0;  // collection.h's "clear" operation
    const bool same_type = prev.kind == persistence::ChangeKind::elements && !prev.value.empty() &&
                           !next.value.empty() && prev.value[0] == next.value[0];
    if (same_type) {
      prev.value.append(next.value, 1);
      prev.expire_at_ms = next.expire_at_ms;
      return;
    }
    if (!next.value.empty()) next.value.insert(next.value.begin() + 1, kClear);
    prev = std::move(next);
  }
  void add_flush(const persistence::ChangeRef& c) {
    std::erase_if(changes, [&](const persistence::Change& x) { return x.db == c.db; });
    index.clear();
    for (std::size_t i = 0; i < changes.size(); ++i) {
      if (changes[i].kind != persistence::ChangeKind::flush_db) {
        index.emplace(slot_key(changes[i].db, changes[i].key), i);
      }
    }
    changes.push_back(persistence::Change{0, c.kind, {}, {}, 0, c.db});
  }
};

protocol::Result<std::uint64_t> Store::Impl::commit_in_txn(TxnUnit& unit,
                                                          std::span<const persistence::ChangeRef> changes) {
  assert(unit.impl == this && "a transaction wrote to a store other than its own");
  for (const persistence::ChangeRef& c : changes) unit.add(c);
  return kTxnPendingVersion;
}

namespace {

// Sets this thread's transaction scope for its lifetime.
class ScopeGuard {
 public:
  ScopeGuard(TxnUnit& unit, const HeldShards& held) {
    assert(t_txn_unit == nullptr && "run_atomically is not reentrant");
    t_txn_unit = &unit;
    t_held_shards = &held;
  }
  ~ScopeGuard() {
    t_txn_unit = nullptr;
    t_held_shards = nullptr;
  }
  ScopeGuard(const ScopeGuard&) = delete;
  ScopeGuard& operator=(const ScopeGuard&) = delete;
};

// The exclusive locks of a transaction, released in reverse order.
class HeldLocks {
 public:
  explicit HeldLocks(std::vector<ShardMutex*> ascending) : mutexes_(std::move(ascending)) {
    for (ShardMutex* m : mutexes_) m->raw().lock();
  }
  ~HeldLocks() {
    for (auto it = mutexes_.rbegin(); it != mutexes_.rend(); ++it) (*it)->raw().unlock();
  }
  HeldLocks(const HeldLocks&) = delete;
  HeldLocks& operator=(const HeldLocks&) = delete;
  HeldShards by_address() const {
    HeldShards h;
    h.held.assign(mutexes_.begin(), mutexes_.end());
    std::sort(h.held.begin(), h.held.end(), std::less<>());
    return h;
  }

 private:
  std::vector<ShardMutex*> mutexes_;
};

// Gives the entries the unit wrote their real version.
void stamp_versions(Store::Impl& impl, const TxnUnit& unit, std::uint64_t seq) {
  for (const persistence::Change& c : unit.changes) {
    if (c.kind == persistence::ChangeKind::flush_db) continue;
    const KeyRef k(c.key);
    Entry* e = impl.shard_of(c.db, k).find(k);
    if (e != nullptr && e->version == kTxnPendingVersion) e->version = seq;
  }
}

}  // namespace

protocol::Result<std::uint64_t> Store::run_atomically(std::span<const TxnKey> keys, bool all_shards,
                                                      absl::FunctionRef<void()> body) {
  Impl& impl = *impl_;
  IndexList order;
  if (all_shards) {
    for (std::size_t i = 0; i < impl.shards.size(); ++i) order.push_back(i);
  } else {
    for (const TxnKey& k : keys) {
      if (impl.db_ok(k.db)) order.push_back(impl.shard_index(k.db, KeyRef(k.key)));
    }
    std::sort(order.begin(), order.end());
    order.erase(std::unique(order.begin(), order.end()), order.end());
  }
  std::vector<ShardMutex*> mutexes;
  mutexes.reserve(order.size());
  for (std::size_t i : order) mutexes.push_back(&impl.shards[i]->mutex());
  HeldLocks locks(std::move(mutexes));
  if (impl.log != nullptr) {
    protocol::Error refusal = impl.log->refusal();
    if (refusal.status != Status::ok) return refusal;
  }
  TxnUnit unit;
  unit.impl = &impl;
  const HeldShards held = locks.by_address();
  // Shards taken on the way (undeclared keys) are released with the others.
  struct ReleaseExtra {
    const HeldShards& h;
    ~ReleaseExtra() {
      for (ShardMutex* m : h.extra) m->raw().unlock();
    }
  } release_extra{held};
  std::exception_ptr thrown;
  {
    ScopeGuard scope(unit, held);
    try {
      body();
    } catch (...) {  // what ran is applied in memory: journal it before passing the exception on
      thrown = std::current_exception();
    }
  }
  if (unit.changes.empty()) {
    if (thrown) std::rethrow_exception(thrown);
    return std::uint64_t{0};
  }
  std::vector<persistence::ChangeRef> refs(unit.changes.begin(), unit.changes.end());
  protocol::Result<std::uint64_t> seq = impl.log != nullptr
                                            ? impl.log->append_forced(refs)
                                            : impl.local_seq.fetch_add(1, std::memory_order_relaxed) + 1;
  // Even a failed append (a stopping journal) must not leave the placeholder behind.
  stamp_versions(impl, unit, seq ? *seq : impl.local_seq.load(std::memory_order_relaxed));
  if (thrown) std::rethrow_exception(thrown);
  return seq;
}

bool Store::in_transaction() { return t_txn_unit != nullptr; }

Store::WatchStamp Store::watch_stamp(DbIndex db, std::string_view key) {
  Impl& impl = *impl_;
  if (!impl.db_ok(db)) return {};
  const KeyRef k(key);
  Shard& sh = impl.shard_of(db, k);
  std::shared_lock lock(sh.mutex());
  const Entry* e = sh.find(k);
  const bool live = e != nullptr && !e->expired_at(impl.clock.now_ms());
  return {live ? e->version : 0, sh.removals()};
}

bool Store::watch_unchanged(DbIndex db, std::string_view key, const WatchStamp& stamp) {
  Impl& impl = *impl_;
  if (!impl.db_ok(db)) return true;
  const KeyRef k(key);
  Shard& sh = impl.shard_of(db, k);
  std::shared_lock lock(sh.mutex());
  const Entry* e = sh.find(k);
  const bool live = e != nullptr && !e->expired_at(impl.clock.now_ms());
  const std::uint64_t version = live ? e->version : 0;
  if (version != stamp.version) return false;
  return live || sh.removals() == stamp.removals;
}

}  // namespace mnemo::server
