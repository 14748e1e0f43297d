#include "persistence/record_codec.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using mnemo::persistence::Change;
using mnemo::persistence::ChangeKind;
using mnemo::persistence::decode_changes;
using mnemo::persistence::decode_entries;
using mnemo::persistence::encode_changes;
using mnemo::persistence::encode_entries;
using mnemo::persistence::payload_crc32;
using mnemo::persistence::SnapshotEntry;

namespace {

std::vector<Change> sample_changes() {
  return {
      {7, ChangeKind::put, "user:1", "alice", 1700000000000},
      {7, ChangeKind::put, std::string("bin\0key", 7), std::string("\0\xff\x01", 3), 0},
      {8, ChangeKind::del, "gone", "", 0},
      {9, ChangeKind::put, "big", std::string(100000, 'x'), -5},
      {10, ChangeKind::put, "", "", 0},
  };
}

std::string to_hex(const std::string& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

std::string from_hex(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  }
  return out;
}

}  // namespace

TEST_CASE("record codec round-trips a batch of changes", "[persistence]") {
  const std::vector<Change> in = sample_changes();
  const std::string payload = encode_changes(in);
  auto out = decode_changes(payload, payload_crc32(payload));
  REQUIRE(out.ok());
  CHECK(*out == in);
}

TEST_CASE("record codec round-trips an empty batch", "[persistence]") {
  const std::string payload = encode_changes({});
  auto out = decode_changes(payload, payload_crc32(payload));
  REQUIRE(out.ok());
  CHECK(out->empty());
}

TEST_CASE("record codec round-trips snapshot entries", "[persistence]") {
  const std::vector<SnapshotEntry> in = {
      {"a", "1", 3, 0}, {std::string("\0", 1), std::string(70000, 'v'), 99, 1234}, {"e", "", 1, -1}};
  const std::string payload = encode_entries(in);
  auto out = decode_entries(payload, payload_crc32(payload));
  REQUIRE(out.ok());
  CHECK(*out == in);
}

TEST_CASE("record codec reports a CRC mismatch", "[persistence]") {
  std::string payload = encode_changes(sample_changes());
  const std::uint32_t crc = payload_crc32(payload);
  payload[payload.size() / 2] ^= 0x01;
  auto out = decode_changes(payload, crc);
  REQUIRE_FALSE(out.ok());
  CHECK(out.error().status == mnemo::protocol::Status::internal);
  CHECK_THAT(out.error().message, Catch::Contains("crc32 mismatch"));
}

TEST_CASE("record codec rejects every truncation of a payload without crashing", "[persistence]") {
  const std::vector<Change> in = {{1, ChangeKind::put, "key", "value", 0},
                                  {2, ChangeKind::del, "other", "", 0}};
  const std::string payload = encode_changes(in);
  for (std::size_t n = 0; n < payload.size(); ++n) {
    const std::string cut = payload.substr(0, n);
    auto out = decode_changes(cut, payload_crc32(cut));  // CRC matches: the decoder must notice
    INFO("truncated to " << n << " of " << payload.size() << " bytes");
    REQUIRE_FALSE(out.ok());
  }
  const std::string cut = payload.substr(0, payload.size() - 3);
  CHECK_THAT(decode_changes(cut, payload_crc32(cut)).error().message, Catch::Contains("truncated"));
}

TEST_CASE("record codec rejects lengths larger than the payload", "[persistence]") {
  // endianness byte, version 1, then a count of 2^60 changes in 8 bytes.
  const std::string payload = from_hex("01" "01000000" "0000000000000010");
  auto out = decode_changes(payload, payload_crc32(payload));
  REQUIRE_FALSE(out.ok());
  CHECK_THAT(out.error().message, Catch::Contains("truncated"));
}

TEST_CASE("record codec rejects trailing bytes and unknown kinds", "[persistence]") {
  const std::vector<Change> in = {{1, ChangeKind::put, "k", "v", 0}};
  std::string payload = encode_changes(in) + "x";
  auto trailing = decode_changes(payload, payload_crc32(payload));
  REQUIRE_FALSE(trailing.ok());
  CHECK_THAT(trailing.error().message, Catch::Contains("unexpected bytes"));

  std::string bad_kind = encode_changes(in);
  bad_kind[1 + 4 + 8 + 8] = 7;  // the kind byte of the first change
  auto kind = decode_changes(bad_kind, payload_crc32(bad_kind));
  REQUIRE_FALSE(kind.ok());
  CHECK_THAT(kind.error().message, Catch::Contains("unknown change kind 7"));
}

TEST_CASE("record codec rejects a record version it does not know", "[persistence]") {
  std::string payload = encode_changes(sample_changes());
  payload[1] = 2;  // class version, little-endian u32 after the endianness byte
  auto out = decode_changes(payload, payload_crc32(payload));
  REQUIRE_FALSE(out.ok());
  CHECK_THAT(out.error().message, Catch::Contains("record version 2"));
}

// The on-disk format is a promise: these bytes were written by format 1 and
// must decode the same forever. If this fails, bump kRecordVersion and keep a
// decoder for version 1 instead of changing these bytes.
TEST_CASE("record codec golden bytes of version 1", "[persistence]") {
  const std::vector<Change> changes = {{7, ChangeKind::put, "k", "v", 1700000000000},
                                       {8, ChangeKind::del, "x", "", 0}};
  // endianness 01 | version 01000000 | count 2 | seq 7, kind 01, "k", "v", expiry | seq 8, del, "x", "", 0
  const std::string golden_changes =
      "01" "01000000" "0200000000000000"
      "0700000000000000" "01" "0100000000000000" "6b" "0100000000000000" "76" "0068e5cf8b010000"
      "0800000000000000" "02" "0100000000000000" "78" "0000000000000000" "0000000000000000";
  CHECK(to_hex(encode_changes(changes)) == golden_changes);
  auto decoded = decode_changes(from_hex(golden_changes), payload_crc32(from_hex(golden_changes)));
  REQUIRE(decoded.ok());
  CHECK(*decoded == changes);
  CHECK(payload_crc32(from_hex(golden_changes)) == 0xf82f3859u);

  const std::vector<SnapshotEntry> entries = {{"k", "v", 7, 0}};
  // endianness | version | count 1 | "k" | "v" | version 7 | expiry 0
  const std::string golden_entries =
      "01" "01000000" "0100000000000000" "0100000000000000" "6b" "0100000000000000" "76"
      "0700000000000000" "0000000000000000";
  CHECK(to_hex(encode_entries(entries)) == golden_entries);
  auto decoded_entries = decode_entries(from_hex(golden_entries), payload_crc32(from_hex(golden_entries)));
  REQUIRE(decoded_entries.ok());
  CHECK(*decoded_entries == entries);
}

namespace {

bool points_into(std::string_view view, const std::string& payload) {
  return view.empty() ||
         (view.data() >= payload.data() && view.data() + view.size() <= payload.data() + payload.size());
}

}  // namespace

TEST_CASE("record codec view decoder matches the owning decoder, with views into the payload",
          "[persistence]") {
  using mnemo::persistence::ChangeRef;
  using mnemo::persistence::SnapshotEntryRef;
  const std::vector<Change> in = sample_changes();
  const std::string payload = encode_changes(in);
  std::vector<ChangeRef> views = {ChangeRef(1, ChangeKind::put, "stale", "left over", 0)};
  REQUIRE(mnemo::persistence::decode_change_views(payload, payload_crc32(payload), views).ok());
  REQUIRE(views.size() == in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    CHECK(views[i].seq == in[i].seq);
    CHECK(views[i].kind == in[i].kind);
    CHECK(views[i].key == in[i].key);
    CHECK(views[i].value == in[i].value);
    CHECK(views[i].expire_at_ms == in[i].expire_at_ms);
    CHECK(points_into(views[i].key, payload));
    CHECK(points_into(views[i].value, payload));
  }

  const std::vector<SnapshotEntry> entries = {{"a", "1", 3, 0}, {"", std::string(5000, 'v'), 9, -1}};
  const std::string chunk = encode_entries(entries);
  std::vector<SnapshotEntryRef> entry_views;
  REQUIRE(mnemo::persistence::decode_entry_views(chunk, payload_crc32(chunk), entry_views).ok());
  REQUIRE(entry_views.size() == entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    CHECK(entry_views[i].key == entries[i].key);
    CHECK(entry_views[i].value == entries[i].value);
    CHECK(entry_views[i].version == entries[i].version);
    CHECK(entry_views[i].expire_at_ms == entries[i].expire_at_ms);
    CHECK(points_into(entry_views[i].value, chunk));
  }
}

TEST_CASE("record codec view decoders reject every truncation and corruption, leaving no views",
          "[persistence]") {
  using mnemo::persistence::ChangeRef;
  using mnemo::persistence::SnapshotEntryRef;
  const std::string payload = encode_changes(sample_changes());
  const std::string chunk =
      encode_entries(std::vector<SnapshotEntry>{{"key", "value", 4, 0}, {"k2", "v2", 5, 7}});
  std::vector<ChangeRef> views;
  std::vector<SnapshotEntryRef> entry_views;
  for (std::size_t n = 0; n < payload.size(); n += (n < 200 ? 1 : 997)) {
    const std::string cut = payload.substr(0, n);
    INFO("changes truncated to " << n << " of " << payload.size() << " bytes");
    auto r = mnemo::persistence::decode_change_views(cut, payload_crc32(cut), views);
    REQUIRE_FALSE(r.ok());
    CHECK_FALSE(r.error().message.empty());
    CHECK(views.empty());
  }
  for (std::size_t n = 0; n < chunk.size(); ++n) {
    const std::string cut = chunk.substr(0, n);
    INFO("entries truncated to " << n << " of " << chunk.size() << " bytes");
    REQUIRE_FALSE(mnemo::persistence::decode_entry_views(cut, payload_crc32(cut), entry_views).ok());
    CHECK(entry_views.empty());
  }
  // Every single-byte change with a matching CRC: an error or a decode, never a crash;
  // and with the stored CRC, always the CRC error.
  for (std::size_t i = 0; i < chunk.size(); ++i) {
    std::string bad = chunk;
    bad[i] = static_cast<char>(bad[i] ^ 0xa5);
    auto r = mnemo::persistence::decode_entry_views(bad, payload_crc32(bad), entry_views);
    if (!r.ok()) CHECK(entry_views.empty());
    auto crc = mnemo::persistence::decode_entry_views(bad, payload_crc32(chunk), entry_views);
    REQUIRE_FALSE(crc.ok());
    CHECK_THAT(crc.error().message, Catch::Contains("crc32 mismatch"));
  }
  std::string bad_kind = encode_changes(std::vector<Change>{{1, ChangeKind::put, "k", "v", 0}});
  bad_kind[1 + 4 + 8 + 8] = 9;
  auto kind = mnemo::persistence::decode_change_views(bad_kind, payload_crc32(bad_kind), views);
  REQUIRE_FALSE(kind.ok());
  CHECK_THAT(kind.error().message, Catch::Contains("unknown change kind 9"));
  const std::string trailing = payload + "zz";
  auto extra = mnemo::persistence::decode_change_views(trailing, payload_crc32(trailing), views);
  REQUIRE_FALSE(extra.ok());
  CHECK_THAT(extra.error().message, Catch::Contains("2 unexpected bytes"));
}
