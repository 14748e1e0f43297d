#include "persistence/recovery.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <random>

#include "persistence/record_codec.h"
#include "persistence/schema.h"
#include "persistence/sqlite_backend.h"
#include "tests/persistence/test_util.h"
#include "tests/support/temp_dir.h"

using namespace mnemo::persistence;
using mnemo::protocol::Status;
using mnemo::test::FakeState;
using mnemo::test::FakeStore;
using mnemo::test::RawDb;
using mnemo::test::recover_state;
using mnemo::test::Running;
using mnemo::test::TempDir;

namespace {

std::int64_t now_ms() { return SystemClock::instance().now_ms(); }

// Three journal rows: {a, b}, {c}, {d}; returns the state after each row.
std::vector<FakeState> write_three_rows(const Options& opts) {
  std::vector<FakeState> states;
  Running r(opts);
  REQUIRE(r.store.mset({{"a", "1"}, {"b", "2"}}).ok());
  REQUIRE(r.sync() == Status::ok);
  states.push_back(r.store.state());
  REQUIRE(r.store.set("c", "3").ok());
  REQUIRE(r.sync() == Status::ok);
  states.push_back(r.store.state());
  REQUIRE(r.store.set("d", "4").ok());
  REQUIRE(r.sync() == Status::ok);
  states.push_back(r.store.state());
  return states;
}

// Reads every journal change of a database, row by row.
std::vector<std::vector<Change>> read_batches(const Options& opts) {
  ReadBackend backend = mnemo::test::stored(opts);
  std::vector<std::vector<Change>> batches;
  REQUIRE(backend
              ->scan_rows(0,
                         [&](const JournalRow& row) {
                           auto changes = decode_changes(row.payload, row.crc32);
                           REQUIRE(changes.ok());
                           batches.push_back(*changes);
                           return true;
                         })
              .ok());
  return batches;
}

}  // namespace

TEST_CASE("recovery restores the state after reopening the database", "[persistence]") {
  TempDir dir;
  const Options opts = mnemo::test::test_options(dir.path());
  FakeState expected;
  std::uint64_t last = 0;
  {
    Running r(opts);
    CHECK(r.info.last_seq == 0);
    for (int i = 0; i < 50; ++i) REQUIRE(r.store.set("k" + std::to_string(i), "v" + std::to_string(i)).ok());
    REQUIRE(r.store.del("k3").ok());
    REQUIRE(r.store.set("k4", "again").ok());
    REQUIRE(r.store.mset({{"m1", "x"}, {"m2", "y"}}).ok());
    REQUIRE(r.store.set("ttl", "later", now_ms() + 3600000).ok());
    REQUIRE(r.store.set("expired", "gone", now_ms() - 1).ok());
    r.p->change_log().allocate_seq();  // an ephemeral write: seq used, nothing journaled
    expected = r.store.state();
    expected.erase("expired");
    last = r.p->last_seq();
  }
  auto recovered = recover_state(opts);
  REQUIRE(recovered.ok());
  CHECK(recovered->first == expected);
  CHECK(recovered->second.last_seq == last - 1);  // the trailing ephemeral seq is not on disk
  CHECK(recovered->second.expired_dropped == 1);
  CHECK(recovered->second.journal_changes == 56);
  CHECK(recovered->second.snapshot_id == 0);

  Running again(opts);  // seqs continue after the recovered ones
  auto seq = again.store.set("new", "1");
  REQUIRE(seq.ok());
  CHECK(*seq == last);
}

TEST_CASE("journal replay is idempotent and insensitive to order within a batch", "[persistence]") {
  TempDir dir;
  Options opts = mnemo::test::test_options(dir.path());
  opts.journal.flush_interval_ms = 50;  // large batches with the same key several times in one
  FakeState original;
  {
    Running r(opts);
    std::mt19937 rng(7);
    for (int i = 0; i < 600; ++i) {
      const std::string key = "k" + std::to_string(rng() % 20);
      if (rng() % 4 == 0) {
        REQUIRE(r.store.del(key).ok());
      } else {
        REQUIRE(r.store.set(key, std::to_string(i)).ok());
      }
      if (i % 150 == 0) REQUIRE(r.sync() == Status::ok);
    }
    original = r.store.state();
  }
  const auto batches = read_batches(opts);
  REQUIRE(batches.size() >= 4);
  auto replay = [&](FakeStore& target, bool shuffle, int times) {
    std::mt19937 rng(11);
    for (int t = 0; t < times; ++t) {
      for (auto batch : batches) {
        if (shuffle) std::shuffle(batch.begin(), batch.end(), rng);
        for (const Change& c : batch) target.apply_recovered(c);
      }
    }
    target.finish_recovery(now_ms());
    return target.state();
  };
  FakeStore once, twice, shuffled;
  CHECK(replay(once, false, 1) == original);
  CHECK(replay(twice, false, 2) == original);
  CHECK(replay(shuffled, true, 2) == original);
}

TEST_CASE("recovery stops at a corrupted journal row with an error naming it", "[persistence][sqlite]") {
  TempDir dir;
  const Options opts = mnemo::test::test_options(dir.path());
  write_three_rows(opts);
  const std::string path = dir.file(opts.db_file_name);
  std::int64_t id = 0;
  std::string range;
  {
    RawDb raw(path);
    REQUIRE(raw.query_int("SELECT count(*) FROM journal") == 3);
    id = raw.query_int("SELECT id FROM journal ORDER BY seq_last LIMIT 1 OFFSET 1");
    range = std::to_string(raw.query_int("SELECT seq_first FROM journal WHERE id = " + std::to_string(id))) +
            ".." + std::to_string(raw.query_int("SELECT seq_last FROM journal WHERE id = " + std::to_string(id)));
    std::string payload = raw.query_text("SELECT payload FROM journal WHERE id = " + std::to_string(id));
    payload[payload.size() - 2] ^= 0x40;
    REQUIRE(raw.set_blob("UPDATE journal SET payload = ?1 WHERE id = " + std::to_string(id), payload));
  }
  auto recovered = recover_state(opts);
  REQUIRE_FALSE(recovered.ok());
  const std::string& msg = recovered.error().message;
  CHECK_THAT(msg, Catch::Contains("journal row " + std::to_string(id) + " (seqs " + range + ")"));
  CHECK_THAT(msg, Catch::Contains("crc32 mismatch"));
  CHECK_THAT(msg, Catch::Contains("--recover-truncated"));
  RawDb raw(path);
  CHECK(raw.query_int("SELECT count(*) FROM journal") == 3);  // nothing was changed
}

TEST_CASE("recovery reports a truncated payload", "[persistence][sqlite]") {
  TempDir dir;
  const Options opts = mnemo::test::test_options(dir.path());
  write_three_rows(opts);
  {
    RawDb raw(dir.file(opts.db_file_name));
    std::string payload = raw.query_text("SELECT payload FROM journal ORDER BY seq_last DESC LIMIT 1");
    payload.resize(payload.size() - 5);  // a torn write whose checksum was written to match
    REQUIRE(raw.set_blob("UPDATE journal SET payload = ?1, crc32 = " +
                             std::to_string(payload_crc32(payload)) +
                             " WHERE id = (SELECT max(id) FROM journal)",
                         payload));
  }
  auto recovered = recover_state(opts);
  REQUIRE_FALSE(recovered.ok());
  CHECK_THAT(recovered.error().message, Catch::Contains("truncated"));
}

TEST_CASE("recover_truncated recovers up to the last good row and sets the rest aside",
          "[persistence][sqlite]") {
  TempDir dir;
  Options opts = mnemo::test::test_options(dir.path());
  const auto states = write_three_rows(opts);
  const std::string path = dir.file(opts.db_file_name);
  std::int64_t max_seq = 0;
  {
    RawDb raw(path);
    max_seq = raw.query_int("SELECT max(seq_last) FROM journal");
    REQUIRE(raw.exec("UPDATE journal SET crc32 = crc32 + 1 WHERE id = "
                     "(SELECT id FROM journal ORDER BY seq_last LIMIT 1 OFFSET 1)"));
  }
  opts.recover_truncated = true;
  auto recovered = recover_state(opts);
  REQUIRE(recovered.ok());
  CHECK(recovered->first == states[0]);
  CHECK(recovered->second.skipped_bad_rows == 2);
  CHECK(recovered->second.journal_rows == 1);
  CHECK(recovered->second.last_seq == static_cast<std::uint64_t>(max_seq));
  {
    RawDb raw(path);
    CHECK(raw.query_int("SELECT count(*) FROM journal") == 1);
    CHECK(raw.query_int("SELECT count(*) FROM journal_skipped") == 2);
  }

  opts.recover_truncated = false;  // the next start is clean, and seqs are not reused
  std::uint64_t new_seq = 0;
  {
    Running r(opts);
    auto seq = r.store.set("e", "5");
    REQUIRE(seq.ok());
    new_seq = *seq;
  }
  CHECK(new_seq == static_cast<std::uint64_t>(max_seq) + 1);
  auto again = recover_state(opts);
  REQUIRE(again.ok());
  FakeState expected = states[0];
  expected["e"] = mnemo::test::FakeEntry{"5", new_seq, 0};
  CHECK(again->first == expected);
}

TEST_CASE("recovery hints the target with the snapshot's entries plus the journal's changes",
          "[persistence]") {
  TempDir dir;
  const Options opts = mnemo::test::test_options(dir.path());
  FakeState expected;
  {
    Running r(opts);
    for (int i = 0; i < 30; ++i) REQUIRE(r.store.set("k" + std::to_string(i), "v").ok());
    mnemo::test::Answer<std::pair<mnemo::protocol::SnapshotInfo, Status>> done;
    auto cb = done.callback();
    REQUIRE(r.p->start_snapshot([cb](const mnemo::protocol::SnapshotInfo& info, Status s) {
                   cb({info, s});
                 }).ok());
    REQUIRE(done.wait());
    REQUIRE(done.values()[0].second == Status::ok);
    // After the snapshot: 5 overwrites, 2 new keys, 1 delete (8 journal changes).
    for (int i = 0; i < 5; ++i) REQUIRE(r.store.set("k" + std::to_string(i), "again").ok());
    REQUIRE(r.store.mset({{"n1", "x"}, {"n2", "y"}}).ok());
    REQUIRE(r.store.del("k7").ok());
    REQUIRE(r.sync() == Status::ok);
    expected = r.store.state();
  }
  auto p = Persistence::open(opts);
  FakeStore store(&p->change_log());
  auto info = p->recover(store);
  p->stop();
  REQUIRE(info.ok());
  CHECK(info->snapshot_entries == 30);
  CHECK(info->journal_changes == 8);
  CHECK(store.reserve_hints == std::vector<std::uint64_t>{38});
  CHECK(store.state() == expected);
}

TEST_CASE("the journal's change count skips the rows a snapshot covers", "[persistence]") {
  TempDir dir;
  const Options opts = mnemo::test::test_options(dir.path());
  write_three_rows(opts);  // rows {a, b}, {c}, {d}
  ReadBackend backend = mnemo::test::stored(opts);
  std::vector<std::uint64_t> lasts;
  REQUIRE(backend->scan_rows(0, [&](const JournalRow& row) {
    lasts.push_back(row.seq_last);
    return true;
  }).ok());
  REQUIRE(lasts.size() == 3);
  CHECK(*backend->count_changes_after(0) == 4);
  CHECK(*backend->count_changes_after(lasts[0]) == 2);
  CHECK(*backend->count_changes_after(lasts[2]) == 0);
}

TEST_CASE("journal replay from decoded views is idempotent", "[persistence]") {
  TempDir dir;
  Options opts = mnemo::test::test_options(dir.path());
  opts.journal.flush_interval_ms = 50;
  FakeState original;
  {
    Running r(opts);
    std::mt19937 rng(5);
    for (int i = 0; i < 400; ++i) {
      const std::string key = "k" + std::to_string(rng() % 15);
      if (rng() % 5 == 0) {
        REQUIRE(r.store.del(key).ok());
      } else {
        REQUIRE(r.store.set(key, std::string(rng() % 40, 'x') + std::to_string(i)).ok());
      }
    }
    REQUIRE(r.sync() == Status::ok);
    original = r.store.state();
  }
  ReadBackend backend = mnemo::test::stored(opts);
  std::vector<std::string> payloads;
  std::vector<std::string> storage;  // the views below point into these
  std::vector<std::vector<ChangeRef>> batches;
  std::vector<std::uint32_t> crcs;
  REQUIRE(backend->scan_rows(0, [&](const JournalRow& row) {
    payloads.push_back(row.payload);
    crcs.push_back(row.crc32);
    return true;
  }).ok());
  storage.resize(payloads.size());
  for (std::size_t i = 0; i < payloads.size(); ++i) {
    std::vector<ChangeRef> views;
    REQUIRE(decode_change_views(payloads[i], crcs[i], views, storage[i]).ok());
    batches.push_back(std::move(views));
  }
  FakeStore once, twice;
  for (const auto& b : batches) once.apply_recovered_batch(b);
  for (int t = 0; t < 2; ++t) {
    for (const auto& b : batches) twice.apply_recovered_batch(b);
  }
  once.finish_recovery(now_ms());
  twice.finish_recovery(now_ms());
  CHECK(once.state() == original);
  CHECK(twice.state() == original);
}
