// Status codes shared by the native protocol, the RESP layer and the store.
// The numeric values are part of the wire format (docs/PROTOCOL.md): never
// renumber, only append.
#pragma once

#include <cstdint>
#include <string_view>

namespace mnemo::protocol {

enum class Status : std::uint8_t {
  ok = 0,
  not_found = 1,           // key absent (or expired)
  exists = 2,              // SET NX on a key that exists
  version_mismatch = 3,    // if-version (CAS) did not match the entry's version
  wrong_type = 4,          // INCRBY on a value that is not a signed 64-bit decimal
  too_large = 5,           // key, value, frame or batch over its configured limit
  bad_request = 6,         // malformed request, bad argument, overflow
  unauthorized = 7,        // AUTH needed or the token is wrong
  forbidden = 8,           // admin operation without the admin token
  busy = 9,                // journal queue full or a snapshot already running; retry later
  read_only = 10,          // persistence is failing: writes refused, reads go on
  out_of_memory = 11,      // --max-memory reached: writes refused, reads and deletes go on
  internal = 12,           // a bug or an unexpected failure; the message says more
  unsupported_version = 13,// HELLO asked for a protocol version this server does not speak
  unknown_command = 14,    // opcode not known to this server
  shutting_down = 15,      // the server is stopping; the request was not executed
};

// Upper-case name as used in docs and in RESP error prefixes, e.g. "NOT_FOUND".
std::string_view status_name(Status s);

inline bool is_ok(Status s) { return s == Status::ok; }

}  // namespace mnemo::protocol
