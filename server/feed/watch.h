// One WATCH of the change feed, as the FeedHub keeps it (feed_hub.h).
// Threads: the fields below the first group are guarded by the hub's
// watchers_mu_; push_mu orders the replay thread's pushes against unwatch.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>

#include "server/feed/feed_hub.h"
#include "server/pubsub/outbox.h"

namespace mnemo::server::feed {

struct Watch {
  // -- set at registration, then read-only --
  std::uint64_t id = 0;
  std::uint64_t conn = 0;
  std::uint64_t request_id = 0;
  WatchSpec spec;
  std::shared_ptr<pubsub::Outbox> outbox;
  std::uint64_t start = 0;  // L: live events after it; the replay covers up to it

  bool committed() const { return (spec.options & protocol::feed::kCommitted) != 0; }
  bool keys_only() const { return (spec.options & protocol::feed::kKeysOnly) != 0; }
  bool matches(const FeedEvent& e) const {
    return e.db == spec.db && e.seq > start &&
           (e.kind == protocol::feed::EventKind::flush || e.key.starts_with(spec.prefix));
  }

  // -- guarded by the hub's watchers_mu_ --
  bool live = false;                // false while the replay runs
  std::deque<EventPtr> buffered;    // live events that arrived during the replay
  std::deque<EventPtr> held;        // COMMITTED: sent once the journal's durable seq covers them
  std::uint64_t held_bytes = 0;     // buffered + held, against the output limit
  std::uint64_t position = 0;       // every matching change up to here was sent
  std::chrono::steady_clock::time_point last_sent;
  std::string staged;               // frames built by one dispatch round, pushed at its end
  bool touched = false;             // in the dispatcher's list of watches to flush

  // -- push_mu: a push by the replay thread and unwatch() never interleave --
  std::mutex push_mu;
  bool cancelled = false;
};

}  // namespace mnemo::server::feed
