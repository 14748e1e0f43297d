// Clients blocked on keys (Redis's blocked.c): BLPOP, BRPOP, BLMOVE,
// BLMPOP, BZPOPMIN, BZPOPMAX, BZMPOP, XREAD and XREADGROUP with BLOCK, from
// a RESP connection or a native COMMAND frame (BlockSpec::frame). A blocked
// client holds no thread: it is a Waiter in this registry, and its
// connection simply stops running its later commands until the Waiter is
// finished (served, timed out, unblocked by CLIENT UNBLOCK) or cancelled
// (the connection closed).
//
// How a blocking command uses it (server/commands/blocking.cpp):
//   1. It tries its non-blocking form first; if that answers, no blocking.
//   2. Otherwise it calls block() with its keys, its timeout, its outbox
//      (the connection's pubsub::Outbox) and an `attempt` function: "try to
//      serve me from this key now" (a pop under the store's locks, which
//      journals like any pop and builds the reply bytes).
//   3. A write that may make a key ready (a push, a ZADD, a RENAME onto it;
//      in practice every keyspace notification: CommandContext::notify)
//      calls signal(db, key). The registry then runs the waiters of that
//      key in FIFO order (the order they blocked), each one's `attempt`,
//      until one finds the key empty. A served waiter leaves every key it
//      waited on; its reply goes to its connection's io thread through
//      Outbox::deliver_unblocked(), which then resumes the connection.
//   Serving runs on the thread of whoever signalled, after its write let go
//   of the store's locks. A signal from inside a store transaction (EXEC, a
//   script: Store::in_transaction()) is kept until flush_deferred() after
//   it (Redis also serves blocked clients only after an EXEC or a script).
//   An `attempt` may signal too (BLMOVE pushing onto another list): those
//   keys join the pass in progress.
//
// Lost wake-ups: block() registers the waiter, then serves its keys once
// itself, so a push that landed between the command's own attempt and the
// registration is not missed (signal() reads the waiter count after the
// writer released its shard locks; block() raises it before re-checking
// under those locks).
//
// Keys are per database: a waiter in db 1 is never woken by db 0.
//
// For a reader that consumes nothing (XREAD BLOCK): its attempt answers
// `skip`, never `empty`, when it has nothing to send, since a waiter behind
// it (an older last-seen ID) may still be served; `empty` means "nobody
// after me can get anything from this key now". An attempt may also answer
// `served` with an error reply (XREADGROUP on a key deleted meanwhile).
// The write that makes a stream ready signals through its keyspace
// notification (XADD's "xadd"), like every other write.
// Attempt results: served (reply sent, waiter done), empty (the key has
// nothing for anyone: stop serving this key), skip (not for this waiter,
// e.g. a BLPOP waiter on a key that became a string: it keeps waiting, as in
// Redis; the next waiter is tried).
//
// Threads: every method is thread-safe. One mutex guards the registry; an
// `attempt` runs under it and may take store locks (never the other way
// round: nobody holding a store lock calls in here). signal() costs one
// atomic load while nobody is blocked.
// Lifetime: the registry outlives every connection (the Server owns it);
// the timers run on the connections' io threads, whose loops stop before
// the registry goes away.
#pragma once

#include <asio/steady_timer.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "server/pubsub/outbox.h"

namespace mnemo::server::blocking {

using DbIndex = std::uint32_t;

struct ReadyKey {
  DbIndex db = 0;
  std::string key;
};

enum class Served : std::uint8_t { served, empty, skip };
struct Attempt {
  Served result = Served::empty;
  std::string reply;  // with `served`: the bytes the client gets
};
// Tries to serve the waiter from `key` (one of its keys, in its database).
using AttemptFn = std::function<Attempt(std::string_view key)>;

struct BlockSpec {
  DbIndex db = 0;
  std::vector<std::string> keys;
  std::int64_t timeout_ms = 0;  // relative; 0 = wait for ever
  std::uint64_t client_id = 0;  // for CLIENT UNBLOCK
  std::shared_ptr<pubsub::Outbox> outbox;
  AttemptFn attempt;
  std::string timeout_reply;  // on timeout and CLIENT UNBLOCK id TIMEOUT
  std::string error_reply;    // on CLIENT UNBLOCK id ERROR
  // When set (a native COMMAND frame), every reply above is passed through it
  // before delivery, on whichever thread delivers it.
  std::function<std::string(std::string_view reply)> frame;
};

class Registry;

// One blocked client. Opaque to its holder (the connection's session), which
// only hands it back to cancel() or stop_timer().
class Waiter {
 public:
  Waiter(BlockSpec spec, asio::any_io_executor executor) : spec_(std::move(spec)), timer_(std::move(executor)) {}
  const BlockSpec& spec() const { return spec_; }
  // The owner's io thread: the waiter is done, its timer is no longer needed.
  void stop_timer() { timer_.cancel(); }

 private:
  friend class Registry;
  BlockSpec spec_;
  asio::steady_timer timer_;  // the owner's io thread only
  bool waiting_ = true;       // guarded by the registry's mutex
};

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // The owner's io thread. Registers the client at the back of each key's
  // queue, arms its timeout, then serves its keys once (see above): the
  // reply may therefore already be on its way when this returns.
  std::shared_ptr<Waiter> block(BlockSpec spec);
  // Any thread, after the write released its store locks: key may be ready.
  void signal(DbIndex db, std::string_view key);
  // SWAPDB: every key someone waits for in `db` may now hold a value.
  void signal_db(DbIndex db);
  // Serves what signal() kept during a store transaction on this thread.
  void flush_deferred();
  // CLIENT UNBLOCK: finishes the client's wait with its timeout or error
  // reply; false when that client is not blocked.
  bool unblock(std::uint64_t client_id, bool with_error);
  // The owner's io thread, when the connection closes: forgets the waiter
  // without replying.
  void cancel(const std::shared_ptr<Waiter>& w);
  // INFO blocked_clients.
  std::uint64_t blocked_clients() const { return blocked_.load(std::memory_order_relaxed); }

 private:
  static std::string slot(DbIndex db, std::string_view key);
  void serve(std::vector<ReadyKey> ready);
  void serve_key(const ReadyKey& k);
  void on_timeout(const std::shared_ptr<Waiter>& w);
  // Under mu_: takes w out of every queue; false when it was not waiting.
  bool remove_locked(Waiter& w);
  static void deliver(Waiter& w, std::string reply);

  mutable std::mutex mu_;
  // db + key -> the waiters of that key, oldest first.
  std::unordered_map<std::string, std::list<std::shared_ptr<Waiter>>> queues_;
  std::unordered_map<std::uint64_t, std::shared_ptr<Waiter>> by_client_;
  std::atomic<std::uint64_t> blocked_{0};
};

}  // namespace mnemo::server::blocking
