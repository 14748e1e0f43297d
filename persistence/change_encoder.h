// Builds one journal batch payload unit by unit, as the changes are appended,
// so that the journal queue holds encoded bytes (one growing buffer per future
// row) rather than a heap object per change. It is the one writer of the
// journal batch record (record version 2, layout in record_codec.h;
// encode_changes() is built on it); finish() writes the record header
// (version, codec none, change count) into the space reserved for it at the
// start.
//
// A unit is encoded in two steps so that the part that needs the journal's
// lock is short: encode_unit() (any thread, no lock: every field but the seq)
// and add_encoded() (under the lock: appends, for each change, the seq the
// lock handed out as a delta from the previous change's, then its fields).
//
// Threads: an encoder is not thread-safe (the journal writer uses each under
// its mutex); encode_unit is safe from any thread.
// Lifetime: a plain value; finish() leaves it empty until the next begin().
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "persistence/change.h"

namespace mnemo::persistence {

class ChangeBatchEncoder {
 public:
  // What one change takes in a unit; in a batch, its seq delta adds 1 to 10 bytes.
  static std::size_t encoded_size(const ChangeRef& c);
  // Encodes `changes` into `out` (replacing its contents) without seqs; the
  // records are back to back.
  static void encode_unit(std::span<const ChangeRef> changes, std::string& out);

  // Starts a batch in `buffer` (its capacity is kept, so a buffer handed back
  // after a commit is reused without allocating).
  void begin(std::string buffer);
  // Appends a unit from encode_unit() of `changes`, all stamped with `seq`.
  void add_encoded(std::uint64_t seq, std::string_view unit, std::span<const ChangeRef> changes);
  // Both steps at once.
  void add(std::uint64_t seq, std::span<const ChangeRef> changes);
  std::uint32_t count() const { return count_; }
  std::size_t size() const { return buffer_.size(); }  // payload bytes so far
  // Writes the header and returns the payload.
  std::string finish();

 private:
  std::string buffer_;
  std::uint32_t count_ = 0;
  std::uint64_t prev_seq_ = 0;  // the seq deltas start from 0
  bool has_elements_ = false;   // a collection change: the batch is record version 3
};

}  // namespace mnemo::persistence
