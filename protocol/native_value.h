// The native COMMAND frame's reply value (docs/PROTOCOL.md, "COMMAND"): a
// self-delimiting, typed encoding of one command reply, made from the RESP2
// reply the command table's handler wrote.
//
//   tag 0x00 nil          (RESP2 $-1 and *-1)
//   tag 0x01 integer      i64
//   tag 0x02 bytes        u32 length, bytes       (a bulk string)
//   tag 0x03 status       u32 length, bytes       (a simple string: OK, QUEUED ...)
//   tag 0x04 error        u32 length, bytes       (inside an array: an EXEC result)
//   tag 0x05 array        u32 n, n values
//
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "protocol/status.h"

namespace mnemo::protocol::native {

enum class ValueTag : std::uint8_t { nil = 0, integer = 1, bytes = 2, status = 3, error = 4, array = 5 };

// Appends the encoding of the one RESP2 reply in `resp2` to `out`. Returns
// false (out unspecified) when `resp2` is not exactly one well-formed reply.
bool resp2_to_value(std::string_view resp2, std::string& out);

// The native status for a Redis error reply's text ("WRONGTYPE ...", "ERR
// ..."): WRONG_TYPE, UNAUTHORIZED, OUT_OF_MEMORY, BUSY, READ_ONLY,
// UNKNOWN_COMMAND for an unknown command, BAD_REQUEST otherwise.
Status status_for_error(std::string_view text);

}  // namespace mnemo::protocol::native
