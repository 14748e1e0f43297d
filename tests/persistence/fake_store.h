// A small map-based store for persistence tests: sharded like the real one,
// takes its seq from the ChangeLog while holding the shard lock (the contract
// in change_log.h), and implements SnapshotSource and RecoveryTarget with the
// same version rules (newest seq wins, deletions leave tombstones until
// finish_recovery).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "persistence/change_log.h"

namespace mnemo::test {

struct FakeEntry {
  std::string value;
  std::uint64_t version = 0;
  std::int64_t expire_at_ms = 0;
  friend bool operator==(const FakeEntry&, const FakeEntry&) = default;
};
using FakeState = std::map<std::string, FakeEntry>;

class FakeStore final : public persistence::SnapshotSource, public persistence::RecoveryTarget {
 public:
  using Result = protocol::Result<std::uint64_t>;

  explicit FakeStore(persistence::ChangeLog* log = nullptr, std::size_t shards = 4) : log_(log) {
    for (std::size_t i = 0; i < shards; ++i) shards_.push_back(std::make_unique<Shard>());
  }

  // Called (outside the shard lock) after every copy_chunk, e.g. to write
  // while a snapshot is walking the shards.
  std::function<void(std::size_t shard)> after_copy;

  Result set(const std::string& key, const std::string& value, std::int64_t expire_at_ms = 0) {
    Shard& s = shard(key);
    std::lock_guard lk(s.mu);
    persistence::Change c{0, persistence::ChangeKind::put, key, value, expire_at_ms};
    Result r = log_->append(std::span<const persistence::ChangeRef>(std::array<persistence::ChangeRef, 1>{c}));
    if (r.ok()) s.map[key] = FakeEntry{value, *r, expire_at_ms};
    return r;
  }

  Result del(const std::string& key) {
    Shard& s = shard(key);
    std::lock_guard lk(s.mu);
    persistence::Change c{0, persistence::ChangeKind::del, key, "", 0};
    Result r = log_->append(std::span<const persistence::ChangeRef>(std::array<persistence::ChangeRef, 1>{c}));
    if (r.ok()) s.map.erase(key);
    return r;
  }

  // Atomic over all keys: every shard locked in order, one seq.
  Result mset(const std::vector<std::pair<std::string, std::string>>& kvs) {
    std::vector<std::unique_lock<std::mutex>> locks;
    for (auto& s : shards_) locks.emplace_back(s->mu);
    std::vector<persistence::ChangeRef> changes;
    for (const auto& [k, v] : kvs) changes.emplace_back(0, persistence::ChangeKind::put, k, v, 0);
    Result r = log_->append(changes);
    if (r.ok()) {
      for (const auto& [k, v] : kvs) shard_unlocked(k).map[k] = FakeEntry{v, *r, 0};
    }
    return r;
  }

  FakeState state() const {
    FakeState out;
    for (const auto& s : shards_) {
      std::lock_guard lk(s->mu);
      out.insert(s->map.begin(), s->map.end());
    }
    return out;
  }

  // SnapshotSource
  std::size_t shard_count() const override { return shards_.size(); }
  bool copy_chunk(std::size_t index, const std::string* after, std::size_t max_entries,
                  persistence::SnapshotBuffer& out) override {
    std::size_t copied = 0;
    {
      Shard& s = *shards_[index];
      std::lock_guard lk(s.mu);
      auto it = after ? s.map.upper_bound(*after) : s.map.begin();
      for (; it != s.map.end() && copied < max_entries; ++it, ++copied) {
        out.add() = {it->first, it->second.value, it->second.version, it->second.expire_at_ms};
      }
    }
    if (after_copy) after_copy(index);
    return copied > 0;
  }

  // RecoveryTarget (single-threaded, like the real recovery)
  void apply_recovered(const persistence::ChangeRef& c) override {
    const std::string key(c.key);
    Shard& s = shard(key);
    std::lock_guard lk(s.mu);
    std::uint64_t held = 0;
    if (auto it = s.map.find(key); it != s.map.end()) held = it->second.version;
    if (auto it = tombstones_.find(key); it != tombstones_.end()) held = std::max(held, it->second);
    if (c.seq <= held) return;
    if (c.kind == persistence::ChangeKind::put) {
      s.map[key] = FakeEntry{std::string(c.value), c.seq, c.expire_at_ms};
      tombstones_.erase(key);
    } else {
      s.map.erase(key);
      tombstones_[key] = c.seq;
    }
  }

  // Records the hints recovery gives (the fake needs no sizing).
  void reserve_recovered(std::uint64_t expected_keys) override { reserve_hints.push_back(expected_keys); }
  std::vector<std::uint64_t> reserve_hints;

  std::uint64_t finish_recovery(std::int64_t now_ms) override {
    tombstones_.clear();
    std::uint64_t dropped = 0;
    for (auto& s : shards_) {
      std::lock_guard lk(s->mu);
      for (auto it = s->map.begin(); it != s->map.end();) {
        if (it->second.expire_at_ms != 0 && it->second.expire_at_ms <= now_ms) {
          it = s->map.erase(it);
          ++dropped;
        } else {
          ++it;
        }
      }
    }
    return dropped;
  }

 private:
  struct Shard {
    mutable std::mutex mu;
    std::map<std::string, FakeEntry> map;
  };
  Shard& shard_unlocked(const std::string& key) {
    return *shards_[std::hash<std::string>{}(key) % shards_.size()];
  }
  Shard& shard(const std::string& key) { return shard_unlocked(key); }

  persistence::ChangeLog* log_;
  std::vector<std::unique_ptr<Shard>> shards_;
  std::map<std::string, std::uint64_t> tombstones_;  // recovery only
};

}  // namespace mnemo::test
