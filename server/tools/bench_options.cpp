#include "server/tools/bench_options.h"

#include <charconv>
#include <cstdio>
#include <cstdlib>

#include "server/tools/cli_args.h"

namespace mnemo::tools {
namespace {

bool parse_ratio(const std::string& s, BenchOptions& o) {
  const auto colon = s.find(':');
  if (colon == std::string::npos) return false;
  if (!parse_unsigned(s.substr(0, colon), o.get_ratio, 0, 1000000)) return false;
  if (!parse_unsigned(s.substr(colon + 1), o.set_ratio, 0, 1000000)) return false;
  return o.get_ratio + o.set_ratio > 0;
}

bool parse_seconds(const std::string& s, double& out) {
  char* end = nullptr;
  out = std::strtod(s.c_str(), &end);
  return !s.empty() && end == s.c_str() + s.size() && out > 0 && out <= 86400;
}

// Applies one option that takes a value; returns false if the value is bad.
bool apply(const std::string& name, const std::string& v, BenchOptions& o) {
  if (name == "-H" || name == "--host") { o.host = v; return !v.empty(); }
  if (name == "-p" || name == "--port") return parse_unsigned(v, o.port, 1, 65535);
  if (name == "--auth-token") { o.auth_token = v; return true; }
  if (name == "-c" || name == "--connections") return parse_unsigned(v, o.connections, 1, 100000);
  if (name == "-P" || name == "--pipeline") return parse_unsigned(v, o.pipeline, 1, 100000);
  if (name == "--keys") return parse_unsigned(v, o.keys, 1, 999999999999ull);
  if (name == "--value-size") return parse_unsigned(v, o.value_size, 0, 16u << 20);
  if (name == "--ratio") return parse_ratio(v, o);
  if (name == "--duration") return parse_seconds(v, o.duration_s);
  if (name == "-n" || name == "--requests") return parse_unsigned(v, o.requests, 1, UINT64_MAX);
  if (name == "-t" || name == "--threads") return parse_unsigned(v, o.threads, 1, 1024);
  if (name == "--watchers") return parse_unsigned(v, o.watchers, 0, 10000);
  return false;
}

}  // namespace

const char* bench_usage() {
  return R"(usage: mnemo-bench [options]
  -H, --host HOST          server address (default 127.0.0.1)
  -p, --port PORT          native port (default 7070)
  --auth-token T           AUTH token (also $MNEMO_AUTH_TOKEN)
  -c, --connections N      connections (default 50)
  -P, --pipeline D         requests in flight per connection (default 1)
  --keys K                 key space, keys "key:%012d" (default 100000)
  --value-size B           SET value size in bytes (default 32)
  --ratio GET:SET          operation mix (default 1:1)
  --duration S             seconds to run (default 10)
  -n, --requests N         run N requests in total instead of a duration
  --durable                SETs carry the DURABLE flag
  -t, --threads T          client threads (default min(2, connections))
  --warmup                 SET every key once before measuring
  --watchers N             N change-feed watchers (WATCH of N prefixes splitting the
                           key space) read by one more thread during the run
The last line of output is machine-readable:
  RESULT ops=<ops/s> total=<n> p50_us=.. p99_us=.. p999_us=.. max_us=.. errors=..
)";
}

std::optional<std::string> parse_bench_options(const std::vector<std::string>& argv, BenchOptions& o) {
  if (const char* t = std::getenv("MNEMO_AUTH_TOKEN")) o.auth_token = t;
  for (std::size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a == "-h" || a == "--help") {
      o.help = true;
    } else if (a == "--durable") {
      o.durable = true;
    } else if (a == "--warmup") {
      o.warmup = true;
    } else if (i + 1 < argv.size() && apply(a, argv[i + 1], o)) {
      ++i;
    } else {
      return "bad or unknown option: " + a + (i + 1 < argv.size() ? " " + argv[i + 1] : "");
    }
  }
  if (o.threads == 0) o.threads = o.connections < 2 ? 1 : 2;
  if (o.threads > o.connections) o.threads = o.connections;
  return std::nullopt;
}

void WorkerTotals::add(const LatencyHistogram& h, std::uint64_t ops_, std::uint64_t gets_,
                       std::uint64_t sets_, std::uint64_t misses_, std::uint64_t errors_,
                       std::uint64_t dead_, const std::string& error) {
  latency.merge(h);
  ops += ops_;
  gets += gets_;
  sets += sets_;
  misses += misses_;
  errors += errors_;
  dead_connections += dead_;
  if (first_error.empty()) first_error = error;
}

int print_report(const BenchOptions& o, const WorkerTotals& t, double elapsed_s) {
  auto us = [](std::uint64_t ns) { return static_cast<double>(ns) / 1000.0; };
  const double rate = elapsed_s > 0 ? static_cast<double>(t.ops) / elapsed_s : 0;
  const auto& h = t.latency;
  std::printf("mnemo-bench: %s:%u, %u connections x pipeline %u, %u threads, %llu keys, %u-byte values, "
              "GET:SET %u:%u%s\n",
              o.host.c_str(), o.port, o.connections, o.pipeline, o.threads,
              static_cast<unsigned long long>(o.keys), o.value_size, o.get_ratio, o.set_ratio,
              o.durable ? ", durable SETs" : "");
  std::printf("requests:  %llu in %.2f s (%llu GET, %llu of them missing; %llu SET)\n",
              static_cast<unsigned long long>(t.ops), elapsed_s, static_cast<unsigned long long>(t.gets),
              static_cast<unsigned long long>(t.misses), static_cast<unsigned long long>(t.sets));
  std::printf("throughput: %.0f ops/s\n", rate);
  std::printf("latency (us): p50 %.1f  p99 %.1f  p99.9 %.1f  max %.1f\n", us(h.quantile(0.5)),
              us(h.quantile(0.99)), us(h.quantile(0.999)), us(h.max()));
  if (t.errors != 0 || t.dead_connections != 0) {
    std::printf("errors: %llu error responses, %llu broken connections; first: %s\n",
                static_cast<unsigned long long>(t.errors), static_cast<unsigned long long>(t.dead_connections),
                t.first_error.c_str());
  }
  std::printf("RESULT ops=%.0f total=%llu p50_us=%.1f p99_us=%.1f p999_us=%.1f max_us=%.1f errors=%llu "
              "connections=%u pipeline=%u value_size=%u\n",
              rate, static_cast<unsigned long long>(t.ops), us(h.quantile(0.5)), us(h.quantile(0.99)),
              us(h.quantile(0.999)), us(h.max()), static_cast<unsigned long long>(t.errors + t.dead_connections),
              o.connections, o.pipeline, o.value_size);
  std::fflush(stdout);
  return t.errors == 0 && t.dead_connections == 0 ? 0 : 1;
}

}  // namespace mnemo::tools
