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

// ---- Redis's listpack sizes (listpack.c) ----

// lpStringToInt64: a decimal without sign tricks or leading zeros, in range.
bool lp_integer(std::string_view s, std::int64_t& v) {
  if (s.empty() || s.size() >= 21) return false;
  if (s == "0") {
    v = 0;
    return true;
  }
  const bool negative = s[0] == '-';
  std::size_t i = negative ? 1 : 0;
  if (i == s.size() || s[i] < '1' || s[i] > '9') return false;
  std::uint64_t u = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    const auto d = static_cast<std::uint64_t>(s[i] - '0');
    if (u > (UINT64_MAX - d) / 10) return false;
    u = u * 10 + d;
  }
  if (negative) {
    if (u > static_cast<std::uint64_t>(INT64_MAX) + 1) return false;
    v = static_cast<std::int64_t>(0 - u);
  } else {
    if (u > static_cast<std::uint64_t>(INT64_MAX)) return false;
    v = static_cast<std::int64_t>(u);
  }
  return true;
}

// An element's bytes: its encoding and data, then its back length.
std::size_t lp_element(std::uint64_t len) {
  if (len <= 127) return len + 1;
  if (len < 16383) return len + 2;
  if (len < 2097151) return len + 3;
  if (len < 268435455) return len + 4;
  return len + 5;
}

std::size_t lp_int(std::int64_t v) {
  if (v >= 0 && v <= 127) return lp_element(1);
  if (v >= -4096 && v <= 4095) return lp_element(2);
  if (v >= -32768 && v <= 32767) return lp_element(3);
  if (v >= -8388608 && v <= 8388607) return lp_element(4);
  if (v >= INT32_MIN && v <= INT32_MAX) return lp_element(5);
  return lp_element(9);
}

std::size_t lp_str(std::string_view s) {
  std::int64_t v = 0;
  if (lp_integer(s, v)) return lp_int(v);
  if (s.size() < 64) return lp_element(1 + s.size());
  if (s.size() < 4096) return lp_element(2 + s.size());
  return lp_element(5 + s.size());
}

}  // namespace

std::size_t raw_size(std::string_view packed) {
  In in(packed);
  const std::uint64_t strings = 2 * in.count();
  std::size_t n = 0;
  for (std::uint64_t i = 0; i < strings && in.ok(); ++i) n += in.str().size();
  return in.ok() && in.at_end() ? n : 0;
}

std::size_t lp_start_size(std::string_view packed) {
  std::vector<std::string_view> fv;
  if (!read_pairs(packed, fv)) return 0;
  // Header (total bytes, element count) and end byte; count 1, deleted 0,
  // the field count, the names and the master's zero terminator.
  std::size_t n = 6 + 1 + lp_int(1) + lp_int(0) + lp_int(static_cast<std::int64_t>(fv.size() / 2)) + lp_int(0);
  for (std::size_t i = 0; i < fv.size(); i += 2) n += lp_str(fv[i]);
  return n;
}

namespace {

std::size_t entry_lp(const std::vector<std::string_view>& fv, bool same, StreamId key, StreamId id) {
  const auto pairs = static_cast<std::int64_t>(fv.size() / 2);
  // flags, ms and seq differences to the node's key (as Redis stores them:
  // 64-bit differences read as signed), the values (and without the master's
  // names, the count and the names), then the element count of the entry.
  std::size_t n = lp_int(same ? 2 : 0) + lp_int(static_cast<std::int64_t>(id.ms - key.ms)) +
                  lp_int(static_cast<std::int64_t>(id.seq - key.seq));
  if (!same) n += lp_int(pairs);
  for (std::size_t i = same ? 1 : 0; i < fv.size(); i += same ? 2 : 1) n += lp_str(fv[i]);
  return n + lp_int(same ? pairs + 3 : 2 * pairs + 4);
}

}  // namespace

std::size_t lp_entry_size(std::string_view node, StreamId key, StreamId id, std::string_view packed) {
  std::vector<std::string_view> fv, master;
  In in(node);
  if (!read_pairs(packed, fv) || !read_master(in, master)) return 0;
  return entry_lp(fv, same_names(master, fv), key, id);
}

bool start(std::string& node, std::string_view packed) {
  std::vector<std::string_view> fv;
  if (!read_pairs(packed, fv)) return false;
  node.clear();
  persistence::put_varint(node, fv.size() / 2);
  for (std::size_t i = 0; i < fv.size(); i += 2) put_str(node, fv[i]);
  return true;
}

bool append(std::string& node, StreamId prev, StreamId id, std::string_view packed, bool deleted) {
  std::size_t unused = 0;
  return append_sized(node, prev, prev, id, packed, unused, deleted);
}

bool append_sized(std::string& node, StreamId key, StreamId prev, StreamId id, std::string_view packed,
                  std::size_t& lp, bool deleted) {
  std::vector<std::string_view> fv, master;
  In in(node);
  if (!read_pairs(packed, fv) || !read_master(in, master)) return false;
  const bool same = same_names(master, fv);
  lp = entry_lp(fv, same, key, id);
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
