// The native change feed (docs/PROTOCOL.md, "Change feed"): WATCH a key
// prefix, get every change to it in version order, resumable from a version.
//
// Where changes come from: the journal hands every seq it gives out to the
// hub (persistence::ChangeTap), under the journal's lock, so the hub sees
// them in seq order: native and RESP writes, EXEC units, scripts and flushes
// alike. Expired keys are reported through allocate_noted (on_expired); they
// are live-only, never journaled. on_seq only copies into a queue, and only
// while a watch exists (one relaxed load otherwise), so writers never wait
// for a watcher.
//
// Delivery: one dispatcher thread takes the queue, matches each change
// against the watches (same db, key starts with the prefix; a flush matches
// every watch of its db; watches are indexed by prefix) and pushes the
// encoded EVENT frames into each watcher's Outbox, one push per watcher per
// round. Under load it waits a few ms between rounds, so a watcher gets many
// events per write (docs/BENCHMARKS.md, section 16). A watcher past --pubsub-output-limit is closed by its
// connection (Outbox overflow), never waited for. COMMITTED watches hold
// their events until the journal's durable seq covers them. A watch quiet for
// progress_interval gets a progress event with the version it is at.
//
// Resume (FROM): the watch is registered first, at L = the journal's last
// seq, and buffers live changes after L; the replay thread waits until L is
// durable, reads the rows after from_version up to L from SQLite, sends
// them, then sends the buffer and turns the watch live: no gap (every seq
// <= L is in the rows, every later one in the buffer) and no duplicate (the
// rows stop at L, the buffer starts after it).
//
// Threads: watch(), unwatch(), unwatch_all() on io threads; on_seq() and
// on_expired() from any thread; the dispatcher and the replay thread are the
// hub's own. start()/stop() from the main thread.
// Lifetime: outlives the journal's use of the tap (stop() before the
// persistence stops is fine: on_seq only queues) and every connection.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "persistence/change_log.h"
#include "persistence/options.h"
#include "persistence/persistence.h"
#include "protocol/feed_frame.h"
#include "protocol/result.h"
#include "server/pubsub/outbox.h"
#include "server/server_stats.h"

namespace mnemo::persistence {
class JournalReader;
}

namespace mnemo::server::feed {

struct FeedOptions {
  persistence::Options storage;  // where the replay reads the journal (SQLite or PostgreSQL)
  std::chrono::milliseconds progress_interval{1000};
};

struct WatchSpec {
  std::uint32_t db = 0;
  std::string prefix;
  std::uint8_t options = 0;  // protocol::feed::kFrom | kCommitted | kKeysOnly
  std::uint64_t from_version = 0;
};

// One change as the hub keeps it until every watch has it.
struct FeedEvent {
  std::uint64_t seq = 0;
  protocol::feed::EventKind kind = protocol::feed::EventKind::set;
  std::uint32_t db = 0;
  std::int64_t expire_at_ms = 0;
  std::string key;
  std::string value;
};
using EventPtr = std::shared_ptr<const FeedEvent>;

struct Watch;

class FeedHub final : public persistence::ChangeTap {
 public:
  FeedHub(persistence::Persistence& persistence, ServerStats& stats, FeedOptions opts);
  ~FeedHub() override;
  FeedHub(const FeedHub&) = delete;
  FeedHub& operator=(const FeedHub&) = delete;

  void start();
  void stop();  // joins the threads; later watches are refused

  struct Started {
    std::uint64_t watch_id = 0;
    std::uint64_t start_version = 0;
    bool replaying = false;  // the answer comes later, through the outbox (deliver_unblocked)
  };
  // Registers a watch for connection `conn`. Without FROM it is live at once
  // and the caller answers; with FROM the replay thread answers (OK,
  // COMPACTED or an error) through `outbox`, before the replayed events.
  protocol::Result<Started> watch(WatchSpec spec, std::uint64_t request_id, std::uint64_t conn,
                                  std::shared_ptr<pubsub::Outbox> outbox);
  // No event of the watch is pushed after it returns. False: no such watch.
  bool unwatch(std::uint64_t conn, std::uint64_t watch_id);
  void unwatch_all(std::uint64_t conn);

  // The store removed an expired key (under its shard lock).
  void on_expired(std::uint32_t db, std::string_view key);
  void on_seq(std::uint64_t seq, std::span<const persistence::ChangeRef> changes, bool journaled) override;

  std::uint64_t watches() const;

 private:
  struct ReplayJob {
    std::shared_ptr<Watch> watch;
    std::uint64_t upto = 0;
  };
  void dispatch_loop();
  void dispatch(std::vector<FeedEvent>& batch, std::uint64_t upto, bool durable_moved);
  void visit_every_watch(std::uint64_t durable, std::chrono::steady_clock::time_point now);
  void deliver(Watch& w, const EventPtr& e, std::uint64_t durable);
  void release_committed(Watch& w, std::uint64_t durable);
  void send_progress(Watch& w, std::uint64_t upto, std::uint64_t durable,
                     std::chrono::steady_clock::time_point now);
  void flush_staged(Watch& w);
  void request_durable_wake(std::uint64_t seq);
  void replay_loop();
  void replay(const ReplayJob& job);
  bool replay_rows(Watch& w, persistence::JournalReader& reader, std::uint64_t upto);
  protocol::Status wait_durable(std::uint64_t seq);
  bool push_paced(Watch& w, std::string& bytes);
  void go_live(Watch& w);
  void remove(const std::shared_ptr<Watch>& w);
  void stage(Watch& w, const FeedEvent& e);
  void find_candidates(const FeedEvent& e, std::vector<Watch*>& out) const;
  void rebuild_index();
  void wake();

  persistence::Persistence& persistence_;
  ServerStats& stats_;
  const FeedOptions opts_;
  std::atomic<bool> active_{false};  // a watch exists: on_seq queues
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> next_watch_id_{1};

  // -- the queue, guarded by q_mu_ (taken under the journal's lock) --
  std::mutex q_mu_;
  std::condition_variable q_cv_;
  std::vector<FeedEvent> queue_;
  std::uint64_t queued_upto_ = 0;  // the last seq on_seq saw
  bool durable_wake_ = false;      // a durable wait completed
  bool idle_ = false;              // the dispatcher waits for work (producers wake it)

  // -- the watches, guarded by watchers_mu_ (dispatcher, io threads, replay) --
  mutable std::mutex watchers_mu_;
  std::vector<std::shared_ptr<Watch>> watches_;
  // The watches by prefix length (ascending), then by prefix (views into their specs).
  std::vector<std::pair<std::size_t, std::unordered_map<std::string_view, std::vector<Watch*>>>> index_;
  std::uint64_t processed_upto_ = 0;       // every seq up to here was dispatched
  bool durable_wait_pending_ = false;      // a wait_durable is on its way
  std::uint64_t committed_watches_ = 0;
  // -- the dispatcher only (under watchers_mu_) --
  std::vector<Watch*> touched_;            // watches a round staged events for
  std::vector<Watch*> candidates_;         // scratch: the watches one change may match
  std::chrono::steady_clock::time_point last_visit_;

  // -- replay jobs, guarded by r_mu_ --
  std::mutex r_mu_;
  std::condition_variable r_cv_;
  std::deque<ReplayJob> jobs_;

  std::thread dispatcher_;
  std::thread replayer_;
};

}  // namespace mnemo::server::feed
