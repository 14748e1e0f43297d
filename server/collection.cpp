#include "server/collection.h"

#include <bit>
#include <cstring>

#include "persistence/varint.h"
#include "server/op_reader.h"

namespace mnemo::server {

namespace {

}  // namespace

std::string_view type_name(ValueType t) {
  switch (t) {
    case ValueType::string: return "string";
    case ValueType::list: return "list";
    case ValueType::set: return "set";
    case ValueType::zset: return "zset";
    case ValueType::hash: return "hash";
    case ValueType::stream: return "stream";
  }
  return "none";
}

Collection::Collection(ValueType t) {
  switch (t) {
    case ValueType::set: value_.emplace<Set>(); break;
    case ValueType::zset: value_.emplace<ZSet>(); break;
    case ValueType::hash: value_.emplace<Hash>(); break;
    case ValueType::stream: value_.emplace<Boxed<Stream>>(); break;
    default: value_.emplace<List>(); break;
  }
}

std::size_t Collection::bytes() const {
  switch (type()) {
    case ValueType::list: return list().bytes();
    case ValueType::set: return set().bytes();
    case ValueType::zset: return zset().bytes();
    case ValueType::hash: return hash().bytes();
    default: return std::get<Boxed<Stream>>(value_).bytes();
  }
}

std::size_t Collection::size() const {
  switch (type()) {
    case ValueType::list: return list().size();
    case ValueType::set: return set().size();
    case ValueType::zset: return zset().size();
    case ValueType::hash: return hash().size();
    case ValueType::stream: return stream().entries.size();
    default: return 0;
  }
}

bool Collection::apply_ops(std::string_view ops, bool replay) {
  if (ops.empty() || static_cast<ValueType>(ops[0]) != type()) return false;
  OpReader r(ops.substr(1));
  while (r.more()) {
    if (!apply_one(r.code(), r, replay)) return false;
  }
  return !r.failed();
}

bool Collection::apply_one(std::uint8_t code, OpReader& r, bool replay) {
  if (code == 0) {
    *this = Collection(type());
    return true;
  }
  if (code >= 20) {
    if (type() != ValueType::stream) return false;
    const Boxed<Stream>& box = std::get<Boxed<Stream>>(value_);
    return apply_stream_op(box.get(), code, r, box.bytes(), replay);
  }
  if (code >= 7) return type() == ValueType::list && apply_list(code, r);
  const std::string_view a = r.str();
  if (r.failed()) return false;
  if (code <= 2 && type() == ValueType::hash) {
    Hash& h = std::get<Hash>(value_);
    if (code == 2) h.erase(a);
    else h.set(a, r.str());
    return !r.failed();
  }
  if ((code == 3 || code == 4) && type() == ValueType::set) {
    Set& s = std::get<Set>(value_);
    if (code == 3) s.insert(a);
    else s.erase(a);
    return true;
  }
  if ((code == 5 || code == 6) && type() == ValueType::zset) {
    ZSet& z = std::get<ZSet>(value_);
    if (code == 6) {
      z.erase(a);
      return true;
    }
    const double score = r.f64();
    if (r.failed()) return false;
    z.set(a, score);
    return true;
  }
  return false;
}

bool Collection::apply_list(std::uint8_t code, OpReader& r) {
  List& l = std::get<List>(value_);
  if (code == 7 || code == 8) {
    const std::string_view e = r.str();
    if (r.failed()) return false;
    if (code == 7) l.push_front(e);
    else l.push_back(e);
    return true;
  }
  const std::uint64_t n = r.num();
  if (r.failed()) return false;
  if (code == 9 || code == 10) {
    for (std::uint64_t i = 0; i < n && !l.empty(); ++i) {
      if (code == 9) l.pop_front();
      else l.pop_back();
    }
    return true;
  }
  if (code == 13 || code == 14) {
    if (code == 13) {
      if (n >= l.size()) return false;
      l.erase(n);
      return true;
    }
    const std::uint64_t count = r.num();
    if (r.failed() || n > l.size() || count > l.size() - n) return false;
    l.trim(n, count);
    return true;
  }
  const std::string_view e = r.str();
  if (r.failed()) return false;
  if (code == 11 || code == 12) {
    if (n > l.size() || (code == 11 && n == l.size())) return false;
    if (code == 11) l.set(n, e);
    else l.insert(n, e);
    return true;
  }
  return false;
}

std::string Collection::encode() const {
  OpWriter w(type());
  w.clear();
  switch (type()) {
    case ValueType::hash:
      for (const auto& [f, v] : hash()) w.hset(f, v);
      break;
    case ValueType::set:
      for (std::string_view m : set()) w.sadd(m);
      break;
    case ValueType::zset:
      for (const ZSet::Entry e : zset()) w.zadd(e.member, e.score);
      break;
    case ValueType::stream:
      encode_stream(stream(), w);
      break;
    default:
      for (std::string_view e : list()) w.rpush(e);
      break;
  }
  return std::move(w).take();
}

void OpWriter::zadd(std::string_view m, double score) {
  op(5);
  str(m);
  const auto bits = std::bit_cast<std::uint64_t>(score);
  for (int i = 0; i < 8; ++i) out_.push_back(static_cast<char>(bits >> (8 * i)));
}

void OpWriter::num(std::uint64_t v) { persistence::put_varint(out_, v); }

void OpWriter::str(std::string_view s) {
  persistence::put_varint(out_, s.size());
  out_.append(s);
}

}  // namespace mnemo::server
