// Crash rounds on the real binary with automatic snapshots, the compaction
// after each, and the vacuum that gives freed pages back all running while
// the server takes writes: SIGKILL mid-load, restart, and every write
// acknowledged before the last SYNC is there, exactly; writes after it are
// there exactly or not at all.
#include <map>
#include <optional>
#include <random>
#include <set>

#include "tests/integration/harness.h"

using namespace mnemo;
using namespace mnemo::test;
using protocol::Opcode;
using protocol::Status;

namespace {

using Model = std::map<std::string, std::optional<std::string>>;  // nullopt = deleted

const std::vector<std::string> kArgs = {"--snapshot-every-changes", "3000",
                                        "--snapshot-growth-percent", "0",
                                        "--snapshots-keep", "1"};

void run(const ClientPtr& c, std::vector<protocol::Request>& reqs) {
  std::vector<protocol::Response> resps;
  REQUIRE(c->pipeline(reqs, resps).ok());
  REQUIRE(resps.size() == reqs.size());
  for (const auto& r : resps) REQUIRE((r.status == Status::ok || r.status == Status::not_found));
}

// Every synced key as the model says; unsynced keys exactly or absent.
void verify(const ClientPtr& c, const Model& synced, const Model& unsynced) {
  std::vector<std::string> keys;
  std::vector<const std::optional<std::string>*> want;
  for (const Model* m : {&synced, &unsynced}) {
    for (const auto& [k, v] : *m) {
      keys.push_back(k);
      want.push_back(&v);
    }
  }
  std::vector<protocol::Request> reqs;
  for (const auto& k : keys) reqs.push_back(make(Opcode::get, k));
  std::vector<protocol::Response> resps;
  REQUIRE(c->pipeline(reqs, resps).ok());
  REQUIRE(resps.size() == keys.size());
  std::size_t lost = 0;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const bool is_synced = i < synced.size();
    const auto& w = *want[i];
    if (resps[i].status == Status::not_found) {
      if (is_synced && w) ++lost;
      if (is_synced && w) UNSCOPED_INFO("lost " << keys[i]);
      continue;
    }
    REQUIRE(resps[i].status == Status::ok);
    INFO("key " << keys[i]);
    REQUIRE(w.has_value());  // a deleted key never comes back
    CHECK(resps[i].value == *w);
  }
  CHECK(lost == 0);
}

}  // namespace

TEST_CASE("crashes while snapshots, compaction and vacuum run lose no synced write",
          "[integration][faults][vacuum][crash]") {
  TempDir dir;
  const std::string data = dir.file("data");
  Model synced;    // state after the last successful SYNC
  Model unsynced;  // new keys written after it (the kill may or may not keep them)
  std::mt19937 rng(20);
  int rounds_with_vacuum = 0;
  const std::string pad(150, 'p');
  for (int round = 0; round < 3; ++round) {
    ServerProcess server(ServerOptions(data, false, kArgs));
    auto c = connect_to(server);
    verify(c, synced, unsynced);
    unsynced.clear();
    Model pending = synced;
    std::vector<std::string> live;
    for (const auto& [k, v] : synced) if (v) live.push_back(k);
    for (int batch = 0; batch < 80; ++batch) {
      std::vector<protocol::Request> reqs;
      std::vector<std::string> keep;  // the requests view these
      keep.reserve(1100);
      for (int i = 0; i < 500; ++i) {
        const bool overwrite = !live.empty() && rng() % 4 == 0;
        keep.push_back(overwrite ? live[rng() % live.size()]
                                 : "r" + std::to_string(round) + ":" + std::to_string(batch) + ":" +
                                       std::to_string(i));
        const std::string key = keep.back();
        keep.push_back(std::to_string(round) + "/" + std::to_string(batch) + "/" + std::to_string(i) + pad);
        reqs.push_back(make(Opcode::set, keep[keep.size() - 2], keep.back()));
        if (!pending[key]) live.push_back(key);
        pending[key] = keep.back();
      }
      for (int i = 0; i < 20 && !live.empty(); ++i) {
        const std::size_t at = rng() % live.size();
        keep.push_back(live[at]);
        reqs.push_back(make(Opcode::del, keep.back()));
        pending[live[at]] = std::nullopt;
        live[at] = live.back();
        live.pop_back();
      }
      run(c, reqs);
      // Overwrites and deletes happen only before a SYNC: after the last one,
      // only new keys (the tail below), so the model knows each key's state.
      if (batch % 4 == 3) {
        REQUIRE(call(c, make(Opcode::sync)).status == Status::ok);
        synced = pending;
        if (batch >= 12 && server.log().find("freed bytes back") != std::string::npos) break;
      }
    }
    if (server.log().find("freed bytes back") != std::string::npos) ++rounds_with_vacuum;
    // An unsynced tail of new keys, then the crash.
    std::vector<protocol::Request> reqs;
    std::vector<std::string> keep;
    keep.reserve(400);
    for (int i = 0; i < 200; ++i) {
      keep.push_back("tail" + std::to_string(round) + ":" + std::to_string(i));
      keep.push_back("t" + pad);
      reqs.push_back(make(Opcode::set, keep[keep.size() - 2], keep.back()));
      unsynced[keep[keep.size() - 2]] = keep.back();
    }
    run(c, reqs);
    server.kill9();
  }
  ServerProcess server(ServerOptions(data, false, kArgs));
  auto c = connect_to(server);
  verify(c, synced, unsynced);
  // Only SQLite gives pages back; on PostgreSQL (its own VACUUM) the rounds
  // check snapshots and compaction alone.
  if (mnemo::test::test_journal_url().empty()) CHECK(rounds_with_vacuum >= 1);
}
