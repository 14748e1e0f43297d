#include "server/blocking/waiters.h"

#include <algorithm>
#include <chrono>

#include "server/store.h"

namespace mnemo::server::blocking {

namespace {

// The keys a pass in progress on this thread still has to serve: a signal
// from inside an attempt (BLMOVE's push) joins it instead of locking again.
thread_local std::vector<ReadyKey>* tl_serving = nullptr;
// Signals kept while this thread is inside a store transaction.
struct Deferred {
  Registry* registry;
  ReadyKey key;
};
thread_local std::vector<Deferred> tl_deferred;

}  // namespace

std::string Registry::slot(DbIndex db, std::string_view key) {
  std::string s(reinterpret_cast<const char*>(&db), sizeof db);
  s.append(key);
  return s;
}

std::shared_ptr<Waiter> Registry::block(BlockSpec spec) {
  asio::any_io_executor executor = spec.outbox->executor();
  auto w = std::make_shared<Waiter>(std::move(spec), std::move(executor));
  const BlockSpec& s = w->spec_;
  std::vector<ReadyKey> keys;
  {
    std::lock_guard lock(mu_);
    for (const std::string& k : s.keys) {
      auto& q = queues_[slot(s.db, k)];
      if (std::find(q.begin(), q.end(), w) != q.end()) continue;  // a key named twice waits once
      q.push_back(w);
      keys.push_back({s.db, k});
    }
    by_client_[s.client_id] = w;
    blocked_.fetch_add(1, std::memory_order_seq_cst);
  }
  if (s.timeout_ms > 0) {
    w->timer_.expires_after(std::chrono::milliseconds(s.timeout_ms));
    w->timer_.async_wait([this, weak = std::weak_ptr<Waiter>(w)](const std::error_code& ec) {
      if (ec) return;
      if (auto sw = weak.lock()) on_timeout(sw);
    });
  }
  serve(std::move(keys));
  return w;
}

void Registry::signal(DbIndex db, std::string_view key) {
  if (blocked_.load(std::memory_order_seq_cst) == 0) return;
  if (tl_serving != nullptr) {
    tl_serving->push_back({db, std::string(key)});
    return;
  }
  if (Store::in_transaction()) {
    tl_deferred.push_back({this, {db, std::string(key)}});
    return;
  }
  serve({{db, std::string(key)}});
}

void Registry::signal_db(DbIndex db) {
  if (blocked_.load(std::memory_order_seq_cst) == 0) return;
  const std::string prefix = slot(db, {});
  std::vector<std::string> keys;
  {
    std::lock_guard lock(mu_);
    for (const auto& [s, waiters] : queues_) {
      if (!waiters.empty() && s.starts_with(prefix)) keys.push_back(s.substr(prefix.size()));
    }
  }
  for (const std::string& k : keys) signal(db, k);
}

void Registry::flush_deferred() {
  if (tl_deferred.empty() || Store::in_transaction()) return;
  std::vector<ReadyKey> mine;
  std::vector<Deferred> rest;
  for (Deferred& d : tl_deferred) {
    if (d.registry == this) mine.push_back(std::move(d.key));
    else rest.push_back(std::move(d));
  }
  tl_deferred = std::move(rest);
  if (!mine.empty()) serve(std::move(mine));
}

void Registry::serve(std::vector<ReadyKey> ready) {
  if (ready.empty()) return;
  std::lock_guard lock(mu_);
  struct Reset {
    ~Reset() { tl_serving = nullptr; }
  } reset;
  tl_serving = &ready;
  // `ready` may grow while it is served (BLMOVE pushing on): index, not iterate.
  for (std::size_t i = 0; i < ready.size(); ++i) {
    const ReadyKey k = ready[i];
    serve_key(k);
  }
}

// The key's waiters, oldest first, until one finds it empty.
void Registry::serve_key(const ReadyKey& k) {
  const std::string s = slot(k.db, k.key);
  std::size_t skipped = 0;
  for (;;) {
    auto it = queues_.find(s);
    if (it == queues_.end() || skipped >= it->second.size()) return;
    std::shared_ptr<Waiter> w = *std::next(it->second.begin(), static_cast<std::ptrdiff_t>(skipped));
    Attempt a = w->spec_.attempt(k.key);
    if (a.result == Served::empty) return;
    if (a.result == Served::skip) {
      ++skipped;
      continue;
    }
    remove_locked(*w);
    deliver(*w, std::move(a.reply));
  }
}

bool Registry::remove_locked(Waiter& w) {
  if (!w.waiting_) return false;
  w.waiting_ = false;
  for (const std::string& k : w.spec_.keys) {
    auto it = queues_.find(slot(w.spec_.db, k));
    if (it == queues_.end()) continue;
    it->second.remove_if([&](const std::shared_ptr<Waiter>& x) { return x.get() == &w; });
    if (it->second.empty()) queues_.erase(it);
  }
  auto c = by_client_.find(w.spec_.client_id);
  if (c != by_client_.end() && c->second.get() == &w) by_client_.erase(c);
  blocked_.fetch_sub(1, std::memory_order_relaxed);
  return true;
}

void Registry::deliver(Waiter& w, std::string reply) {
  if (w.spec_.frame) reply = w.spec_.frame(reply);
  w.spec_.outbox->deliver_unblocked(reply);
}

void Registry::on_timeout(const std::shared_ptr<Waiter>& w) {
  std::lock_guard lock(mu_);
  if (remove_locked(*w)) deliver(*w, w->spec_.timeout_reply);
}

bool Registry::unblock(std::uint64_t client_id, bool with_error) {
  std::lock_guard lock(mu_);
  auto it = by_client_.find(client_id);
  if (it == by_client_.end()) return false;
  std::shared_ptr<Waiter> w = it->second;
  if (!remove_locked(*w)) return false;
  deliver(*w, with_error ? w->spec_.error_reply : w->spec_.timeout_reply);
  return true;
}

void Registry::cancel(const std::shared_ptr<Waiter>& w) {
  if (w == nullptr) return;
  {
    std::lock_guard lock(mu_);
    remove_locked(*w);
  }
  w->stop_timer();
}

}  // namespace mnemo::server::blocking
