#include "persistence/backup.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/persistence/test_util.h"
#include "tests/support/temp_dir.h"

using namespace mnemo::persistence;
using mnemo::protocol::Status;
using mnemo::test::Answer;
using mnemo::test::FakeState;
using mnemo::test::RawDb;
using mnemo::test::recover_state;
using mnemo::test::Running;
using mnemo::test::TempDir;

namespace {

std::pair<Status, std::string> backup(Running& r, const std::string& path) {
  Answer<std::pair<Status, std::string>> done;
  auto cb = done.callback();
  r.p->backup(path, [cb](Status s, std::string msg) { cb({s, std::move(msg)}); });
  REQUIRE(done.wait());
  return done.values()[0];
}

// Recovers a backup file as if it were the database of a fresh data dir.
mnemo::protocol::Result<std::pair<FakeState, RecoveryInfo>> recover_copy(const std::string& file,
                                                                        const TempDir& dir) {
  const std::string restored = dir.file("restored");
  std::filesystem::create_directories(restored);
  std::filesystem::copy_file(file, restored + "/mnemo.db");
  return recover_state(mnemo::test::test_options(restored));
}

}  // namespace

TEST_CASE("backup writes a sound copy with the same content", "[persistence][sqlite]") {
  TempDir dir;
  const Options opts = mnemo::test::test_options(dir.file("data"));
  const std::string dest = dir.file("copy.db");
  FakeState expected;
  {
    Running r(opts);
    for (int i = 0; i < 100; ++i) REQUIRE(r.store.set("k" + std::to_string(i), "v").ok());
    REQUIRE(r.sync() == Status::ok);
    auto [status, msg] = backup(r, dest);
    REQUIRE(status == Status::ok);
    CHECK_THAT(msg, Catch::Contains(dest));
    expected = r.store.state();
  }
  {
    RawDb raw(dest);
    CHECK(raw.query_text("PRAGMA integrity_check") == "ok");
    CHECK(raw.query_text("PRAGMA journal_mode") == "delete");  // one self-contained file
    CHECK(raw.query_int("SELECT count(*) FROM journal") > 0);
  }
  auto recovered = recover_copy(dest, dir);
  REQUIRE(recovered.ok());
  CHECK(recovered->first == expected);
}

TEST_CASE("backup refuses to overwrite an existing file", "[persistence][sqlite]") {
  TempDir dir;
  Running r(mnemo::test::test_options(dir.file("data")));
  const std::string dest = dir.file("taken");
  std::ofstream(dest) << "keep me";
  auto [status, msg] = backup(r, dest);
  CHECK(status == Status::bad_request);
  CHECK_THAT(msg, Catch::Contains("refusing to overwrite"));
  std::ifstream in(dest);
  std::string content;
  std::getline(in, content);
  CHECK(content == "keep me");

  auto [status2, msg2] = backup(r, dir.file("no/such/dir/copy.db"));
  CHECK(status2 == Status::bad_request);
  CHECK_THAT(msg2, Catch::Contains("cannot create"));
}

TEST_CASE("backup taken during writes holds a prefix of them", "[persistence][sqlite]") {
  TempDir dir;
  const std::string dest = dir.file("copy.db");
  {
    Running r(mnemo::test::test_options(dir.file("data")));
    std::atomic<bool> stop{false};
    std::thread writer([&] {
      for (int i = 0; i < 5000 && !stop; ++i) r.store.set("k" + std::to_string(i), "v");
    });
    auto [status, msg] = backup(r, dest);
    stop = true;
    writer.join();
    REQUIRE(status == Status::ok);
  }
  auto recovered = recover_copy(dest, dir);
  REQUIRE(recovered.ok());
  const FakeState& state = recovered->first;
  for (std::size_t i = 0; i < state.size(); ++i) CHECK(state.count("k" + std::to_string(i)) == 1);
}

TEST_CASE("copy_database removes nothing it did not create", "[persistence][sqlite]") {
  TempDir dir;
  const std::string dest = dir.file("copy.db");
  auto r = copy_database(dir.file("missing.db"), dest);
  REQUIRE_FALSE(r.ok());
  CHECK_FALSE(std::filesystem::exists(dest));  // the partial file was removed
}
