// Appends the RESP3 types that RESP2 does not have (maps, sets, pushes,
// nulls, doubles, booleans, verbatim strings) to an output buffer. Strings,
// integers, errors and arrays are spelled the same in both versions and stay
// in resp_writer.h. Pure functions over bytes; thread-safe (no shared state).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mnemo::protocol::resp3 {

inline constexpr std::string_view kNullReply = "_\r\n";
inline constexpr std::string_view kTrueReply = "#t\r\n";
inline constexpr std::string_view kFalseReply = "#f\r\n";

// "%<pairs>\r\n"; the caller appends 2 * `pairs` elements, key then value.
void append_map_header(std::string& out, std::size_t pairs);
// "~<count>\r\n"
void append_set_header(std::string& out, std::size_t count);
// "><count>\r\n": a frame the server sends on its own (pub/sub, invalidations).
void append_push_header(std::string& out, std::size_t count);
// ",<value>\r\n": "inf", "-inf", "nan", or %.17g as Redis 7.0 writes it.
void append_double(std::string& out, double value);
// "=<len+4>\r\n<fmt>:<text>\r\n"; `format` is three characters ("txt", "mkd").
void append_verbatim(std::string& out, std::string_view format, std::string_view text);
inline void append_null(std::string& out) { out.append(kNullReply); }
inline void append_boolean(std::string& out, bool value) { out.append(value ? kTrueReply : kFalseReply); }

}  // namespace mnemo::protocol::resp3
