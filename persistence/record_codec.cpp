#include "persistence/record_codec.h"

#include <zlib.h>

#include <cereal/archives/portable_binary.hpp>
#include <cereal/cereal.hpp>
#include <cstdio>
#include <stdexcept>
#include <streambuf>

namespace mnemo::persistence {

using protocol::Error;
using protocol::Result;
using protocol::Status;

namespace {

// An input stream buffer over bytes we do not own (no copy), which also says
// how many bytes are left so lengths can be checked before allocating.
class ViewBuf : public std::streambuf {
 public:
  explicit ViewBuf(std::string_view bytes) {
    char* p = const_cast<char*>(bytes.data());  // the get area is only read
    setg(p, p, p + bytes.size());
  }
  std::size_t remaining() const { return static_cast<std::size_t>(egptr() - gptr()); }
};

// An output stream buffer appending to a std::string.
class StringBuf : public std::streambuf {
 public:
  std::string& str() { return out_; }

 protected:
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    out_.append(s, static_cast<std::size_t>(n));
    return n;
  }
  int_type overflow(int_type ch) override {
    if (!traits_type::eq_int_type(ch, traits_type::eof())) out_ += traits_type::to_char_type(ch);
    return ch;
  }

 private:
  std::string out_;
};

struct DecodeError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

template <class Archive>
void save_bytes(Archive& ar, const std::string& s) {
  ar(cereal::make_size_tag(static_cast<cereal::size_type>(s.size())));
  if (!s.empty()) ar(cereal::binary_data(s.data(), s.size()));
}

template <class Archive>
void load_bytes(Archive& ar, const ViewBuf& buf, std::string& s, const char* what) {
  cereal::size_type n = 0;
  ar(cereal::make_size_tag(n));
  if (n > buf.remaining()) {
    throw DecodeError(std::string("truncated: ") + what + " length " + std::to_string(n) +
                      " exceeds the " + std::to_string(buf.remaining()) + " bytes left");
  }
  s.resize(static_cast<std::size_t>(n));
  if (n) ar(cereal::binary_data(s.data(), static_cast<std::size_t>(n)));
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

void check_version(std::uint32_t version) {
  if (version != kRecordVersion) {
    throw DecodeError("record version " + std::to_string(version) +
                      " is not one this build reads (" + std::to_string(kRecordVersion) + ")");
  }
}

}  // namespace

// The record types cereal sees. Separate output and input types let the
// encoder take a span without copying and the decoder see the buffer bounds.
struct ChangeBatchOut {
  std::span<const Change> changes;
  template <class Archive>
  void save(Archive& ar, std::uint32_t const /*version*/) const {
    ar(cereal::make_size_tag(static_cast<cereal::size_type>(changes.size())));
    for (const Change& c : changes) {
      ar(c.seq, static_cast<std::uint8_t>(c.kind));
      save_bytes(ar, c.key);
      save_bytes(ar, c.value);
      ar(c.expire_at_ms);
    }
  }
};

struct ChangeBatchIn {
  std::vector<Change>* out;
  const ViewBuf* buf;
  template <class Archive>
  void load(Archive& ar, std::uint32_t const version) {
    check_version(version);
    const std::size_t n = load_count(ar, *buf, 8 + 1 + 8 + 8 + 8);
    out->resize(n);
    for (Change& c : *out) {
      std::uint8_t kind = 0;
      ar(c.seq, kind);
      if (kind != static_cast<std::uint8_t>(ChangeKind::put) &&
          kind != static_cast<std::uint8_t>(ChangeKind::del)) {
        throw DecodeError("unknown change kind " + std::to_string(kind));
      }
      c.kind = static_cast<ChangeKind>(kind);
      load_bytes(ar, *buf, c.key, "key");
      load_bytes(ar, *buf, c.value, "value");
      ar(c.expire_at_ms);
    }
  }
};

struct EntryChunkOut {
  std::span<const SnapshotEntry> entries;
  template <class Archive>
  void save(Archive& ar, std::uint32_t const /*version*/) const {
    ar(cereal::make_size_tag(static_cast<cereal::size_type>(entries.size())));
    for (const SnapshotEntry& e : entries) {
      save_bytes(ar, e.key);
      save_bytes(ar, e.value);
      ar(e.version, e.expire_at_ms);
    }
  }
};

struct EntryChunkIn {
  std::vector<SnapshotEntry>* out;
  const ViewBuf* buf;
  template <class Archive>
  void load(Archive& ar, std::uint32_t const version) {
    check_version(version);
    const std::size_t n = load_count(ar, *buf, 8 + 8 + 8 + 8);
    out->resize(n);
    for (SnapshotEntry& e : *out) {
      load_bytes(ar, *buf, e.key, "key");
      load_bytes(ar, *buf, e.value, "value");
      ar(e.version, e.expire_at_ms);
    }
  }
};

}  // namespace mnemo::persistence

CEREAL_CLASS_VERSION(mnemo::persistence::ChangeBatchOut, mnemo::persistence::kRecordVersion)
CEREAL_CLASS_VERSION(mnemo::persistence::ChangeBatchIn, mnemo::persistence::kRecordVersion)
CEREAL_CLASS_VERSION(mnemo::persistence::EntryChunkOut, mnemo::persistence::kRecordVersion)
CEREAL_CLASS_VERSION(mnemo::persistence::EntryChunkIn, mnemo::persistence::kRecordVersion)

namespace mnemo::persistence {

namespace {

template <class Record>
std::string encode(const Record& record, std::size_t size_hint) {
  StringBuf buf;
  buf.str().reserve(size_hint);  // one allocation instead of a doubling series per batch
  {
    std::ostream os(&buf);
    cereal::PortableBinaryOutputArchive ar(os);
    ar(record);
  }
  return std::move(buf.str());
}

std::string hex32(std::uint32_t v) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%08x", v);
  return text;
}

template <class Item, class RecordIn>
Result<std::vector<Item>> decode(std::string_view payload, std::uint32_t crc32) {
  const std::uint32_t actual = payload_crc32(payload);
  if (actual != crc32) {
    return Error{Status::internal, "crc32 mismatch: stored " + hex32(crc32) + ", payload has " +
                                       hex32(actual) + " (" + std::to_string(payload.size()) +
                                       " bytes)"};
  }
  std::vector<Item> items;
  ViewBuf buf(payload);
  try {
    std::istream is(&buf);
    cereal::PortableBinaryInputArchive ar(is);
    RecordIn record{&items, &buf};
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
  return items;
}

}  // namespace

std::uint32_t payload_crc32(std::string_view payload) {
  const auto* data = reinterpret_cast<const Bytef*>(payload.data());
  return static_cast<std::uint32_t>(crc32_z(crc32_z(0L, Z_NULL, 0), data, payload.size()));
}

std::string encode_changes(std::span<const Change> changes) {
  std::size_t hint = 64;
  for (const Change& c : changes) hint += c.key.size() + c.value.size() + 8 + 1 + 8 + 8 + 8;
  return encode(ChangeBatchOut{changes}, hint);
}

Result<std::vector<Change>> decode_changes(std::string_view payload, std::uint32_t crc32) {
  return decode<Change, ChangeBatchIn>(payload, crc32);
}

std::string encode_entries(std::span<const SnapshotEntry> entries) {
  std::size_t hint = 64;
  for (const SnapshotEntry& e : entries) hint += e.key.size() + e.value.size() + 8 + 8 + 8 + 8;
  return encode(EntryChunkOut{entries}, hint);
}

Result<std::vector<SnapshotEntry>> decode_entries(std::string_view payload, std::uint32_t crc32) {
  return decode<SnapshotEntry, EntryChunkIn>(payload, crc32);
}

}  // namespace mnemo::persistence
