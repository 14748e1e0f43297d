// Record version 2's compressed bodies: every codec round-trips, the CRC
// covers the stored (compressed) bytes so a flipped bit is caught before
// decompression, and recovery names the row or chunk it found corrupt.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "persistence/record_codec.h"
#include "tests/persistence/test_util.h"
#include "tests/support/temp_dir.h"

using namespace mnemo::persistence;
using mnemo::protocol::Status;
using mnemo::test::RawDb;
using mnemo::test::Running;
using mnemo::test::TempDir;

namespace {

// Compressible like real data: repeated key prefixes, similar values.
std::vector<SnapshotEntry> sample_entries(std::size_t n) {
  std::vector<SnapshotEntry> out;
  for (std::size_t i = 0; i < n; ++i) {
    SnapshotEntry e{"key:" + std::to_string(100000 + i), "value-" + std::to_string(i % 17) + "-xxxxxxxxxxxxxxxx",
                    1000 + i, i % 5 == 0 ? 1700000000000 + static_cast<std::int64_t>(i) : 0};
    e.db = static_cast<std::uint32_t>(i % 3);
    out.push_back(std::move(e));
  }
  return out;
}

std::vector<Change> sample_changes(std::size_t n) {
  std::vector<Change> out;
  for (std::size_t i = 0; i < n; ++i) {
    Change c{10 + i / 2, i % 7 == 3 ? ChangeKind::del : ChangeKind::put, "user:" + std::to_string(i),
             i % 7 == 3 ? "" : "payload-" + std::to_string(i % 11) + std::string(40, 'p'), 0};
    c.db = static_cast<std::uint32_t>(i % 4);
    out.push_back(std::move(c));
  }
  Change flush{10 + n, ChangeKind::flush_db, "", "", 0};
  flush.db = 7;
  out.push_back(flush);
  return out;
}

// Snapshot 1 of 2,000 entries (compressed chunks of 500), then stop.
void write_snapshot(const Options& opts) {
  Running r(opts);
  for (int i = 0; i < 2000; ++i) {
    REQUIRE(r.store.set("k" + std::to_string(i), "value-" + std::string(30, 'v')).ok());
  }
  mnemo::test::Answer<Status> done;
  auto cb = done.callback();
  REQUIRE(r.p->start_snapshot([cb](const mnemo::protocol::SnapshotInfo&, Status s) { cb(s); }).ok());
  REQUIRE(done.wait());
  REQUIRE(done.values()[0] == Status::ok);
}

}  // namespace

TEST_CASE("compressed records round-trip with every codec, databases and flush_db included",
          "[persistence][compression]") {
  const std::vector<SnapshotEntry> entries = sample_entries(3000);
  const std::vector<Change> changes = sample_changes(2000);
  for (Codec codec : {Codec::zstd, Codec::lz4}) {
    INFO("codec " << codec_name(codec));
    const std::string raw_chunk = encode_entries(entries);
    const std::string chunk = compress_record(raw_chunk, codec);
    CHECK(chunk.size() < raw_chunk.size() / 2);
    CHECK(static_cast<std::uint8_t>(chunk[5]) == static_cast<std::uint8_t>(codec));
    auto back = decode_entries(chunk, payload_crc32(chunk));
    REQUIRE(back.ok());
    CHECK(*back == entries);

    const std::string raw_batch = encode_changes(changes);
    const std::string batch = compress_record(raw_batch, codec);
    CHECK(batch.size() < raw_batch.size());
    auto decoded = decode_changes(batch, payload_crc32(batch));
    REQUIRE(decoded.ok());
    CHECK(*decoded == changes);
  }
}

TEST_CASE("a record that compression would not shrink is stored as it is", "[persistence][compression]") {
  const std::string raw = encode_changes(std::vector<Change>{{1, ChangeKind::put, "k", "v", 0}});
  CHECK(compress_record(raw, Codec::zstd) == raw);
  CHECK(compress_record(raw, Codec::none) == raw);
}

TEST_CASE("a flipped bit in a compressed body is caught by the CRC, and a forged CRC by the codec",
          "[persistence][compression]") {
  const std::string chunk = compress_record(encode_entries(sample_entries(3000)), Codec::zstd);
  const std::uint32_t crc = payload_crc32(chunk);
  std::vector<SnapshotEntryRef> views;
  std::string storage;
  std::size_t caught_by_codec = 0;
  for (std::size_t i = 11; i < chunk.size(); i += 97) {
    std::string bad = chunk;
    bad[i] = static_cast<char>(bad[i] ^ 0x10);
    auto r = decode_entry_views(bad, crc, views, storage);
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.error().message, Catch::Contains("crc32 mismatch"));
    CHECK(views.empty());
    // With a CRC that matches the damage, zstd's own checks or the record's
    // must still refuse it, or it decodes to something well-formed; never a crash.
    auto forged = decode_entry_views(bad, payload_crc32(bad), views, storage);
    if (!forged.ok()) ++caught_by_codec;
  }
  CHECK(caught_by_codec > 0);
}

TEST_CASE("recovery names the snapshot chunk whose compressed bytes were damaged",
          "[persistence][compression][sqlite]") {
  TempDir dir;
  Options opts = mnemo::test::test_options(dir.path());
  opts.snapshot.chunk_entries = 500;
  write_snapshot(opts);
  {
    RawDb raw(dir.file(opts.db_file_name));
    REQUIRE(raw.query_int("SELECT count(*) FROM snapshot_chunks") >= 2);
    std::string payload = raw.query_text("SELECT payload FROM snapshot_chunks WHERE chunk_no = 1");
    REQUIRE(static_cast<std::uint8_t>(payload[5]) == static_cast<std::uint8_t>(Codec::zstd));
    payload[payload.size() / 2] ^= 0x04;
    REQUIRE(raw.set_blob("UPDATE snapshot_chunks SET payload = ?1 WHERE chunk_no = 1", payload));
  }
  auto recovered = mnemo::test::recover_state(opts);
  REQUIRE_FALSE(recovered.ok());
  const std::string& msg = recovered.error().message;
  CHECK_THAT(msg, Catch::Contains("snapshot 1"));
  CHECK_THAT(msg, Catch::Contains("chunk 1"));
  CHECK_THAT(msg, Catch::Contains("crc32 mismatch"));
}

TEST_CASE("a damaged compressed journal row is named, and --recover-truncated sets it aside",
          "[persistence][compression][sqlite]") {
  TempDir dir;
  Options opts = mnemo::test::test_options(dir.path());
  opts.journal.compress_min_bytes = 256;
  mnemo::test::FakeState first_row;
  {
    Running r(opts);
    REQUIRE(r.store.set("first", "row").ok());
    REQUIRE(r.sync() == Status::ok);
    first_row = r.store.state();
    std::vector<std::pair<std::string, std::string>> kvs;
    for (int i = 0; i < 100; ++i) kvs.emplace_back("m" + std::to_string(i), std::string(20, 'z'));
    REQUIRE(r.store.mset(kvs).ok());
    REQUIRE(r.sync() == Status::ok);
  }
  const std::string path = dir.file(opts.db_file_name);
  std::int64_t id = 0;
  {
    RawDb raw(path);
    id = raw.query_int("SELECT max(id) FROM journal");
    std::string payload = raw.query_text("SELECT payload FROM journal WHERE id = " + std::to_string(id));
    REQUIRE(static_cast<std::uint8_t>(payload[5]) == static_cast<std::uint8_t>(Codec::zstd));
    payload[payload.size() - 3] ^= 0x01;
    REQUIRE(raw.set_blob("UPDATE journal SET payload = ?1 WHERE id = " + std::to_string(id), payload));
  }
  auto refused = mnemo::test::recover_state(opts);
  REQUIRE_FALSE(refused.ok());
  CHECK_THAT(refused.error().message, Catch::Contains("journal row " + std::to_string(id)));
  CHECK_THAT(refused.error().message, Catch::Contains("crc32 mismatch"));

  opts.recover_truncated = true;
  auto recovered = mnemo::test::recover_state(opts);
  REQUIRE(recovered.ok());
  CHECK(recovered->first == first_row);
  CHECK(recovered->second.skipped_bad_rows == 1);
  RawDb raw(path);
  CHECK(raw.query_int("SELECT count(*) FROM journal_skipped") == 1);
}
