#include "persistence/persistence.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "persistence/schema.h"
#include "tests/persistence/test_util.h"
#include "tests/support/temp_dir.h"

using namespace mnemo::persistence;
using mnemo::protocol::Status;
using mnemo::test::Answer;
using mnemo::test::eventually;
using mnemo::test::RawDb;
using mnemo::test::Running;
using mnemo::test::TempDir;

namespace {

std::string open_error(const Options& opts) {
  try {
    Persistence::open(opts);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "opened";
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE("open creates the data directory and a WAL-mode mnemo database", "[persistence][sqlite]") {
  TempDir dir;
  const Options opts = mnemo::test::test_options(dir.file("a/b"));
  { Running r(opts); }
  const std::string path = dir.file("a/b/mnemo.db");
  REQUIRE(std::filesystem::exists(path));
  RawDb raw(path);
  CHECK(raw.query_text("PRAGMA journal_mode") == "wal");
  CHECK(raw.query_text("SELECT value FROM meta WHERE key = 'format_version'") ==
        std::to_string(kFormatVersion));
  CHECK(raw.query_text("SELECT value FROM meta WHERE key = 'server_id'").size() == 32);
  for (const char* table : {"journal", "snapshots", "snapshot_chunks", "meta"}) {
    CHECK(raw.query_int(std::string("SELECT count(*) FROM sqlite_master WHERE name = '") + table + "'") == 1);
  }
}

TEST_CASE("open refuses a file it cannot use and never replaces it", "[persistence][sqlite]") {
  TempDir dir;
  const Options opts = mnemo::test::test_options(dir.path());
  const std::string path = dir.file("mnemo.db");
  SECTION("not an SQLite file") {
    std::ofstream(path) << std::string(5000, 'z');
    const std::string before = read_file(path);
    const std::string err = open_error(opts);
    CHECK_THAT(err, Catch::Contains(path));
    CHECK_THAT(err, Catch::Contains("cannot be read as an SQLite database"));
    CHECK(read_file(path) == before);
  }
  SECTION("an SQLite database of something else") {
    {
      RawDb raw(path, true);
      REQUIRE(raw.exec("CREATE TABLE users(name TEXT)"));
    }
    CHECK_THAT(open_error(opts), Catch::Contains("not a mnemo database"));
  }
  SECTION("a newer format") {
    { Running r(opts); }
    {
      RawDb raw(path);
      REQUIRE(raw.exec("UPDATE meta SET value = '99' WHERE key = 'format_version'"));
    }
    const std::string err = open_error(opts);
    CHECK_THAT(err, Catch::Contains("format version 99"));
    CHECK_THAT(err, Catch::Contains("newer"));
  }
}

TEST_CASE("open refuses a database another server has open", "[persistence]") {
  TempDir dir;
  const Options opts = mnemo::test::test_options(dir.path());
  Running r(opts);
  CHECK_THAT(open_error(opts), Catch::Contains("in use"));
}

TEST_CASE("persistence reports writes, durability and stats", "[persistence]") {
  TempDir dir;
  Options opts = mnemo::test::test_options(dir.path());
  opts.sync = SyncMode::full;
  Running r(opts);
  for (int i = 0; i < 10; ++i) REQUIRE(r.store.set("k" + std::to_string(i), "v").ok());
  REQUIRE(r.store.mset({{"a", "1"}, {"b", "2"}}).ok());
  CHECK(r.p->last_seq() == 11);
  REQUIRE(r.sync() == Status::ok);
  CHECK(r.p->durable_seq() == 11);
  CHECK_FALSE(r.p->under_pressure());
  const PersistenceStats s = r.p->stats();
  CHECK(s.journal.last_seq == 11);
  CHECK(s.journal.durable_seq == 11);
  CHECK(s.journal.changes_written == 12);
  CHECK(s.journal.batches_written >= 1);
  CHECK(s.journal.bytes_written > 0);
  CHECK(s.journal.queue_bytes == 0);
  CHECK_FALSE(s.journal.failing);
  if (opts.journal_url.empty()) CHECK(s.db_file_bytes > 0);  // PostgreSQL has no file of its own
  CHECK(s.snapshot.last.id == 0);

  r.p->stop();
  r.p->stop();
  Answer<Status> late;
  r.p->wait_durable(12, late.callback());
  CHECK(late.values() == std::vector<Status>{Status::shutting_down});
  auto refused = r.store.set("late", "v");
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().status == Status::shutting_down);
}

TEST_CASE("persistence refuses writes when the disk is full", "[persistence][sqlite]") {
  TempDir dir;
  Options opts = mnemo::test::test_options(dir.path());
  opts.max_page_count = 40;
  opts.journal.stop_retry_ms = 50;
  Running r(opts);
  mnemo::protocol::Result<std::uint64_t> w = std::uint64_t{0};
  for (int i = 0; i < 200 && (w = r.store.set("k" + std::to_string(i), std::string(4000, 'v'))).ok(); ++i) {
    r.sync();
  }
  REQUIRE_FALSE(w.ok());
  CHECK(w.error().status == Status::read_only);
  CHECK_THAT(w.error().message, Catch::Contains("full"));
  const PersistenceStats s = r.p->stats();
  CHECK(s.journal.failing);
  CHECK(s.journal.commit_failures >= 1);
  CHECK(s.journal.durable_seq < s.journal.last_seq);
}

namespace {

Status snapshot_now(Running& r) {
  Answer<Status> done;
  auto cb = done.callback();
  if (!r.p->start_snapshot([cb](const mnemo::protocol::SnapshotInfo&, Status s) { cb(s); }).ok()) {
    return Status::internal;
  }
  if (!done.wait()) return Status::internal;
  return done.values()[0];
}

}  // namespace

TEST_CASE("after compaction the freed pages go back to the file system and the stats say so",
          "[persistence][vacuum][sqlite]") {
  TempDir dir;
  const Options opts = mnemo::test::test_options(dir.path());
  const std::string path = dir.file(opts.db_file_name);
  Running r(opts);
  const std::string value(200, 'q');
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 3000; ++i) {
      REQUIRE(r.store.set("k" + std::to_string(i), value + std::to_string(round * 7919 + i)).ok());
    }
    REQUIRE(r.sync() == Status::ok);
    REQUIRE(snapshot_now(r) == Status::ok);
  }
  const PersistenceStats s = r.p->stats();
  CHECK(s.disk.reclaimed_bytes > 0);
  CHECK(s.disk.snapshot_bytes == s.snapshot.last.bytes);  // one snapshot kept
  CHECK(s.snapshot.last_raw_bytes > s.snapshot.last.bytes);  // compressed
  CHECK(s.disk.file_bytes > 0);
  // The journal holds at most the row with the last S0 (compaction keeps seq_last >= S0).
  CHECK(s.disk.journal_bytes < 3000 * value.size());
  RawDb raw(path);
  CHECK(raw.query_int("PRAGMA auto_vacuum") == 2);
  // Only what the last step's leftovers and later writes freed is still free.
  CHECK(raw.query_int("PRAGMA freelist_count") < raw.query_int("PRAGMA page_count") / 4);
}
