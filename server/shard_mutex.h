// The lock of one store shard, aware of a store transaction on its thread.
//
// A transaction (an EXEC, later a script; store_txn.cpp) takes the exclusive
// locks of every shard it may touch, in ascending shard order, before it runs
// the typed operations of its commands. Those operations lock their shards as
// always; while the transaction's scope is set on this thread, locking or
// unlocking a shard it holds is a no-op, so the operations neither deadlock
// on the transaction's own locks nor need a second code path. Any other
// thread (and this one outside a scope) locks for real.
//
// Threads: a ShardMutex is shared by every thread, like the std::shared_mutex
// it wraps. t_held_shards is per thread: set and cleared only by the
// transaction running on that thread, around the operations it runs.
#pragma once

#include <algorithm>
#include <cassert>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <shared_mutex>
#include <vector>

namespace mnemo::server {

class ShardMutex;

// The shards the running transaction holds exclusively, sorted by address,
// and those it took on the way (a script touching a key it did not declare).
struct HeldShards {
  std::vector<const ShardMutex*> held;
  // Taken inside the transaction, out of the ascending order: only by
  // try_lock, so that it can never wait in a cycle. Released by the
  // transaction at its end, with the others.
  mutable std::vector<ShardMutex*> extra;
  bool holds(const ShardMutex* m) const {
    return std::binary_search(held.begin(), held.end(), m, std::less<>()) ||
           std::find(extra.begin(), extra.end(), m) != extra.end();
  }
  // Takes m for the rest of the transaction; throws UndeclaredShardBusy when
  // another thread keeps holding it (the transaction's own command fails).
  void take_extra(ShardMutex* m) const;
};

// A transaction touched a shard it did not lock up front while another
// client held it (shard_mutex.cpp tries for a while first).
struct UndeclaredShardBusy : std::runtime_error {
  UndeclaredShardBusy()
      : std::runtime_error("the script touched a key it did not declare in KEYS while another client held "
                           "it; declare every key the script uses") {}
};

// Null outside a transaction (nearly always): one thread-local load and a
// compare per lock operation.
extern constinit thread_local const HeldShards* t_held_shards;

class ShardMutex {
 public:
  void lock() {
    if (!held_here()) mu_.lock();
  }
  bool try_lock() { return held_here() || mu_.try_lock(); }
  void unlock() {
    if (!in_txn()) mu_.unlock();
  }
  void lock_shared() {
    if (!held_here()) mu_.lock_shared();
  }
  bool try_lock_shared() { return held_here() || mu_.try_lock_shared(); }
  void unlock_shared() {
    if (!in_txn()) mu_.unlock_shared();
  }
  // The lock itself, for the transaction that takes and releases it.
  std::shared_mutex& raw() { return mu_; }

 private:
  // Whether this thread runs a transaction, which holds every shard it
  // touches (from lock() on) until its end: unlocking is then a no-op.
  static bool in_txn() { return t_held_shards != nullptr; }
  // Whether this thread's transaction holds this shard; a transaction that
  // does not yet takes it now (HeldShards::take_extra), so lock() is a no-op.
  bool held_here() {
    const HeldShards* h = t_held_shards;
    if (h == nullptr) [[likely]] return false;
    if (!h->holds(this)) h->take_extra(this);
    return true;
  }
  std::shared_mutex mu_;
};

// Maps lock_shards' lock type (std::unique_lock<std::shared_mutex>, or the
// shared_lock) to the same lock on a ShardMutex.
template <typename Lock>
struct ShardLockOf;
template <typename M>
struct ShardLockOf<std::unique_lock<M>> {
  using type = std::unique_lock<ShardMutex>;
};
template <typename M>
struct ShardLockOf<std::shared_lock<M>> {
  using type = std::shared_lock<ShardMutex>;
};

}  // namespace mnemo::server
