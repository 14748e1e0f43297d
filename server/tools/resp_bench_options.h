// Options and report of mnemo-bench-resp (resp_bench_main.cpp), the RESP
// load generator. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "server/tools/latency_histogram.h"
#include "server/tools/resp_unit.h"

namespace mnemo::tools {

struct RespBenchOptions {
  std::string host = "127.0.0.1";   // loopback only: the tool refuses other addresses
  std::uint16_t port = 6379;
  unsigned connections = 50;
  unsigned depth = 1;               // units in flight per connection
  unsigned threads = 1;             // client threads, each an epoll loop over its connections
  std::uint64_t keyspace = 1000000; // -r: __rand_int__ is in [0, keyspace)
  double seconds = 10;              // used unless --requests is given
  std::uint64_t requests = 0;       // units in total over all connections; 0 = run for seconds
  double mix = -1;                  // with two units: the fraction of units of the first
  bool allow_errors = false;        // error replies are counted, not fatal
  // --xack: the unit is an XREADGROUP; each reply's ids are acknowledged
  // (XACK key group id...) in the same turn, as a consumer does.
  bool xack = false;
  std::string xack_group;           // the unit's GROUP name
  std::vector<RespUnit> units;      // one, or two with --mix
  bool help = false;
};

// Parses argv (without argv[0]). Returns an error message on failure.
std::optional<std::string> parse_resp_bench_options(const std::vector<std::string>& argv, RespBenchOptions& out);
const char* resp_bench_usage();

// What one unit type did, summed over the threads.
struct UnitTotals {
  LatencyHistogram latency;  // per unit: first byte queued to last reply received
  std::uint64_t units = 0;
};

struct RespBenchTotals {
  std::vector<UnitTotals> per_unit;  // indexed like RespBenchOptions::units
  std::uint64_t errors = 0;          // error replies
  std::uint64_t pushes = 0;          // RESP3 pushes (not replies)
  std::uint64_t acks = 0;            // --xack: XACKs answered
  std::uint64_t dead_connections = 0;
  std::string first_error;
};

// Prints the human report and one JSON line; returns the exit code: non-zero
// when a connection broke, or an error reply arrived without --allow-errors.
int print_resp_report(const RespBenchOptions& o, const RespBenchTotals& t, double elapsed_s);

}  // namespace mnemo::tools
