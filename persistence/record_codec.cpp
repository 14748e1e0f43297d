#include "persistence/record_codec.h"

#include <isa-l/crc.h>

#include <cereal/archives/portable_binary.hpp>
#include <cereal/cereal.hpp>
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <streambuf>

#include "persistence/change_encoder.h"
#include "persistence/record_v2.h"
#include "persistence/string_sink.h"

namespace mnemo::persistence {

using protocol::Error;
using protocol::Result;
using protocol::Status;

// An input stream buffer over bytes we do not own (no copy), which also says
// how many bytes are left so lengths can be checked before allocating. Not in
// the anonymous namespace: ChangeBatchIn and EntryChunkIn below hold one and
// must be outside it for CEREAL_CLASS_VERSION.
class ViewBuf : public std::streambuf {
 public:
  explicit ViewBuf(std::string_view bytes) {
    char* p = const_cast<char*>(bytes.data());  // the get area is only read
    setg(p, p, p + bytes.size());
  }
  std::size_t remaining() const { return static_cast<std::size_t>(egptr() - gptr()); }

 protected:
  // What cereal reads every integer through: one bounds check and a memcpy,
  // instead of std::streambuf's general loop.
  std::streamsize xsgetn(char* s, std::streamsize n) override {
    const std::size_t k = std::min(static_cast<std::size_t>(n), remaining());
    if (k == 0) return 0;
    std::memcpy(s, gptr(), k);
    setg(eback(), gptr() + k, egptr());
    return static_cast<std::streamsize>(k);
  }

 public:
  // The next n bytes as a view (n <= remaining()), and moves past them.
  std::string_view take(std::size_t n) {
    const std::string_view v(gptr(), n);
    setg(eback(), gptr() + n, egptr());  // not gbump: its int argument could overflow
    return v;
  }
};

namespace {

struct DecodeError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

template <class Archive>
void save_bytes(Archive& ar, const std::string& s) {
  ar(cereal::make_size_tag(static_cast<cereal::size_type>(s.size())));
  if (!s.empty()) ar(cereal::binary_data(s.data(), s.size()));
}

// A length-prefixed byte string, as a view into the payload (no copy).
template <class Archive>
std::string_view load_view(Archive& ar, ViewBuf& buf, const char* what) {
  cereal::size_type n = 0;
  ar(cereal::make_size_tag(n));
  if (n > buf.remaining()) {
    throw DecodeError(std::string("truncated: ") + what + " length " + std::to_string(n) +
                      " exceeds the " + std::to_string(buf.remaining()) + " bytes left");
  }
  return buf.take(static_cast<std::size_t>(n));
}

template <class Archive>
std::size_t load_count(Archive& ar, const ViewBuf& buf, std::size_t min_item_bytes) {
  cereal::size_type n = 0;
  ar(cereal::make_size_tag(n));
  if (n > buf.remaining() / min_item_bytes) {
    throw DecodeError("truncated: count " + std::to_string(n) + " cannot fit in the " +
                      std::to_string(buf.remaining()) + " bytes left");
  }
  return static_cast<std::size_t>(n);
}

constexpr std::uint32_t kCerealVersion = 1;  // the one record version cereal wrote

void check_version(std::uint32_t version) {
  if (version != kCerealVersion) {
    throw DecodeError("record version " + std::to_string(version) + " inside a version-1 record");
  }
}

}  // namespace

// The record types cereal sees. Separate output and input types let the
// encoder take a span without copying and the decoder see the buffer bounds.
struct ChangeBatchIn {
  std::vector<ChangeRef>* out;
  ViewBuf* buf;
  template <class Archive>
  void load(Archive& ar, std::uint32_t const version) {
    check_version(version);
    const std::size_t n = load_count(ar, *buf, 8 + 1 + 8 + 8 + 8);
    out->resize(n);
    for (ChangeRef& c : *out) {
      std::uint8_t kind = 0;
      ar(c.seq, kind);
      if (kind != static_cast<std::uint8_t>(ChangeKind::put) &&
          kind != static_cast<std::uint8_t>(ChangeKind::del)) {
        throw DecodeError("unknown change kind " + std::to_string(kind));
      }
      c.kind = static_cast<ChangeKind>(kind);
      c.key = load_view(ar, *buf, "key");
      c.value = load_view(ar, *buf, "value");
      ar(c.expire_at_ms);
      c.db = kDefaultDb;
    }
  }
};

struct EntryChunkIn {
  std::vector<SnapshotEntryRef>* out;
  ViewBuf* buf;
  template <class Archive>
  void load(Archive& ar, std::uint32_t const version) {
    check_version(version);
    const std::size_t n = load_count(ar, *buf, 8 + 8 + 8 + 8);
    out->resize(n);
    for (SnapshotEntryRef& e : *out) {
      e.key = load_view(ar, *buf, "key");
      e.value = load_view(ar, *buf, "value");
      ar(e.version, e.expire_at_ms);
      e.db = kDefaultDb;
    }
  }
};

}  // namespace mnemo::persistence

CEREAL_CLASS_VERSION(mnemo::persistence::ChangeBatchIn, 1)
CEREAL_CLASS_VERSION(mnemo::persistence::EntryChunkIn, 1)

namespace mnemo::persistence {

namespace {

std::string hex32(std::uint32_t v) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%08x", v);
  return text;
}

// Version 1: cereal over a copy of the payload in `storage`.
template <class RecordIn, class Item>
Outcome decode_v1(std::string_view payload, std::vector<Item>& out, std::string& storage) {
  v2::keep_on_heap(storage);
  storage.assign(payload);
  ViewBuf buf(storage);
  try {
    std::istream is(&buf);
    cereal::PortableBinaryInputArchive ar(is);
    RecordIn record{&out, &buf};
    ar(record);
  } catch (const DecodeError& e) {
    return Error{Status::internal, e.what()};
  } catch (const std::exception& e) {
    // cereal reports reading past the end as "Failed to read N bytes".
    return Error{Status::internal, std::string("truncated or malformed record: ") + e.what()};
  }
  if (buf.remaining() != 0) {
    return Error{Status::internal,
                 std::to_string(buf.remaining()) + " unexpected bytes after the record"};
  }
  return success();
}

// The record version in the five bytes both versions start with (0 = none).
std::uint32_t record_version(std::string_view payload) {
  if (payload.size() < 5 || payload[0] != 1) return 0;
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(static_cast<std::uint8_t>(payload[1 + i])) << (8 * i);
  return v;
}

template <class RecordIn, class Item, class DecodeV2>
Outcome decode_views(std::string_view payload, std::uint32_t crc32, std::vector<Item>& out,
                     std::string& storage, DecodeV2 decode_v2) {
  out.clear();
  const std::uint32_t actual = payload_crc32(payload);
  if (actual != crc32) {
    return Error{Status::internal, "crc32 mismatch: stored " + hex32(crc32) + ", payload has " +
                                       hex32(actual) + " (" + std::to_string(payload.size()) +
                                       " bytes)"};
  }
  const std::uint32_t version = record_version(payload);
  Outcome r = success();
  if (version == 1) {
    r = decode_v1<RecordIn>(payload, out, storage);
  } else if (version >= 2 && version <= kRecordVersion) {
    r = decode_v2(payload, out, storage, version);
  } else {
    r = Error{Status::internal, "record version " + std::to_string(version) +
                                    " is not one this build reads (1 to " +
                                    std::to_string(kRecordVersion) + ")"};
  }
  if (!r.ok()) out.clear();
  return r;
}

}  // namespace

std::uint32_t payload_crc32(std::string_view payload) {
  // ISA-L's gzip CRC-32 is zlib's crc32 (same polynomial, reflected, same
  // initial and final xor), computed with carry-less multiplication.
  const auto* data = reinterpret_cast<const unsigned char*>(payload.data());
  return crc32_gzip_refl(0, data, payload.size());
}

// The journal writes batches with ChangeBatchEncoder, one unit per append; a
// batch of changes with seqs of their own is one unit per change.
std::string encode_changes(std::span<const Change> changes) {
  std::size_t hint = 64;
  for (const Change& c : changes) hint += 10 + ChangeBatchEncoder::encoded_size(c);
  std::string buffer;
  buffer.reserve(hint);
  ChangeBatchEncoder enc;
  enc.begin(std::move(buffer));
  for (const Change& c : changes) {
    const ChangeRef ref(c);
    enc.add(c.seq, {&ref, 1});
  }
  return enc.finish();
}

std::string encode_entries(std::span<const SnapshotEntry> entries) {
  std::size_t size = v2::kHeaderBytes;
  for (const SnapshotEntry& e : entries) size += e.key.size() + e.value.size() + 4 * 10;
  std::string out;
  out.reserve(size);
  out.resize(v2::kHeaderBytes);
  bool has_collections = false;
  bool has_slices = false;
  bool has_stream_slices = false;
  for (const SnapshotEntry& e : entries) {
    has_collections = has_collections || e.type != 0;
    has_slices = has_slices || e.continued;
    has_stream_slices = has_stream_slices || (e.continued && e.type == 6);
  }
  const std::uint32_t version = has_stream_slices ? 5 : has_slices ? 4 : has_collections ? 3 : 2;
  v2::write_header(out.data(), Codec::none, static_cast<std::uint32_t>(entries.size()), version);
  for (const SnapshotEntry& e : entries) v2::append_entry(out, e, version);
  return out;
}

std::string compress_record(std::string payload, Codec codec) {
  return v2::compress(std::move(payload), codec);
}

Outcome decode_change_views(std::string_view payload, std::uint32_t crc32,
                            std::vector<ChangeRef>& out, std::string& storage) {
  return decode_views<ChangeBatchIn>(payload, crc32, out, storage, v2::decode_changes);
}

Outcome decode_entry_views(std::string_view payload, std::uint32_t crc32,
                           std::vector<SnapshotEntryRef>& out, std::string& storage) {
  return decode_views<EntryChunkIn>(payload, crc32, out, storage, v2::decode_entries);
}

Result<std::vector<Change>> decode_changes(std::string_view payload, std::uint32_t crc32) {
  std::vector<ChangeRef> views;
  std::string storage;
  if (Outcome r = decode_change_views(payload, crc32, views, storage); !r.ok()) return r.error();
  std::vector<Change> out;
  out.reserve(views.size());
  for (const ChangeRef& c : views) {
    out.push_back(
        Change{c.seq, c.kind, std::string(c.key), std::string(c.value), c.expire_at_ms, c.db});
  }
  return out;
}

Result<std::vector<SnapshotEntry>> decode_entries(std::string_view payload, std::uint32_t crc32) {
  std::vector<SnapshotEntryRef> views;
  std::string storage;
  if (Outcome r = decode_entry_views(payload, crc32, views, storage); !r.ok()) return r.error();
  std::vector<SnapshotEntry> out;
  out.reserve(views.size());
  for (const SnapshotEntryRef& e : views) {
    out.push_back(SnapshotEntry{std::string(e.key), std::string(e.value), e.version,
                                e.expire_at_ms, e.db, e.type, e.continued});
  }
  return out;
}

}  // namespace mnemo::persistence
