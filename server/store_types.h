// The argument and result types of the store's typed operations (store.h):
// plain values, no protocol text. Both protocols' command handlers build
// these from their own arguments and turn the results into their own replies.
//
// Errors come back as protocol::Result's Status with a message; where Redis
// has a fixed error text for the case, the message is that text without the
// "ERR " prefix, so that a RESP handler can pass it through:
//   wrong_type   "value is not an integer or out of range" (INCRBY on a non-integer),
//                "value is not a valid float" (INCRBYFLOAT)
//   bad_request  "increment or decrement would overflow",
//                "increment would produce NaN or Infinity",
//                "source and destination objects are the same" (COPY),
//                "invalid DB index" (a db number >= StoreOptions::databases),
//                "invalid cursor" (SCAN with a cursor this server never issued)
//   not_found    "no such key" (RENAME of a missing key)
//   too_large    "string exceeds maximum allowed size (proto-max-bulk-len)" (SETRANGE/APPEND
//                past max value bytes), or the key/value size messages of SET
//   out_of_memory, busy, read_only, shutting_down: as for every write (store.h)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/collection.h"

namespace mnemo::server {

// A numbered database (Redis's SELECT); 0 .. StoreOptions::databases - 1.
using DbIndex = std::uint32_t;

// A string value read from the store.
struct ValueRead {
  std::string value;
  std::uint64_t version = 0;
  std::int64_t expire_at_ms = 0;  // 0 = no expiry
};

// SET's options, as Redis 7's SET: NX|XX, EX|PX|EXAT|PXAT|KEEPTTL, GET.
enum class SetCondition : std::uint8_t { always, if_absent /* NX */, if_present /* XX */ };
enum class SetExpiry : std::uint8_t {
  clear,  // no expiry option: the key loses any expiry it had
  keep,   // KEEPTTL
  at,     // EX/PX/EXAT/PXAT, turned into an absolute time by the caller
};
struct SetOptions {
  SetCondition condition = SetCondition::always;
  SetExpiry expiry = SetExpiry::clear;
  // With SetExpiry::at: absolute Unix ms. A time at or before now makes the
  // SET delete the key instead (as Redis does), still answering as written.
  std::int64_t expire_at_ms = 0;
  bool get = false;        // return the old value
  bool ephemeral = false;  // never journaled (see store.h)
  std::uint64_t if_version = 0;  // 0 = any; else the key must be at this version
};
struct SetResult {
  bool written = false;              // false: NX/XX (or if_version) refused the write
  std::optional<ValueRead> old;      // with SetOptions::get: the value before, if there was one
  std::uint64_t version = 0;         // when written: the new version
};

// GETEX's expiry change.
enum class GetExAction : std::uint8_t { none, persist, at };

// EXPIRE's NX|XX|GT|LT (Redis 7); no expiry counts as an infinite one, so GT
// implies XX. XX with LT is the one combination that needs its own value.
enum class ExpireCondition : std::uint8_t { always, nx, xx, gt, lt, xx_lt };

// Per-database key counts, for DBSIZE and INFO keyspace.
struct DbKeyspace {
  std::uint64_t keys = 0;
  std::uint64_t expires = 0;
};

// OBJECT and MEMORY USAGE about one key.
struct KeyInfo {
  ValueType type = ValueType::string;
  std::string_view encoding;   // "int", "embstr" or "raw" (Redis 7's rules, from the value)
  std::uint64_t memory_bytes = 0;  // the key's entry and table slot, as allocated
  std::int64_t idle_seconds = 0;   // always 0: no last-access time is kept (it would cost every read)
  std::int64_t refcount = 1;
};

// One SCAN page. cursor 0 = the scan is complete.
struct ScanPage {
  std::uint64_t cursor = 0;
  std::vector<std::string> keys;
};

// Parses a value as a signed 64-bit decimal the way Redis does (string2ll):
// no spaces, no '+', no leading zeros, no "-0".
bool parse_i64_strict(std::string_view s, std::int64_t& out);
// Parses a float the way Redis's string2ld does (strtold over the whole
// string, no leading space, no NaN, no overflow to infinity).
bool parse_redis_long_double(std::string_view s, long double& out);
// Formats a long double as Redis's INCRBYFLOAT reply ("%.17Lf" with the
// trailing zeros, and a trailing '.', removed; "-0" becomes "0").
std::string format_redis_long_double(long double v);

}  // namespace mnemo::server
