// A change record: what one applied write did to one key. The journal stores
// batches of these; recovery replays them. This is the persistence module's
// own type, not a wire type, so the protocol can change without a data
// migration (its on-disk encoding is versioned in record_codec.h).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mnemo::persistence {

enum class ChangeKind : std::uint8_t {
  put = 1,       // key now holds value (with expire_at_ms, 0 = none)
  del = 2,       // key no longer exists
  flush_db = 3,  // database `db` was emptied: every key in it older than seq is gone
                 // (key and value empty). Needs record version 2 or later.
  elements = 4,  // element operations on a collection (value: the server's operation
                 // list, server/collection.h), then expire_at_ms is its expiry; a key
                 // left empty is gone. Needs record version 3.
  slice = 5,     // in memory only, never in a journal record: a snapshot's continuation
                 // slice (record version 4), element operations that add to the value
                 // the key's first slice loaded earlier in the same snapshot, whatever
                 // its version now; the key keeps that first slice's version.
};

// Keys live in numbered databases (SELECT in Redis); 0 is the default and the
// only one record version 1 can express.
inline constexpr std::uint32_t kDefaultDb = 0;

struct Change {
  std::uint64_t seq = 0;  // version of the write; the changes of one MSET share it
  ChangeKind kind = ChangeKind::put;
  std::string key;
  std::string value;              // empty for del
  std::int64_t expire_at_ms = 0;  // absolute Unix ms; 0 = no expiry
  std::uint32_t db = kDefaultDb;  // last, so that positional initialisers stay valid

  friend bool operator==(const Change&, const Change&) = default;
};

// A change as views into bytes someone else owns: what the store hands to
// ChangeLog::append (views into the request, valid for the call) and what
// recovery hands to the store (views into a decoded batch). Converts from a
// Change, which must then outlive it.
struct ChangeRef {
  std::uint64_t seq = 0;
  ChangeKind kind = ChangeKind::put;
  std::string_view key;
  std::string_view value;         // empty for del
  std::int64_t expire_at_ms = 0;  // absolute Unix ms; 0 = no expiry
  std::uint32_t db = kDefaultDb;

  ChangeRef() = default;
  ChangeRef(std::uint64_t s, ChangeKind k, std::string_view ky, std::string_view v, std::int64_t e,
            std::uint32_t d = kDefaultDb)
      : seq(s), kind(k), key(ky), value(v), expire_at_ms(e), db(d) {}
  ChangeRef(const Change& c)  // NOLINT: implicit on purpose, a Change is a ChangeRef that owns
      : seq(c.seq), kind(c.kind), key(c.key), value(c.value), expire_at_ms(c.expire_at_ms), db(c.db) {}
};

// One entry copied out of the store for a snapshot.
struct SnapshotEntry {
  std::string key;
  std::string value;
  std::uint64_t version = 0;
  std::int64_t expire_at_ms = 0;
  std::uint32_t db = kDefaultDb;
  std::uint8_t type = 0;  // 0: value is a string; else a collection, value its operation list
  // A continuation slice of a big collection (record version 4): the value's
  // operations add to what this key's earlier entries in the snapshot built.
  bool continued = false;

  friend bool operator==(const SnapshotEntry&, const SnapshotEntry&) = default;
};

// The entries copied for one snapshot chunk. clear() keeps the slots and
// their strings' memory, so the next chunk's copies reuse it instead of
// allocating twice per entry (except that a slot which held a large key or
// value gives its memory back, so one huge value is not kept for good).
// Threads: one user at a time.
class SnapshotBuffer {
 public:
  // A slot to fill: its fields hold whatever an earlier chunk left there.
  SnapshotEntry& add() {
    if (size_ == slots_.size()) slots_.emplace_back();
    return slots_[size_++];
  }
  std::span<const SnapshotEntry> entries() const { return {slots_.data(), size_}; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const SnapshotEntry& back() const { return slots_[size_ - 1]; }
  void reserve(std::size_t n) { slots_.reserve(n); }
  // Set by the store when the last entry is a slice of a collection it has
  // not finished copying: the caller ends the chunk there (so that what a
  // chunk holds stays bounded) and calls again, resuming after its key.
  void mark_cut() { cut_ = true; }
  bool cut() const { return cut_; }
  void clear() {
    cut_ = false;
    for (std::size_t i = 0; i < size_; ++i) {
      slots_[i].type = 0;
      slots_[i].continued = false;
      if (slots_[i].key.capacity() > kKeptBytes) std::string().swap(slots_[i].key);
      if (slots_[i].value.capacity() > kKeptBytes) std::string().swap(slots_[i].value);
    }
    size_ = 0;
  }

 private:
  static constexpr std::size_t kKeptBytes = 4096;
  std::vector<SnapshotEntry> slots_;
  std::size_t size_ = 0;
  bool cut_ = false;
};

}  // namespace mnemo::persistence
