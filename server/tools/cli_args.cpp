#include "server/tools/cli_args.h"

#include <charconv>
#include <cstdlib>
#include <set>

namespace mnemo::tools {
namespace {

// Command options that take a value; every other --name is a plain flag.
const std::set<std::string, std::less<>> kValueOptions = {"--ttl-ms", "--if-version", "--count", "--from",
                                                          "--group", "--consumer", "--block"};
const std::set<std::string, std::less<>> kFlagOptions = {"--durable", "--ephemeral", "--nx", "--xx",
                                                         "--keepttl", "--wait", "--json", "--committed",
                                                         "--keys-only", "--follow", "--ack", "--noack"};

std::optional<std::string> take_value(const std::vector<std::string>& argv, std::size_t& i,
                                      std::string& out) {
  if (i + 1 >= argv.size()) return argv[i] + " needs a value";
  out = argv[++i];
  return std::nullopt;
}

// Handles one global option at argv[i]; returns true if it was one.
bool global_option(const std::vector<std::string>& argv, std::size_t& i, CliArgs& out,
                   std::optional<std::string>& error) {
  const std::string& a = argv[i];
  std::string v;
  if (a == "-h" || a == "--help") {
    out.help = true;
  } else if (a == "-H" || a == "--host") {
    error = take_value(argv, i, out.host);
  } else if (a == "-p" || a == "--port") {
    std::uint64_t port = 0;
    if (!(error = take_value(argv, i, v)) && (!parse_u64(v, port) || port == 0 || port > 65535)) {
      error = "bad port: " + v;
    }
    out.port = static_cast<std::uint16_t>(port);
  } else if (a == "--auth-token") {
    error = take_value(argv, i, out.auth_token);
  } else if (a == "--admin-token") {
    error = take_value(argv, i, out.admin_token);
  } else if (a == "-n" || a == "--db") {
    std::uint64_t db = 0;
    if (!(error = take_value(argv, i, v)) && (!parse_u64(v, db) || db > 0xFFFFFFFFu)) error = "bad database: " + v;
    out.db = static_cast<std::uint32_t>(db);
  } else if (a == "--timeout-ms") {
    std::uint64_t t = 0;
    if (!(error = take_value(argv, i, v)) && (!parse_u64(v, t) || t > 3600000)) error = "bad timeout: " + v;
    out.timeout_ms = static_cast<int>(t);
  } else {
    return false;
  }
  return true;
}

}  // namespace

bool parse_u64(std::string_view s, std::uint64_t& out) {
  if (s.empty() || s[0] == '-' || s[0] == '+') return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

bool parse_i64(std::string_view s, std::int64_t& out) {
  if (s.empty() || s[0] == '+') return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

std::optional<std::string> parse_cli(const std::vector<std::string>& argv, CliArgs& out) {
  if (const char* t = std::getenv("MNEMO_AUTH_TOKEN")) out.auth_token = t;
  if (const char* t = std::getenv("MNEMO_ADMIN_TOKEN")) out.admin_token = t;
  std::optional<std::string> error;
  std::size_t i = 0;
  for (; i < argv.size() && out.command.empty(); ++i) {
    if (global_option(argv, i, out, error)) {
      if (error) return error;
      continue;
    }
    if (argv[i].size() > 1 && argv[i][0] == '-') return "unknown option " + argv[i];
    out.command = argv[i];
  }
  bool options_done = false;
  for (; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (options_done || a.size() < 3 || a.compare(0, 2, "--") != 0) {
      if (a == "--" && !options_done) {
        options_done = true;
      } else {
        out.words.push_back(a);
      }
      continue;
    }
    if (a == "--help") {
      out.help = true;
    } else if (kValueOptions.count(a) != 0) {
      if ((error = take_value(argv, i, out.options[a]))) return error;
    } else if (kFlagOptions.count(a) != 0) {
      out.options[a];
    } else {
      return "unknown option " + a + " (use -- before a word that starts with --)";
    }
  }
  return std::nullopt;
}

}  // namespace mnemo::tools
