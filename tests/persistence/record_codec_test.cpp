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
  bad_kind[10 + 1] = 7;  // the kind byte of the first change, after the header and seq
  auto kind = decode_changes(bad_kind, payload_crc32(bad_kind));
  REQUIRE_FALSE(kind.ok());
  CHECK_THAT(kind.error().message, Catch::Contains("unknown change kind 7"));
}

TEST_CASE("record codec rejects a record version it does not know", "[persistence]") {
  std::string payload = encode_changes(sample_changes());
  payload[1] = 9;  // record version, little-endian u32 after the endianness byte
  auto out = decode_changes(payload, payload_crc32(payload));
  REQUIRE_FALSE(out.ok());
  CHECK_THAT(out.error().message, Catch::Contains("record version 9"));
}

TEST_CASE("record version 3 carries collection changes and typed snapshot entries", "[persistence]") {
  const std::vector<Change> strings = sample_changes();
  SECTION("a batch without collections is still version 2") {
    CHECK(encode_changes(strings)[1] == 2);
    CHECK(encode_entries(std::vector<SnapshotEntry>{{"k", "v", 3, 0}})[1] == 2);
  }
  SECTION("a collection change makes the batch version 3, and it decodes") {
    std::vector<Change> changes = strings;
    changes.push_back({11, ChangeKind::elements, "h", std::string("\x04\x01\x01" "f" "\x01" "v", 6), 123});
    const std::string payload = encode_changes(changes);
    CHECK(payload[1] == 3);
    auto out = decode_changes(payload, payload_crc32(payload));
    REQUIRE(out.ok());
    CHECK(*out == changes);
  }
  SECTION("a version 2 record may not hold a collection change") {
    std::vector<Change> changes = {{11, ChangeKind::elements, "h", std::string("\x04", 1), 0}};
    std::string payload = encode_changes(changes);
    payload[1] = 2;
    auto out = decode_changes(payload, payload_crc32(payload));
    REQUIRE_FALSE(out.ok());
    CHECK_THAT(out.error().message, Catch::Contains("unknown change kind 4"));
  }
  SECTION("snapshot entries keep their type") {
    SnapshotEntry hash{"h", std::string("\x04\x00", 2), 5, 0};
    hash.type = 4;
    const std::vector<SnapshotEntry> entries = {{"s", "str", 4, 0}, hash};
    const std::string payload = encode_entries(entries);
    CHECK(payload[1] == 3);
    auto out = decode_entries(payload, payload_crc32(payload));
    REQUIRE(out.ok());
    CHECK(*out == entries);
  }
}

TEST_CASE("record version 4 marks continuation slices of snapshot entries", "[persistence]") {
  SnapshotEntry first{"z", std::string("\x03\x00", 2), 5, 0};
  first.type = 3;
  SnapshotEntry more{"z", std::string("\x03\x06\x01m", 4), 9, 0};
  more.type = 3;
  more.continued = true;
  SECTION("a chunk with a continuation slice is version 4, and it decodes") {
    const std::vector<SnapshotEntry> entries = {{"s", "str", 4, 0}, first, more};
    const std::string payload = encode_entries(entries);
    CHECK(payload[1] == 4);
    auto out = decode_entries(payload, payload_crc32(payload));
    REQUIRE(out.ok());
    CHECK(*out == entries);
  }
  SECTION("a chunk without one is version 3, byte for byte as before") {
    const std::string payload = encode_entries(std::vector<SnapshotEntry>{first});
    CHECK(payload[1] == 3);
    CHECK(to_hex(payload) == "01030000000001000000"  // header: version 3, codec 0, 1 entry
                             "0300017a0203000500");  // type 3, db 0, "z", ops, version 5, expiry 0
  }
  SECTION("the continuation bit means nothing before version 4") {
    std::string payload = encode_entries(std::vector<SnapshotEntry>{more});
    REQUIRE(payload[1] == 4);
    payload[1] = 3;
    auto out = decode_entries(payload, payload_crc32(payload));
    REQUIRE_FALSE(out.ok());
    CHECK_THAT(out.error().message, Catch::Contains("unknown value type 131"));
  }
  SECTION("only sets, sorted sets and hashes are continued") {
    for (std::uint8_t type : {0, 1}) {
      SnapshotEntry e{"k", std::string(1, static_cast<char>(type == 0 ? 'v' : type)), 3, 0};
      e.type = type;
      e.continued = true;
      const std::string payload = encode_entries(std::vector<SnapshotEntry>{e});
      auto out = decode_entries(payload, payload_crc32(payload));
      REQUIRE_FALSE(out.ok());
      CHECK_THAT(out.error().message, Catch::Contains("continuation slice of value type"));
    }
  }
}

TEST_CASE("record version 5 continues streams too, and only its chunks with one are version 5", "[persistence]") {
  SnapshotEntry first{"st", std::string("\x06\x00", 2), 5, 0};
  first.type = 6;
  // xadd 9-0 of one pair "f" "v", then xsetid 9-0, entries-added 1, max-deleted 0-0
  SnapshotEntry more{"st", std::string("\x06\x14\x09\x00\x05\x01\x01" "f\x01v\x17\x09\x00\x01\x00\x00", 16), 9, 0};
  more.type = 6;
  more.continued = true;
  SnapshotEntry zset_more{"z", std::string("\x03\x06\x01m", 4), 9, 0};
  zset_more.type = 3;
  zset_more.continued = true;
  const std::vector<SnapshotEntry> entries = {first, more};
  std::string payload = encode_entries(entries);
  CHECK(payload[1] == 5);
  auto out = decode_entries(payload, payload_crc32(payload));
  REQUIRE(out.ok());
  CHECK(*out == entries);
  CHECK(encode_entries(std::vector<SnapshotEntry>{zset_more})[1] == 4);  // as before
  CHECK(encode_entries(std::vector<SnapshotEntry>{first})[1] == 3);
  payload[1] = 4;  // a stream's continuation slice means nothing before version 5
  out = decode_entries(payload, payload_crc32(payload));
  REQUIRE_FALSE(out.ok());
  CHECK_THAT(out.error().message, Catch::Contains("continuation slice of value type 6"));
}

// The on-disk format is a promise: these bytes were written by record
// version 1 (the last build writing it was 4f7e972) and must decode the same
// forever; their CRCs are what that build stored beside them.
TEST_CASE("record codec golden bytes of version 1", "[persistence]") {
  const std::vector<Change> changes = {{7, ChangeKind::put, "k", "v", 1700000000000},
                                       {8, ChangeKind::del, "x", "", 0}};
  // endianness 01 | version 01000000 | count 2 | seq 7, kind 01, "k", "v", expiry | seq 8, del, "x", "", 0
  const std::string golden_changes =
      "01" "01000000" "0200000000000000"
      "0700000000000000" "01" "0100000000000000" "6b" "0100000000000000" "76" "0068e5cf8b010000"
      "0800000000000000" "02" "0100000000000000" "78" "0000000000000000" "0000000000000000";
  auto decoded = decode_changes(from_hex(golden_changes), 0xf82f3859u);
  REQUIRE(decoded.ok());
  CHECK(*decoded == changes);  // database 0: version 1 has no other

  const std::vector<SnapshotEntry> entries = {{"k", "v", 7, 0}};
  // endianness | version | count 1 | "k" | "v" | version 7 | expiry 0
  const std::string golden_entries =
      "01" "01000000" "0100000000000000" "0100000000000000" "6b" "0100000000000000" "76"
      "0700000000000000" "0000000000000000";
  auto decoded_entries = decode_entries(from_hex(golden_entries), payload_crc32(from_hex(golden_entries)));
  REQUIRE(decoded_entries.ok());
  CHECK(*decoded_entries == entries);
}

// Version 2, uncompressed: what this build writes. If this fails, the format
// changed: bump kRecordVersion and keep a decoder for version 2 instead.
TEST_CASE("record codec golden bytes of version 2", "[persistence]") {
  Change flush{9, ChangeKind::flush_db, "", "", 0};
  flush.db = 3;
  Change in_db5{9, ChangeKind::put, "y", "w", -1};
  in_db5.db = 5;
  const std::vector<Change> changes = {{7, ChangeKind::put, "k", "v", 1700000000000},
                                       {8, ChangeKind::del, "x", "", 0}, flush, in_db5};
  // 01 | version 02000000 | codec 00 | count 04000000 | per change: zz seq delta, kind, db,
  // len + key, len + value, zz expiry
  const std::string golden_changes =
      "01" "02000000" "00" "04000000"
      "0e" "01" "00" "016b" "0176" "80a0abfef962"
      "02" "02" "00" "0178" "00" "00"
      "02" "03" "03" "00" "00" "00"
      "00" "01" "05" "0179" "0177" "01";
  CHECK(to_hex(encode_changes(changes)) == golden_changes);
  auto decoded = decode_changes(from_hex(golden_changes), payload_crc32(from_hex(golden_changes)));
  REQUIRE(decoded.ok());
  CHECK(*decoded == changes);

  SnapshotEntry e2{"a", "", 300, 0};
  e2.db = 2;
  const std::vector<SnapshotEntry> entries = {{"k", "v", 7, 0}, e2};
  // header | per entry: db, len + key, len + value, version, zz expiry
  const std::string golden_entries =
      "01" "02000000" "00" "02000000"
      "00" "016b" "0176" "07" "00"
      "02" "0161" "00" "ac02" "00";
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

TEST_CASE("record codec view decoder matches the owning decoder, with views into the storage",
          "[persistence]") {
  using mnemo::persistence::ChangeRef;
  using mnemo::persistence::SnapshotEntryRef;
  const std::vector<Change> in = sample_changes();
  const std::string payload = encode_changes(in);
  std::vector<ChangeRef> views = {ChangeRef(1, ChangeKind::put, "stale", "left over", 0, 4)};
  std::string storage;
  REQUIRE(mnemo::persistence::decode_change_views(payload, payload_crc32(payload), views, storage).ok());
  REQUIRE(views.size() == in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    CHECK(views[i].seq == in[i].seq);
    CHECK(views[i].kind == in[i].kind);
    CHECK(views[i].key == in[i].key);
    CHECK(views[i].value == in[i].value);
    CHECK(views[i].expire_at_ms == in[i].expire_at_ms);
    CHECK(views[i].db == in[i].db);
    CHECK(points_into(views[i].key, storage));
    CHECK(points_into(views[i].value, storage));
  }

  const std::vector<SnapshotEntry> entries = {{"a", "1", 3, 0}, {"", std::string(5000, 'v'), 9, -1}};
  const std::string chunk = encode_entries(entries);
  std::vector<SnapshotEntryRef> entry_views;
  REQUIRE(mnemo::persistence::decode_entry_views(chunk, payload_crc32(chunk), entry_views, storage).ok());
  REQUIRE(entry_views.size() == entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    CHECK(entry_views[i].key == entries[i].key);
    CHECK(entry_views[i].value == entries[i].value);
    CHECK(entry_views[i].version == entries[i].version);
    CHECK(entry_views[i].expire_at_ms == entries[i].expire_at_ms);
    CHECK(points_into(entry_views[i].value, storage));
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
  std::string storage;
  for (std::size_t n = 0; n < payload.size(); n += (n < 200 ? 1 : 997)) {
    const std::string cut = payload.substr(0, n);
    INFO("changes truncated to " << n << " of " << payload.size() << " bytes");
    auto r = mnemo::persistence::decode_change_views(cut, payload_crc32(cut), views, storage);
    REQUIRE_FALSE(r.ok());
    CHECK_FALSE(r.error().message.empty());
    CHECK(views.empty());
  }
  for (std::size_t n = 0; n < chunk.size(); ++n) {
    const std::string cut = chunk.substr(0, n);
    INFO("entries truncated to " << n << " of " << chunk.size() << " bytes");
    REQUIRE_FALSE(mnemo::persistence::decode_entry_views(cut, payload_crc32(cut), entry_views, storage).ok());
    CHECK(entry_views.empty());
  }
  // Every single-byte change with a matching CRC: an error or a decode, never a crash;
  // and with the stored CRC, always the CRC error.
  for (std::size_t i = 0; i < chunk.size(); ++i) {
    std::string bad = chunk;
    bad[i] = static_cast<char>(bad[i] ^ 0xa5);
    auto r = mnemo::persistence::decode_entry_views(bad, payload_crc32(bad), entry_views, storage);
    if (!r.ok()) CHECK(entry_views.empty());
    auto crc = mnemo::persistence::decode_entry_views(bad, payload_crc32(chunk), entry_views, storage);
    REQUIRE_FALSE(crc.ok());
    CHECK_THAT(crc.error().message, Catch::Contains("crc32 mismatch"));
  }
  std::string bad_kind = encode_changes(std::vector<Change>{{1, ChangeKind::put, "k", "v", 0}});
  bad_kind[10 + 1] = 9;
  auto kind = mnemo::persistence::decode_change_views(bad_kind, payload_crc32(bad_kind), views, storage);
  REQUIRE_FALSE(kind.ok());
  CHECK_THAT(kind.error().message, Catch::Contains("unknown change kind 9"));
  const std::string trailing = payload + "zz";
  auto extra = mnemo::persistence::decode_change_views(trailing, payload_crc32(trailing), views, storage);
  REQUIRE_FALSE(extra.ok());
  CHECK_THAT(extra.error().message, Catch::Contains("2 unexpected bytes"));
}

// Recovery moves each decoded row's storage through a queue: a body of a few
// bytes (which a std::string would keep inside itself) must not move with it.
TEST_CASE("record codec views stay valid when their storage is moved", "[persistence]") {
  for (std::uint32_t version : {1u, 2u}) {
    INFO("record version " << version);
    const std::string payload =
        version == 1 ? from_hex("01" "01000000" "0100000000000000" "0100000000000000" "6b"
                                "0100000000000000" "76" "0700000000000000" "0000000000000000")
                     : encode_entries(std::vector<SnapshotEntry>{{"k", "v", 7, 0}});
    std::vector<mnemo::persistence::SnapshotEntryRef> views;
    std::string storage;
    REQUIRE(mnemo::persistence::decode_entry_views(payload, payload_crc32(payload), views, storage).ok());
    std::string moved = std::move(storage);
    storage.assign(32, 'z');  // reuse what the move left behind
    REQUIRE(views.size() == 1);
    CHECK(views[0].key == "k");
    CHECK(views[0].value == "v");
    CHECK(points_into(views[0].key, moved));
  }
}
