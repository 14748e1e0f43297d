// Options and report of mnemo-bench (bench_main.cpp). Pure functions;
// thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "server/tools/latency_histogram.h"

namespace mnemo::tools {

struct BenchOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 7070;
  std::string auth_token;         // --auth-token or $MNEMO_AUTH_TOKEN
  unsigned connections = 50;
  unsigned pipeline = 1;          // requests in flight per connection
  std::uint64_t keys = 100000;    // key space: key:000000000000 .. key:<keys-1>
  std::uint32_t value_size = 32;
  std::uint32_t get_ratio = 1;    // --ratio GET:SET
  std::uint32_t set_ratio = 1;
  double duration_s = 10;         // used unless --requests is given
  std::uint64_t requests = 0;     // total over all connections; 0 = run for duration_s
  bool durable = false;           // SETs carry the DURABLE flag
  unsigned threads = 0;           // client threads; 0 = min(2, connections)
  bool warmup = false;            // SET every key once before measuring
  unsigned watchers = 0;          // change-feed watchers read while the load runs (bench_watchers.h)
  bool help = false;
};

// Parses argv (without argv[0]). Returns an error message on failure.
std::optional<std::string> parse_bench_options(const std::vector<std::string>& argv, BenchOptions& out);
const char* bench_usage();

struct WorkerTotals {
  LatencyHistogram latency;
  std::uint64_t ops = 0, gets = 0, sets = 0, misses = 0, errors = 0, dead_connections = 0;
  std::string first_error;

  void add(const LatencyHistogram& h, std::uint64_t ops_, std::uint64_t gets_, std::uint64_t sets_,
           std::uint64_t misses_, std::uint64_t errors_, std::uint64_t dead_, const std::string& error);
};

// Prints the human-readable report and the RESULT line; returns the exit code
// (non-zero when requests failed or connections broke).
int print_report(const BenchOptions& o, const WorkerTotals& t, double elapsed_s);

}  // namespace mnemo::tools
