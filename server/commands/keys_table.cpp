// The keyspace family's table entries: name, arity, flags, ACL categories,
// key specs and docs as Redis 7 declares them, bound to mnemo's handlers.
#include "server/commands/command_table.h"
#include "server/commands/keys.h"
#include "server/commands/keys_store.h"

namespace mnemo::server {

using protocol::Opcode;
using namespace commands;  // NOLINT: the handlers

void register_key_commands(CommandTable& t) {
  t.add({.name = "del", .arity = -2, .flags = cmd::kWrite, .acl = cmd::kAclKeyspace,
   .keys = {key(cmd::kKeyRM | cmd::kKeyDelete, 1, -1, 1)},
   .tips = {"request_policy:multi_shard", "response_policy:agg_sum"},
   .doc = {"Delete a key", "1.0.0", "generic", "O(N) where N is the number of keys that will be removed. When a key to remove holds a value other than a string, the individual complexity for this key is O(M) where M is the number of elements in the list, set, sorted set or hash. Removing a single key that holds a string value is O(1)."},
   .handler = cmd_del, .native = Opcode::del});
  t.add({.name = "unlink", .arity = -2, .flags = cmd::kWrite | cmd::kFast, .acl = cmd::kAclKeyspace,
   .keys = {key(cmd::kKeyRM | cmd::kKeyDelete, 1, -1, 1)},
   .tips = {"request_policy:multi_shard", "response_policy:agg_sum"},
   .doc = {"Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non blocking.", "4.0.0", "generic", "O(1) for each key removed regardless of its size. Then the command does O(N) work in a different thread in order to reclaim memory, where N is the number of allocations the deleted objects where composed of."},
   .handler = cmd_del});
  t.add({.name = "exists", .arity = -2, .flags = cmd::kReadOnly | cmd::kFast, .acl = cmd::kAclKeyspace,
   .keys = {key(cmd::kKeyRO, 1, -1, 1)},
   .tips = {"request_policy:multi_shard", "response_policy:agg_sum"},
   .doc = {"Determine if a key exists", "1.0.0", "generic", "O(N) where N is the number of keys to check."},
   .handler = cmd_exists, .native = Opcode::exists});
  t.add({.name = "type", .arity = 2, .flags = cmd::kReadOnly | cmd::kFast, .acl = cmd::kAclKeyspace,
   .keys = {key(cmd::kKeyRO, 1, 0, 1)},
   .doc = {"Determine the type stored at key", "1.0.0", "generic", "O(1)"},
   .handler = cmd_type});
  t.add({.name = "expire", .arity = -3, .flags = cmd::kWrite | cmd::kFast, .acl = cmd::kAclKeyspace,
   .keys = {key(cmd::kKeyRW | cmd::kKeyUpdate, 1, 0, 1)},
   .doc = {"Set a key's time to live in seconds", "1.0.0", "generic", "O(1)"},
   .handler = cmd_expire});
  t.add({.name = "pexpire", .arity = -3, .flags = cmd::kWrite | cmd::kFast, .acl = cmd::kAclKeyspace,
   .keys = {key(cmd::kKeyRW | cmd::kKeyUpdate, 1, 0, 1)},
   .doc = {"Set a key's time to live in milliseconds", "2.6.0", "generic", "O(1)"},
   .handler = cmd_expire, .native = Opcode::expire});
  t.add({.name = "expireat", .arity = -3, .flags = cmd::kWrite | cmd::kFast, .acl = cmd::kAclKeyspace,
   .keys = {key(cmd::kKeyRW | cmd::kKeyUpdate, 1, 0, 1)},
   .doc = {"Set the expiration for a key as a UNIX timestamp", "1.2.0", "generic", "O(1)"},
   .handler = cmd_expire});
  t.add({.name = "pexpireat", .arity = -3, .flags = cmd::kWrite | cmd::kFast, .acl = cmd::kAclKeyspace,
   .keys = {key(cmd::kKeyRW | cmd::kKeyUpdate, 1, 0, 1)},
   .doc = {"Set the expiration for a key as a UNIX timestamp specified in milliseconds", "2.6.0", "generic", "O(1)"},
   .handler = cmd_expire});
  t.add({.name = "ttl", .arity = 2, .flags = cmd::kReadOnly | cmd::kFast, .acl = cmd::kAclKeyspace,
   .keys = {key(cmd::kKeyRO | cmd::kKeyAccess, 1, 0, 1)},
   .tips = {"nondeterministic_output"},
   .doc = {"Get the time to live for a key in seconds", "1.0.0", "generic", "O(1)"},
   .handler = cmd_ttl});
  t.add({.name = "pttl", .arity = 2, .flags = cmd::kReadOnly | cmd::kFast, .acl = cmd::kAclKeyspace,
   .keys = {key(cmd::kKeyRO | cmd::kKeyAccess, 1, 0, 1)},
   .tips = {"nondeterministic_output"},
   .doc = {"Get the time to live for a key in milliseconds", "2.6.0", "generic", "O(1)"},
   .handler = cmd_ttl, .native = Opcode::ttl});
  t.add({.name = "expiretime", .arity = 2, .flags = cmd::kReadOnly | cmd::kFast, .acl = cmd::kAclKeyspace,
   .keys = {key(cmd::kKeyRO | cmd::kKeyAccess, 1, 0, 1)},
   .doc = {"Get the expiration Unix timestamp for a key", "7.0.0", "generic", "O(1)"},
   .handler = cmd_expiretime});
  t.add({.name = "pexpiretime", .arity = 2, .flags = cmd::kReadOnly | cmd::kFast, .acl = cmd::kAclKeyspace,
   .keys = {key(cmd::kKeyRO | cmd::kKeyAccess, 1, 0, 1)},
   .doc = {"Get the expiration Unix timestamp for a key in milliseconds", "7.0.0", "generic", "O(1)"},
   .handler = cmd_expiretime});
  t.add({.name = "persist", .arity = 2, .flags = cmd::kWrite | cmd::kFast, .acl = cmd::kAclKeyspace,
   .keys = {key(cmd::kKeyRW | cmd::kKeyUpdate, 1, 0, 1)},
   .doc = {"Remove the expiration from a key", "2.2.0", "generic", "O(1)"},
   .handler = cmd_persist, .native = Opcode::persist});
  t.add({.name = "touch", .arity = -2, .flags = cmd::kReadOnly | cmd::kFast, .acl = cmd::kAclKeyspace,
   .keys = {key(cmd::kKeyRO, 1, -1, 1)},
   .tips = {"request_policy:multi_shard", "response_policy:agg_sum"},
   .doc = {"Alters the last access time of a key(s). Returns the number of existing keys specified.", "3.2.1", "generic", "O(N) where N is the number of keys that will be touched."},
   .handler = cmd_touch});
  t.add({.name = "scan", .arity = -2, .flags = cmd::kReadOnly, .acl = cmd::kAclKeyspace,
   .tips = {"nondeterministic_output", "request_policy:special"},
   .doc = {"Incrementally iterate the keys space", "2.8.0", "generic", "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection."},
   .handler = cmd_scan, .native = Opcode::scan});
  t.add({.name = "object", .arity = -2, .flags = 0, .acl = 0,
   .doc = {"A container for object introspection commands", "2.2.3", "generic", "Depends on subcommand."},
   .handler = nullptr,
   .subcommands = {
        {.name = "object|idletime", .arity = 3, .flags = cmd::kReadOnly, .acl = cmd::kAclKeyspace,
         .keys = {key(cmd::kKeyRO, 2, 0, 1)},
         .tips = {"nondeterministic_output"},
         .doc = {"Get the time since a Redis object was last accessed", "2.2.3", "generic", "O(1)"},
         .handler = cmd_object_idletime},
        {.name = "object|help", .arity = 2, .flags = cmd::kLoading | cmd::kStale, .acl = cmd::kAclKeyspace,
         .doc = {"Show helpful text about the different subcommands", "6.2.0", "generic", "O(1)"},
         .handler = cmd_object_help},
        {.name = "object|freq", .arity = 3, .flags = cmd::kReadOnly, .acl = cmd::kAclKeyspace,
         .keys = {key(cmd::kKeyRO, 2, 0, 1)},
         .tips = {"nondeterministic_output"},
         .doc = {"Get the logarithmic access frequency counter of a Redis object", "4.0.0", "generic", "O(1)"},
         .handler = cmd_object_freq},
        {.name = "object|encoding", .arity = 3, .flags = cmd::kReadOnly, .acl = cmd::kAclKeyspace,
         .keys = {key(cmd::kKeyRO, 2, 0, 1)},
         .tips = {"nondeterministic_output"},
         .doc = {"Inspect the internal encoding of a Redis object", "2.2.3", "generic", "O(1)"},
         .handler = cmd_object_encoding},
        {.name = "object|refcount", .arity = 3, .flags = cmd::kReadOnly, .acl = cmd::kAclKeyspace,
         .keys = {key(cmd::kKeyRO, 2, 0, 1)},
         .tips = {"nondeterministic_output"},
         .doc = {"Get the number of references to the value of the key", "2.2.3", "generic", "O(1)"},
         .handler = cmd_object_refcount}}});
  t.add({.name = "memory", .arity = -2, .flags = 0, .acl = 0,
   .doc = {"A container for memory diagnostics commands", "4.0.0", "server", "Depends on subcommand."},
   .handler = nullptr,
   .subcommands = {
        {.name = "memory|help", .arity = 2, .flags = cmd::kLoading | cmd::kStale, .acl = 0,
         .doc = {"Show helpful text about the different subcommands", "4.0.0", "server", "O(1)"},
         .handler = cmd_memory_help},
        {.name = "memory|usage", .arity = -3, .flags = cmd::kReadOnly, .acl = 0,
         .keys = {key(cmd::kKeyRO, 2, 0, 1)},
         .doc = {"Estimate the memory usage of a key", "4.0.0", "server", "O(N) where N is the number of samples."},
         .handler = cmd_memory_usage}}});
  t.add({.name = "rename", .arity = 3, .flags = cmd::kWrite, .acl = cmd::kAclKeyspace,
   .keys = {key(cmd::kKeyRW | cmd::kKeyAccess | cmd::kKeyDelete, 1, 0, 1), key(cmd::kKeyOW | cmd::kKeyUpdate, 2, 0, 1)},
   .doc = {"Rename a key", "1.0.0", "generic", "O(1)"},
   .handler = cmd_rename});
  t.add({.name = "renamenx", .arity = 3, .flags = cmd::kWrite | cmd::kFast, .acl = cmd::kAclKeyspace,
   .keys = {key(cmd::kKeyRW | cmd::kKeyAccess | cmd::kKeyDelete, 1, 0, 1), key(cmd::kKeyOW | cmd::kKeyInsert, 2, 0, 1)},
   .doc = {"Rename a key, only if the new key does not exist", "1.0.0", "generic", "O(1)"},
   .handler = cmd_rename});
  t.add({.name = "copy", .arity = -3, .flags = cmd::kWrite | cmd::kDenyOom, .acl = cmd::kAclKeyspace,
   .keys = {key(cmd::kKeyRO | cmd::kKeyAccess, 1, 0, 1), key(cmd::kKeyOW | cmd::kKeyUpdate, 2, 0, 1)},
   .doc = {"Copy a key", "6.2.0", "generic", "O(N) worst case for collections, where N is the number of nested items. O(1) for string values."},
   .handler = cmd_copy});
  t.add({.name = "move", .arity = 3, .flags = cmd::kWrite | cmd::kFast, .acl = cmd::kAclKeyspace,
   .keys = {key(cmd::kKeyRW | cmd::kKeyAccess | cmd::kKeyUpdate, 1, 0, 1)},
   .doc = {"Move a key to another database", "1.0.0", "generic", "O(1)"},
   .handler = cmd_move});
  t.add({.name = "keys", .arity = 2, .flags = cmd::kReadOnly, .acl = cmd::kAclKeyspace | cmd::kAclDangerous,
   .tips = {"request_policy:all_shards", "nondeterministic_output_order"},
   .doc = {"Find all keys matching the given pattern", "1.0.0", "generic", "O(N) with N being the number of keys in the database, under the assumption that the key names in the database and the given pattern have limited length."},
   .handler = cmd_keys});
  t.add({.name = "randomkey", .arity = 1, .flags = cmd::kReadOnly, .acl = cmd::kAclKeyspace,
   .tips = {"request_policy:all_shards", "nondeterministic_output"},
   .doc = {"Return a random key from the keyspace", "1.0.0", "generic", "O(1)"},
   .handler = cmd_randomkey});
  t.add({.name = "flushdb", .arity = -1, .flags = cmd::kWrite, .acl = cmd::kAclKeyspace | cmd::kAclDangerous,
   .tips = {"request_policy:all_shards", "response_policy:all_succeeded"},
   .doc = {"Remove all keys from the current database", "1.0.0", "server", "O(N) where N is the number of keys in the selected database"},
   .handler = cmd_flushdb});
  t.add({.name = "flushall", .arity = -1, .flags = cmd::kWrite, .acl = cmd::kAclKeyspace | cmd::kAclDangerous,
   .tips = {"request_policy:all_shards", "response_policy:all_succeeded"},
   .doc = {"Remove all keys from all databases", "1.0.0", "server", "O(N) where N is the total number of keys in all databases"},
   .handler = cmd_flushdb});
  t.add({.name = "swapdb", .arity = 3, .flags = cmd::kWrite | cmd::kFast, .acl = cmd::kAclKeyspace | cmd::kAclDangerous,
   .doc = {"Swaps two Redis databases", "4.0.0", "server", "O(N) where N is the count of clients watching or blocking on keys from both databases."},
   .handler = cmd_swapdb});
}

}  // namespace mnemo::server
