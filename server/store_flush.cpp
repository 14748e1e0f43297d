// FLUSHDB and FLUSHALL, and the thread that frees what they remove.
//
// A flush locks every shard of its databases (ascending, as every multi-key
// operation does), journals one flush_db change per database in one append,
// and swaps each shard's table for an empty one: the locks are held for a
// pointer swap per shard, whatever the number of keys. The old tables are
// freed afterwards, without any lock, by the Reclaimer.
#include <mutex>
#include <shared_mutex>

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

protocol::Result<std::uint64_t> Store::flushdb(DbIndex db) {
  if (!impl_->db_ok(db)) return protocol::Error{Status::bad_request, "invalid DB index"};
  return impl_->flush(db, db + 1);
}

protocol::Result<std::uint64_t> Store::flushall() { return impl_->flush(0, impl_->databases); }

void Store::wait_reclaimed() { impl_->reclaimer->wait_idle(); }

}  // namespace mnemo::server
