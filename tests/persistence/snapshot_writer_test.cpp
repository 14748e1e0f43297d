#include "persistence/snapshot_writer.h"

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <numeric>
#include <thread>

#include "persistence/record_codec.h"
#include "persistence/sqlite_backend.h"
#include "tests/persistence/test_util.h"
#include "tests/support/temp_dir.h"

using namespace mnemo::persistence;
using mnemo::protocol::SnapshotInfo;
using mnemo::protocol::Status;
using mnemo::test::Answer;
using mnemo::test::eventually;
using mnemo::test::FakeState;
using mnemo::test::RawDb;
using mnemo::test::recover_state;
using mnemo::test::Running;
using mnemo::test::TempDir;

namespace {

using SnapshotAnswer = Answer<std::pair<SnapshotInfo, Status>>;

std::function<void(const SnapshotInfo&, Status)> collect(SnapshotAnswer& a) {
  auto cb = a.callback();
  return [cb](const SnapshotInfo& info, Status s) { cb({info, s}); };
}

// Runs one snapshot to its end and returns what `done` said.
std::pair<SnapshotInfo, Status> snapshot(Running& r) {
  SnapshotAnswer done;
  auto started = r.p->start_snapshot(collect(done));
  REQUIRE(started.ok());
  REQUIRE(done.wait());
  const auto answer = done.values()[0];
  CHECK(answer.first.id == started->id);
  CHECK(answer.first.start_seq == started->start_seq);
  return answer;
}

void write_keys(Running& r, int n, const std::string& prefix = "k") {
  for (int i = 0; i < n; ++i) REQUIRE(r.store.set(prefix + std::to_string(i), "v" + std::to_string(i)).ok());
}

}  // namespace

TEST_CASE("a fuzzy snapshot taken while writes go on recovers the exact state", "[persistence]") {
  TempDir dir;
  Options opts = mnemo::test::test_options(dir.path());
  opts.snapshot.chunk_entries = 16;
  FakeState expected;
  SnapshotInfo snap;
  {
    Running r(opts);
    write_keys(r, 600);
    REQUIRE(r.sync() == Status::ok);
    // Writes between chunks, on keys already copied and on keys not copied yet.
    std::atomic<int> n{0};
    r.store.after_copy = [&](std::size_t) {
      const int i = n++;
      r.store.set("k" + std::to_string((i * 37) % 600), "during" + std::to_string(i));
      if (i % 3 == 0) r.store.del("k" + std::to_string((i * 11) % 600));
      r.store.set("new" + std::to_string(i), "x");
    };
    std::atomic<bool> stop{false};
    std::thread writer([&] {
      for (int i = 0; i < 3000 && !stop; ++i) {
        r.store.set("w" + std::to_string(i % 100), std::to_string(i));
        if (i % 7 == 0) r.store.del("w" + std::to_string((i * 13) % 100));
      }
    });
    auto [info, status] = snapshot(r);
    stop = true;
    writer.join();
    REQUIRE(status == Status::ok);
    CHECK(info.state == kSnapshotComplete);
    CHECK(info.entries > 500);  // 600 keys, less the few the hook deleted, plus new ones
    snap = info;
    r.store.after_copy = nullptr;
    REQUIRE(r.store.set("after", "1").ok());
    REQUIRE(r.store.del("k5").ok() );
    expected = r.store.state();
  }
  // The snapshot really is fuzzy: it holds versions newer than its S0.
  std::uint64_t newer = 0;
  {
    ReadBackend backend = mnemo::test::stored(opts);
    REQUIRE(backend->scan_chunks(snap.id, [&](const SnapshotChunk& c) {
      const auto entries = decode_entries(c.payload, c.crc32);
      REQUIRE(entries.ok());
      for (const auto& e : *entries) newer += e.version > snap.start_seq;
      return true;
    }).ok());
  }
  CHECK(newer > 0);
  auto recovered = recover_state(opts);
  REQUIRE(recovered.ok());
  CHECK(recovered->second.snapshot_id == snap.id);
  CHECK(recovered->second.snapshot_entries == snap.entries);
  CHECK(recovered->first == expected);
}

TEST_CASE("compaction deletes only the journal rows a snapshot covers", "[persistence]") {
  TempDir dir;
  const Options opts = mnemo::test::test_options(dir.path());
  FakeState expected;
  std::uint64_t s0 = 0;
  {
    Running r(opts);
    for (int i = 0; i < 10; ++i) {  // ten rows, one seq each
      REQUIRE(r.store.set("k" + std::to_string(i), "v").ok());
      REQUIRE(r.sync() == Status::ok);
    }
    auto [info, status] = snapshot(r);
    REQUIRE(status == Status::ok);
    s0 = info.start_seq;
    CHECK(s0 == 10);
    {
      const auto rows = mnemo::test::stored_rows(opts);
      REQUIRE(rows.size() == 1);  // the row of seq 10 = S0 stays, every row before it is gone
      CHECK(rows[0].second == s0);
    }
    write_keys(r, 3, "late");
    expected = r.store.state();
  }
  auto recovered = recover_state(opts);
  REQUIRE(recovered.ok());
  CHECK(recovered->first == expected);
  CHECK(recovered->second.journal_changes == 3);
}

TEST_CASE("snapshot retention keeps the newest N complete snapshots", "[persistence]") {
  TempDir dir;
  Options opts = mnemo::test::test_options(dir.path());
  opts.snapshot.keep = 2;
  opts.snapshot.chunk_entries = 4;
  FakeState expected;
  {
    Running r(opts);
    for (int round = 0; round < 4; ++round) {
      write_keys(r, 10, "r" + std::to_string(round) + "-");
      REQUIRE(snapshot(r).second == Status::ok);
    }
    const auto list = r.p->snapshots();
    REQUIRE(list.size() == 2);
    CHECK(list[0].id == 4);
    CHECK(list[1].id == 3);
    CHECK(list[0].state == kSnapshotComplete);
    CHECK(r.p->stats().snapshot.completed == 4);
    CHECK(r.p->stats().snapshot.last.id == 4);
    expected = r.store.state();
  }
  {
    ReadBackend b = mnemo::test::stored(opts);
    const auto kept = b->list_snapshots();
    REQUIRE(kept.ok());
    CHECK(kept->size() == 2);
  }
  for (std::uint64_t gone : {1, 2}) CHECK(mnemo::test::stored_chunks(opts, gone).empty());
  // 40 entries in chunks of 4 to 7 (a shard's copy is never split to fill a chunk).
  const std::vector<std::uint32_t> chunks = mnemo::test::stored_chunks(opts, 4);
  CHECK(std::accumulate(chunks.begin(), chunks.end(), 0u) == 40);
  CHECK(*std::max_element(chunks.begin(), chunks.end()) <= 7);
  CHECK(chunks.size() >= 6);
  auto recovered = recover_state(opts);
  REQUIRE(recovered.ok());
  CHECK(recovered->first == expected);
  CHECK(recovered->second.snapshot_id == 4);
}

TEST_CASE("only one snapshot runs at a time", "[persistence]") {
  TempDir dir;
  Running r(mnemo::test::test_options(dir.path()));
  write_keys(r, 5);
  std::atomic<bool> entered{false};
  std::atomic<bool> release{false};
  r.store.after_copy = [&](std::size_t) {
    entered = true;
    eventually([&] { return release.load(); });
  };
  SnapshotAnswer done;
  auto first = r.p->start_snapshot(collect(done));
  REQUIRE(first.ok());
  CHECK(first->start_seq == 5);
  REQUIRE(eventually([&] { return entered.load(); }));
  auto second = r.p->start_snapshot(nullptr);
  REQUIRE_FALSE(second.ok());
  CHECK(second.error().status == Status::busy);
  CHECK_THAT(second.error().message, Catch::Contains("already running"));
  CHECK(r.p->stats().snapshot.running);
  CHECK(r.p->snapshots().at(0).state == kSnapshotRunning);
  release = true;
  REQUIRE(done.wait());
  CHECK(done.values()[0].second == Status::ok);
  r.store.after_copy = nullptr;
  CHECK_FALSE(r.p->stats().snapshot.running);
  CHECK(snapshot(r).second == Status::ok);
}

TEST_CASE("stop aborts a running snapshot cleanly", "[persistence]") {
  TempDir dir;
  const Options opts = mnemo::test::test_options(dir.path());
  FakeState expected;
  SnapshotAnswer done;
  {
    Running r(opts);
    write_keys(r, 20);
    expected = r.store.state();
    std::atomic<bool> entered{false};
    r.store.after_copy = [&](std::size_t) {
      if (entered.exchange(true)) return;
      // Holds the snapshot until stop() has begun (start_snapshot then says so).
      eventually([&] {
        auto s = r.p->start_snapshot(nullptr);
        return !s.ok() && s.error().status == Status::shutting_down;
      });
    };
    REQUIRE(r.p->start_snapshot(collect(done)).ok());
    REQUIRE(eventually([&] { return entered.load(); }));
    r.p->stop();
    REQUIRE(done.count() == 1);
    CHECK(done.values()[0].second == Status::shutting_down);
    CHECK(done.values()[0].first.state == kSnapshotFailed);
    CHECK(r.p->snapshots().at(0).state == kSnapshotFailed);
    CHECK(r.p->stats().snapshot.failures == 1);
    r.store.after_copy = nullptr;
  }
  {
    ReadBackend b = mnemo::test::stored(opts);
    const auto list = b->list_snapshots();
    REQUIRE(list.ok());
    REQUIRE(list->size() == 1);
    CHECK(list->at(0).state == kSnapshotFailed);
  }
  CHECK(mnemo::test::stored_chunks(opts, 1).empty());
  auto recovered = recover_state(opts);
  REQUIRE(recovered.ok());
  CHECK(recovered->second.snapshot_id == 0);
  CHECK(recovered->first == expected);
}

TEST_CASE("automatic snapshots follow the change and time policies", "[persistence]") {
  TempDir dir;
  Options opts = mnemo::test::test_options(dir.path());
  SECTION("every N changes") {
    opts.snapshot.every_changes = 20;
    Running r(opts);
    write_keys(r, 25);
    REQUIRE(r.sync() == Status::ok);
    REQUIRE(eventually([&] { return r.p->stats().snapshot.completed >= 1; }));
  }
  SECTION("every N seconds") {
    opts.snapshot.every_seconds = 1;
    Running r(opts);
    write_keys(r, 1);
    REQUIRE(r.sync() == Status::ok);
    REQUIRE(eventually([&] { return r.p->stats().snapshot.completed >= 1; }));
  }
}

TEST_CASE("the change policy waits for a share of the last snapshot's size", "[persistence]") {
  SnapshotOptions o;
  o.every_changes = 1000;
  o.growth_percent = 100;
  CHECK(changes_before_snapshot(o, 0) == 1000);       // a small store: the fixed count
  CHECK(changes_before_snapshot(o, 999) == 1000);
  CHECK(changes_before_snapshot(o, 5000) == 5000);    // a large one: as many changes as entries
  o.growth_percent = 50;
  CHECK(changes_before_snapshot(o, 5000) == 2500);
  CHECK(changes_before_snapshot(o, UINT64_MAX) == UINT64_MAX);  // no overflow
  o.growth_percent = 0;
  CHECK(changes_before_snapshot(o, 5000) == 1000);    // growth rule off
  o.every_changes = 0;
  o.growth_percent = 100;
  CHECK(changes_before_snapshot(o, 5000) == 0);       // change policy off
}

TEST_CASE("after a large snapshot the next automatic one waits for the growth rule", "[persistence]") {
  TempDir dir;
  Options opts = mnemo::test::test_options(dir.path());
  {
    Running r(opts);  // no policy: one manual snapshot of 60 entries
    write_keys(r, 60);
    auto [first, status] = snapshot(r);
    REQUIRE(status == Status::ok);
    REQUIRE(first.entries == 60);
    CHECK(r.p->stats().snapshot.changes_until_auto == -1);
  }
  opts.snapshot.every_changes = 20;
  opts.snapshot.growth_percent = 100;
  Running r(opts);
  CHECK(r.p->stats().snapshot.changes_until_auto == 60);  // not 20: the store holds 60 entries
  write_keys(r, 30, "again");
  REQUIRE(r.sync() == Status::ok);
  CHECK(r.p->stats().snapshot.changes_until_auto == 30);
  CHECK(r.p->stats().snapshot.completed == 0);
  write_keys(r, 30, "more");
  REQUIRE(r.sync() == Status::ok);
  REQUIRE(eventually([&] { return r.p->stats().snapshot.completed >= 1; }));
  CHECK(r.p->snapshots().at(0).entries == 120);
}

TEST_CASE("a snapshot of an empty store completes and recovers", "[persistence]") {
  TempDir dir;
  const Options opts = mnemo::test::test_options(dir.path());
  {
    Running r(opts);
    auto [info, status] = snapshot(r);
    CHECK(status == Status::ok);
    CHECK(info.entries == 0);
  }
  auto recovered = recover_state(opts);
  REQUIRE(recovered.ok());
  CHECK(recovered->second.snapshot_id == 1);
  CHECK(recovered->first.empty());
}

TEST_CASE("a snapshot interrupted by a crash is marked failed at the next open", "[persistence][sqlite]") {
  TempDir dir;
  const Options opts = mnemo::test::test_options(dir.path());
  { Running r(opts); }
  {
    RawDb raw(dir.file(opts.db_file_name));
    REQUIRE(raw.exec("INSERT INTO snapshots(id, start_seq, state, started_at_ms) VALUES (5, 0, 0, 1)"));
    REQUIRE(raw.exec("INSERT INTO snapshot_chunks(snapshot_id, chunk_no, n_entries, crc32, payload) "
                     "VALUES (5, 0, 0, 0, x'00')"));
  }
  Running r(opts);
  CHECK(r.info.snapshot_id == 0);
  REQUIRE(r.p->snapshots().size() == 1);
  CHECK(r.p->snapshots()[0].state == kSnapshotFailed);
  auto [info, status] = snapshot(r);
  CHECK(status == Status::ok);
  CHECK(info.id == 6);
  RawDb raw(dir.file(opts.db_file_name));
  CHECK(raw.query_int("SELECT count(*) FROM snapshot_chunks WHERE snapshot_id = 5") == 0);
}

TEST_CASE("recovery refuses a corrupt snapshot with an error naming it", "[persistence][sqlite]") {
  TempDir dir;
  Options opts = mnemo::test::test_options(dir.path());
  opts.snapshot.chunk_entries = 4;
  {
    Running r(opts);
    write_keys(r, 10);
    REQUIRE(snapshot(r).second == Status::ok);
  }
  {
    RawDb raw(dir.file(opts.db_file_name));
    std::string payload = raw.query_text("SELECT payload FROM snapshot_chunks WHERE chunk_no = 1");
    payload[3] ^= 0x10;
    REQUIRE(raw.set_blob("UPDATE snapshot_chunks SET payload = ?1 WHERE chunk_no = 1", payload));
  }
  auto recovered = recover_state(opts);
  REQUIRE_FALSE(recovered.ok());
  CHECK_THAT(recovered.error().message, Catch::Contains("snapshot 1"));
  CHECK_THAT(recovered.error().message, Catch::Contains("chunk 1"));
  CHECK_THAT(recovered.error().message, Catch::Contains("crc32 mismatch"));
}

TEST_CASE("a snapshot completes only once the journal holds every write it contains",
          "[persistence]") {
  TempDir dir;
  Options opts = mnemo::test::test_options(dir.path());
  opts.journal.flush_interval_ms = 600000;  // write-behind changes would sit in the queue
  Running r(opts);
  write_keys(r, 30);
  CHECK(r.p->durable_seq() == 0);
  auto [info, status] = snapshot(r);
  REQUIRE(status == Status::ok);
  CHECK(r.p->durable_seq() >= 30);
}

TEST_CASE("a snapshot completes only once the journal holds the deletions it reflects too",
          "[persistence]") {
  TempDir dir;
  Options opts = mnemo::test::test_options(dir.path());
  opts.journal.flush_interval_ms = 600000;  // write-behind changes would sit in the queue
  Running r(opts);
  write_keys(r, 30);
  REQUIRE(r.sync() == Status::ok);
  const auto deleted = r.store.del("k7");  // leaves no entry with its seq behind in the copy
  REQUIRE(deleted.ok());
  CHECK(r.p->durable_seq() < *deleted);
  auto [info, status] = snapshot(r);
  REQUIRE(status == Status::ok);
  CHECK(r.p->durable_seq() >= *deleted);
}
