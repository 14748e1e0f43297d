// Turns a JSON document (the STATS reply) into "path: value" lines for people:
// nested object keys are joined with '.', array items get [i]. Strings are
// printed unquoted with their escapes resolved. Pure function; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mnemo::tools {

// Returns std::nullopt when `json` is not valid JSON (the caller may print it raw).
std::optional<std::string> json_to_lines(std::string_view json);

}  // namespace mnemo::tools
