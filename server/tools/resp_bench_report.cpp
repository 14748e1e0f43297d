// print_resp_report (declared in resp_bench_options.h): the human report and
// the JSON line of mnemo-bench-resp.
#include <cstdio>
#include <string>

#include "server/tools/resp_bench_options.h"

namespace mnemo::tools {
namespace {

double us(std::uint64_t ns) { return static_cast<double>(ns) / 1000.0; }

// JSON string escaping for unit names (command words from the command line).
std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (unsigned char ch : s) {
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += static_cast<char>(ch);
    } else if (ch < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", ch);
      out += buf;
    } else {
      out += static_cast<char>(ch);
    }
  }
  return out + '"';
}

std::string json_latency(const LatencyHistogram& h) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "\"p50_us\":%.1f,\"p99_us\":%.1f,\"p999_us\":%.1f,\"max_us\":%.1f",
                us(h.quantile(0.5)), us(h.quantile(0.99)), us(h.quantile(0.999)), us(h.max()));
  return buf;
}

void print_human(const RespBenchOptions& o, const RespBenchTotals& t, const UnitTotals& all, double elapsed_s) {
  std::printf("mnemo-bench-resp: %s:%u, %u connections x depth %u, %u thread(s), keyspace %llu\n",
              o.host.c_str(), o.port, o.connections, o.depth, o.threads,
              static_cast<unsigned long long>(o.keyspace));
  for (std::size_t i = 0; i < t.per_unit.size(); ++i) {
    const auto& u = t.per_unit[i];
    const auto& h = u.latency;
    std::printf("unit %zu [%s]%s: %llu units, %.0f units/s, latency (us) p50 %.1f p99 %.1f p99.9 %.1f max %.1f\n",
                i + 1, o.units[i].name().c_str(),
                t.per_unit.size() == 2 ? (i == 0 ? " (mix share)" : " (the rest)") : "",
                static_cast<unsigned long long>(u.units), static_cast<double>(u.units) / elapsed_s,
                us(h.quantile(0.5)), us(h.quantile(0.99)), us(h.quantile(0.999)), us(h.max()));
  }
  std::printf("total: %llu units in %.2f s, %.0f units/s\n", static_cast<unsigned long long>(all.units),
              elapsed_s, static_cast<double>(all.units) / elapsed_s);
  if (t.errors != 0 || t.dead_connections != 0 || t.pushes != 0) {
    std::printf("errors: %llu error replies, %llu broken connections, %llu pushes; first: %s\n",
                static_cast<unsigned long long>(t.errors), static_cast<unsigned long long>(t.dead_connections),
                static_cast<unsigned long long>(t.pushes), t.first_error.c_str());
  }
}

}  // namespace

int print_resp_report(const RespBenchOptions& o, const RespBenchTotals& t, double elapsed_s) {
  if (elapsed_s <= 0) elapsed_s = 1e-9;
  UnitTotals all;
  std::uint64_t commands = 0;
  for (std::size_t i = 0; i < t.per_unit.size(); ++i) {
    all.latency.merge(t.per_unit[i].latency);
    all.units += t.per_unit[i].units;
    commands += t.per_unit[i].units * o.units[i].commands();
  }
  commands += t.acks;
  print_human(o, t, all, elapsed_s);
  std::string json = "{\"tool\":\"mnemo-bench-resp\",\"port\":" + std::to_string(o.port) +
                     ",\"connections\":" + std::to_string(o.connections) + ",\"depth\":" + std::to_string(o.depth) +
                     ",\"threads\":" + std::to_string(o.threads) + ",\"seconds\":" + std::to_string(elapsed_s) +
                     ",\"units\":" + std::to_string(all.units) +
                     ",\"units_per_s\":" + std::to_string(static_cast<double>(all.units) / elapsed_s) +
                     ",\"commands_per_s\":" + std::to_string(static_cast<double>(commands) / elapsed_s) + "," +
                     json_latency(all.latency) + ",\"errors\":" + std::to_string(t.errors) +
                     ",\"dead_connections\":" + std::to_string(t.dead_connections) +
                     ",\"acks\":" + std::to_string(t.acks) + ",\"per_unit\":[";
  for (std::size_t i = 0; i < t.per_unit.size(); ++i) {
    const auto& u = t.per_unit[i];
    json += (i ? ",{" : "{") + std::string("\"name\":") + json_string(o.units[i].name()) +
            ",\"units\":" + std::to_string(u.units) +
            ",\"units_per_s\":" + std::to_string(static_cast<double>(u.units) / elapsed_s) + "," +
            json_latency(u.latency) + "}";
  }
  std::printf("%s]}\n", json.c_str());
  std::fflush(stdout);
  if (t.dead_connections != 0) {
    std::fprintf(stderr, "mnemo-bench-resp: %llu connection(s) broke: %s\n",
                 static_cast<unsigned long long>(t.dead_connections), t.first_error.c_str());
    return 1;
  }
  if (t.errors != 0 && !o.allow_errors) {
    std::fprintf(stderr, "mnemo-bench-resp: %llu error repl%s, first: %s (--allow-errors to accept)\n",
                 static_cast<unsigned long long>(t.errors), t.errors == 1 ? "y" : "ies", t.first_error.c_str());
    return 1;
  }
  return 0;
}

}  // namespace mnemo::tools
