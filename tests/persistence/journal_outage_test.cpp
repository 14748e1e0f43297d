// JournalWriter with absorb_outages (journal_writer.h "Outages"), as the
// PostgreSQL backend runs it: commits fail for a while, then succeed again.
#include <catch2/catch.hpp>

#include "persistence/journal_writer.h"
#include "tests/persistence/test_util.h"

using namespace mnemo::persistence;
using mnemo::protocol::Status;
using mnemo::test::Answer;
using mnemo::test::eventually;
using mnemo::test::FakeBackend;

namespace {

JournalOptions outage_options() {
  JournalOptions o;
  o.flush_interval_ms = 2;
  o.retry_min_ms = 1;
  o.retry_max_ms = 10;
  o.stop_retry_ms = 2000;
  o.absorb_outages = true;
  o.durable_timeout_ms = 100;
  o.queue_limit_bytes = 64 * 1024;
  o.queue_high_water_bytes = 48 * 1024;
  return o;
}

mnemo::protocol::Result<std::uint64_t> put(JournalWriter& w, std::uint64_t i) {
  const std::string key = "k" + std::to_string(i);
  const std::string value(100, 'v');
  const ChangeRef c(0, ChangeKind::put, key, value, 0);
  return w.append(std::span<const ChangeRef>(&c, 1));
}

}  // namespace

TEST_CASE("journal writer absorbs an outage in its queue and drains it after", "[persistence]") {
  FakeBackend backend;
  JournalWriter w(backend, outage_options());
  w.start();
  REQUIRE(put(w, 0).ok());
  REQUIRE(eventually([&] { return w.durable_seq() == 1; }));
  backend.fail_commits(true);
  REQUIRE(put(w, 1).ok());
  REQUIRE(eventually([&] { return w.stats().failing; }));

  // Below the high-water mark writes are still acknowledged.
  std::uint64_t i = 2;
  for (; i < 50; ++i) REQUIRE(put(w, i).ok());
  CHECK(w.refusal().status == Status::ok);

  // A durable waiter waits, then fails after durable_timeout_ms.
  Answer<Status> durable;
  w.wait_durable(w.last_seq(), durable.callback());
  REQUIRE(durable.wait());
  CHECK(durable.values()[0] == Status::read_only);

  // Past the high-water mark: BUSY first, READ_ONLY once the outage is older
  // than durable_timeout_ms (it already is, after the waiter's timeout).
  Status refused = Status::ok;
  for (; refused == Status::ok && i < 10000; ++i) {
    auto r = put(w, i);
    if (!r.ok()) refused = r.error().status;
  }
  CHECK(refused == Status::read_only);
  CHECK(w.stats().queue_bytes >= outage_options().queue_high_water_bytes - 200);
  CHECK(!w.under_pressure());  // refusals, not paused sessions: reads go on
  const std::uint64_t acked = w.last_seq();

  backend.fail_commits(false);
  REQUIRE(eventually([&] { return w.durable_seq() == acked; }));
  CHECK(!w.stats().failing);
  CHECK(put(w, i).ok());
  w.stop();
  std::uint64_t changes = 0;
  for (const JournalRow& row : backend.rows()) changes += row.n_changes;
  CHECK(changes == w.last_seq());  // every acknowledged write (each seq one change), each once
}

TEST_CASE("journal writer answers BUSY past the high-water mark early in an outage", "[persistence]") {
  FakeBackend backend;
  JournalOptions o = outage_options();
  o.durable_timeout_ms = 60000;  // the outage stays "young" for the whole test
  JournalWriter w(backend, o);
  w.start();
  backend.fail_commits(true);
  REQUIRE(put(w, 0).ok());
  REQUIRE(eventually([&] { return w.stats().failing; }));
  Status refused = Status::ok;
  for (std::uint64_t i = 1; refused == Status::ok && i < 10000; ++i) {
    auto r = put(w, i);
    if (!r.ok()) refused = r.error().status;
  }
  CHECK(refused == Status::busy);
  backend.fail_commits(false);
  const std::uint64_t acked = w.last_seq();
  REQUIRE(eventually([&] { return w.durable_seq() == acked; }));
}

TEST_CASE("journal writer without absorb_outages refuses at the first failure", "[persistence]") {
  FakeBackend backend;
  JournalOptions o = outage_options();
  o.absorb_outages = false;
  JournalWriter w(backend, o);
  w.start();
  backend.fail_commits(true);
  REQUIRE(put(w, 0).ok());
  REQUIRE(eventually([&] { return w.stats().failing; }));
  auto r = put(w, 1);
  REQUIRE(!r.ok());
  CHECK(r.error().status == Status::read_only);
  backend.fail_commits(false);
}
