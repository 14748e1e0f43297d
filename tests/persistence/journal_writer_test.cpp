#include "persistence/journal_writer.h"

#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "persistence/schema.h"
#include "persistence/sqlite_backend.h"
#include "tests/persistence/test_util.h"
#include "tests/support/temp_dir.h"

using mnemo::persistence::Change;
using mnemo::persistence::ChangeKind;
using mnemo::persistence::ChangeRef;
using mnemo::persistence::JournalWriter;
using mnemo::persistence::JournalOptions;
using mnemo::protocol::Status;
using mnemo::test::Answer;
using mnemo::test::eventually;
using mnemo::test::FakeBackend;

namespace {

JournalOptions fast_options() {
  JournalOptions o;
  o.flush_interval_ms = 5;
  o.retry_min_ms = 1;
  o.retry_max_ms = 20;
  o.stop_retry_ms = 2000;
  return o;
}

mnemo::protocol::Result<std::uint64_t> put(JournalWriter& w, const std::string& key,
                                           const std::string& value = "v") {
  const ChangeRef c(0, ChangeKind::put, key, value, 0);
  return w.append(std::span<const ChangeRef>(&c, 1));
}

class FixedClock final : public mnemo::persistence::Clock {
 public:
  std::int64_t now_ms() const override { return 1234567; }
};

}  // namespace

TEST_CASE("journal writer stamps one seq on every change of an append and keeps them in one row",
          "[persistence]") {
  FakeBackend backend;
  JournalOptions o = fast_options();
  o.max_batch_changes = 2;  // smaller than the unit: a unit is still never split
  FixedClock clock;
  JournalWriter w(backend, o, clock);
  w.set_last_seq(41);
  w.start();
  std::vector<Change> mset = {{0, ChangeKind::put, "a", "1", 0},
                              {0, ChangeKind::put, "b", "2", 0},
                              {0, ChangeKind::del, "c", "", 0}};
  std::vector<Change> expected = mset;
  for (Change& c : expected) c.seq = 42;
  const std::vector<ChangeRef> refs(mset.begin(), mset.end());
  auto seq = w.append(refs);
  REQUIRE(seq.ok());
  CHECK(*seq == 42);
  w.stop();
  const auto rows = backend.rows();
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].seq_first == 42);
  CHECK(rows[0].seq_last == 42);
  CHECK(rows[0].n_changes == 3);
  CHECK(rows[0].created_at_ms == 1234567);
  CHECK(backend.changes() == expected);
}

TEST_CASE("journal writer batches by size", "[persistence]") {
  FakeBackend backend;
  JournalOptions o = fast_options();
  o.flush_interval_ms = 600000;  // only size (and stop) trigger a commit
  o.max_batch_changes = 5;
  JournalWriter w(backend, o);
  w.start();
  for (int i = 0; i < 12; ++i) REQUIRE(put(w, "k" + std::to_string(i)).ok());
  // The writer advances its durable seq only after append_row has returned, so
  // wait for the seq itself, not for the rows that precede it.
  REQUIRE(eventually([&] { return w.durable_seq() == 10; }));
  CHECK(backend.rows().size() == 2);
  w.stop();  // drains the last two
  const auto rows = backend.rows();
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].n_changes == 5);
  CHECK(rows[1].n_changes == 5);
  CHECK(rows[2].n_changes == 2);
  CHECK(rows[2].seq_last == 12);
  CHECK(w.durable_seq() == 12);
}

TEST_CASE("journal writer commits within the flush interval without being asked", "[persistence]") {
  FakeBackend backend;
  JournalOptions o = fast_options();
  o.flush_interval_ms = 20;
  JournalWriter w(backend, o);
  w.start();
  auto seq = put(w, "k");
  REQUIRE(seq.ok());
  // No waiter, no size trigger, no stop: only the interval can commit it.
  REQUIRE(eventually([&] { return w.durable_seq() == *seq; }));
  CHECK(backend.rows().size() == 1);
  CHECK(w.stats().queue_bytes == 0);
}

TEST_CASE("journal writer group commit releases many waiters with one commit", "[persistence]") {
  FakeBackend backend;
  JournalOptions o = fast_options();
  o.flush_interval_ms = 600000;  // a waiter, not the timer, must trigger each commit
  JournalWriter w(backend, o);
  w.start();
  backend.hold_commits(true);
  auto first = put(w, "first");
  Answer<Status> first_done;
  w.wait_durable(*first, first_done.callback());
  REQUIRE(eventually([&] { return backend.attempts() == 1; }));  // flushed at once, now blocked

  Answer<Status> done;
  for (int i = 0; i < 50; ++i) {
    auto seq = put(w, "k" + std::to_string(i));
    REQUIRE(seq.ok());
    w.wait_durable(*seq, done.callback());
  }
  CHECK(done.count() == 0);
  backend.hold_commits(false);
  REQUIRE(done.wait(50));
  REQUIRE(first_done.wait());
  for (Status s : done.values()) CHECK(s == Status::ok);
  const auto rows = backend.rows();
  REQUIRE(rows.size() == 2);
  CHECK(rows[1].n_changes == 50);
  CHECK(backend.attempts() == 2);

  // Already durable: answered at once, on the caller's thread.
  Answer<Status> again;
  w.wait_durable(*first, again.callback());
  CHECK(again.count() == 1);
}

TEST_CASE("journal writer answers a waiter for an ephemeral seq once everything before is durable",
          "[persistence]") {
  FakeBackend backend;
  JournalOptions o = fast_options();
  o.flush_interval_ms = 600000;
  JournalWriter w(backend, o);
  w.start();
  REQUIRE(put(w, "k").ok());
  const std::uint64_t eph = w.allocate_seq();
  Answer<Status> done;
  w.wait_durable(eph, done.callback());  // a SYNC after an ephemeral write
  REQUIRE(done.wait());
  CHECK(done.values()[0] == Status::ok);
  CHECK(w.durable_seq() == eph);
}

TEST_CASE("journal writer keeps seq order across concurrent producers", "[persistence]") {
  FakeBackend backend;
  JournalOptions o = fast_options();
  o.max_batch_changes = 7;
  JournalWriter w(backend, o);
  w.start();
  constexpr int kThreads = 4;
  constexpr int kPerThread = 300;
  std::vector<std::thread> producers;
  for (int t = 0; t < kThreads; ++t) {
    producers.emplace_back([&w, t] {
      for (int i = 0; i < kPerThread; ++i) {
        if (i % 10 == 0) w.allocate_seq();  // ephemeral writes leave gaps
        put(w, "t" + std::to_string(t), std::to_string(i));
      }
    });
  }
  for (auto& p : producers) p.join();
  w.stop();
  const auto changes = backend.changes();
  REQUIRE(changes.size() == kThreads * kPerThread);
  std::vector<int> next(kThreads, 0);
  std::uint64_t prev = 0;
  for (const Change& c : changes) {
    CHECK(c.seq > prev);
    prev = c.seq;
    const int t = c.key[1] - '0';
    CHECK(c.value == std::to_string(next[t]++));  // each producer's writes in its order
  }
  std::uint64_t prev_last = 0;
  for (const auto& row : backend.rows()) {
    CHECK(row.seq_first > prev_last);
    prev_last = row.seq_last;
  }
}

TEST_CASE("journal writer answers BUSY past its queue limit and queues nothing", "[persistence]") {
  FakeBackend backend;
  JournalOptions o = fast_options();
  o.queue_limit_bytes = 2000;
  o.queue_high_water_bytes = 1000;
  JournalWriter w(backend, o);  // not started: nothing drains
  int accepted = 0;
  mnemo::protocol::Result<std::uint64_t> r = std::uint64_t{0};
  while ((r = put(w, "key", std::string(100, 'v'))).ok()) ++accepted;
  CHECK(r.error().status == Status::busy);
  CHECK_THAT(r.error().message, Catch::Contains("queue full"));
  CHECK(accepted > 5);
  CHECK(w.under_pressure());
  const auto before = w.stats();
  CHECK(before.queue_changes == static_cast<std::uint64_t>(accepted));
  CHECK(put(w, "key", std::string(100, 'v')).error().status == Status::busy);
  CHECK(w.stats().queue_changes == before.queue_changes);
  CHECK(w.last_seq() == before.last_seq);

  w.start();
  REQUIRE(eventually([&] { return !w.under_pressure() && w.stats().queue_bytes == 0; }));
  CHECK(put(w, "key").ok());
  w.stop();
  CHECK(backend.changes().size() == static_cast<std::uint64_t>(accepted) + 1);
}

TEST_CASE("journal writer takes a transaction's unit past its queue limit, and says it accepts", "[persistence]") {
  FakeBackend backend;
  JournalOptions o = fast_options();
  o.queue_limit_bytes = 2000;
  o.queue_high_water_bytes = 1000;
  JournalWriter w(backend, o);  // not started: nothing drains
  while (put(w, "key", std::string(100, 'v')).ok()) {
  }
  CHECK(w.refusal().status == Status::ok);  // a full queue is no refusal: only a failing disk or a stop
  const Change c{0, ChangeKind::put, "txn", std::string(100, 't'), 0};
  const ChangeRef refs[] = {ChangeRef(c), ChangeRef(c)};
  const auto seq = w.append_forced(refs);
  REQUIRE(seq.ok());
  CHECK(w.last_seq() == *seq);
  w.start();
  w.stop();
  CHECK(w.refusal().status == Status::shutting_down);
  CHECK(w.append_forced(refs).error().status == Status::shutting_down);
  CHECK(backend.changes().back().key == "txn");
}

TEST_CASE("journal writer refuses writes while commits fail and recovers by itself", "[persistence]") {
  FakeBackend backend;
  JournalWriter w(backend, fast_options());
  w.start();
  REQUIRE(put(w, "before").ok());
  REQUIRE(eventually([&] { return w.durable_seq() == 1; }));

  backend.fail_commits(true);
  auto queued = put(w, "queued");
  REQUIRE(queued.ok());
  Answer<Status> failed;
  w.wait_durable(*queued, failed.callback());
  REQUIRE(failed.wait());
  CHECK(failed.values()[0] == Status::read_only);  // never an OK for an uncommitted change
  REQUIRE(eventually([&] { return w.stats().failing; }));

  auto refused = put(w, "refused");
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().status == Status::read_only);
  CHECK_THAT(refused.error().message, Catch::Contains("disk I/O error (fake)"));
  Answer<Status> during;
  w.wait_durable(*queued, during.callback());
  CHECK(during.values() == std::vector<Status>{Status::read_only});
  auto stats = w.stats();
  CHECK(stats.commit_failures >= 1);
  CHECK_THAT(stats.last_error, Catch::Contains("fake"));
  CHECK(stats.last_error_at_ms > 0);
  CHECK(stats.durable_seq == 1);
  const int attempts = backend.attempts();
  REQUIRE(eventually([&] { return backend.attempts() >= attempts + 2; }));  // it keeps retrying

  backend.fail_commits(false);
  REQUIRE(eventually([&] { return !w.stats().failing; }));
  CHECK(w.durable_seq() == *queued);
  auto after = put(w, "after");
  REQUIRE(after.ok());
  Answer<Status> ok;
  w.wait_durable(*after, ok.callback());
  REQUIRE(ok.wait());
  CHECK(ok.values()[0] == Status::ok);
  w.stop();
  std::vector<std::string> keys;
  for (const Change& c : backend.changes()) keys.push_back(c.key);
  CHECK(keys == std::vector<std::string>{"before", "queued", "after"});  // nothing lost or reordered
}

TEST_CASE("journal writer stop drains the queue and is safe to call twice", "[persistence]") {
  FakeBackend backend;
  JournalOptions o = fast_options();
  o.flush_interval_ms = 600000;
  JournalWriter w(backend, o);
  w.start();
  for (int i = 0; i < 100; ++i) REQUIRE(put(w, "k" + std::to_string(i)).ok());
  Answer<Status> never;
  w.wait_durable(1000, never.callback());  // a seq that will never exist
  w.stop();
  w.stop();
  CHECK(backend.changes().size() == 100);
  CHECK(never.values() == std::vector<Status>{Status::shutting_down});
  CHECK(put(w, "late").error().status == Status::shutting_down);
}

TEST_CASE("journal writer stop gives up on a disk that stays failing", "[persistence]") {
  FakeBackend backend;
  JournalOptions o = fast_options();
  o.stop_retry_ms = 50;
  JournalWriter w(backend, o);
  w.start();
  backend.fail_commits(true);
  auto seq = put(w, "lost");
  REQUIRE(seq.ok());
  w.stop();
  CHECK(backend.rows().empty());
  CHECK(w.durable_seq() == *seq - 1);  // never claims the lost change durable
  Answer<Status> done;
  w.wait_durable(*seq, done.callback());
  CHECK(done.values() == std::vector<Status>{Status::shutting_down});
}

TEST_CASE("journal writer survives a real disk-full and recovers when space is freed",
          "[persistence]") {
  using namespace mnemo::persistence;
  mnemo::test::TempDir dir;
  const std::string path = dir.file("full.db");
  auto db = SqliteDb::open(path, SqliteDb::read_write_create_flags());
  REQUIRE(db.ok());
  REQUIRE(check_or_create_schema(*db, SystemClock::instance()).ok());
  // A "disk" of 160 pages of 4 KiB; another process then takes 100 of them.
  REQUIRE(configure_connection(*db, SyncMode::normal, 5000, 160).ok());
  mnemo::test::RawDb other(path);
  REQUIRE(other.exec("CREATE TABLE filler(b BLOB)"));
  REQUIRE(other.exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100) "
                     "INSERT INTO filler SELECT zeroblob(4000) FROM n"));
  SqliteBackend backend(std::move(*db));
  JournalWriter w(backend, fast_options());
  w.start();

  std::vector<std::string> accepted;
  mnemo::protocol::Result<std::uint64_t> r = std::uint64_t{0};
  Answer<Status> last_wait;
  for (int i = 0; i < 1000; ++i) {
    const std::string key = "k" + std::to_string(i);
    r = put(w, key, std::string(3000, 'v'));
    if (!r.ok()) break;
    accepted.push_back(key);
    Answer<Status> done;
    w.wait_durable(*r, done.callback());
    REQUIRE(done.wait());
    if (done.values()[0] != Status::ok) {
      CHECK(done.values()[0] == Status::read_only);  // the waiter of the failed batch
      break;
    }
  }
  REQUIRE(eventually([&] { return w.stats().failing; }));
  const auto stats = w.stats();
  CHECK_THAT(stats.last_error, Catch::Contains("full"));
  auto refused = put(w, "refused");
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().status == Status::read_only);
  CHECK(accepted.size() > 5);

  REQUIRE(other.exec("DELETE FROM filler"));  // the disk has room again
  REQUIRE(eventually([&] { return !w.stats().failing; }));
  auto after = put(w, "after");
  REQUIRE(after.ok());
  accepted.push_back("after");
  Answer<Status> ok;
  w.wait_durable(*after, ok.callback());
  REQUIRE(ok.wait());
  CHECK(ok.values()[0] == Status::ok);
  w.stop();

  std::vector<std::string> keys;
  Outcome scan = backend.scan_rows(0, [&](const JournalRow& row) {
    auto changes = decode_changes(row.payload, row.crc32);
    REQUIRE(changes.ok());
    for (const Change& c : *changes) keys.push_back(c.key);
    return true;
  });
  REQUIRE(scan.ok());
  CHECK(keys == accepted);
}
