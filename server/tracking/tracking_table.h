// Client-side caching (Redis's tracking.c): which connections cached which
// keys, and the invalidations sent when those keys change.
//
// Default mode: a tracking connection's reads remember(id, keys); a write's
// invalidate(keys, writer) sends each remembered connection one frame with
// the keys it had read, and forgets them (the connection reads again to be
// tracked again). BCAST mode: nothing is remembered; every write under one of
// the connection's prefixes is sent. Keys are names without their database,
// as in Redis. The table holds at most `max_keys` keys: past that, the oldest
// ones (in the map's order) are invalidated early rather than the table
// growing (--tracking-table-max-keys).
//
// Frames (invalidation.h): RESP3 connections get `>2 invalidate [keys]`; with
// REDIRECT to a RESP2 connection subscribed to __redis__:invalidate, that
// connection gets the pub/sub message instead; a flush sends a null key list.
// Native connections (GET/MGET with the TRACK flag, track_native) get one
// EVENT frame per key carrying a version at least as new as the change (the
// write's own version when the writer gave it, else the server's latest), and
// never a smaller version than the frame before (docs/PROTOCOL.md 6c).
// They go through the receiver's Outbox, so a writer never waits for a socket.
//
// Threads: every method is thread-safe; one mutex guards the table. active()
// is one atomic load, so writes cost nothing while nobody tracks. Lock order:
// a store shard lock (the expiry listener invalidates under it), then this
// table, then an Outbox's own lock or the version source's (the journal's,
// which never calls the table while holding it); the table calls nothing else.
// Lifetime: owned by the Server, outlives every connection; holds outboxes by
// shared_ptr until disconnect().
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "server/pubsub/outbox.h"

namespace mnemo::server::tracking {

inline constexpr std::size_t kDefaultMaxKeys = 1'000'000;  // Redis's tracking-table-max-keys

// CLIENT TRACKING ON's options.
struct Mode {
  bool bcast = false;
  bool optin = false;
  bool optout = false;
  bool noloop = false;
  std::uint64_t redirect = 0;          // 0: the connection itself
  std::vector<std::string> prefixes;   // BCAST only; none means every key
};

class TrackingTable {
 public:
  explicit TrackingTable(std::size_t max_keys = kDefaultMaxKeys) : max_keys_(max_keys) {}

  // Every RESP connection, so that REDIRECT can find it by id.
  void connect(std::uint64_t id, std::shared_ptr<pubsub::Outbox> outbox);
  void disconnect(std::uint64_t id);
  bool connected(std::uint64_t id) const;  // a RESP connection (a REDIRECT target)
  // Where native invalidations get their version when the writer gave none:
  // the server's latest version. Set once, before any connection tracks.
  void set_version_source(std::function<std::uint64_t()> latest) { latest_version_ = std::move(latest); }
  // A native connection's tracked read (remember() for it): the first call
  // makes it a tracking client, until disconnect(id). Its ids must differ from
  // every RESP connection's (kNativeIdBit).
  void track_native(std::uint64_t id, const std::shared_ptr<pubsub::Outbox>& outbox,
                    std::span<const std::string_view> keys);
  static constexpr std::uint64_t kNativeIdBit = 1ull << 63;

  void enable(std::uint64_t id, const Mode& mode);  // CLIENT TRACKING ON (options already checked)
  void disable(std::uint64_t id);                   // CLIENT TRACKING OFF
  // CLIENT TRACKINGINFO's broken_redirect: the target had gone when a frame was due.
  bool redirect_broken(std::uint64_t id) const;

  // Default mode: connection `id` may cache these keys.
  void remember(std::uint64_t id, std::span<const std::string_view> keys);
  // These keys changed (writer: the connection that wrote them, 0 = the server's
  // expiry; version: the change's, 0 = unknown, the latest is sent).
  void invalidate(std::span<const std::string_view> keys, std::uint64_t writer, std::uint64_t version = 0);
  // FLUSHDB / FLUSHALL: every tracking connection drops everything; the table empties.
  void invalidate_all();

  bool active() const { return tracking_clients_.load(std::memory_order_acquire) > 0; }
  std::size_t tracked_keys() const;
  // INFO's tracking_clients, tracking_total_keys / _items (key, connection pairs) / _prefixes.
  struct Totals {
    std::uint64_t clients = 0;
    std::uint64_t keys = 0;
    std::uint64_t items = 0;
    std::uint64_t prefixes = 0;
  };
  Totals totals() const;
  std::size_t max_keys() const { return max_keys_.load(std::memory_order_relaxed); }
  void set_max_keys(std::size_t n) { max_keys_.store(n, std::memory_order_relaxed); }

 private:
  struct Client {
    std::shared_ptr<pubsub::Outbox> outbox;
    bool tracking = false;
    bool broken_redirect = false;
    bool native = false;             // EVENT frames, not RESP
    std::uint64_t last_version = 0;  // native: the version of its last frame
    Mode mode;
  };
  // Keys (or null: everything) for each receiving connection, one frame each.
  struct Batch {
    std::uint64_t id = 0;
    std::vector<std::string_view> keys;
  };
  using Batches = std::vector<Batch>;

  static void add(Batches& b, std::uint64_t id, std::string_view key);
  void collect(std::string_view key, std::uint64_t writer, Batches& out);  // erases key's entry
  void send(Client& c, std::uint64_t id, const std::vector<std::string_view>* keys, std::uint64_t version = 0);
  void send_native(Client& c, const std::vector<std::string_view>* keys, std::uint64_t version);
  void enforce_limit();

  std::atomic<std::size_t> tracking_clients_{0};
  std::atomic<std::size_t> max_keys_;
  std::function<std::uint64_t()> latest_version_;

  // -- guarded by mu_ --
  mutable std::mutex mu_;
  std::unordered_map<std::uint64_t, Client> clients_;
  std::unordered_map<std::string, std::vector<std::uint64_t>> keys_;  // key -> connections
  std::vector<std::pair<std::string, std::uint64_t>> prefixes_;       // BCAST (prefix, connection)
};

}  // namespace mnemo::server::tracking
