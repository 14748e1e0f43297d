// Text helpers of the RESP layer: Redis's case-insensitive names, its exact
// error texts, and the glob patterns mnemo accepts. Internal to server/.
// Thread-safe (pure functions).
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace mnemo::server {

inline char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Compares `word` case-insensitively with `lower`, which must be lower case.
bool iequals(std::string_view word, std::string_view lower);

// "ERR unknown command 'xyz', with args beginning with: 'a' 'b' " exactly as
// Redis builds it (name cut at 128 bytes, arguments until 128 bytes are shown).
std::string unknown_command_message(std::span<const std::string_view> argv);

// "ERR wrong number of arguments for 'get' command" (`name` as in Redis, e.g. "config|get").
std::string wrong_arity_message(std::string_view name);

// "ERR unknown subcommand 'foo'. Try CONFIG HELP." (`command` upper case).
std::string unknown_subcommand_message(std::string_view subcommand, std::string_view command);

// Redis glob matching limited to '*' and '?', case-insensitive (CONFIG GET).
bool glob_match_nocase(std::string_view pattern, std::string_view text);

// Accepts a SCAN MATCH pattern that is a literal prefix followed by one
// trailing '*' ("user:*", "*"; a backslash escapes the next byte) and stores
// the unescaped prefix. Returns false for any other pattern.
bool match_prefix_pattern(std::string_view pattern, std::string& prefix);

}  // namespace mnemo::server
