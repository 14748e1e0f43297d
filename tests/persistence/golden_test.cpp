// Databases written by older builds must recover with this one (the on-disk
// format is a promise). tests/persistence/golden/ holds small databases
// written by the build of each record version, and the tests here recover
// them and check their exact contents. (v3-collections.db, a database of
// hashes, lists, sets and sorted sets, is recovered through the server by
// tests/integration/golden_collections_test.py.)
//
// Writing them: before changing the format, run the hidden writer with the
// build that still writes the old format,
//   build/bin/persistence_tests '[.golden-writer]'
// which writes golden/v<kRecordVersion>-{journal,snapshot}.db into the source
// tree; commit them, then add a test like the ones below for the new files.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "persistence/record_codec.h"
#include "persistence/schema.h"
#include "tests/persistence/test_util.h"
#include "tests/support/temp_dir.h"

using namespace mnemo::persistence;
using mnemo::protocol::Status;
using mnemo::test::FakeEntry;
using mnemo::test::FakeState;
using mnemo::test::Running;
using mnemo::test::TempDir;

namespace {

constexpr std::int64_t kFarExpiry = 4102444800000;  // 2100-01-01
constexpr std::int64_t kPastExpiry = 1000;          // 1970: dropped at recovery

std::string golden_dir() { return std::string(MNEMO_SOURCE_DIR) + "/tests/persistence/golden"; }

// Seqs 1..7 in four journal rows: puts, an MSET, a delete, expiries.
void write_journal_part(Running& r) {
  REQUIRE(r.store.set("a", "alpha").ok());
  REQUIRE(r.store.set("b", "beta").ok());
  REQUIRE(r.sync() == Status::ok);
  REQUIRE(r.store.mset({{"m1", "one"}, {"m2", "two"}, {"m3", "three"}}).ok());
  REQUIRE(r.sync() == Status::ok);
  REQUIRE(r.store.del("b").ok());
  REQUIRE(r.store.set("ttl", "later", kFarExpiry).ok());
  REQUIRE(r.store.set("gone", "past", kPastExpiry).ok());
  REQUIRE(r.sync() == Status::ok);
  REQUIRE(r.store.set("a", "alpha2").ok());
  REQUIRE(r.sync() == Status::ok);
}

// Seqs 8..11 in two rows after the snapshot.
void write_tail_part(Running& r) {
  REQUIRE(r.store.set("c", "gamma").ok());
  REQUIRE(r.store.del("m2").ok());
  REQUIRE(r.sync() == Status::ok);
  REQUIRE(r.store.mset({{"m1", "uno"}, {"n1", "x"}}).ok());
  REQUIRE(r.store.set("ttl2", "soon", kFarExpiry).ok());
  REQUIRE(r.sync() == Status::ok);
}

// Writes `name` into the golden directory (replacing it) through `body`.
template <class Body>
void write_golden(const std::string& name, Body body) {
  TempDir dir;
  Options opts = mnemo::test::test_options(dir.path());
  opts.sync = SyncMode::full;
  {
    Running r(opts);
    body(r);
  }
  // Closing the last connection checkpointed the WAL into the file.
  REQUIRE_FALSE(std::filesystem::exists(dir.file(opts.db_file_name + "-wal")));
  std::filesystem::create_directories(golden_dir());
  std::filesystem::copy_file(dir.file(opts.db_file_name), golden_dir() + "/" + name,
                             std::filesystem::copy_options::overwrite_existing);
}

// Recovers a copy of golden file `name` (opening may migrate it in place).
std::pair<FakeState, RecoveryInfo> recover_golden(const TempDir& dir, const std::string& name) {
  const std::string src = golden_dir() + "/" + name;
  REQUIRE(std::filesystem::exists(src));
  Options opts = mnemo::test::test_options(dir.path());
  std::filesystem::copy_file(src, dir.file(opts.db_file_name));
  auto r = mnemo::test::recover_state(opts);
  REQUIRE(r.ok());
  // Opening migrated the copy: the current format, incremental auto-vacuum.
  mnemo::test::RawDb raw(dir.file(opts.db_file_name));
  CHECK(raw.query_text("SELECT value FROM meta WHERE key = 'format_version'") ==
        std::to_string(kFormatVersion));
  CHECK(raw.query_int("PRAGMA auto_vacuum") == 2);
  return *r;
}

}  // namespace

TEST_CASE("golden writer: the current format's journal and snapshot databases",
          "[.golden-writer][sqlite]") {
  const std::string v = "v" + std::to_string(kRecordVersion);
  write_golden(v + "-journal.db", [](Running& r) { write_journal_part(r); });
  write_golden(v + "-snapshot.db", [](Running& r) {
    write_journal_part(r);
    mnemo::test::Answer<Status> done;
    auto cb = done.callback();
    REQUIRE(r.p->start_snapshot([cb](const mnemo::protocol::SnapshotInfo&, Status s) { cb(s); })
                .ok());
    REQUIRE(done.wait());
    REQUIRE(done.values()[0] == Status::ok);
    write_tail_part(r);
  });
}

namespace {

// The state write_journal_part leaves, recovered from golden file `name`.
void check_journal_golden(const std::string& name) {
  TempDir dir;
  auto [state, info] = recover_golden(dir, name);
  const FakeState expected{
      {"a", FakeEntry{"alpha2", 7, 0}},
      {"m1", FakeEntry{"one", 3, 0}},
      {"m2", FakeEntry{"two", 3, 0}},
      {"m3", FakeEntry{"three", 3, 0}},
      {"ttl", FakeEntry{"later", 5, kFarExpiry}},
  };
  CHECK(state == expected);
  CHECK(info.snapshot_id == 0);
  CHECK(info.journal_rows == 4);
  CHECK(info.journal_changes == 9);
  CHECK(info.last_seq == 7);
  CHECK(info.expired_dropped == 1);
}

// The state write_journal_part, a snapshot and write_tail_part leave.
void check_snapshot_golden(const std::string& name) {
  TempDir dir;
  auto [state, info] = recover_golden(dir, name);
  const FakeState expected{
      {"a", FakeEntry{"alpha2", 7, 0}},
      {"c", FakeEntry{"gamma", 8, 0}},
      {"m1", FakeEntry{"uno", 10, 0}},
      {"m3", FakeEntry{"three", 3, 0}},
      {"n1", FakeEntry{"x", 10, 0}},
      {"ttl", FakeEntry{"later", 5, kFarExpiry}},
      {"ttl2", FakeEntry{"soon", 11, kFarExpiry}},
  };
  CHECK(state == expected);
  CHECK(info.snapshot_id == 1);
  CHECK(info.snapshot_entries == 6);  // with "gone", whose expiry recovery drops
  CHECK(info.journal_rows == 2);
  CHECK(info.journal_changes == 5);
  CHECK(info.last_seq == 11);
  CHECK(info.expired_dropped == 1);
}

}  // namespace

TEST_CASE("a journal written with record version 1 recovers exactly", "[persistence][golden][sqlite]") {
  check_journal_golden("v1-journal.db");
}

TEST_CASE("a snapshot and journal tail written with record version 1 recover exactly",
          "[persistence][golden][sqlite]") {
  check_snapshot_golden("v1-snapshot.db");
}

// Written by the last build before collections (record version 2: varints,
// databases, flush_db, zstd-compressed bodies).
TEST_CASE("a journal written with record version 2 recovers exactly", "[persistence][golden][sqlite]") {
  check_journal_golden("v2-journal.db");
}

TEST_CASE("a snapshot and journal tail written with record version 2 recover exactly",
          "[persistence][golden][sqlite]") {
  check_snapshot_golden("v2-snapshot.db");
}
