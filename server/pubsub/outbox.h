// A connection's mailbox for what other threads send it: bytes to write (a
// pub/sub message, a keyspace event) and wake-ups (a blocked command whose
// key was just written, e.g. BLPOP's list getting an element). Whoever holds
// an Outbox can reach its connection without knowing about sockets, io loops
// or whether the connection is still alive.
//
// How it works: push() appends to a buffer under a short lock and, if the
// buffer was empty, posts one call of Sink::on_outbox_ready() to the owner's
// io executor; the owner then take()s everything at once. So a publisher
// never waits for a subscriber's socket, and a burst of messages costs one
// post. post() runs any task on the owner's thread, but only while the owner
// is alive (a weak reference is checked on that thread).
//
// Limit: the bytes pushed and not yet taken may not pass `limit_bytes`; the
// push that would pass it is dropped, the outbox becomes overflowed for good
// and Sink::on_outbox_overflow() is posted (the owner closes the connection:
// a subscriber that cannot keep up loses its connection, never slows the
// writer). The owner applies the same limit to what it took but has not
// written yet.
//
// Threads: push(), post(), overflowed() and pending_bytes() from any thread;
// attach() and take() on the owner's io thread only.
// Lifetime: shared; holders (the pub/sub registry) may outlive the owner,
// which then simply no longer receives anything.
#pragma once

#include <asio/any_io_executor.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace mnemo::server::pubsub {

class Outbox {
 public:
  // Implemented by the owner (a Connection); called on its io thread.
  class Sink {
   public:
    virtual ~Sink() = default;
    virtual void on_outbox_ready() = 0;     // take() has bytes
    virtual void on_outbox_overflow() = 0;  // the limit was passed: close
    // A blocked command's reply was delivered (deliver_unblocked): take()
    // it, then run the commands that waited behind it.
    virtual void on_unblocked() {}
  };

  Outbox(asio::any_io_executor executor, std::uint64_t limit_bytes);

  // The owner's thread, before the outbox is handed to anyone who pushes.
  void attach(std::weak_ptr<Sink> sink);

  // Any thread. Returns false when the bytes were dropped (overflowed).
  bool push(std::string_view bytes) { return push_bytes(bytes, false); }
  // A pub/sub frame given as a RESP2 array ("*3\r\n..."): sent as is to a
  // RESP2 connection, as a RESP3 push ('>' for '*') to a RESP3 one. The rest
  // of a message is the same bytes in both versions, so publish() encodes once.
  bool push_frame(std::string_view resp2_array) { return push_bytes(resp2_array, true); }
  // The owner's RESP version (HELLO); any thread may read it.
  void set_resp3(bool on) { resp3_.store(on, std::memory_order_release); }
  bool resp3() const { return resp3_.load(std::memory_order_acquire); }
  // Whether the owner is in subscribed mode (a RESP2 REDIRECT target of
  // client-side caching gets invalidations only then, as in Redis).
  void set_subscribed(bool on) { subscribed_.store(on, std::memory_order_release); }
  bool subscribed() const { return subscribed_.load(std::memory_order_acquire); }
  // Any thread: the reply of the owner's blocked command (server/blocking/):
  // queued after every byte pushed before it, whatever the limit (it is a
  // reply, not a push), then Sink::on_unblocked() is posted.
  void deliver_unblocked(std::string_view reply);
  // The owner's io executor (for timers of its blocked commands).
  const asio::any_io_executor& executor() const { return executor_; }
  // Any thread: runs `task` on the owner's io thread if the owner still lives then.
  void post(std::function<void()> task);
  bool overflowed() const { return overflowed_.load(std::memory_order_acquire); }
  std::uint64_t pending_bytes() const { return pending_bytes_.load(std::memory_order_relaxed); }
  std::uint64_t limit_bytes() const { return limit_bytes_; }
  // The owner's replies and pushes taken but not yet written to its socket,
  // as the owner last saw them (any thread may read: the change feed's replay
  // paces itself by it so as not to pass the limit).
  void set_owner_unsent(std::uint64_t n) { owner_unsent_.store(n, std::memory_order_relaxed); }
  std::uint64_t backlog_bytes() const {
    return pending_bytes() + owner_unsent_.load(std::memory_order_relaxed);
  }
  // Any thread: the owner can no longer be served within the limit (e.g. a
  // watcher's buffered changes passed it): as if a push had overflowed.
  void fail() {
    if (!overflowed_.exchange(true, std::memory_order_acq_rel)) schedule_overflow();
  }

  // The owner's thread: appends every pending byte to `out`.
  void take(std::string& out);

 private:
  bool push_bytes(std::string_view bytes, bool frame);
  void schedule_ready();
  void schedule_overflow();

  const asio::any_io_executor executor_;
  const std::uint64_t limit_bytes_;
  std::weak_ptr<Sink> sink_;  // set by attach() before any push

  // -- any thread --
  std::atomic<bool> overflowed_{false};
  std::atomic<bool> resp3_{false};
  std::atomic<bool> subscribed_{false};
  std::atomic<std::uint64_t> pending_bytes_{0};  // mirrors pending_.size() for readers without the lock
  std::atomic<std::uint64_t> owner_unsent_{0};

  // -- guarded by mu_ --
  std::mutex mu_;
  std::string pending_;
  bool ready_posted_ = false;  // an on_outbox_ready() is on its way
};

}  // namespace mnemo::server::pubsub
