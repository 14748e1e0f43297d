// Keyspace notifications (Redis's notify.c): a write publishes
// "__keyspace@<db>__:<key>" -> <event> and "__keyevent@<db>__:<event>" -> <key>
// when notify-keyspace-events enables the event's class and K and/or E.
//
// The hook is generic: notify(class, event, db, key) is called by whoever
// changed the key (a command handler once its write succeeded, the store's
// expiry for "expired"), with Redis's event name ("set", "del", "expire",
// "hset", "lpush", ...). It costs one atomic load when notifications are
// off, and one more when nobody subscribes.
//
// Threads: every method is thread-safe (the flags are one atomic).
// Lifetime: the registry outlives this object.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "server/pubsub/registry.h"

namespace mnemo::server::pubsub {

// Redis's NOTIFY_* bits (server.h), letters in brackets.
namespace notify {
inline constexpr int kKeyspace = 1 << 0;  // K
inline constexpr int kKeyevent = 1 << 1;  // E
inline constexpr int kGeneric = 1 << 2;   // g: del, expire, rename, ...
inline constexpr int kString = 1 << 3;    // $
inline constexpr int kList = 1 << 4;      // l
inline constexpr int kSet = 1 << 5;       // s
inline constexpr int kHash = 1 << 6;      // h
inline constexpr int kZset = 1 << 7;      // z
inline constexpr int kExpired = 1 << 8;   // x
inline constexpr int kEvicted = 1 << 9;   // e (mnemo never evicts)
inline constexpr int kStream = 1 << 10;   // t
inline constexpr int kKeyMiss = 1 << 11;  // m (not part of A)
inline constexpr int kModule = 1 << 13;   // d
inline constexpr int kNew = 1 << 14;      // n (not part of A)
inline constexpr int kAll = kGeneric | kString | kList | kSet | kHash | kZset | kExpired | kEvicted | kStream | kModule;
}  // namespace notify

// "KEA" -> flags; nullopt for a letter Redis does not know.
std::optional<int> parse_event_flags(std::string_view letters);
// flags -> letters, in Redis's canonical order ("AKE", "gxE", ...).
std::string format_event_flags(int flags);

class KeyspaceEvents {
 public:
  explicit KeyspaceEvents(Registry& registry, int flags = 0) : registry_(registry), flags_(flags) {}

  int flags() const { return flags_.load(std::memory_order_relaxed); }
  void set_flags(int flags) { flags_.store(flags, std::memory_order_relaxed); }
  bool enabled(int type) const { return (flags() & type) != 0 && !registry_.idle(); }

  // Publishes the event if its class is enabled (see the header comment).
  void notify(int type, std::string_view event, std::uint32_t db, std::string_view key);

 private:
  Registry& registry_;
  std::atomic<int> flags_;
};

}  // namespace mnemo::server::pubsub
