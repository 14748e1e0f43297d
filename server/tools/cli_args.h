// Command-line parsing for the `mnemo` CLI: global options (host, port,
// tokens) before the command, then the command's words and its --options in
// any order ("--" ends the options). Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mnemo::tools {

struct CliArgs {
  std::string host = "127.0.0.1";
  std::uint16_t port = 7070;
  std::string auth_token;   // --auth-token or $MNEMO_AUTH_TOKEN
  std::string admin_token;  // --admin-token or $MNEMO_ADMIN_TOKEN
  int timeout_ms = 5000;    // connect timeout
  std::uint32_t db = 0;     // -n/--db: the database (SELECT) the command works in
  bool help = false;
  std::string command;
  std::vector<std::string> words;               // the command's positional arguments
  std::map<std::string, std::string> options;   // command options; flags map to ""

  bool has(const std::string& name) const { return options.count(name) != 0; }
};

// Parses argv (without argv[0]) and the token environment variables.
// Returns an error message on failure.
std::optional<std::string> parse_cli(const std::vector<std::string>& argv, CliArgs& out);

// Strict decimal parsers (whole string, no sign for the unsigned one).
bool parse_u64(std::string_view s, std::uint64_t& out);
// An option's unsigned value within [min, max], stored as T.
template <typename T>
bool parse_unsigned(std::string_view s, T& out, std::uint64_t min, std::uint64_t max) {
  std::uint64_t v = 0;
  if (!parse_u64(s, v) || v < min || v > max) return false;
  out = static_cast<T>(v);
  return true;
}
bool parse_i64(std::string_view s, std::int64_t& out);

}  // namespace mnemo::tools
