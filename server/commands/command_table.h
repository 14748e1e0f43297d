// The command table: one entry per command, the single place a command is
// defined for both protocols. An entry holds the command's name, arity (Redis
// convention: n = exactly n words, -n = at least n), flags, ACL categories,
// key specs (from which first key / last key / step follow, as in Redis),
// tips, docs, subcommands, the native opcode it answers (if any) and its
// handler. The RESP codec dispatches argv through it; COMMAND, COMMAND INFO,
// DOCS, GETKEYS and LIST are answered from it; the Executor asks it a native
// opcode's flags (write, admin, read-only).
//
// Families register their commands from their own files (server/commands/
// string.cpp, keys.cpp, server_cmds.cpp, ...), one register_*(CommandTable&)
// each; builtin_commands() builds the table once.
//
// Threads: built once (a function-local static), then read-only and shared by
// every thread. Lifetime: entries live as long as the table (the process).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/message.h"
#include "protocol/reply_builder.h"

namespace mnemo::server {

class CommandContext;
using ArgList = std::span<const std::string_view>;
// Every command's handler: reads argv (argv[0] is the name as the client sent
// it), writes exactly one reply to `reply` or submits a request through `ctx`.
using CommandHandler = void (*)(CommandContext& ctx, ArgList argv, protocol::ReplyBuilder& reply);

// Command flags, in the order Redis's COMMAND INFO lists them.
namespace cmd {
inline constexpr std::uint32_t kWrite = 1u << 0;
inline constexpr std::uint32_t kReadOnly = 1u << 1;
inline constexpr std::uint32_t kDenyOom = 1u << 2;
inline constexpr std::uint32_t kAdmin = 1u << 3;
inline constexpr std::uint32_t kPubSub = 1u << 4;
inline constexpr std::uint32_t kNoScript = 1u << 5;
inline constexpr std::uint32_t kBlocking = 1u << 6;   // may block the client (may-block)
inline constexpr std::uint32_t kLoading = 1u << 7;    // allowed while loading (loading-ok)
inline constexpr std::uint32_t kStale = 1u << 8;
inline constexpr std::uint32_t kSkipMonitor = 1u << 9;
inline constexpr std::uint32_t kSkipSlowlog = 1u << 10;
inline constexpr std::uint32_t kFast = 1u << 11;
inline constexpr std::uint32_t kNoAuth = 1u << 12;    // runs before AUTH (AUTH, HELLO, QUIT)
inline constexpr std::uint32_t kNoMandatoryKeys = 1u << 13;
inline constexpr std::uint32_t kNoMulti = 1u << 14;
inline constexpr std::uint32_t kAllowBusy = 1u << 15;
inline constexpr std::uint32_t kMovableKeys = 1u << 16;
inline constexpr std::uint32_t kNoAsyncLoading = 1u << 17;
// mnemo's own: an entry only the native protocol reaches (no RESP name).
inline constexpr std::uint32_t kNativeOnly = 1u << 24;

// ACL categories, in Redis's order.
inline constexpr std::uint32_t kAclKeyspace = 1u << 0;
inline constexpr std::uint32_t kAclRead = 1u << 1;
inline constexpr std::uint32_t kAclWrite = 1u << 2;
inline constexpr std::uint32_t kAclSet = 1u << 3;
inline constexpr std::uint32_t kAclSortedSet = 1u << 4;
inline constexpr std::uint32_t kAclList = 1u << 5;
inline constexpr std::uint32_t kAclHash = 1u << 6;
inline constexpr std::uint32_t kAclString = 1u << 7;
inline constexpr std::uint32_t kAclBitmap = 1u << 8;
inline constexpr std::uint32_t kAclHyperLogLog = 1u << 9;
inline constexpr std::uint32_t kAclGeo = 1u << 10;
inline constexpr std::uint32_t kAclStream = 1u << 11;
inline constexpr std::uint32_t kAclPubSub = 1u << 12;
inline constexpr std::uint32_t kAclAdmin = 1u << 13;
inline constexpr std::uint32_t kAclFast = 1u << 14;
inline constexpr std::uint32_t kAclSlow = 1u << 15;
inline constexpr std::uint32_t kAclBlocking = 1u << 16;
inline constexpr std::uint32_t kAclDangerous = 1u << 17;
inline constexpr std::uint32_t kAclConnection = 1u << 18;
inline constexpr std::uint32_t kAclTransaction = 1u << 19;
inline constexpr std::uint32_t kAclScripting = 1u << 20;

// Key spec flags, in Redis's order.
inline constexpr std::uint32_t kKeyRO = 1u << 0;
inline constexpr std::uint32_t kKeyRW = 1u << 1;
inline constexpr std::uint32_t kKeyOW = 1u << 2;
inline constexpr std::uint32_t kKeyRM = 1u << 3;
inline constexpr std::uint32_t kKeyAccess = 1u << 4;
inline constexpr std::uint32_t kKeyUpdate = 1u << 5;
inline constexpr std::uint32_t kKeyInsert = 1u << 6;
inline constexpr std::uint32_t kKeyDelete = 1u << 7;
inline constexpr std::uint32_t kKeyNotKey = 1u << 8;
inline constexpr std::uint32_t kKeyIncomplete = 1u << 9;
inline constexpr std::uint32_t kKeyVariableFlags = 1u << 10;
}  // namespace cmd

// Where a command's keys are: begin at argv[begin], then a range of keys up to
// `last_key` (relative to begin; -1 = the last argument) every `step` words.
// With keynum_idx >= 0 (Redis's "keynum" find_keys): the key count is at
// argv[begin + keynum_idx], the first key at argv[begin + last_key] (Redis's
// firstkey), then every `step` words.
struct KeySpec {
  std::uint32_t flags = 0;
  int begin = 1;
  int last_key = 0;
  int step = 1;
  int limit = 0;
  std::string_view notes;
  int keynum_idx = -1;
  bool keynum() const { return keynum_idx >= 0; }
  // A keyword search (GEORADIUS's STORE key): the key follows `keyword`,
  // searched from argv[begin]; key_positions() leaves such a spec out (the
  // command is movablekeys), COMMAND INFO shows it as Redis does.
  std::string_view keyword;
  // Redis's "unknown" begin_search and find_keys (SORT's BY/GET and STORE
  // keys): COMMAND INFO shows the spec, key_positions() leaves it out.
  bool unknown = false;
};

// COMMAND DOCS' fields (arguments are not described).
struct CommandDoc {
  std::string_view summary;
  std::string_view since;
  std::string_view group;       // "string", "generic", "server", "connection", ...
  std::string_view complexity;
};

struct CommandSpec {
  std::string_view name;        // lower case; a subcommand's is "config|get"
  int arity = 0;
  std::uint32_t flags = 0;      // cmd::k* (implied flags already added)
  std::uint32_t acl = 0;        // cmd::kAcl* (implied categories already added)
  std::vector<KeySpec> keys;
  std::vector<std::string_view> tips;  // "request_policy:all_shards", ...
  CommandDoc doc;
  CommandHandler handler = nullptr;    // null for a container (CONFIG, CLIENT, ...)
  std::optional<protocol::Opcode> native;  // the native opcode this command is
  std::vector<CommandSpec> subcommands;

  // Legacy key range (COMMAND INFO's first key, last key, step), derived from `keys`.
  int first_key() const;
  int last_key() const;
  int key_step() const;
  bool write() const { return (flags & cmd::kWrite) != 0; }
  bool admin() const { return (flags & cmd::kAdmin) != 0; }
  bool readonly() const { return (flags & cmd::kReadOnly) != 0; }
  // The positions of argv that are keys, by the key specs (keynum specs need
  // the arguments: the first form leaves them out).
  std::vector<std::size_t> key_positions(std::size_t argc) const;
  std::vector<std::size_t> key_positions(ArgList argv) const;
  const CommandSpec* find_subcommand(std::string_view name) const;
};

class CommandTable {
 public:
  // Adds a command, completing its implied flags and categories in one place:
  // admin implies noscript, and @admin/@dangerous; write implies @write,
  // readonly @read, fast @fast, blocking @blocking, pubsub @pubsub, anything
  // not fast @slow. Subcommands are completed the same way.
  CommandSpec& add(CommandSpec spec);

  // Case-insensitive lookup of a RESP command name (argv[0]); null if unknown.
  const CommandSpec* find(std::string_view name) const;
  // The entry that carries a native opcode; null if none does.
  const CommandSpec* find_native(protocol::Opcode op) const;
  // Every RESP-visible entry, in registration order.
  const std::vector<const CommandSpec*>& all() const { return visible_; }
  std::size_t size() const { return visible_.size(); }

 private:
  void index(const CommandSpec& spec);
  std::vector<std::unique_ptr<CommandSpec>> specs_;
  std::vector<const CommandSpec*> visible_;
  struct Slot {
    std::uint64_t packed = 0;
    const CommandSpec* spec = nullptr;
  };
  std::vector<Slot> slots_ = std::vector<Slot>(512);
  const CommandSpec* by_opcode_[256] = {};
};

// The table of every built-in command.
const CommandTable& builtin_commands();

// Family registrations (one file each under server/commands/).
void register_string_commands(CommandTable& table);
void register_key_commands(CommandTable& table);
void register_server_commands(CommandTable& table);
void register_connection_commands(CommandTable& table);
void register_introspection_commands(CommandTable& table);
void register_pubsub_commands(CommandTable& table);
void register_transaction_commands(CommandTable& table);  // multi_table.cpp
void register_script_commands(CommandTable& table);       // script_table.cpp
void register_native_only(CommandTable& table);
void register_hash_commands(CommandTable& table);
void register_set_commands(CommandTable& table);
void register_list_commands(CommandTable& table);
void register_zset_commands(CommandTable& table);
void register_bitmap_commands(CommandTable& table);  // bitmap_table.cpp
void register_blocking_commands(CommandTable& table);     // blocking_table.cpp
void register_stream_commands(CommandTable& table);  // stream_table.cpp
void register_hyperloglog_commands(CommandTable& table);  // hyperloglog_table.cpp
void register_geo_commands(CommandTable& table);          // geo_table.cpp
void register_sort_commands(CommandTable& table);         // sort_table.cpp

// Builders for terse registration lines.
// A spec whose keys the command finds itself (Redis's "unknown" spec).
inline KeySpec unknown_keys(std::uint32_t flags, std::string_view notes) {
  KeySpec k{flags, 0, 0, 1, 0, notes, -1, {}};
  k.unknown = true;
  return k;
}
inline KeySpec key(std::uint32_t flags, int begin = 1, int last = 0, int step = 1, std::string_view notes = {}) {
  return KeySpec{flags, begin, last, step, 0, notes, -1, {}};
}
// A keynum spec: the count at argv[begin + keynum_idx], keys from argv[begin + first].
inline KeySpec keynum(std::uint32_t flags, int begin, std::string_view notes = {}, int keynum_idx = 0, int first = 1,
                      int step = 1) {
  return KeySpec{flags, begin, first, step, 0, notes, keynum_idx, {}};
}

}  // namespace mnemo::server
