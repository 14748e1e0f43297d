// Builds one journal batch payload change by change, as the changes are
// appended, so that the journal queue holds encoded bytes (one growing buffer
// per future row) rather than a heap object per change. The bytes are exactly
// those encode_changes() (record_codec.h) produces for the same changes: the
// archive is cereal's portable binary archive, streaming into the buffer;
// finish() writes the record header (class version, change count) with cereal
// into the space reserved for it at the start.
//
// Threads: not thread-safe; the journal writer uses one under its mutex.
// Lifetime: a plain value; finish() leaves it empty and reusable.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "persistence/change.h"

namespace mnemo::persistence {

class ChangeBatchEncoder {
 public:
  ChangeBatchEncoder();
  ~ChangeBatchEncoder();
  ChangeBatchEncoder(ChangeBatchEncoder&&) noexcept;
  ChangeBatchEncoder& operator=(ChangeBatchEncoder&&) noexcept;

  // Starts a batch in `buffer` (cleared; its capacity is kept, so a buffer
  // handed back after a commit is reused without allocating).
  void begin(std::string buffer);
  // Encodes `changes`, all stamped with `seq`. Call between begin() and finish().
  void add(std::uint64_t seq, std::span<const ChangeRef> changes);
  std::uint32_t count() const { return count_; }
  std::size_t size() const;  // payload bytes so far
  // Writes the header and returns the payload. The encoder is then idle until begin().
  std::string finish();

  // What add() appends for one change: its fixed fields plus key and value.
  static constexpr std::size_t kFixedBytesPerChange = 8 + 1 + 8 + 8 + 8;
  static std::size_t encoded_size(const ChangeRef& c) {
    return kFixedBytesPerChange + c.key.size() + c.value.size();
  }

 private:
  struct Stream;  // the output buffer and the cereal archive writing into it
  std::unique_ptr<Stream> stream_;
  std::uint32_t count_ = 0;
};

}  // namespace mnemo::persistence
