// The pub/sub registry: which connections listen to which channels and
// patterns, and delivery of a published message to each of them (Redis's
// pubsub.c, shared by every io thread).
//
// Delivery: publish() encodes the RESP2 "message" (or "pmessage") array and
// pushes it into each receiver's Outbox, which posts it to the receiver's own
// io thread; the publisher never waits for a receiver's socket, and a
// receiver past its output limit is dropped by its connection (outbox.h).
// Messages are not persisted: a receiver that is not connected misses them,
// as in Redis.
//
// Threads: every method is thread-safe. One shared_mutex guards both maps:
// publishes take it shared (so they run in parallel), (un)subscribes
// exclusively. Lock order: a store shard lock (the expiry hook publishes
// while it holds one), then the registry, then an outbox's own lock; the
// registry calls neither the store nor anything that takes the registry, so
// no cycle exists.
// Lifetime: outlives every connection (owned by the Server); holds the
// receivers' outboxes by shared_ptr until they unsubscribe.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "server/pubsub/outbox.h"

namespace mnemo::server::pubsub {

// One connection's side of its subscriptions (Redis's c->pubsub_channels and
// c->pubsub_patterns). Threads: its connection's io thread only.
struct Subscriber {
  std::shared_ptr<Outbox> outbox;  // null: this connection cannot subscribe
  std::unordered_set<std::string> channels;
  std::unordered_set<std::string> patterns;
  std::unordered_set<std::string> shard_channels;  // SSUBSCRIBE's (Redis's c->pubsubshard_channels)
  // What (P)SUBSCRIBE's confirmations count; SSUBSCRIBE's count shard channels only (Redis 7.0).
  std::size_t count() const { return channels.size() + patterns.size(); }
  // Subscribed mode while any subscription of any kind is left.
  std::size_t total() const { return count() + shard_channels.size(); }
};

class Registry {
 public:
  // Each returns true when the subscription is new (false: already there / not there).
  bool subscribe(std::string_view channel, const std::shared_ptr<Outbox>& who);
  bool unsubscribe(std::string_view channel, const Outbox* who);
  bool psubscribe(std::string_view pattern, const std::shared_ptr<Outbox>& who);
  bool punsubscribe(std::string_view pattern, const Outbox* who);

  // Sharded pub/sub (SSUBSCRIBE, SPUBLISH): channels of their own, no patterns;
  // a single node owns every slot, so each is a plain channel (Redis 7.0
  // without cluster mode). spublish's receivers get an "smessage".
  bool ssubscribe(std::string_view channel, const std::shared_ptr<Outbox>& who);
  bool sunsubscribe(std::string_view channel, const Outbox* who);
  std::uint64_t spublish(std::string_view channel, std::string_view message);
  // PUBSUB SHARDCHANNELS [pattern] (empty pattern: all), SHARDNUMSUB.
  std::vector<std::string> shard_channels(std::string_view pattern) const;
  std::uint64_t shard_numsub(std::string_view channel) const;

  // Drops every subscription of `s` (a closing connection) and clears it.
  void forget(Subscriber& s);

  // Delivers to every subscriber of `channel` and every pattern matching it;
  // returns the receivers, a connection counted once per way it listens (Redis).
  std::uint64_t publish(std::string_view channel, std::string_view message);

  // PUBSUB CHANNELS [pattern] (empty pattern: all), NUMSUB, NUMPAT.
  std::vector<std::string> channels(std::string_view pattern) const;
  std::uint64_t numsub(std::string_view channel) const;
  std::uint64_t numpat() const;
  std::uint64_t channel_count() const;

  // True when nobody listens to anything: keyspace events then cost nothing.
  bool idle() const { return subscriptions_.load(std::memory_order_relaxed) == 0; }

  // Counters for STATS / INFO / metrics.
  std::uint64_t messages_published() const { return published_.load(std::memory_order_relaxed); }
  std::uint64_t messages_dropped() const { return dropped_.load(std::memory_order_relaxed); }

 private:
  using Receivers = std::unordered_map<const Outbox*, std::shared_ptr<Outbox>>;
  static bool add(std::unordered_map<std::string, Receivers>& map, std::string_view name,
                  const std::shared_ptr<Outbox>& who);
  static bool remove(std::unordered_map<std::string, Receivers>& map, std::string_view name, const Outbox* who);
  static std::vector<std::string> names(const std::unordered_map<std::string, Receivers>& map,
                                        std::string_view pattern);
  void deliver(const Receivers& receivers, std::string_view bytes);

  mutable std::shared_mutex mu_;
  // -- guarded by mu_ --
  std::unordered_map<std::string, Receivers> channels_;
  std::unordered_map<std::string, Receivers> patterns_;
  std::unordered_map<std::string, Receivers> shards_;  // shard channels
  // -- any thread --
  std::atomic<std::uint64_t> subscriptions_{0};
  std::atomic<std::uint64_t> published_{0};
  std::atomic<std::uint64_t> dropped_{0};  // deliveries refused by a full outbox
};

// RESP2 encodings of a delivery.
void append_message(std::string& out, std::string_view channel, std::string_view message);
void append_pmessage(std::string& out, std::string_view pattern, std::string_view channel, std::string_view message);

}  // namespace mnemo::server::pubsub
