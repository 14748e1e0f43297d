// A change record: what one applied write did to one key. The journal stores
// batches of these; recovery replays them. This is the persistence module's
// own type, not a wire type, so the protocol can change without a data
// migration (its on-disk encoding is versioned in record_codec.h).
#pragma once

#include <cstdint>
#include <string>

namespace mnemo::persistence {

enum class ChangeKind : std::uint8_t {
  put = 1,  // key now holds value (with expire_at_ms, 0 = none)
  del = 2,  // key no longer exists
};

struct Change {
  std::uint64_t seq = 0;  // version of the write; the changes of one MSET share it
  ChangeKind kind = ChangeKind::put;
  std::string key;
  std::string value;              // empty for del
  std::int64_t expire_at_ms = 0;  // absolute Unix ms; 0 = no expiry

  friend bool operator==(const Change&, const Change&) = default;
};

// One entry copied out of the store for a snapshot.
struct SnapshotEntry {
  std::string key;
  std::string value;
  std::uint64_t version = 0;
  std::int64_t expire_at_ms = 0;

  friend bool operator==(const SnapshotEntry&, const SnapshotEntry&) = default;
};

}  // namespace mnemo::persistence
