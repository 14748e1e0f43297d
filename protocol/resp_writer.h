// Appends RESP2 replies to an output buffer. Pure functions over bytes; the
// integer and length paths format on the stack (std::to_chars), so a warm
// output buffer makes a reply without any allocation.
// Thread-safe (no shared state).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mnemo::protocol::resp {

inline constexpr std::string_view kOkReply = "+OK\r\n";
inline constexpr std::string_view kPongReply = "+PONG\r\n";
inline constexpr std::string_view kNullBulkReply = "$-1\r\n";
inline constexpr std::string_view kNullArrayReply = "*-1\r\n";
inline constexpr std::string_view kEmptyArrayReply = "*0\r\n";
inline constexpr std::string_view kZeroReply = ":0\r\n";
inline constexpr std::string_view kOneReply = ":1\r\n";

// "+<text>\r\n". CR and LF inside `text` become spaces (a simple string cannot hold them).
void append_simple(std::string& out, std::string_view text);

// "-<message>\r\n". `message` starts with the error code, e.g. "ERR syntax error";
// CR and LF inside it become spaces, as Redis does for formatted errors.
void append_error(std::string& out, std::string_view message);

// ":<value>\r\n"
void append_integer(std::string& out, std::int64_t value);

// "$<len>\r\n<bytes>\r\n" (binary-safe)
void append_bulk(std::string& out, std::string_view bytes);

// A decimal number as a bulk string (e.g. a SCAN cursor).
void append_bulk_integer(std::string& out, std::uint64_t value);

// "$-1\r\n"
inline void append_null_bulk(std::string& out) { out.append(kNullBulkReply); }

// "*<count>\r\n"; the caller appends `count` elements.
void append_array_header(std::string& out, std::size_t count);

// "*-1\r\n"
inline void append_null_array(std::string& out) { out.append(kNullArrayReply); }

}  // namespace mnemo::protocol::resp
