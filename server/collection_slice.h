// Copying a big collection for a snapshot in bounded slices (issue #13,
// docs/BENCHMARKS.md sections 24, 28 and 33), so that the snapshot thread holds
// its shard's lock for one slice at a time instead of the whole value, and
// its copies stay a few MB however big the collection is.
//
// A slice is an operation list (collection.h): the first one starts with
// `clear`, the later ones ("continuation slices", record version 4; 5 for a
// stream's) only add elements. Writers run between slices, so the slices
// show the collection at different seqs; recovery makes that right by
// replaying every journal change after the first slice's version over them,
// which holds because the element operations of hashes, sets and sorted
// sets are absolute (hset, hdel, sadd, srem, zadd with the final score,
// zrem, clear): applying one to a state that already has it changes
// nothing. An element copied twice is therefore harmless, an element never
// copied is not, so the walk only has to visit every element that nobody
// changed during the copy:
// - a sorted set resumes after the last (score, member) it copied, found in
//   `order` (a btree) in O(log n): an unchanged member keeps its place;
// - a hash or a set resumes from a saved iterator, valid only while the
//   caller proves the collection unchanged (same entry, same version); after
//   any write, which may have rehashed the table and moved every element,
//   the walk starts again from the beginning (still as continuation slices).
//   At restart kMaxRestarts + 1 the rest is copied in one slice, as before
//   slicing, so a collection written all the time still gets copied.
// - a stream resumes after the last entry id it copied (entries are never
//   changed in place, and a new one goes after the last id). Its first
//   slice also carries the stream's state at that moment: last id,
//   entries-added, max-deleted-id (an xsetid) and its groups, consumers and
//   pending entries whole; a continuation slice carries entries only, then
//   an xsetid back to the first slice's counters, which its xadds moved.
//   A stream's replay is not idempotent as such: recovery replays the
//   journal with Collection::replay, where an xadd of a held id only counts
//   it; docs/DURABILITY.md (record version 5) has the argument.
// Lists are never sliced (their operations are positional: lpush, lpop n,
// lset i... replayed over a state that already has them would push twice).
//
// Threads: no synchronisation; the caller holds the collection's shard lock
// (shared) for each call, and one walk is used by one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "server/collection.h"

namespace mnemo::server {

class CollectionSlicer {
 public:
  // Collections with more elements than this are copied in slices.
  static constexpr std::size_t kSliceThreshold = 8192;
  // Restarts of a hash or set walk before the rest is copied in one slice.
  static constexpr std::size_t kMaxRestarts = 4;

  struct Limits {
    std::size_t elements = 8192;
    std::size_t bytes = std::size_t{4} << 20;  // of operations, per slice
  };

  // Whether `c` is copied in slices: a hash, set, sorted set or stream above the threshold.
  static bool sliced(const Collection& c);

  // Appends the next slice's operations to `w` (of c's type; the first slice
  // starts with clear). `unchanged`: the caller's proof that `c` is the very
  // collection of the previous call and nothing was written to it since
  // (ignored on the first call). Returns true when the walk is finished (no
  // element left); else the slice holds at least one element.
  bool next(const Collection& c, bool unchanged, OpWriter& w, Limits lim);

  bool started() const { return started_; }
  std::size_t restarts() const { return restarts_; }

 private:
  bool next_zset(const ZSet& z, OpWriter& w, Limits lim);
  bool next_stream(const Stream& s, bool first, OpWriter& w, Limits lim);

  // A stream's last id, entries-added and max-deleted-id at its first slice.
  struct StreamCounters {
    StreamId last_id;
    std::uint64_t entries_added = 0;
    StreamId max_deleted;
  };

  bool started_ = false;
  std::size_t restarts_ = 0;
  std::optional<std::pair<double, std::string>> last_;  // sorted set: last member copied
  Set::iterator set_it_;                                 // set: the next member to copy
  Hash::iterator hash_it_;                               // hash: the next field to copy
  std::optional<StreamId> stream_last_;                  // stream: last entry copied
  StreamCounters stream_counters_;                       // stream: as its first slice left them
};

}  // namespace mnemo::server
