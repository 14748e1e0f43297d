// The hand-off between recovery's two threads: one reads and decodes rows (or
// snapshot chunks), the other applies them to the store. Bounded, so a fast
// reader cannot hold the whole journal in memory; and items the applier is done
// with come back to the reader as spares, so their buffers (a payload, a vector
// of views) are reused instead of allocated again for every row.
//
// Threads: push/finish/take_spare from the reading thread, pop/recycle/abandon
// from the applying one.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "persistence/change.h"
#include "persistence/record_codec.h"

namespace mnemo::persistence {

// A decoded journal row: the views in `changes` point into `payload` (the
// row's record body, decompressed if it was compressed).
struct DecodedRow {
  std::string payload;
  std::vector<ChangeRef> changes;
};

// A decoded snapshot chunk: the views in `entries` point into `payload` (the
// chunk's record body, decompressed), and
// `changes` holds the same entries as the puts that recreate them.
struct DecodedChunk {
  std::string payload;
  std::vector<SnapshotEntryRef> entries;
  std::vector<ChangeRef> changes;
  std::uint64_t max_version = 0;
};

template <class Item>
class RecoveryQueue {
 public:
  // A few rows are enough for the two threads to overlap; more would only
  // hold more memory (a row can be megabytes) and touch more fresh pages.
  static constexpr std::size_t kMaxItems = 4;

  // Waits for room; false when the applier gave up (the reader should stop).
  bool push(Item item) {
    std::unique_lock lk(mu_);
    has_room_.wait(lk, [&] { return items_.size() < kMaxItems || abandoned_; });
    if (abandoned_) return false;
    items_.push_back(std::move(item));
    has_items_.notify_one();
    return true;
  }
  // Returns false once the reader is done and everything was taken.
  bool pop(Item& out) {
    std::unique_lock lk(mu_);
    has_items_.wait(lk, [&] { return !items_.empty() || done_; });
    if (items_.empty()) return false;
    out = std::move(items_.front());
    items_.pop_front();
    has_room_.notify_one();
    return true;
  }
  // Hands an applied item back for reuse.
  void recycle(Item&& item) {
    std::lock_guard lk(mu_);
    if (spares_.size() < kMaxItems + 2) spares_.push_back(std::move(item));
  }
  // A spare item (its buffers keep their capacity), or a new one.
  Item take_spare() {
    std::lock_guard lk(mu_);
    if (spares_.empty()) return Item{};
    Item item = std::move(spares_.back());
    spares_.pop_back();
    return item;
  }
  void finish() {
    std::lock_guard lk(mu_);
    done_ = true;
    has_items_.notify_one();
  }
  void abandon() {  // the applier stopped early (an exception): let the reader stop
    std::lock_guard lk(mu_);
    abandoned_ = true;
    has_room_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable has_items_;
  std::condition_variable has_room_;
  std::deque<Item> items_;
  std::vector<Item> spares_;
  bool done_ = false;
  bool abandoned_ = false;
};

}  // namespace mnemo::persistence
