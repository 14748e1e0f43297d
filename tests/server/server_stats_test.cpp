// ServerStats: per-io-thread traffic blocks, summed when read.
#include <catch2/catch.hpp>

#include <memory>
#include <thread>
#include <vector>

#include "server/server_stats.h"

using mnemo::protocol::Opcode;
using mnemo::server::ServerStats;

TEST_CASE("counts from bound io threads and from other threads all add up", "[server][stats]") {
  auto stats = std::make_unique<ServerStats>();
  constexpr int kThreads = 4;
  constexpr int kEach = 20000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&stats, t] {
      if (t % 2 == 0) stats->bind_io_thread(static_cast<std::size_t>(t));  // odd ones count into the shared block
      for (int i = 0; i < kEach; ++i) {
        stats->count_op(i % 2 ? Opcode::get : Opcode::set);
        stats->add_bytes_in(3);
        stats->add_bytes_out(5);
        if (i % 100 == 0) stats->count_error();
      }
      ServerStats::unbind_io_thread();
    });
  }
  for (auto& t : threads) t.join();
  CHECK(stats->ops(static_cast<std::uint8_t>(Opcode::get)) == kThreads * kEach / 2);
  CHECK(stats->ops(static_cast<std::uint8_t>(Opcode::set)) == kThreads * kEach / 2);
  CHECK(stats->total_ops() == kThreads * kEach);
  CHECK(stats->bytes_in() == 3ull * kThreads * kEach);
  CHECK(stats->bytes_out() == 5ull * kThreads * kEach);
  CHECK(stats->errors() == kThreads * kEach / 100);
}

TEST_CASE("io threads past the last block count into the shared block without losing counts", "[server][stats]") {
  auto stats = std::make_unique<ServerStats>();
  std::vector<std::thread> threads;
  const std::size_t n = ServerStats::kThreadBlocks + 3;
  for (std::size_t t = 0; t < n; ++t) {
    threads.emplace_back([&stats, t] {
      stats->bind_io_thread(t);
      for (int i = 0; i < 1000; ++i) stats->count_op(Opcode::ping);
      ServerStats::unbind_io_thread();
    });
  }
  for (auto& t : threads) t.join();
  CHECK(stats->ops(static_cast<std::uint8_t>(Opcode::ping)) == 1000 * n);
}

TEST_CASE("a thread bound to one server's stats counts into another's shared block", "[server][stats]") {
  auto a = std::make_unique<ServerStats>();
  auto b = std::make_unique<ServerStats>();
  std::thread t([&] {
    a->bind_io_thread(1);
    a->count_op(Opcode::get);
    b->count_op(Opcode::get);
    b->add_bytes_in(7);
    ServerStats::unbind_io_thread();
    a->count_op(Opcode::get);  // unbound now: a's shared block
  });
  t.join();
  CHECK(a->ops(static_cast<std::uint8_t>(Opcode::get)) == 2);
  CHECK(b->ops(static_cast<std::uint8_t>(Opcode::get)) == 1);
  CHECK(b->bytes_in() == 7);
  CHECK(a->bytes_in() == 0);
}

TEST_CASE("each io thread's block starts on its own cache lines", "[server][stats]") {
  STATIC_REQUIRE(alignof(ServerStats::TrafficBlock) >= 128);
  STATIC_REQUIRE(sizeof(ServerStats::TrafficBlock) % 128 == 0);
}

TEST_CASE("total commands count both protocols; the rate is the mean of 16 samples", "[server][stats]") {
  auto s = std::make_unique<ServerStats>();
  s->count_op(Opcode::get);
  s->count_local_command();
  CHECK(s->total_commands() == 2);
  CHECK(s->total_ops() == 1);
  CHECK(s->instantaneous_ops_per_sec() == 0);
  s->sample_commands(1000);  // the first sample only sets the start
  CHECK(s->instantaneous_ops_per_sec() == 0);
  for (int i = 0; i < 160; ++i) s->count_local_command();
  s->sample_commands(1100);  // 160 in 100 ms: 1600/s, one of 16 samples
  CHECK(s->instantaneous_ops_per_sec() == 100);
  for (std::int64_t t = 1200; t <= 2600; t += 100) {
    for (int i = 0; i < 160; ++i) s->count_local_command();
    s->sample_commands(t);
  }
  CHECK(s->instantaneous_ops_per_sec() == 1600);
  s->sample_commands(2600);  // no time passed: no sample
  CHECK(s->instantaneous_ops_per_sec() == 1600);
}
