#include "server/collection_slice.h"

#include <limits>

namespace mnemo::server {

namespace {

// Emits elements from `it` until `end` or a limit; returns true at `end`.
// Stops before an element only when one is left, so a false return means
// the slice holds at least one element and more remain.
template <class It, class Emit>
bool slice_walk(It& it, const It& end, OpWriter& w, CollectionSlicer::Limits lim, Emit emit) {
  const std::size_t start_bytes = w.bytes().size();
  for (std::size_t n = 0; it != end; ++it, ++n) {
    if (n == lim.elements || w.bytes().size() - start_bytes >= lim.bytes) return false;
    emit(*it);
  }
  return true;
}

}  // namespace

bool CollectionSlicer::sliced(const Collection& c) {
  const ValueType t = c.type();
  return (t == ValueType::hash || t == ValueType::set || t == ValueType::zset || t == ValueType::stream) &&
         c.size() > kSliceThreshold;
}

bool CollectionSlicer::next(const Collection& c, bool unchanged, OpWriter& w, Limits lim) {
  const bool first = !started_;
  if (first) w.clear();
  started_ = true;
  if (c.type() == ValueType::zset) return next_zset(c.zset(), w, lim);
  if (c.type() == ValueType::stream) return next_stream(c.stream(), first, w, lim);
  const bool restart = !first && !unchanged;
  if (restart && ++restarts_ > kMaxRestarts) {
    lim.elements = std::numeric_limits<std::size_t>::max();
    lim.bytes = std::numeric_limits<std::size_t>::max();
  }
  if (c.type() == ValueType::set) {
    if (first || restart) set_it_ = c.set().begin();
    return slice_walk(set_it_, c.set().end(), w, lim, [&](std::string_view m) { w.sadd(m); });
  }
  if (first || restart) hash_it_ = c.hash().begin();
  return slice_walk(hash_it_, c.hash().end(), w, lim, [&](Hash::Field f) { w.hset(f.first, f.second); });
}

bool CollectionSlicer::next_zset(const ZSet& z, OpWriter& w, Limits lim) {
  auto it = last_ ? z.upper_bound(last_->first, last_->second) : z.begin();
  std::optional<ZSet::Entry> copied;
  const bool done = slice_walk(it, z.end(), w, lim, [&](const ZSet::Entry& e) {
    w.zadd(e.member, e.score);
    copied = e;
  });
  if (copied) last_.emplace(copied->score, std::string(copied->member));
  return done;
}

bool CollectionSlicer::next_stream(const Stream& s, bool first, OpWriter& w, Limits lim) {
  auto it = stream_last_ ? s.entries.upper_bound(*stream_last_) : s.entries.begin();
  std::optional<StreamId> copied;
  const bool done = slice_walk(it, s.entries.end(), w, lim, [&](const std::pair<StreamId, std::string>& e) {
    stream_ops::xadd(w, e.first, e.second);
    copied = e.first;
  });
  if (copied) stream_last_ = copied;
  if (first) {
    encode_stream_state(s, w);
    stream_counters_ = {s.last_id, s.entries_added, s.max_deleted};
  } else if (copied) {
    const StreamCounters& k = stream_counters_;
    stream_ops::xsetid(w, k.last_id, k.entries_added, k.max_deleted);
  }
  return done;
}

}  // namespace mnemo::server
