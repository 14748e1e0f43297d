#include "persistence/record_v2.h"

#include <cstring>
#include <limits>

#include "persistence/record_codec.h"
#include "persistence/varint.h"

namespace mnemo::persistence::v2 {

using protocol::Error;
using protocol::Status;

namespace {

// The fewest bytes one item can take: every field at least one byte.
constexpr std::size_t kMinChangeBytes = 6;  // seq, kind, db, key len, value len, expiry
constexpr std::size_t kMinEntryBytes = 5;   // db, key len, value len, version, expiry
// Version 4: the type byte's bit marking a continuation slice.
constexpr std::uint8_t kContinuedBit = 0x80;

struct Header {
  Codec codec = Codec::none;
  std::uint32_t count = 0;
};

// Reads the header and leaves the body, decompressed, in `storage`.
Outcome open_body(std::string_view payload, Header& h, std::string& storage) {
  ByteReader r(payload);
  r.byte("header");
  r.u32le("header");
  const std::uint8_t codec = r.byte("header");
  h.count = r.u32le("header");
  if (r.failed()) return Error{Status::internal, r.error()};
  if (codec > static_cast<std::uint8_t>(Codec::lz4)) {
    return Error{Status::internal, "unknown codec " + std::to_string(codec)};
  }
  h.codec = static_cast<Codec>(codec);
  keep_on_heap(storage);
  if (h.codec == Codec::none) {
    storage.assign(r.rest());
    return success();
  }
  const std::uint64_t raw_size = r.varint("compressed body size");
  if (r.failed()) return Error{Status::internal, r.error()};
  return decompress_body(h.codec, r.rest(), static_cast<std::size_t>(raw_size), storage);
}

Outcome finish(const ByteReader& r) {
  if (r.failed()) return Error{Status::internal, r.error()};
  if (r.remaining() != 0) {
    return Error{Status::internal,
                 std::to_string(r.remaining()) + " unexpected bytes after the record"};
  }
  return success();
}

Outcome check_count(std::uint32_t count, std::size_t bytes, std::size_t min_item_bytes) {
  if (count > bytes / min_item_bytes) {
    return Error{Status::internal, "truncated: count " + std::to_string(count) +
                                       " cannot fit in the " + std::to_string(bytes) +
                                       " bytes left"};
  }
  return success();
}

std::uint32_t read_db(ByteReader& r) {
  const std::uint64_t db = r.varint("db");
  if (db > std::numeric_limits<std::uint32_t>::max()) return static_cast<std::uint32_t>(r.fail("db", "out of range"));
  return static_cast<std::uint32_t>(db);
}

}  // namespace

void keep_on_heap(std::string& storage) {
  constexpr std::size_t kPastInline = 64;  // more than any std::string keeps inline
  if (storage.capacity() < kPastInline) storage.reserve(kPastInline);
}

void write_header(char* at, Codec codec, std::uint32_t count, std::uint32_t version) {
  at[0] = 1;
  for (int i = 0; i < 4; ++i) at[1 + i] = static_cast<char>(version >> (8 * i));
  at[5] = static_cast<char>(codec);
  for (int i = 0; i < 4; ++i) at[6 + i] = static_cast<char>(count >> (8 * i));
}

std::size_t change_unit_size(const ChangeRef& c) {
  return 1 + varint_size(c.db) + varint_size(c.key.size()) + c.key.size() +
         varint_size(c.value.size()) + c.value.size() + varint_size(zigzag(c.expire_at_ms));
}

void append_change_unit(std::string& out, const ChangeRef& c) {
  out.push_back(static_cast<char>(c.kind));
  put_varint(out, c.db);
  put_varint(out, c.key.size());
  out.append(c.key);
  put_varint(out, c.value.size());
  out.append(c.value);
  put_varint(out, zigzag(c.expire_at_ms));
}

void append_entry(std::string& out, const SnapshotEntry& e, std::uint32_t version) {
  if (version >= 3) out.push_back(static_cast<char>(e.type | (e.continued ? kContinuedBit : 0)));
  put_varint(out, e.db);
  put_varint(out, e.key.size());
  out.append(e.key);
  put_varint(out, e.value.size());
  out.append(e.value);
  put_varint(out, e.version);
  put_varint(out, zigzag(e.expire_at_ms));
}

Outcome decode_changes(std::string_view payload, std::vector<ChangeRef>& out,
                       std::string& storage, std::uint32_t version) {
  const std::uint8_t max_kind = version >= 3 ? 4 : 3;
  Header h;
  if (Outcome o = open_body(payload, h, storage); !o.ok()) return o;
  if (Outcome o = check_count(h.count, storage.size(), kMinChangeBytes); !o.ok()) return o;
  out.resize(h.count);
  ByteReader r(storage);
  std::uint64_t seq = 0;
  for (ChangeRef& c : out) {
    seq += static_cast<std::uint64_t>(unzigzag(r.varint("seq")));
    c.seq = seq;
    const std::uint8_t kind = r.byte("kind");
    if (!r.failed() && (kind < 1 || kind > max_kind)) {
      return Error{Status::internal, "unknown change kind " + std::to_string(kind)};
    }
    c.kind = static_cast<ChangeKind>(kind);
    c.db = read_db(r);
    c.key = r.bytes("key");
    c.value = r.bytes("value");
    c.expire_at_ms = unzigzag(r.varint("expiry"));
    if (c.kind == ChangeKind::flush_db && (!c.key.empty() || !c.value.empty())) {
      return Error{Status::internal, "flush_db change with a key or value"};
    }
  }
  return finish(r);
}

Outcome decode_entries(std::string_view payload, std::vector<SnapshotEntryRef>& out,
                       std::string& storage, std::uint32_t version) {
  Header h;
  if (Outcome o = open_body(payload, h, storage); !o.ok()) return o;
  if (Outcome o = check_count(h.count, storage.size(), kMinEntryBytes); !o.ok()) return o;
  out.resize(h.count);
  ByteReader r(storage);
  for (SnapshotEntryRef& e : out) {
    if (version >= 3) {
      e.type = r.byte("type");
      e.continued = version >= 4 && (e.type & kContinuedBit) != 0;
      if (e.continued) e.type = static_cast<std::uint8_t>(e.type & ~kContinuedBit);
      // 5 is Redis's module type, which mnemo has not; 6 a stream.
      if (!r.failed() && (e.type > 6 || e.type == 5)) return Error{Status::internal, "unknown value type " + std::to_string(e.type)};
      // Sets, sorted sets and hashes are sliced (their operations are
      // absolute), and from version 5 streams (their replay skips held ids).
      if (e.continued && (e.type < 2 || e.type > 4) && !(version >= 5 && e.type == 6)) {
        return Error{Status::internal, "continuation slice of value type " + std::to_string(e.type)};
      }
    }
    e.db = read_db(r);
    e.key = r.bytes("key");
    e.value = r.bytes("value");
    e.version = r.varint("version");
    e.expire_at_ms = unzigzag(r.varint("expiry"));
  }
  return finish(r);
}

std::string compress(std::string payload, Codec codec) {
  if (codec == Codec::none || payload.size() <= kHeaderBytes) return payload;
  const std::string_view body = std::string_view(payload).substr(kHeaderBytes);
  std::string out;
  out.reserve(kHeaderBytes + 10 + body.size() / 2);
  out.append(payload, 0, kHeaderBytes);
  put_varint(out, body.size());
  if (!compress_body(codec, body, out) || out.size() >= payload.size()) return payload;
  out[5] = static_cast<char>(codec);
  return out;
}

}  // namespace mnemo::persistence::v2
