// The set family's table entries (Redis 7.0's declarations), bound to set.cpp.
#include "server/commands/command_table.h"
#include "server/commands/families.h"

namespace mnemo::server {

using namespace commands;  // NOLINT: the handlers

namespace {

constexpr std::uint32_t kR = cmd::kReadOnly | cmd::kFast;
constexpr std::uint32_t kRO = cmd::kKeyRO;
constexpr std::uint32_t kROA = cmd::kKeyRO | cmd::kKeyAccess;

CommandSpec set_cmd(std::string_view name, int arity, std::uint32_t flags, std::vector<KeySpec> keys,
                    CommandHandler h, std::string_view summary, std::string_view since, std::string_view complexity) {
  return {.name = name, .arity = arity, .flags = flags, .acl = cmd::kAclSet, .keys = std::move(keys),
          .doc = {summary, since, "set", complexity}, .handler = h};
}

KeySpec k1(std::uint32_t f) { return key(f, 1, 0, 1); }
KeySpec all(std::uint32_t f, int begin) { return key(f, begin, -1, 1); }

}  // namespace

void register_set_commands(CommandTable& t) {
  const std::uint32_t store = cmd::kWrite | cmd::kDenyOom;
  const std::uint32_t ow = cmd::kKeyOW | cmd::kKeyUpdate;
  t.add(set_cmd("sadd", -3, cmd::kWrite | cmd::kDenyOom | cmd::kFast, {k1(cmd::kKeyRW | cmd::kKeyInsert)}, cmd_sadd, "Add one or more members to a set", "1.0.0", "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments."));
  t.add(set_cmd("scard", 2, kR, {k1(kRO)}, cmd_scard, "Get the number of members in a set", "1.0.0", "O(1)"));
  t.add(set_cmd("sdiff", -2, cmd::kReadOnly, {all(kROA, 1)}, cmd_setop, "Subtract multiple sets", "1.0.0", "O(N) where N is the total number of elements in all given sets."));
  t.add(set_cmd("sdiffstore", -3, store, {k1(ow), all(kROA, 2)}, cmd_setop, "Subtract multiple sets and store the resulting set in a key", "1.0.0", "O(N) where N is the total number of elements in all given sets."));
  t.add(set_cmd("sinter", -2, cmd::kReadOnly, {all(kROA, 1)}, cmd_setop, "Intersect multiple sets", "1.0.0", "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets."));
  t.add(set_cmd("sintercard", -3, cmd::kReadOnly | cmd::kMovableKeys, {keynum(cmd::kKeyRO | cmd::kKeyAccess, 1)}, cmd_sintercard, "Intersect multiple sets and return the cardinality of the result", "7.0.0", "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets."));
  t.add(set_cmd("sinterstore", -3, store, {k1(ow), all(kROA, 2)}, cmd_setop, "Intersect multiple sets and store the resulting set in a key", "1.0.0", "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets."));
  t.add(set_cmd("sismember", 3, kR, {k1(kRO)}, cmd_sismember, "Determine if a given value is a member of a set", "1.0.0", "O(1)"));
  t.add(set_cmd("smembers", 2, cmd::kReadOnly, {k1(kROA)}, cmd_smembers, "Get all the members in a set", "1.0.0", "O(N) where N is the set cardinality."));
  t.add(set_cmd("smismember", -3, kR, {k1(kRO)}, cmd_smismember, "Returns the membership associated with the given elements for a set", "6.2.0", "O(N) where N is the number of elements being checked for membership"));
  t.add(set_cmd("smove", 4, cmd::kWrite | cmd::kFast, {k1(cmd::kKeyRW | cmd::kKeyAccess | cmd::kKeyDelete), key(cmd::kKeyRW | cmd::kKeyInsert, 2, 0, 1)}, cmd_smove, "Move a member from one set to another", "1.0.0", "O(1)"));
  t.add(set_cmd("spop", -2, cmd::kWrite | cmd::kFast, {k1(cmd::kKeyRW | cmd::kKeyAccess | cmd::kKeyDelete)}, cmd_spop, "Remove and return one or multiple random members from a set", "1.0.0", "Without the count argument O(1), otherwise O(N) where N is the value of the passed count."));
  t.add(set_cmd("srandmember", -2, cmd::kReadOnly, {k1(kROA)}, cmd_srandmember, "Get one or multiple random members from a set", "1.0.0", "Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count."));
  t.add(set_cmd("srem", -3, cmd::kWrite | cmd::kFast, {k1(cmd::kKeyRW | cmd::kKeyDelete)}, cmd_srem, "Remove one or more members from a set", "1.0.0", "O(N) where N is the number of members to be removed."));
  t.add(set_cmd("sscan", -3, cmd::kReadOnly, {k1(kROA)}, cmd_sscan, "Incrementally iterate Set elements", "2.8.0", "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection."));
  t.add(set_cmd("sunion", -2, cmd::kReadOnly, {all(kROA, 1)}, cmd_setop, "Add multiple sets", "1.0.0", "O(N) where N is the total number of elements in all given sets."));
  t.add(set_cmd("sunionstore", -3, store, {k1(ow), all(kROA, 2)}, cmd_setop, "Add multiple sets and store the resulting set in a key", "1.0.0", "O(N) where N is the total number of elements in all given sets."));
}

}  // namespace mnemo::server
