// The stream's operations (stream.h): applying them, encoding a whole
// stream as them for snapshots and COPY, and Redis's entries-read arithmetic.
#include "server/stream.h"

#include "persistence/varint.h"
#include "server/collection.h"
#include "server/op_reader.h"

namespace mnemo::server {

namespace {

constexpr std::size_t kPendingCost = 112;  // a group PEL node, its name, the consumer's set slot
constexpr std::size_t kGroupCost = 256;

StreamId read_id(OpReader& r) {
  StreamId id;
  id.ms = r.num();
  id.seq = r.num();
  return id;
}

void put_id(OpWriter& w, StreamId id) {
  w.num(id.ms);
  w.num(id.seq);
}

bool apply_entry_op(Stream& s, std::uint8_t code, OpReader& r, std::size_t& bytes, bool replay) {
  const StreamId id = read_id(r);
  const std::size_t before = s.entries.heap_bytes();
  if (code == 20) {
    const std::string_view packed = r.str();
    if (r.failed()) return false;
    // Replayed over a snapshot slice copied after this xadd: the slice holds
    // the entry already (the same one: an id is added again only after a
    // delete, which the journal replays in between).
    const bool held = replay && s.entries.contains(id);
    if (!held && !s.entries.insert(id, packed)) return false;
    bytes = bytes + s.entries.heap_bytes() - before;
    if (id > s.last_id) s.last_id = id;
    ++s.entries_added;
    return true;
  }
  if (r.failed()) return false;
  if (code == 21) {
    s.entries.erase(id);
    bytes = bytes + s.entries.heap_bytes() - before;
    if (id > s.max_deleted) s.max_deleted = id;
    return true;
  }
  if (code == 22) {
    s.entries.erase_below(id);
    bytes = bytes + s.entries.heap_bytes() - before;
    return true;
  }
  s.last_id = id;
  s.entries_added = r.num();
  s.max_deleted = read_id(r);
  return !r.failed();
}

void drop_pending(StreamGroup& g, StreamId id, std::size_t& bytes) {
  auto it = g.pel.find(id);
  if (it == g.pel.end()) return;
  auto c = g.consumers.find(it->second.consumer);
  if (c != g.consumers.end()) c->second.pending.erase(id);
  g.pel.erase(it);
  bytes -= kPendingCost;
}

bool apply_consumer_op(StreamGroup& g, std::uint8_t code, OpReader& r, std::size_t& bytes) {
  if (code == 30) {
    const StreamId id = read_id(r);
    if (r.failed()) return false;
    drop_pending(g, id, bytes);
    return true;
  }
  const std::string name(r.str());
  if (code == 27) {
    const auto seen = static_cast<std::int64_t>(r.num());
    if (r.failed()) return false;
    auto [it, fresh] = g.consumers.try_emplace(name);
    if (fresh) bytes += 64 + name.size();
    it->second.seen_time = seen;
    return true;
  }
  if (code == 28) {
    auto it = g.consumers.find(name);
    if (r.failed()) return false;
    if (it == g.consumers.end()) return true;
    for (StreamId id : it->second.pending) {
      g.pel.erase(id);
      bytes -= kPendingCost;
    }
    g.consumers.erase(it);
    return true;
  }
  const StreamId id = read_id(r);
  const auto time = static_cast<std::int64_t>(r.num());
  const std::uint64_t count = r.num();
  if (r.failed() || code != 29) return false;
  drop_pending(g, id, bytes);
  auto [c, fresh] = g.consumers.try_emplace(name);
  if (fresh) {
    bytes += 64 + name.size();
    c->second.seen_time = time;
  }
  c->second.pending.insert(id);
  g.pel[id] = StreamNack{name, time, count};
  bytes += kPendingCost;
  return true;
}

bool apply_group_op(Stream& s, std::uint8_t code, OpReader& r, std::size_t& bytes) {
  const std::string name(r.str());
  if (r.failed()) return false;
  if (code == 24 || code == 26) {
    const StreamId last = read_id(r);
    const auto read = static_cast<std::int64_t>(r.num()) - 1;
    if (r.failed()) return false;
    auto [it, fresh] = s.groups.try_emplace(name);
    if (fresh) bytes += kGroupCost + name.size();
    else if (code == 24) return false;
    it->second.last_id = last;
    it->second.entries_read = read;
    return true;
  }
  auto it = s.groups.find(name);
  if (code == 25) {
    if (it == s.groups.end()) return true;
    bytes -= kGroupCost + name.size() + it->second.pel.size() * kPendingCost;
    s.groups.erase(it);
    return true;
  }
  if (it == s.groups.end()) return false;
  return apply_consumer_op(it->second, code, r, bytes);
}

}  // namespace

std::string pack_fields(const std::vector<std::string_view>& field_values) {
  std::string out;
  persistence::put_varint(out, field_values.size() / 2);
  for (std::string_view s : field_values) {
    persistence::put_varint(out, s.size());
    out.append(s);
  }
  return out;
}

bool unpack_fields(std::string_view packed, std::vector<std::string_view>& out) {
  out.clear();
  persistence::ByteReader r(packed);
  const std::uint64_t pairs = r.varint("pairs");
  if (r.failed() || pairs > packed.size()) return false;
  for (std::uint64_t i = 0; i < 2 * pairs; ++i) {
    out.push_back(r.bytes("field"));
    if (r.failed()) return false;
  }
  return r.remaining() == 0;
}

bool apply_stream_op(Stream& s, std::uint8_t code, OpReader& r, std::size_t& bytes, bool replay) {
  if (code >= 20 && code <= 23) return apply_entry_op(s, code, r, bytes, replay);
  if (code >= 24 && code <= 30) return apply_group_op(s, code, r, bytes);
  return false;
}

void encode_stream(const Stream& s, OpWriter& w) {
  for (const auto& [id, packed] : s.entries) stream_ops::xadd(w, id, packed);
  encode_stream_state(s, w);
}

void encode_stream_state(const Stream& s, OpWriter& w) {
  stream_ops::xsetid(w, s.last_id, s.entries_added, s.max_deleted);
  for (const auto& [name, g] : s.groups) {
    stream_ops::gcreate(w, name, g.last_id, g.entries_read);
    for (const auto& [cname, c] : g.consumers) stream_ops::ccreate(w, name, cname, c.seen_time);
    for (const auto& [id, n] : g.pel) stream_ops::pend(w, name, n.consumer, id, n.delivery_time, n.delivery_count);
  }
}

// ---- Redis's entries-read arithmetic (t_stream.c) -------------------------------

bool Stream::has_tombstones(StreamId start, StreamId end) const {
  if (entries.empty() || max_deleted.zero()) return false;
  if (first_id() > max_deleted) return false;
  return start <= max_deleted && max_deleted <= end;
}

std::int64_t Stream::distance_to(StreamId id) const {
  const auto added = static_cast<std::int64_t>(entries_added);
  const auto length = static_cast<std::int64_t>(entries.size());
  if (entries_added == 0) return 0;
  if (entries.empty() && id <= last_id) return added;
  if (id == last_id) return added;
  if (id > last_id) return -1;
  const StreamId first = first_id();
  if (max_deleted.zero() || max_deleted < first) {
    if (id < first) return added - length;
    if (id == first) return added - length + 1;
  }
  return -1;
}

std::optional<std::int64_t> Stream::lag(const StreamGroup& g) const {
  if (entries_added == 0) return 0;
  if (g.entries_read != -1 && !has_tombstones(g.last_id, StreamId::max())) {
    return static_cast<std::int64_t>(entries_added) - g.entries_read;
  }
  const std::int64_t read = distance_to(g.last_id);
  if (read == -1) return std::nullopt;
  return static_cast<std::int64_t>(entries_added) - read;
}

std::int64_t Stream::entries_read_after(std::int64_t entries_read, StreamId id) const {
  if (entries_read != -1 && !has_tombstones(id, StreamId::max())) return entries_read + 1;
  if (entries_added != 0) return distance_to(id);
  return entries_read;
}

namespace stream_ops {

void xadd(OpWriter& w, StreamId id, std::string_view packed) {
  w.op(20);
  put_id(w, id);
  w.str(packed);
}
void xdel(OpWriter& w, StreamId id) {
  w.op(21);
  put_id(w, id);
}
void xtrim(OpWriter& w, StreamId first_kept) {
  w.op(22);
  put_id(w, first_kept);
}
void xsetid(OpWriter& w, StreamId last, std::uint64_t entries_added, StreamId max_deleted) {
  w.op(23);
  put_id(w, last);
  w.num(entries_added);
  put_id(w, max_deleted);
}
void gcreate(OpWriter& w, std::string_view group, StreamId last, std::int64_t entries_read) {
  w.op(24);
  w.str(group);
  put_id(w, last);
  w.num(static_cast<std::uint64_t>(entries_read + 1));
}
void gdestroy(OpWriter& w, std::string_view group) {
  w.op(25);
  w.str(group);
}
void gsetid(OpWriter& w, std::string_view group, StreamId last, std::int64_t entries_read) {
  w.op(26);
  w.str(group);
  put_id(w, last);
  w.num(static_cast<std::uint64_t>(entries_read + 1));
}
void ccreate(OpWriter& w, std::string_view group, std::string_view consumer, std::int64_t seen) {
  w.op(27);
  w.str(group);
  w.str(consumer);
  w.num(static_cast<std::uint64_t>(seen));
}
void cdel(OpWriter& w, std::string_view group, std::string_view consumer) {
  w.op(28);
  w.str(group);
  w.str(consumer);
}
void pend(OpWriter& w, std::string_view group, std::string_view consumer, StreamId id, std::int64_t time,
          std::uint64_t count) {
  w.op(29);
  w.str(group);
  w.str(consumer);
  put_id(w, id);
  w.num(static_cast<std::uint64_t>(time));
  w.num(count);
}
void ack(OpWriter& w, std::string_view group, StreamId id) {
  w.op(30);
  w.str(group);
  put_id(w, id);
}

}  // namespace stream_ops

}  // namespace mnemo::server
