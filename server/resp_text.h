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

// Redis's rule for client names and CLIENT SETINFO values: printable ASCII, no spaces.
bool valid_client_attribute(std::string_view value);

// Redis's glob matching (stringmatchlen): '*', '?', '[abc]', '[^a-z]' and
// backslash escapes, byte for byte, as SCAN MATCH (nocase = false) and CONFIG GET
// (nocase = true) apply it; a pattern nesting '*' more than 1000 deep matches
// nothing, as in Redis.
bool glob_match(std::string_view pattern, std::string_view text, bool nocase);

// The literal bytes every key matching `pattern` starts with (up to the first
// '*', '?' or '['; a backslash escapes the next byte): the prefix a SCAN can be
// narrowed to before filtering with glob_match.
std::string glob_literal_prefix(std::string_view pattern);

// True when `pattern` is a literal prefix followed by one '*' and nothing else
// ("user:*", "*"): every key with glob_literal_prefix(pattern) matches it.
bool glob_is_prefix_only(std::string_view pattern);

}  // namespace mnemo::server
