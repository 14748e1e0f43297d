// The change feed's registry and dispatcher (feed_hub.h). The replay thread
// lives in feed_replay.cpp.
#include "server/feed/feed_hub.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "server/feed/watch.h"

namespace mnemo::server::feed {

using protocol::feed::EventKind;
using Steady = std::chrono::steady_clock;

namespace {

// The dispatcher wakes at least this often to send progress events.
constexpr auto kTick = std::chrono::milliseconds(50);
// A round of at least kBusyRound changes means changes come faster than one
// at a time: the dispatcher then waits kGather before the next round.
constexpr std::size_t kBusyRound = 4;
constexpr auto kGather = std::chrono::microseconds(10000);

EventKind kind_of(const persistence::ChangeRef& c, bool journaled) {
  switch (c.kind) {
    case persistence::ChangeKind::put: return EventKind::set;
    case persistence::ChangeKind::del: return journaled ? EventKind::del : EventKind::expired;
    case persistence::ChangeKind::flush_db: return EventKind::flush;
    case persistence::ChangeKind::elements: return EventKind::elements;
    case persistence::ChangeKind::slice: return EventKind::elements;  // recovery's only, never fed
  }
  return EventKind::set;
}

std::uint64_t event_bytes(const FeedEvent& e) { return 64 + e.key.size() + e.value.size(); }

}  // namespace

FeedHub::FeedHub(persistence::Persistence& persistence, ServerStats& stats, FeedOptions opts)
    : persistence_(persistence), stats_(stats), opts_(std::move(opts)) {}

FeedHub::~FeedHub() { stop(); }

void FeedHub::start() {
  dispatcher_ = std::thread([this] { dispatch_loop(); });
  replayer_ = std::thread([this] { replay_loop(); });
}

void FeedHub::stop() {
  if (stopping_.exchange(true)) return;
  wake();
  {
    std::lock_guard lk(r_mu_);
  }
  r_cv_.notify_all();
  if (dispatcher_.joinable()) dispatcher_.join();
  if (replayer_.joinable()) replayer_.join();
}

void FeedHub::wake() {
  {
    std::lock_guard lk(q_mu_);
  }
  q_cv_.notify_one();
}

// ---- producers ---------------------------------------------------------------

void FeedHub::on_seq(std::uint64_t seq, std::span<const persistence::ChangeRef> changes, bool journaled) {
  if (!active_.load(std::memory_order_relaxed)) return;
  bool wake = false;
  {
    std::lock_guard lk(q_mu_);
    wake = idle_ && queue_.empty();
    for (const persistence::ChangeRef& c : changes) {
      FeedEvent& e = queue_.emplace_back();
      e.seq = seq;
      e.kind = kind_of(c, journaled);
      e.db = c.db;
      e.expire_at_ms = c.expire_at_ms;
      e.key.assign(c.key);
      if (e.kind == EventKind::set) e.value.assign(c.value);  // a collection's operation list stays private
    }
    queued_upto_ = seq;
  }
  // Only an idle dispatcher is woken: while it works or gathers, changes just queue.
  if (wake && !changes.empty()) q_cv_.notify_one();
}

void FeedHub::on_expired(std::uint32_t db, std::string_view key) {
  if (!active_.load(std::memory_order_relaxed)) return;
  const persistence::ChangeRef notice(0, persistence::ChangeKind::del, key, {}, 0, db);
  persistence_.change_log().allocate_noted({&notice, 1});
}

// ---- watches -------------------------------------------------------------------

protocol::Result<FeedHub::Started> FeedHub::watch(WatchSpec spec, std::uint64_t request_id, std::uint64_t conn,
                                                  std::shared_ptr<pubsub::Outbox> outbox) {
  if (stopping_.load()) return protocol::Error{protocol::Status::shutting_down, "the server is stopping"};
  auto w = std::make_shared<Watch>();
  w->id = next_watch_id_.fetch_add(1);
  w->conn = conn;
  w->request_id = request_id;
  w->spec = std::move(spec);
  w->outbox = std::move(outbox);
  const bool from = (w->spec.options & protocol::feed::kFrom) != 0;
  {
    std::lock_guard lk(watchers_mu_);
    // Before reading L: every seq after L is then queued (on_seq reads the
    // flag under the journal's lock, which last_seq() takes after this store).
    active_.store(true, std::memory_order_relaxed);
    w->start = persistence_.last_seq();
    w->live = !from;
    w->position = from ? w->spec.from_version : w->start;
    w->last_sent = Steady::now();
    watches_.push_back(w);
    rebuild_index();
    if (w->committed()) ++committed_watches_;
  }
  stats_.feed_watches_total.fetch_add(1, std::memory_order_relaxed);
  Started s{w->id, w->position, from};
  if (from) {
    {
      std::lock_guard lk(r_mu_);
      jobs_.push_back({w, w->start});
    }
    r_cv_.notify_one();
  }
  return s;
}

bool FeedHub::unwatch(std::uint64_t conn, std::uint64_t watch_id) {
  std::shared_ptr<Watch> found;
  {
    std::lock_guard lk(watchers_mu_);
    auto it = std::find_if(watches_.begin(), watches_.end(),
                           [&](const auto& w) { return w->conn == conn && w->id == watch_id; });
    if (it == watches_.end()) return false;
    found = *it;
  }
  remove(found);
  return true;
}

void FeedHub::unwatch_all(std::uint64_t conn) {
  std::vector<std::shared_ptr<Watch>> mine;
  {
    std::lock_guard lk(watchers_mu_);
    for (const auto& w : watches_)
      if (w->conn == conn) mine.push_back(w);
  }
  for (const auto& w : mine) remove(w);
}

void FeedHub::remove(const std::shared_ptr<Watch>& w) {
  {
    std::lock_guard push(w->push_mu);
    w->cancelled = true;
  }
  std::lock_guard lk(watchers_mu_);
  if (std::erase(watches_, w) != 0 && w->committed()) --committed_watches_;
  rebuild_index();
  if (watches_.empty()) active_.store(false, std::memory_order_relaxed);
}

std::uint64_t FeedHub::watches() const {
  std::lock_guard lk(watchers_mu_);
  return watches_.size();
}

// ---- the dispatcher --------------------------------------------------------------

void FeedHub::dispatch_loop() {
  std::vector<FeedEvent> batch;
  while (!stopping_.load()) {
    std::uint64_t upto = 0;
    bool durable_moved = false;
    {
      std::unique_lock lk(q_mu_);
      if (queue_.empty() && !durable_wake_) {
        idle_ = true;  // only now do producers wake this thread
        q_cv_.wait_for(lk, kTick, [&] { return !queue_.empty() || durable_wake_ || stopping_.load(); });
        idle_ = false;
      }
      batch.swap(queue_);
      upto = queued_upto_;
      durable_moved = durable_wake_;
      durable_wake_ = false;
    }
    dispatch(batch, upto, durable_moved);
    // Under load, let the next changes gather: one round (and one write per
    // watcher) then serves many of them, and writers pay no wake-ups.
    const bool busy = batch.size() >= kBusyRound;
    batch.clear();
    if (busy) std::this_thread::sleep_for(kGather);
  }
}

// Under load a round holds a few events: it touches only the watches they
// match. Every watch is visited only on a tick (progress) or when the
// durable seq moved (COMMITTED releases).
void FeedHub::dispatch(std::vector<FeedEvent>& batch, std::uint64_t upto, bool durable_moved) {
  const auto now = Steady::now();
  std::lock_guard lk(watchers_mu_);
  if (durable_moved) durable_wait_pending_ = false;
  const bool visit_all = durable_moved || now - last_visit_ >= kTick;
  const std::uint64_t durable = visit_all || committed_watches_ > 0 ? persistence_.durable_seq() : 0;
  std::vector<Watch*>& candidates = candidates_;
  for (FeedEvent& raw : batch) {
    EventPtr shared;  // made on the first watch that has to keep it (raw is then moved into it)
    find_candidates(raw, candidates);
    for (Watch* w : candidates) {
      const FeedEvent& e = shared ? *shared : raw;
      if (!w->matches(e)) continue;
      if (!w->touched) touched_.push_back(w);
      w->touched = true;
      if (w->live && !w->committed()) {
        stage(*w, e);
        continue;
      }
      if (!shared) shared = std::make_shared<const FeedEvent>(std::move(raw));
      deliver(*w, shared, durable);
    }
  }
  processed_upto_ = std::max(processed_upto_, upto);
  if (visit_all) visit_every_watch(durable, now);
  for (Watch* w : touched_) {
    w->touched = false;
    flush_staged(*w);
  }
  touched_.clear();
}

void FeedHub::visit_every_watch(std::uint64_t durable, Steady::time_point now) {
  last_visit_ = now;
  std::uint64_t wait_for = 0;
  for (const auto& w : watches_) {
    if (!w->live) continue;
    release_committed(*w, durable);
    send_progress(*w, processed_upto_, durable, now);
    if (!w->held.empty()) wait_for = std::max(wait_for, w->held.back()->seq);
    flush_staged(*w);
  }
  if (wait_for > durable && !durable_wait_pending_) request_durable_wake(wait_for);
}

// The watches whose prefix a change's key starts with: one hash lookup per
// distinct prefix length instead of a comparison per watch. A flush concerns
// every watch.
void FeedHub::find_candidates(const FeedEvent& e, std::vector<Watch*>& out) const {
  out.clear();
  if (e.kind == EventKind::flush) {
    for (const auto& w : watches_) out.push_back(w.get());
    return;
  }
  for (const auto& [length, by_prefix] : index_) {
    if (e.key.size() < length) break;  // lengths ascend
    auto it = by_prefix.find(std::string_view(e.key).substr(0, length));
    if (it != by_prefix.end()) out.insert(out.end(), it->second.begin(), it->second.end());
  }
}

void FeedHub::rebuild_index() {
  index_.clear();
  for (const auto& w : watches_) {
    const std::size_t length = w->spec.prefix.size();
    auto at = std::lower_bound(index_.begin(), index_.end(), length,
                               [](const auto& entry, std::size_t l) { return entry.first < l; });
    if (at == index_.end() || at->first != length) at = index_.insert(at, {length, {}});
    at->second[w->spec.prefix].push_back(w.get());
  }
}

// A change that cannot be sent at once: buffered during the replay, held
// until committed. Either way it counts against the output limit.
void FeedHub::deliver(Watch& w, const EventPtr& e, std::uint64_t durable) {
  if (w.live && e->seq <= durable) {
    release_committed(w, durable);
    stage(w, *e);
    return;
  }
  (w.live ? w.held : w.buffered).push_back(e);
  w.held_bytes += event_bytes(*e);
  if (w.live && !durable_wait_pending_) request_durable_wake(e->seq);
  if (w.held_bytes > w.outbox->limit_bytes()) {
    w.outbox->fail();  // its connection closes, counted as a slow watcher
  }
}

void FeedHub::release_committed(Watch& w, std::uint64_t durable) {
  while (!w.held.empty() && w.held.front()->seq <= durable) {
    w.held_bytes -= std::min(w.held_bytes, event_bytes(*w.held.front()));
    stage(w, *w.held.front());
    w.held.pop_front();
  }
}

void FeedHub::stage(Watch& w, const FeedEvent& e) {
  protocol::feed::Event ev;
  ev.watch_id = w.id;
  ev.kind = e.kind;
  ev.db = e.db;
  ev.version = e.seq;
  ev.expire_at_ms = e.expire_at_ms;
  ev.key = e.key;
  if (!w.keys_only()) ev.value = e.value;
  protocol::feed::encode_event(ev, w.staged);
  w.position = std::max(w.position, e.seq);
}

// Quiet for a while: tell the watcher where it is, so it can save it. A
// COMMITTED watch is only as far as the durable seq (what it holds is later).
void FeedHub::send_progress(Watch& w, std::uint64_t upto, std::uint64_t durable, Steady::time_point now) {
  std::uint64_t at = w.committed() ? std::min(upto, durable) : upto;
  if (!w.held.empty()) at = std::min(at, w.held.front()->seq - 1);
  at = std::max(at, w.start);
  if (!w.staged.empty()) {
    w.position = std::max(w.position, at);
    return;
  }
  if (now - w.last_sent < opts_.progress_interval) return;
  w.position = std::max(w.position, at);
  protocol::feed::Event ev;
  ev.watch_id = w.id;
  ev.kind = EventKind::progress;
  ev.db = w.spec.db;
  ev.version = w.position;
  protocol::feed::encode_event(ev, w.staged);
}

void FeedHub::flush_staged(Watch& w) {
  if (w.staged.empty()) return;
  w.last_sent = Steady::now();
  stats_.feed_frames_sent.fetch_add(1, std::memory_order_relaxed);
  w.outbox->push(w.staged);  // false: over the limit; the connection closes itself
  w.staged.clear();
}

// One wait at a time: when it ends, the dispatcher visits every watch,
// releases what is committed and asks again for what is still held.
void FeedHub::request_durable_wake(std::uint64_t seq) {
  durable_wait_pending_ = true;
  persistence_.wait_durable(seq, [this](protocol::Status) {
    {
      std::lock_guard lk(q_mu_);
      durable_wake_ = true;
    }
    q_cv_.notify_one();
  });
}

}  // namespace mnemo::server::feed
