// The change feed's replay thread (feed_hub.h, "Resume"): answers a WATCH
// with FROM, sends the journal rows after from_version, then turns the
// watch live. It reads SQLite, so it never runs on an io thread.
#include <spdlog/spdlog.h>

#include <future>

#include "persistence/journal_reader.h"
#include "server/feed/feed_hub.h"
#include "server/feed/watch.h"

namespace mnemo::server::feed {

using protocol::feed::EventKind;

namespace {

// Replayed frames are pushed in chunks of about this size, each once the
// watcher's backlog is under half its output limit.
constexpr std::size_t kChunkBytes = 64 * 1024;
constexpr auto kPaceWait = std::chrono::milliseconds(1);

EventKind kind_of(persistence::ChangeKind k) {
  switch (k) {
    case persistence::ChangeKind::put: return EventKind::set;
    case persistence::ChangeKind::del: return EventKind::del;
    case persistence::ChangeKind::flush_db: return EventKind::flush;
    case persistence::ChangeKind::elements: return EventKind::elements;
    case persistence::ChangeKind::slice: return EventKind::elements;  // recovery's only, never journaled
  }
  return EventKind::set;
}

std::string error_frame(std::uint64_t id, protocol::Status status, std::string_view message) {
  std::string out;
  protocol::feed::encode_error(protocol::feed::kOpWatch, id, static_cast<std::uint8_t>(status), message, out);
  return out;
}

}  // namespace

void FeedHub::replay_loop() {
  for (;;) {
    ReplayJob job;
    {
      std::unique_lock lk(r_mu_);
      r_cv_.wait(lk, [&] { return !jobs_.empty() || stopping_.load(); });
      if (stopping_.load()) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    replay(job);
  }
}

void FeedHub::replay(const ReplayJob& job) {
  Watch& w = *job.watch;
  const std::uint64_t from = w.spec.from_version;
  auto answer = [&](std::string frame, bool ok) {
    w.outbox->deliver_unblocked(frame);
    if (!ok) remove(job.watch);
  };
  if (from > job.upto) {
    return answer(error_frame(w.request_id, protocol::Status::bad_request,
                              "from_version " + std::to_string(from) + " is ahead of the latest version " +
                                  std::to_string(job.upto) +
                                  " (a crash lost changes that were not yet committed): re-read with SCAN"),
                  false);
  }
  if (const protocol::Status st = wait_durable(job.upto); st != protocol::Status::ok) {
    return answer(error_frame(w.request_id, st,
                              st == protocol::Status::read_only
                                  ? "the journal cannot commit (disk failing): the replay waits for committed rows"
                                  : "the journal stopped"),
                  false);
  }
  auto reader = persistence::JournalReader::open(opts_.storage);
  protocol::Result<std::uint64_t> oldest =
      reader.ok() ? reader->oldest_after() : protocol::Result<std::uint64_t>(reader.error());
  if (!oldest.ok()) {
    return answer(error_frame(w.request_id, protocol::Status::internal, oldest.error().message), false);
  }
  if (from < *oldest) {
    std::string frame;
    protocol::feed::encode_compacted(w.request_id, *oldest, frame);
    return answer(std::move(frame), false);
  }
  std::string ok;
  protocol::feed::encode_watch_ok(w.request_id, w.id, from, ok);
  answer(std::move(ok), true);
  if (!replay_rows(w, *reader, job.upto)) return;
  go_live(w);
}

bool FeedHub::replay_rows(Watch& w, persistence::JournalReader& reader, std::uint64_t upto) {
  std::string chunk;
  bool alive = true;
  protocol::feed::Event ev;
  ev.watch_id = w.id;
  persistence::Outcome r = reader.read(w.spec.from_version, upto, [&](const persistence::Change& c) {
    if (c.db != w.spec.db || (c.kind != persistence::ChangeKind::flush_db && !c.key.starts_with(w.spec.prefix)))
      return true;
    ev.kind = kind_of(c.kind);
    ev.db = c.db;
    ev.version = c.seq;
    ev.expire_at_ms = c.expire_at_ms;
    ev.key = c.key;
    ev.value = ev.kind == EventKind::set && !w.keys_only() ? std::string_view(c.value) : std::string_view();
    protocol::feed::encode_event(ev, chunk);
    stats_.feed_replayed_changes.fetch_add(1, std::memory_order_relaxed);
    if (chunk.size() >= kChunkBytes) alive = push_paced(w, chunk);
    return alive;
  });
  if (alive && !chunk.empty()) alive = push_paced(w, chunk);
  if (!r.ok()) {
    spdlog::error("change feed: reading the journal for a watch failed: {}", r.error().message);
    w.outbox->fail();
    return false;
  }
  return alive;
}

// Waits while the watcher's backlog is over half its limit, so a replay of a
// million changes goes at the watcher's pace instead of tripping the limit.
bool FeedHub::push_paced(Watch& w, std::string& bytes) {
  const std::uint64_t room = w.outbox->limit_bytes() / 2;
  while (w.outbox->backlog_bytes() > room) {
    if (stopping_.load() || w.outbox->overflowed()) return false;
    {
      std::lock_guard push(w.push_mu);
      if (w.cancelled) return false;
    }
    std::this_thread::sleep_for(kPaceWait);
  }
  std::lock_guard push(w.push_mu);
  if (w.cancelled || !w.outbox->push(bytes)) return false;
  bytes.clear();
  return true;
}

protocol::Status FeedHub::wait_durable(std::uint64_t seq) {
  auto done = std::make_shared<std::promise<protocol::Status>>();
  std::future<protocol::Status> f = done->get_future();
  persistence_.wait_durable(seq, [done](protocol::Status s) { done->set_value(s); });
  while (f.wait_for(std::chrono::milliseconds(100)) != std::future_status::ready) {
    if (stopping_.load()) return protocol::Status::shutting_down;
  }
  return f.get();
}

// The replay has sent every change up to L: what arrived live meanwhile
// follows, and the dispatcher takes over.
void FeedHub::go_live(Watch& w) {
  std::lock_guard lk(watchers_mu_);
  std::lock_guard push(w.push_mu);
  if (w.cancelled) return;
  const std::uint64_t durable = persistence_.durable_seq();
  w.position = std::max(w.position, w.start);
  w.live = true;
  std::deque<EventPtr> buffered;
  buffered.swap(w.buffered);
  w.held_bytes = 0;
  for (const EventPtr& e : buffered) {
    if (w.committed()) {
      deliver(w, e, durable);
    } else {
      stage(w, *e);
    }
  }
  flush_staged(w);
}

}  // namespace mnemo::server::feed
