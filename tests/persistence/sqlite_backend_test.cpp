#include "persistence/sqlite_backend.h"

#include <catch2/catch.hpp>

#include "persistence/schema.h"
#include "tests/persistence/test_util.h"
#include "tests/support/temp_dir.h"

using namespace mnemo::persistence;
using mnemo::protocol::SnapshotInfo;
using mnemo::test::TempDir;

namespace {

SqliteBackend open_backend(const std::string& path) {
  auto db = SqliteDb::open(path, SqliteDb::read_write_create_flags());
  REQUIRE(db.ok());
  REQUIRE(check_or_create_schema(*db, SystemClock::instance()).ok());
  REQUIRE(configure_connection(*db, SyncMode::off, 1000, 0).ok());
  return SqliteBackend(std::move(*db));
}

JournalRow row(std::uint64_t first, std::uint64_t last) {
  JournalRow r;
  r.seq_first = first;
  r.seq_last = last;
  r.n_changes = 1;
  r.payload = "p";
  return r;
}

std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges(SqliteBackend& b, std::uint64_t after = 0) {
  std::vector<std::pair<std::uint64_t, std::uint64_t>> out;
  REQUIRE(b.scan_rows(after, [&](const JournalRow& r) {
    out.emplace_back(r.seq_first, r.seq_last);
    return true;
  }).ok());
  return out;
}

SnapshotInfo snap(std::uint64_t id, std::uint64_t s0) {
  SnapshotInfo s;
  s.id = id;
  s.start_seq = s0;
  return s;
}

}  // namespace

TEST_CASE("sqlite backend appends and scans journal rows in seq order", "[persistence][sqlite]") {
  TempDir dir;
  SqliteBackend b = open_backend(dir.file("b.db"));
  JournalRow r = row(1, 2);
  r.payload = std::string("\0\1\2", 3);
  r.crc32 = 0xdeadbeef;
  r.created_at_ms = 42;
  auto id = b.append_row(r);
  REQUIRE(id.ok());
  REQUIRE(b.append_row(row(3, 5)).ok());
  std::vector<JournalRow> seen;
  REQUIRE(b.scan_rows(0, [&](const JournalRow& x) {
    seen.push_back(x);
    return true;
  }).ok());
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].id == *id);
  CHECK(seen[0].payload == r.payload);
  CHECK(seen[0].crc32 == 0xdeadbeef);
  CHECK(seen[0].created_at_ms == 42);
  CHECK(ranges(b, 2) == std::vector<std::pair<std::uint64_t, std::uint64_t>>{{3, 5}});
}

TEST_CASE("sqlite backend compaction deletes only rows wholly before the seq", "[persistence][sqlite]") {
  TempDir dir;
  SqliteBackend b = open_backend(dir.file("b.db"));
  for (auto [f, l] : {std::pair{1, 2}, {3, 5}, {6, 8}, {9, 9}}) REQUIRE(b.append_row(row(f, l)).ok());
  auto n = b.delete_rows_before(7);  // row 6..8 spans seq 7: it stays
  REQUIRE(n.ok());
  CHECK(*n == 2);
  CHECK(ranges(b) == std::vector<std::pair<std::uint64_t, std::uint64_t>>{{6, 8}, {9, 9}});
  CHECK(*b.delete_rows_before(8) == 0);
  CHECK(*b.delete_rows_before(9) == 1);
}

TEST_CASE("sqlite backend compaction works in steps over many rows", "[persistence][sqlite]") {
  TempDir dir;
  SqliteBackend b = open_backend(dir.file("b.db"));
  for (std::uint64_t s = 1; s <= 1000; ++s) REQUIRE(b.append_row(row(s, s)).ok());
  auto n = b.delete_rows_before(901);
  REQUIRE(n.ok());
  CHECK(*n == 900);
  CHECK(ranges(b).size() == 100);
}

TEST_CASE("sqlite backend sets rows aside", "[persistence][sqlite]") {
  TempDir dir;
  SqliteBackend b = open_backend(dir.file("b.db"));
  for (auto [f, l] : {std::pair{1, 2}, {3, 5}, {6, 8}}) REQUIRE(b.append_row(row(f, l)).ok());
  CHECK(*b.max_set_aside_seq() == 0);
  auto n = b.set_aside_rows_from(3, 7);
  REQUIRE(n.ok());
  CHECK(*n == 2);
  CHECK(ranges(b) == std::vector<std::pair<std::uint64_t, std::uint64_t>>{{1, 2}});
  CHECK(*b.max_set_aside_seq() == 8);
}

TEST_CASE("sqlite backend retention keeps complete snapshots and recent failures", "[persistence][sqlite]") {
  TempDir dir;
  SqliteBackend b = open_backend(dir.file("b.db"));
  auto complete = [&](std::uint64_t id) {
    REQUIRE(b.begin_snapshot(snap(id, id * 10)).ok());
    SnapshotChunk c{id, 0, 0, 0, "x"};
    REQUIRE(b.finish_snapshot(snap(id, id * 10), &c).ok());
  };
  complete(1);
  REQUIRE(b.begin_snapshot(snap(2, 20)).ok());
  REQUIRE(b.fail_snapshot(2, "boom").ok());
  complete(3);
  complete(4);
  REQUIRE(b.begin_snapshot(snap(5, 50)).ok());
  REQUIRE(b.fail_snapshot(5, "boom").ok());
  REQUIRE(b.begin_snapshot(snap(6, 60)).ok());  // running
  auto deleted = b.delete_snapshots_beyond(2);
  REQUIRE(deleted.ok());
  CHECK(*deleted == 2);  // 1 (beyond two complete) and 2 (an older failure)
  std::vector<std::uint64_t> ids;
  const auto list = b.list_snapshots();
  REQUIRE(list.ok());
  for (const auto& s : *list) ids.push_back(s.id);
  CHECK(ids == std::vector<std::uint64_t>{6, 5, 4, 3});
  CHECK(*b.db().query_int("SELECT count(*) FROM snapshot_chunks") == 2);

  REQUIRE(b.fail_unfinished().ok());
  CHECK((*b.list_snapshots())[0].state == kSnapshotFailed);
}

TEST_CASE("sqlite backend gives freed pages back and keeps its busy timeout", "[persistence][vacuum][sqlite]") {
  TempDir dir;
  const std::string path = dir.file("b.db");
  SqliteBackend b = open_backend(path);  // busy timeout 1000 ms, moved into the backend
  for (std::uint64_t i = 1; i <= 400; ++i) {
    JournalRow r = row(i, i);
    r.payload.assign(3000, 'x');
    REQUIRE(b.append_row(r).ok());
  }
  REQUIRE(b.delete_rows_before(400).ok());
  const auto free_before = b.db().query_int("PRAGMA freelist_count");
  REQUIRE(free_before.ok());
  REQUIRE(*free_before > 256);  // more than one step's worth
  std::atomic<bool> abort{false};
  auto given = b.reclaim_space(abort);
  REQUIRE(given.ok());
  CHECK(*given >= static_cast<std::uint64_t>(*free_before) * 4096);
  CHECK(*b.db().query_int("PRAGMA freelist_count") == 0);
  // Writers on this connection still wait for others' transactions as before.
  CHECK(b.db().busy_timeout() == 1000);
  mnemo::test::RawDb other(path);
  CHECK(other.query_int("PRAGMA auto_vacuum") == 2);
}
