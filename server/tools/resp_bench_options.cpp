#include "server/tools/resp_bench_options.h"

#include <cctype>
#include <cstdio>
#include <string_view>
#include <cstdlib>

#include "server/tools/cli_args.h"

namespace mnemo::tools {
namespace {

bool parse_double(const std::string& s, double& out, double min, double max) {
  char* end = nullptr;
  out = std::strtod(s.c_str(), &end);
  return !s.empty() && end == s.c_str() + s.size() && out >= min && out <= max;
}

// Case-insensitive: `word` is `lower` in any case.
bool is_word(const std::string& word, std::string_view lower) {
  if (word.size() != lower.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(word[i])) != lower[i]) return false;
  }
  return true;
}

// Applies one option that takes a value; returns false if the value is bad.
bool apply(const std::string& name, const std::string& v, RespBenchOptions& o) {
  if (name == "-H" || name == "--host") { o.host = v; return v == "127.0.0.1" || v == "localhost"; }
  if (name == "-p" || name == "--port") return parse_unsigned(v, o.port, 1, 65535);
  if (name == "-c" || name == "--connections") return parse_unsigned(v, o.connections, 1, 100000);
  if (name == "-P" || name == "--depth") return parse_unsigned(v, o.depth, 1, 100000);
  if (name == "-t" || name == "--threads") return parse_unsigned(v, o.threads, 1, 1024);
  if (name == "-r" || name == "--keyspace") return parse_unsigned(v, o.keyspace, 1, 999999999999ull);
  if (name == "--seconds") return parse_double(v, o.seconds, 0.001, 86400);
  if (name == "-n" || name == "--requests") return parse_unsigned(v, o.requests, 1, UINT64_MAX);
  if (name == "--mix") return parse_double(v, o.mix, 0, 1);
  return false;
}

}  // namespace

const char* resp_bench_usage() {
  return R"(usage: mnemo-bench-resp [options] -- CMD ARG... [; CMD ARG...]... [;; CMD ARG...]
Sends units (a fixed sequence of RESP commands; ";" separates commands) and
counts one unit done when all its replies arrived. Any argument may hold
__rand_int__, replaced per occurrence by a random 12-digit number below -r.
  -H, --host HOST          127.0.0.1 (default) or localhost: loopback only
  -p, --port PORT          RESP port (default 6379)
  -c, --connections N      connections (default 50)
  -P, --depth D            units in flight per connection (default 1)
  -t, --threads T          client threads, each one epoll loop (default 1)
  -r, --keyspace K         __rand_int__ below K (default 1000000)
  --seconds S              seconds to run (default 10)
  -n, --requests N         run N units in total instead
  --mix F                  two units given (";;" between them): a fraction F of
                           units are the first, the rest the second; each is
                           reported apart
  --allow-errors           count error replies instead of failing on them
  --xack                   the unit is one XREADGROUP GROUP g c ...: the ids of
                           each reply are acknowledged (XACK, same turn); a
                           unit is then a read and its XACK
Example: mnemo-bench-resp -p 6379 -P 16 -- MULTI \; SET a:__rand_int__ v \; EXEC
Output ends with one JSON line (units_per_s, p50_us, p99_us, p999_us, per-unit figures).
Exit status: 0, 1 on error replies (unless allowed) or broken connections, 2 on bad options.
)";
}

std::optional<std::string> parse_resp_bench_options(const std::vector<std::string>& argv, RespBenchOptions& o) {
  std::size_t i = 0;
  for (; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a == "--") {
      ++i;
      break;
    }
    if (a == "-h" || a == "--help") {
      o.help = true;
    } else if (a == "--allow-errors") {
      o.allow_errors = true;
    } else if (a == "--xack") {
      o.xack = true;
    } else if (i + 1 < argv.size() && apply(a, argv[i + 1], o)) {
      ++i;
    } else {
      return "bad or unknown option: " + a + (i + 1 < argv.size() ? " " + argv[i + 1] : "");
    }
  }
  if (o.help) return std::nullopt;
  if (i >= argv.size()) return std::string("no unit given (commands after --)");
  if (auto err = parse_units({argv.begin() + static_cast<std::ptrdiff_t>(i), argv.end()}, o.units)) return err;
  if (o.units.size() > 2) return std::string("at most two units (one \";;\")");
  if ((o.units.size() == 2) != (o.mix >= 0)) return std::string("--mix goes with exactly two units");
  if (o.threads > o.connections) o.threads = o.connections;
  if (o.xack) {
    const auto& cmds = o.units[0].command_list();
    if (o.units.size() != 1 || cmds.size() != 1 || cmds[0].size() < 4 || !is_word(cmds[0][0], "xreadgroup") ||
        !is_word(cmds[0][1], "group")) {
      return std::string("--xack goes with one unit, one XREADGROUP GROUP g c ... command");
    }
    o.xack_group = cmds[0][2];
  }
  return std::nullopt;
}

}  // namespace mnemo::tools
