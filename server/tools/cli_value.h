// `mnemo call`: prints a COMMAND frame's reply value (protocol/native_value.h)
// the way redis-cli prints a reply: (nil), (integer) N, the bytes, the
// status text, (error) text, and arrays as numbered lines, nested arrays
// indented. Pure function; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mnemo::tools {

// The text for `value`; nullopt when it is not one well-formed value.
std::optional<std::string> format_value(std::string_view value);

}  // namespace mnemo::tools
