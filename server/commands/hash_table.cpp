// The hash family's table entries (Redis 7.0's declarations), bound to hash.cpp.
#include "server/commands/command_table.h"
#include "server/commands/families.h"

namespace mnemo::server {

using namespace commands;  // NOLINT: the handlers

namespace {

constexpr std::uint32_t kW = cmd::kWrite | cmd::kDenyOom | cmd::kFast;
constexpr std::uint32_t kR = cmd::kReadOnly | cmd::kFast;
constexpr std::uint32_t kRO = cmd::kKeyRO | cmd::kKeyAccess;
constexpr std::uint32_t kRWUpdate = cmd::kKeyRW | cmd::kKeyUpdate;

CommandSpec hash_cmd(std::string_view name, int arity, std::uint32_t flags, std::uint32_t keyflags,
                     CommandHandler h, std::string_view summary, std::string_view since, std::string_view complexity) {
  return {.name = name, .arity = arity, .flags = flags, .acl = cmd::kAclHash, .keys = {key(keyflags, 1, 0, 1)},
          .doc = {summary, since, "hash", complexity}, .handler = h};
}

}  // namespace

void register_hash_commands(CommandTable& t) {
  t.add(hash_cmd("hdel", -3, cmd::kWrite | cmd::kFast, cmd::kKeyRW | cmd::kKeyDelete, cmd_hdel, "Delete one or more hash fields", "2.0.0", "O(N) where N is the number of fields to be removed."));
  t.add(hash_cmd("hexists", 3, kR, cmd::kKeyRO, cmd_hlen, "Determine if a hash field exists", "2.0.0", "O(1)"));
  t.add(hash_cmd("hget", 3, kR, kRO, cmd_hget, "Get the value of a hash field", "2.0.0", "O(1)"));
  t.add(hash_cmd("hgetall", 2, cmd::kReadOnly, kRO, cmd_hgetall, "Get all the fields and values in a hash", "2.0.0", "O(N) where N is the size of the hash."));
  t.add(hash_cmd("hincrby", 4, kW, kRWUpdate | cmd::kKeyAccess, cmd_hincrby, "Increment the integer value of a hash field by the given number", "2.0.0", "O(1)"));
  t.add(hash_cmd("hincrbyfloat", 4, kW, kRWUpdate | cmd::kKeyAccess, cmd_hincrbyfloat, "Increment the float value of a hash field by the given amount", "2.6.0", "O(1)"));
  t.add(hash_cmd("hkeys", 2, cmd::kReadOnly, cmd::kKeyRO, cmd_hgetall, "Get all the fields in a hash", "2.0.0", "O(N) where N is the size of the hash."));
  t.add(hash_cmd("hlen", 2, kR, cmd::kKeyRO, cmd_hlen, "Get the number of fields in a hash", "2.0.0", "O(1)"));
  t.add(hash_cmd("hmget", -3, kR, kRO, cmd_hmget, "Get the values of all the given hash fields", "2.0.0", "O(N) where N is the number of fields being requested."));
  t.add(hash_cmd("hmset", -4, kW, kRWUpdate, cmd_hset, "Set multiple hash fields to multiple values", "2.0.0", "O(N) where N is the number of fields being set."));
  t.add(hash_cmd("hrandfield", -2, cmd::kReadOnly, kRO, cmd_hrandfield, "Get one or multiple random fields from a hash", "6.2.0", "O(N) where N is the number of fields returned"));
  t.add(hash_cmd("hscan", -3, cmd::kReadOnly, kRO, cmd_hscan, "Incrementally iterate hash fields and associated values", "2.8.0", "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection."));
  t.add(hash_cmd("hset", -4, kW, kRWUpdate, cmd_hset, "Set the string value of a hash field", "2.0.0", "O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called with multiple field/value pairs."));
  t.add(hash_cmd("hsetnx", 4, kW, cmd::kKeyRW | cmd::kKeyInsert, cmd_hsetnx, "Set the value of a hash field, only if the field does not exist", "2.0.0", "O(1)"));
  t.add(hash_cmd("hstrlen", 3, kR, cmd::kKeyRO, cmd_hlen, "Get the length of the value of a hash field", "3.2.0", "O(1)"));
  t.add(hash_cmd("hvals", 2, cmd::kReadOnly, kRO, cmd_hgetall, "Get all the values in a hash", "2.0.0", "O(N) where N is the size of the hash."));
}

}  // namespace mnemo::server
