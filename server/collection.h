// The value of a key that is not a string: a hash, a set, a sorted set or a
// list (Redis's types and semantics), and the element operations that change
// one. An operation list is what the journal records for a write to a
// collection (ChangeKind::elements: one field of a hash, the pushed elements
// of a list, a member and its score), and the same bytes are what the live
// write applies after journaling them, so a recovered collection is built by
// exactly the code that built the original.
//
// Operation list encoding (the value of an `elements` change; varint = LEB128):
//   u8 value type (1 list, 2 set, 3 zset, 4 hash: Redis's numbering)
//   then ops until the end, each a u8 code and its arguments ("str" = varint
//   length + bytes, "f64" = the double's 8 bytes, little-endian IEEE 754):
//     0 clear                     the key now holds an empty value of the type
//     1 hset  str field, str value      2 hdel  str field
//     3 sadd  str member                4 srem  str member
//     5 zadd  str member, f64 score     6 zrem  str member
//     7 lpush str  8 rpush str          9 lpop varint n   10 rpop varint n
//     11 lset varint index, str         12 linsert varint index, str (before index)
//     13 ldel varint index              14 ltrim varint start, varint count (keep)
//     20..30 the stream operations (stream.h)
// A key whose value is empty after an operation list no longer exists, except
// a stream (Redis keeps an empty stream, its groups and its last id).
//
// Threads: no synchronisation; a Collection belongs to its entry (entry.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "server/hash_value.h"
#include "server/list_value.h"
#include "server/set_value.h"
#include "server/stream.h"
#include "server/zset_value.h"

namespace mnemo::server {

// Redis's object type numbers; 0 is a string (no Collection).
enum class ValueType : std::uint8_t { string = 0, list = 1, set = 2, zset = 3, hash = 4, stream = 6 };

// TYPE's answer for a value type ("string", "list", "set", "zset", "hash", "stream").
std::string_view type_name(ValueType t);

// A value held on the heap but copied deeply: the variant below is as big
// as its biggest member, and every key's Collection pays for it, so the
// type a key rarely holds (a stream) stays one pointer there.
template <typename T>
class Boxed {
 public:
  Boxed() : p_(std::make_unique<Held>()) {}
  Boxed(const Boxed& o) : p_(std::make_unique<Held>(*o.p_)) {}
  Boxed(Boxed&&) noexcept = default;
  Boxed& operator=(Boxed o) noexcept {
    p_.swap(o.p_);
    return *this;
  }
  T& get() const { return p_->value; }
  // The value's estimated heap bytes, kept beside it (not in every Collection).
  std::size_t& bytes() const { return p_->bytes; }

 private:
  struct Held {
    T value;
    std::size_t bytes = 0;
  };
  std::unique_ptr<Held> p_;
};

class Collection {
 public:
  explicit Collection(ValueType t);
  ValueType type() const {
    return value_.index() == 4 ? ValueType::stream : static_cast<ValueType>(value_.index() + 1);
  }
  std::size_t size() const;
  // Whether the key holding this value no longer exists (empty, not a stream).
  bool vanishes() const { return size() == 0 && type() != ValueType::stream; }
  // Estimated heap bytes (elements and container overhead), for MEMORY USAGE and --max-memory.
  std::size_t bytes() const;

  const List& list() const { return std::get<List>(value_); }
  const Set& set() const { return std::get<Set>(value_); }
  const ZSet& zset() const { return std::get<ZSet>(value_); }
  const Hash& hash() const { return std::get<Hash>(value_); }
  const Stream& stream() const { return std::get<Boxed<Stream>>(value_).get(); }

  // Applies an operation list (the header's encoding, type byte included).
  // False when the bytes are malformed or of another type (nothing is
  // promised about what was applied then).
  bool apply(std::string_view ops) { return apply_ops(ops, false); }
  // The same for recovery, which replays the journal over a snapshot copied
  // in slices (collection_slice.h): there a stream's xadd of an id it holds
  // only counts the entry (stream.h, apply_stream_op). Live writes never
  // replay: their xadd of a held id stays malformed.
  bool replay(std::string_view ops) { return apply_ops(ops, true); }
  // The operation list that rebuilds this value from nothing (clear + adds).
  std::string encode() const;
  std::unique_ptr<Collection> clone() const { return std::make_unique<Collection>(*this); }

 private:
  bool apply_ops(std::string_view ops, bool replay);
  bool apply_one(std::uint8_t code, class OpReader& r, bool replay);
  bool apply_list(std::uint8_t code, OpReader& r);
  // Every alternative is at most two words, so a Collection is three: one
  // malloc chunk of 32 bytes per key that holds a collection.
  std::variant<List, Set, ZSet, Hash, Boxed<Stream>> value_;
};
static_assert(sizeof(Collection) <= 24, "a key's Collection is part of the memory budget");

// Builds an operation list (see the header comment).
class OpWriter {
 public:
  explicit OpWriter(ValueType t) { out_.push_back(static_cast<char>(t)); }
  ValueType type() const { return static_cast<ValueType>(out_[0]); }
  bool empty() const { return out_.size() == 1; }
  const std::string& bytes() const { return out_; }
  // The operation list, moved out (the writer is spent).
  std::string take() && { return std::move(out_); }
  std::size_t count() const { return count_; }
  // Whether an operation may add memory (--max-memory is checked then).
  bool grows() const { return grows_; }

  void clear() { op(0); }
  void hset(std::string_view f, std::string_view v) { op(1); str(f); str(v); }
  void hdel(std::string_view f) { op(2); str(f); }
  void sadd(std::string_view m) { op(3); str(m); }
  void srem(std::string_view m) { op(4); str(m); }
  void zadd(std::string_view m, double score);
  void zrem(std::string_view m) { op(6); str(m); }
  void lpush(std::string_view e) { op(7); str(e); }
  void rpush(std::string_view e) { op(8); str(e); }
  void lpop(std::uint64_t n) { op(9); num(n); }
  void rpop(std::uint64_t n) { op(10); num(n); }
  void lset(std::uint64_t i, std::string_view e) { op(11); num(i); str(e); }
  void linsert(std::uint64_t i, std::string_view e) { op(12); num(i); str(e); }
  void ldel(std::uint64_t i) { op(13); num(i); }
  void ltrim(std::uint64_t start, std::uint64_t count) { op(14); num(start); num(count); }

  // The raw pieces, for the stream operations' builders (stream.h).
  void op(std::uint8_t code) {
    out_.push_back(static_cast<char>(code));
    ++count_;
    if (code == 1 || code == 3 || code == 5 || code == 7 || code == 8 || code == 11 || code == 12 || code == 20) {
      grows_ = true;
    }
  }
  void num(std::uint64_t v);
  void str(std::string_view s);

 private:
  std::string out_;
  std::size_t count_ = 0;
  bool grows_ = false;
};

}  // namespace mnemo::server
