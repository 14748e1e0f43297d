// Snapshot copies of big collections in slices (collection_slice.h), and how
// recovery applies their continuation slices.
#include <stdexcept>
#include <string>

#include "server/collection_slice.h"
#include "server/store_impl.h"

namespace mnemo::server {

namespace {

// Fills `se` with e's key, type, version and expiry (not its value).
void copy_entry_head(const Entry& e, std::uint32_t db, persistence::SnapshotEntry& se) {
  se.key.assign(e.key());
  se.type = static_cast<std::uint8_t>(e.type);
  se.version = e.version;
  se.expire_at_ms = e.expire_at_ms;
  se.db = db;
  se.continued = false;
}

}  // namespace

bool Store::Impl::copy_snapshot_entry(const Entry& e, std::size_t shard, persistence::SnapshotBuffer& out) {
  persistence::SnapshotEntry& se = out.add();
  copy_entry_head(e, db_of_shard(shard), se);
  if (e.is_string()) {
    se.value.assign(e.value());
    return true;
  }
  const Collection& c = *e.collection();
  if (!CollectionSlicer::sliced(c)) {
    se.value = c.encode();
    return true;
  }
  SnapshotWalk& w = snapshot_walk;
  w = SnapshotWalk{};
  OpWriter ops(c.type());
  const bool done = w.slicer.next(c, true, ops, kSnapshotSlice);
  se.value = std::move(ops).take();
  if (done) return true;
  w.active = true;
  w.shard = shard;
  w.key.assign(e.key());
  w.type = c.type();
  w.entry = &e;
  w.coll = &c;
  w.version = e.version;
  return false;
}

bool Store::Impl::continue_snapshot_walk(const Shard& sh, std::int64_t now, persistence::SnapshotBuffer& out) {
  SnapshotWalk& w = snapshot_walk;
  const Entry* e = sh.find(KeyRef(w.key));
  // Gone, expired or replaced by another type since the first slice: the
  // journal after the first slice's version holds how (its replay starts
  // there), so the copy of this key ends here.
  if (e == nullptr || e->ephemeral || e->expired_at(now) || e->value_type() != w.type) {
    w.active = false;
    return true;
  }
  const Collection& c = *e->collection();
  const bool unchanged = e == w.entry && &c == w.coll && e->version == w.version;
  OpWriter ops(w.type);
  const bool done = w.slicer.next(c, unchanged, ops, kSnapshotSlice);
  if (!ops.empty()) {
    persistence::SnapshotEntry& se = out.add();
    copy_entry_head(*e, db_of_shard(w.shard), se);
    se.continued = true;
    se.value = std::move(ops).take();
  }
  w.entry = e;
  w.coll = &c;
  w.version = e->version;
  if (done) w.active = false;
  return done;
}

// A continuation slice adds elements to the value its key's first slice
// loaded earlier in this snapshot, whatever that value's version now (the
// key keeps the first slice's version, so that the journal after it is
// replayed); it is never in a journal.
void apply_recovered_slice(Shard& sh, const KeyRef& k, const persistence::ChangeRef& c) {
  Entry* cur = sh.find(k);
  if (cur == nullptr || cur->is_string() || c.value.empty() || static_cast<std::uint8_t>(c.value[0]) != cur->type) {
    throw std::runtime_error("snapshot continuation slice (seq " + std::to_string(c.seq) + ") for a key of " +
                             std::to_string(c.key.size()) + " bytes without the collection its first slice loaded");
  }
  Collection& coll = *cur->collection();
  const auto before = static_cast<std::int64_t>(coll.bytes());
  if (!coll.replay(c.value)) {
    throw std::runtime_error("malformed snapshot continuation slice at seq " + std::to_string(c.seq));
  }
  sh.resized(static_cast<std::int64_t>(coll.bytes()) - before);
}

}  // namespace mnemo::server
