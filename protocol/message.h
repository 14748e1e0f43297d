// The messages of mnemo's command set, independent of the wire encoding.
// The native codec (native_codec.h) and the RESP layer both translate to and
// from these types, and the server executes them; docs/PROTOCOL.md gives the
// byte layout of each.
//
// Lifetime: a decoded Request holds string_views into the buffer it was decoded
// from; it is valid only while that buffer is unchanged. A Response owns its
// bytes and is meant to be reused (clear() keeps capacity) so the hot path
// allocates nothing once warm.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/status.h"

namespace mnemo::protocol {

// Highest native protocol version this build speaks; HELLO negotiates it.
inline constexpr std::uint16_t kProtocolVersion = 1;
// "MNMO" little-endian; first field of HELLO.
inline constexpr std::uint32_t kHelloMagic = 0x4F4D4E4D;

// Opcode values are part of the wire format: never renumber, only append.
enum class Opcode : std::uint8_t {
  hello = 0x01,
  auth = 0x02,
  ping = 0x03,
  get = 0x10,
  set = 0x11,
  del = 0x12,
  incrby = 0x13,
  mget = 0x14,
  mset = 0x15,
  expire = 0x16,
  persist = 0x17,
  ttl = 0x18,
  exists = 0x19,
  scan = 0x1A,
  dbsize = 0x1B,
  sync = 0x1C,
  select = 0x1D,     // the connection's database for its later requests
  txn = 0x1E,        // conditions, then writes applied all-or-nothing as one unit
  command = 0x1F,    // any command of the command table, by name and arguments (native_value.h)
  snapshot = 0x30,   // admin
  snapshots = 0x31,  // admin
  stats = 0x32,      // admin
  backup = 0x33,     // admin
  shutdown = 0x34,   // admin
};

// Returns false for a byte that is not a known opcode.
bool is_known_opcode(std::uint8_t op);
std::string_view opcode_name(Opcode op);  // "GET", "SET", ...
// Whether an opcode writes or needs admin rights is the command table's
// business (server/commands/command_table.h): one definition per command.

// Request flag bits (the header's flags byte). Unknown bits are a BAD_REQUEST.
namespace flags {
inline constexpr std::uint8_t kDurable = 0x01;    // ack only after the journal commit
inline constexpr std::uint8_t kEphemeral = 0x02;  // never journaled or snapshotted
inline constexpr std::uint8_t kNx = 0x04;         // SET: only if the key is absent
inline constexpr std::uint8_t kXx = 0x08;         // SET: only if the key exists
inline constexpr std::uint8_t kKeepTtl = 0x10;    // SET: keep the existing expiry
inline constexpr std::uint8_t kWait = 0x20;       // SNAPSHOT: reply when complete
// GET, MGET: the server pushes an invalidation when the key changes (client-side
// caching; docs/PROTOCOL.md 6c). Servers before it answer BAD_REQUEST.
inline constexpr std::uint8_t kTrack = 0x40;
inline constexpr std::uint8_t kAll = 0x7F;
}  // namespace flags

// TXN: one condition on a key, checked before any write of the transaction.
enum class TxnCheck : std::uint8_t {
  version_is = 1,  // the key exists at exactly `version`
  exists = 2,      // the key exists (any version, any type)
  missing = 3,     // the key does not exist
};
struct TxnCondition {
  TxnCheck check = TxnCheck::exists;
  std::string_view key;
  std::uint64_t version = 0;  // version_is only; 0 for the others
};
// TXN: one write, applied only when every condition holds.
enum class TxnWriteKind : std::uint8_t {
  set = 1,  // key = value, expiring after ttl_ms (0 = never); replaces a key of any type
  del = 2,  // removes the key (any type); value empty, ttl_ms 0
};
struct TxnWrite {
  TxnWriteKind kind = TxnWriteKind::set;
  std::string_view key;
  std::string_view value;
  std::uint64_t ttl_ms = 0;
};

// One request. Which fields are meaningful depends on op (see PROTOCOL.md):
//   HELLO    version (highest the client speaks), key = client name
//   AUTH     key = token
//   PING     key = payload (may be empty)
//   GET/TTL/PERSIST            key
//   SET      key, value, ttl_ms (0 = none), if_version (0 = any)
//   DEL      key, if_version (0 = any)
//   INCRBY   key, delta
//   MGET/EXISTS                keys
//   MSET     keys, values (same length), ttl_ms
//   EXPIRE   key, ttl_ms (must be > 0)
//   SCAN     key = prefix, value = cursor (empty = start), count (0 = default)
//   SNAPSHOT flags may hold kWait
//   BACKUP   key = destination path
//   SELECT   db
//   TXN      conditions (may be empty), writes (at least 1)
//   COMMAND  keys = the command's name and arguments (at least the name)
struct Request {
  Opcode op = Opcode::ping;
  std::uint8_t flags = 0;
  std::uint64_t id = 0;
  std::string_view key;
  std::string_view value;
  std::vector<std::string_view> keys;
  std::vector<std::string_view> values;
  std::uint64_t ttl_ms = 0;
  std::uint64_t if_version = 0;
  std::int64_t delta = 0;
  std::uint32_t count = 0;
  std::uint16_t version = 0;
  std::uint32_t db = 0;  // the database the data operation works in (the connection's SELECT)
  std::vector<TxnCondition> conditions;
  std::vector<TxnWrite> writes;

  bool has(std::uint8_t f) const { return (flags & f) != 0; }
  void clear();  // resets fields, keeps vector capacity
};

// One MGET slot.
struct MaybeValue {
  bool found = false;
  std::string value;
  std::uint64_t version = 0;
};

// One SNAPSHOTS row.
struct SnapshotInfo {
  std::uint64_t id = 0;
  std::uint64_t start_seq = 0;   // S0
  std::uint8_t state = 0;        // 0 running, 1 complete, 2 failed
  std::uint64_t entries = 0;
  std::uint64_t bytes = 0;
  std::uint64_t duration_ms = 0;
  std::int64_t started_at_ms = 0;  // Unix ms
};

// One response. status != ok: only `message` is meaningful (may be empty).
// status == ok, by op:
//   HELLO     version (negotiated), text = server name/version string
//   AUTH      admin (1 if the connection now has admin rights)
//   PING      text (echo of the payload, or "PONG")
//   GET       value, version, expire_at_ms (0 = none)
//   SET/DEL/EXPIRE           version
//   PERSIST   version, changed (1 if an expiry was removed)
//   INCRBY    integer (new value), version
//   MGET      values
//   MSET      version (one version shared by every key of the MSET)
//   TTL       integer (remaining ms, or -1 when the key has no expiry)
//   EXISTS    integer (count of keys present; repeated keys count twice)
//   SCAN      keys, text = next cursor (empty = scan complete)
//   DBSIZE    integer
//   SYNC      version (durable seq, >= every write acked before the SYNC)
//   SNAPSHOT  snapshots[0] (id, start_seq, state ...)
//   SNAPSHOTS snapshots
//   STATS     text (JSON object)
//   COMMAND   version (with DURABLE: the durable version once the command's
//             writes are committed; else 0), value = the reply (native_value.h)
//   TXN       changed (1 = every condition held and the writes were applied),
//             version (the unit's version when applied, else 0),
//             versions (per condition, in order: the key's version when the
//             conditions were checked, 0 = absent)
//   BACKUP/SHUTDOWN          (nothing)
struct Response {
  Opcode op = Opcode::ping;
  Status status = Status::ok;
  std::uint64_t id = 0;
  std::string message;
  std::string value;
  std::string text;
  std::uint64_t version = 0;
  std::int64_t expire_at_ms = 0;
  std::int64_t integer = 0;
  bool changed = false;
  bool admin = false;
  std::vector<MaybeValue> values;
  std::vector<std::string> keys;
  std::vector<SnapshotInfo> snapshots;
  std::vector<std::uint64_t> versions;

  void clear();  // resets fields, keeps string and vector capacity
  void fail(Status s, std::string_view msg);
};

}  // namespace mnemo::protocol
