// What the change feed needs from persistence: the tap sees every seq in
// order, and JournalReader reads committed changes back and knows how far
// compaction has gone.
#include "persistence/journal_reader.h"

#include <catch2/catch.hpp>
#include <mutex>
#include <vector>

#include "tests/persistence/test_util.h"
#include "tests/support/temp_dir.h"

using namespace mnemo::persistence;
using mnemo::protocol::Status;
using mnemo::test::Answer;
using mnemo::test::Running;
using mnemo::test::TempDir;

namespace {

struct RecordingTap final : ChangeTap {
  void on_seq(std::uint64_t seq, std::span<const ChangeRef> changes, bool journaled) override {
    std::lock_guard lk(mu);
    for (const ChangeRef& c : changes) seen.push_back({seq, std::string(c.key), journaled});
    if (changes.empty()) seen.push_back({seq, "", journaled});
  }
  struct Seen {
    std::uint64_t seq;
    std::string key;
    bool journaled;
    bool operator==(const Seen&) const = default;
  };
  std::mutex mu;
  std::vector<Seen> seen;
};

std::vector<std::pair<std::uint64_t, std::string>> read_all(JournalReader& r, std::uint64_t after,
                                                           std::uint64_t upto) {
  std::vector<std::pair<std::uint64_t, std::string>> out;
  REQUIRE(r.read(after, upto, [&](const Change& c) {
             out.emplace_back(c.seq, c.key);
             return true;
           }).ok());
  return out;
}

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

TEST_CASE("the change tap sees every seq in order, notices marked as not journaled", "[persistence][feed]") {
  TempDir dir;
  Running r(mnemo::test::test_options(dir.path()));
  RecordingTap tap;
  r.p->change_log().set_tap(&tap);
  REQUIRE(r.store.set("a", "1").ok());
  REQUIRE(r.store.mset({{"b", "2"}, {"c", "3"}}).ok());
  r.p->change_log().allocate_seq();
  const ChangeRef notice(0, ChangeKind::del, "a", {}, 0);
  CHECK(r.p->change_log().allocate_noted({&notice, 1}) == 4);
  using S = RecordingTap::Seen;
  CHECK(tap.seen == std::vector<S>{{1, "a", true}, {2, "b", true}, {2, "c", true}, {3, "", true}, {4, "a", false}});
}

TEST_CASE("the journal reader returns committed changes in a seq range", "[persistence][feed]") {
  TempDir dir;
  const auto opts = mnemo::test::test_options(dir.path());
  Running r(opts);
  for (int i = 1; i <= 5; ++i) REQUIRE(r.store.set("k" + std::to_string(i), "v").ok());
  REQUIRE(r.sync() == Status::ok);
  auto reader = JournalReader::open(opts);
  REQUIRE(reader.ok());
  CHECK(*reader->oldest_after() == 0);
  using V = std::vector<std::pair<std::uint64_t, std::string>>;
  CHECK(read_all(*reader, 2, 4) == V{{3, "k3"}, {4, "k4"}});
  CHECK(read_all(*reader, 0, 100) == V{{1, "k1"}, {2, "k2"}, {3, "k3"}, {4, "k4"}, {5, "k5"}});
  CHECK(read_all(*reader, 5, 100).empty());
}

TEST_CASE("after a snapshot compacts the journal, the oldest servable version moves up", "[persistence][feed]") {
  TempDir dir;
  const auto opts = mnemo::test::test_options(dir.path());
  Running r(opts);
  for (int i = 1; i <= 5; ++i) REQUIRE(r.store.set("k" + std::to_string(i), "v").ok());
  REQUIRE(r.sync() == Status::ok);
  REQUIRE(r.store.set("k6", "v").ok());  // a row of its own, at the snapshot's start
  REQUIRE(r.sync() == Status::ok);
  REQUIRE(snapshot_now(r) == Status::ok);
  REQUIRE(r.store.set("k7", "v").ok());
  REQUIRE(r.sync() == Status::ok);
  auto reader = JournalReader::open(opts);
  REQUIRE(reader.ok());
  const std::uint64_t oldest = *reader->oldest_after();
  CHECK(oldest == 5);  // the snapshot started at 6: the rows wholly before it are gone
  auto rest = read_all(*reader, oldest, 100);
  REQUIRE(rest.size() == 2);
  CHECK(rest.back().first == 7);
}
