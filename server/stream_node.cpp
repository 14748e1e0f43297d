#include "server/stream_node.h"

#include "persistence/varint.h"

namespace mnemo::server::stream_node {

namespace {

constexpr std::uint64_t kDeleted = 1;
constexpr std::uint64_t kSame = 2;
constexpr std::uint64_t kWideDelta = 4;
constexpr std::uint64_t kMaxDelta = UINT64_MAX >> 3;

// A bounds-checked reader that never allocates (the node's hot path).
class In {
 public:
  explicit In(std::string_view s) : p_(s.data()), begin_(s.data()), end_(s.data() + s.size()) {}
  bool ok() const { return ok_; }
  bool at_end() const { return p_ == end_; }
  std::size_t pos() const { return static_cast<std::size_t>(p_ - begin_); }
  std::size_t left() const { return static_cast<std::size_t>(end_ - p_); }

  std::uint64_t varint() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64 && p_ != end_; shift += 7) {
      const auto b = static_cast<std::uint8_t>(*p_++);
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return v;
    }
    ok_ = false;
    return 0;
  }
  std::string_view str() {
    const std::uint64_t n = varint();
    if (!ok_ || n > left()) {
      ok_ = false;
      return {};
    }
    std::string_view s(p_, n);
    p_ += n;
    return s;
  }
  // A count of strings still to read: each takes at least one byte.
  std::uint64_t count() {
    const std::uint64_t n = varint();
    if (n > left()) ok_ = false;
    return ok_ ? n : 0;
  }

 private:
  const char* p_;
  const char* begin_;
  const char* end_;
  bool ok_ = true;
};

void put_str(std::string& out, std::string_view s) {
  persistence::put_varint(out, s.size());
  out.append(s);
}

// The field names of a master section, and where the entries start.
bool read_master(In& in, std::vector<std::string_view>& names) {
  const std::uint64_t n = in.count();
  names.clear();
  for (std::uint64_t i = 0; i < n && in.ok(); ++i) names.push_back(in.str());
  return in.ok();
}

bool read_pairs(std::string_view packed, std::vector<std::string_view>& out) {
  In in(packed);
  const std::uint64_t pairs = in.count();
  out.clear();
  for (std::uint64_t i = 0; i < 2 * pairs && in.ok(); ++i) out.push_back(in.str());
  return in.ok() && in.at_end();
}

bool same_names(const std::vector<std::string_view>& master, const std::vector<std::string_view>& fv) {
  if (master.size() * 2 != fv.size()) return false;
  for (std::size_t i = 0; i < master.size(); ++i) {
    if (master[i] != fv[2 * i]) return false;
  }
  return true;
}

// Skips (or, with out, copies in pack_fields' encoding) one entry's fields.
bool walk_fields(In& in, bool same, const std::vector<std::string_view>& master, std::string* out) {
  if (same) {
    if (out) persistence::put_varint(*out, master.size());
    for (std::string_view name : master) {
      const std::string_view value = in.str();
      if (out) {
        put_str(*out, name);
        put_str(*out, value);
      }
    }
    return in.ok();
  }
  const std::uint64_t pairs = in.count();
  if (pairs > in.left() / 2) return false;
  if (out) persistence::put_varint(*out, pairs);
  for (std::uint64_t i = 0; i < 2 * pairs && in.ok(); ++i) {
    const std::string_view s = in.str();
    if (out) put_str(*out, s);
  }
  return in.ok();
}

// Reads one entry's head and id; false when malformed.
bool read_id(In& in, StreamId& prev, std::uint64_t& flags) {
  const std::uint64_t head = in.varint();
  flags = head & 7;
  std::uint64_t delta = head >> 3;
  if (flags & kWideDelta) delta = in.varint();
  const std::uint64_t seq = in.varint();
  if (!in.ok() || delta > UINT64_MAX - prev.ms) return false;
  if (delta == 0) {
    if (seq > UINT64_MAX - prev.seq) return false;
    prev.seq += seq;
  } else {
    prev.ms += delta;
    prev.seq = seq;
  }
  return true;
}

}  // namespace

bool start(std::string& node, std::string_view packed) {
  std::vector<std::string_view> fv;
  if (!read_pairs(packed, fv)) return false;
  node.clear();
  persistence::put_varint(node, fv.size() / 2);
  for (std::size_t i = 0; i < fv.size(); i += 2) put_str(node, fv[i]);
  return true;
}

bool append(std::string& node, StreamId prev, StreamId id, std::string_view packed, bool deleted) {
  std::vector<std::string_view> fv, master;
  In in(node);
  if (!read_pairs(packed, fv) || !read_master(in, master)) return false;
  const bool same = same_names(master, fv);
  const std::uint64_t delta = id.ms - prev.ms;
  std::uint64_t flags = (deleted ? kDeleted : 0) | (same ? kSame : 0);
  if (delta > kMaxDelta) flags |= kWideDelta;
  persistence::put_varint(node, (flags & kWideDelta) ? flags : (delta << 3 | flags));
  if (flags & kWideDelta) persistence::put_varint(node, delta);
  persistence::put_varint(node, delta == 0 ? id.seq - prev.seq : id.seq);
  if (!same) persistence::put_varint(node, fv.size() / 2);
  for (std::size_t i = same ? 1 : 0; i < fv.size(); i += same ? 2 : 1) put_str(node, fv[i]);
  return true;
}

bool index(std::string_view node, StreamId key, std::vector<Slot>& out) {
  out.clear();
  In in(node);
  std::vector<std::string_view> master;
  if (!read_master(in, master)) return false;
  StreamId id = key;
  while (!in.at_end()) {
    Slot s;
    s.offset = static_cast<std::uint32_t>(in.pos());
    std::uint64_t flags = 0;
    const StreamId before = id;
    if (!read_id(in, id, flags)) return false;
    if (!out.empty() && id <= before) return false;  // ids only grow
    if (!walk_fields(in, (flags & kSame) != 0, master, nullptr)) return false;
    s.id = id;
    s.deleted = (flags & kDeleted) != 0;
    out.push_back(s);
  }
  return true;
}

bool fields(std::string_view node, std::size_t offset, std::string& packed) {
  packed.clear();
  In in(node);
  std::vector<std::string_view> master;
  if (!read_master(in, master) || offset < in.pos() || offset >= node.size()) return false;
  In entry(node.substr(offset));
  StreamId scratch;
  std::uint64_t flags = 0;
  if (!read_id(entry, scratch, flags)) return false;
  return walk_fields(entry, (flags & kSame) != 0, master, &packed);
}

void mark_deleted(std::string& node, std::size_t offset) {
  node[offset] = static_cast<char>(node[offset] | static_cast<char>(kDeleted));
}

}  // namespace mnemo::server::stream_node
