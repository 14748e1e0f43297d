// The interfaces between the store (server/) and persistence, so that each
// side can be tested with a fake of the other.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "persistence/change.h"
#include "protocol/result.h"

namespace mnemo::persistence {

// Told of every seq a ChangeLog hands out, in seq order (the change feed,
// server/feed/). Threads: called under the log's own lock, from whichever
// thread appends, so an implementation only copies what it needs and
// returns: no I/O, no call back into the log, no lock that is ever held
// while calling the log.
class ChangeTap {
 public:
  virtual ~ChangeTap() = default;
  // `changes` is empty for a seq with no record (an EPHEMERAL write).
  // `journaled` is false for a notice (allocate_noted): changes that are
  // reported but never written to the journal, e.g. an expired key.
  virtual void on_seq(std::uint64_t seq, std::span<const ChangeRef> changes, bool journaled) = 0;
};

// Where the store sends the changes it applies. Implemented by JournalWriter.
// Threads: every method may be called from any thread, including while the
// caller holds a store shard lock, so no method blocks on I/O.
class ChangeLog {
 public:
  virtual ~ChangeLog() = default;
  // Stamps every change with one new seq (the same for all: an MSET is one
  // write), queues them as one unit and returns the seq; the changes' own seq
  // fields are ignored. Seqs are handed out in the order the calls take the
  // log's lock, and the journal commits in that order. Errors: Status::busy
  // when the queue is at its hard limit, Status::read_only while the disk is
  // failing (the message names the disk error), Status::shutting_down once the
  // journal stopped. On error nothing is queued and no seq is used. The views
  // are read during the call only (the bytes are copied into the queue); never
  // touches disk.
  virtual protocol::Result<std::uint64_t> append(std::span<const ChangeRef> changes) = 0;
  // A new seq with no record, for EPHEMERAL writes that touch no persisted key.
  virtual std::uint64_t allocate_seq() = 0;
  // For a store transaction (EXEC, a script), whose changes are already
  // applied in memory when it appends them as one unit: like append, but a
  // full queue or a failing disk does not refuse it (the unit waits in the
  // queue like those before it and is committed, or reported lost, with
  // them). Fails only with Status::shutting_down once the journal stopped.
  // The default (fakes) is append.
  virtual protocol::Result<std::uint64_t> append_forced(std::span<const ChangeRef> changes) {
    return append(changes);
  }
  // Status::ok when append would accept a unit now; otherwise the status and
  // message append would fail with (read_only, shutting_down). A transaction
  // asks before it changes anything. The default (fakes) accepts.
  virtual protocol::Error refusal() const { return protocol::Error{protocol::Status::ok, {}}; }
  // The change feed. set_tap: once, before any append; `tap` outlives the
  // log's use. allocate_noted: a new seq with no record whose `notice` the
  // tap sees (as not journaled). The defaults (fakes) have no tap.
  virtual void set_tap(ChangeTap* tap) { (void)tap; }
  virtual std::uint64_t allocate_noted(std::span<const ChangeRef> notice) {
    (void)notice;
    return allocate_seq();
  }
};

// What a snapshot reads. Implemented by the store.
// Threads: called from the snapshot thread while io threads keep serving.
class SnapshotSource {
 public:
  virtual ~SnapshotSource() = default;
  virtual std::size_t shard_count() const = 0;
  // Appends to `out` up to `max_entries` persisted (not ephemeral, not expired)
  // entries of `shard` whose keys sort after `*after` (all of them when `after`
  // is null): when it appends `max_entries`, they are the smallest such keys,
  // in key order, so a caller resumes after the last one; fewer than
  // `max_entries` are all that was left in the shard, in any order, unless
  // `out.cut()` says the copy stopped inside a big collection: then its last
  // entry is a slice of it (entries before it in key order) and the caller
  // resumes after its key, where the next call goes on with the next slice
  // (continuation slices: SnapshotEntry::continued). Holds the shard's lock
  // only while copying them. Returns false when nothing was left to copy in
  // that shard.
  virtual bool copy_chunk(std::size_t shard, const std::string* after, std::size_t max_entries,
                          SnapshotBuffer& out) = 0;
};

// What recovery loads into. Implemented by the store.
// Threads: called from the thread running recovery, before any io thread starts.
class RecoveryTarget {
 public:
  virtual ~RecoveryTarget() = default;
  // Applies `c` only if c.seq is newer than what the key holds, counting a
  // deletion seen earlier in this recovery (a tombstone) as held; so replay is
  // idempotent and order-insensitive within a batch. Except a snapshot's
  // continuation slice (ChangeKind::slice): it adds its elements to the value
  // the key holds, whatever its version, and leaves the version as it is. The views are read during
  // the call only (the target copies what it keeps).
  virtual void apply_recovered(const ChangeRef& c) = 0;
  // Applies a decoded batch with the same result as apply_recovered on each
  // change in turn (what recovery calls; a target may reorder changes to
  // different keys, never two changes to one key). The default does just that.
  virtual void apply_recovered_batch(std::span<const ChangeRef> changes) {
    for (const ChangeRef& c : changes) apply_recovered(c);
  }
  // A hint that about `expected_keys` more keys are coming, so the target can
  // size its tables once instead of growing them step by step. It may be an
  // overestimate (a key changed twice is counted twice); the target bounds
  // what it sets aside and gives back what was not used by finish_recovery.
  // Never changes what recovery produces. The default ignores it.
  virtual void reserve_recovered(std::uint64_t expected_keys) { (void)expected_keys; }
  // Ends recovery: forgets tombstones, drops entries expired at `now_ms`.
  // Returns how many expired entries were dropped.
  virtual std::uint64_t finish_recovery(std::int64_t now_ms) = 0;
};

}  // namespace mnemo::persistence
