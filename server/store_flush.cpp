// FLUSHDB and FLUSHALL, and the thread that frees what they remove.
//
// A flush locks every shard of its databases (ascending, as every multi-key
// operation does), journals one flush_db change per database in one append,
// and swaps each shard's table for an empty one: the locks are held for a
// pointer swap per shard, whatever the number of keys. The old tables are
// freed afterwards, without any lock, by the Reclaimer.
#include <deque>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "server/store_impl.h"
#include "server/store_reclaimer.h"

namespace mnemo::server {

Reclaimer::~Reclaimer() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Reclaimer::add(Shard::Detached table) {
  if (table.cost() < kInlineEntries) return;  // ~Detached frees it here
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(table));
    handoffs_.fetch_add(1, std::memory_order_relaxed);
    if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
  }
  cv_.notify_all();
}

void Reclaimer::wait_idle() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [this] { return queue_.empty() && !busy_; });
}

void Reclaimer::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, nothing left
    Shard::Detached table = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    table.release();
    lock.lock();
    busy_ = false;
    cv_.notify_all();
  }
}

protocol::Result<std::uint64_t> Store::Impl::flush(DbIndex first_db, DbIndex end_db) {
  const std::size_t per_db = shards_per_db();
  IndexList all;
  all.reserve((end_db - first_db) * per_db);
  for (std::size_t i = first_db * per_db; i < end_db * per_db; ++i) all.push_back(i);
  KeyList<persistence::ChangeRef> changes;
  for (DbIndex db = first_db; db < end_db; ++db) {
    changes.emplace_back(0, persistence::ChangeKind::flush_db, std::string_view(), std::string_view(), 0, db);
  }
  KeyList<Shard::Detached> taken;
  taken.reserve(all.size());
  protocol::Result<std::uint64_t> seq = std::uint64_t{0};
  {
    auto locks = lock_shards<std::unique_lock<std::shared_mutex>>(shards, all);
    seq = commit(log ? std::span<const persistence::ChangeRef>(changes) : std::span<const persistence::ChangeRef>());
    if (!seq) return seq;
    for (std::size_t i : all) taken.push_back(shards[i]->take_all());
  }
  for (Shard::Detached& t : taken) reclaimer->add(std::move(t));
  return seq;
}

// SWAPDB. The tables change places in O(1) per shard, but the journal gets
// what recovery already replays: a flush of each database, then every key of
// each as it now is (a put, or a collection written whole), all at one seq.
protocol::Result<std::uint64_t> Store::Impl::swap_databases(DbIndex a, DbIndex b) {
  const std::size_t per_db = shards_per_db();
  IndexList all;
  for (DbIndex db : {std::min(a, b), std::max(a, b)}) {
    for (std::size_t i = db * per_db; i < (db + 1) * per_db; ++i) all.push_back(i);
  }
  auto locks = lock_shards<std::unique_lock<std::shared_mutex>>(shards, all);
  std::vector<persistence::ChangeRef> changes;
  std::deque<std::string> wholes;  // collections' encodings, alive until the commit
  if (log) {
    const std::int64_t now = clock.now_ms();
    changes.emplace_back(0, persistence::ChangeKind::flush_db, std::string_view(), std::string_view(), 0, a);
    changes.emplace_back(0, persistence::ChangeKind::flush_db, std::string_view(), std::string_view(), 0, b);
    const auto record = [&](DbIndex from, DbIndex to) {
      for (std::size_t i = from * per_db; i < (from + 1) * per_db; ++i) {
        shards[i]->for_each([&](const Entry& e) {
          if (e.ephemeral || e.expired_at(now)) return;  // neither is in the journal
          if (e.is_string()) {
            changes.push_back(put_change(to, e.key(), e.value(), e.expire_at_ms));
          } else {
            wholes.push_back(e.collection()->encode());
            changes.push_back({0, persistence::ChangeKind::elements, e.key(), wholes.back(), e.expire_at_ms, to});
          }
        });
      }
    };
    record(b, a);
    record(a, b);
  }
  auto seq = commit(changes);
  if (!seq) return seq;
  for (std::size_t i = 0; i < per_db; ++i) shards[a * per_db + i]->swap_entries(*shards[b * per_db + i], *seq);
  return seq;
}

protocol::Result<std::uint64_t> Store::swapdb(DbIndex a, DbIndex b) {
  if (!impl_->db_ok(a) || !impl_->db_ok(b)) return protocol::Error{Status::bad_request, "invalid DB index"};
  if (a == b) return std::uint64_t{0};
  return impl_->swap_databases(a, b);
}

protocol::Result<std::uint64_t> Store::flushdb(DbIndex db) {
  if (!impl_->db_ok(db)) return protocol::Error{Status::bad_request, "invalid DB index"};
  return impl_->flush(db, db + 1);
}

protocol::Result<std::uint64_t> Store::flushall() { return impl_->flush(0, impl_->databases); }

void Store::wait_reclaimed() { impl_->reclaimer->wait_idle(); }

}  // namespace mnemo::server
