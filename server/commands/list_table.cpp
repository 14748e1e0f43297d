// The list family's table entries (Redis 7.0's declarations), bound to list.cpp.
// The blocking commands (BLPOP, BRPOP, BLMOVE) are not here yet.
#include "server/commands/command_table.h"
#include "server/commands/families.h"

namespace mnemo::server {

using namespace commands;  // NOLINT: the handlers

namespace {

constexpr std::uint32_t kW = cmd::kWrite | cmd::kDenyOom | cmd::kFast;
constexpr std::uint32_t kR = cmd::kReadOnly | cmd::kFast;

CommandSpec list_cmd(std::string_view name, int arity, std::uint32_t flags, std::vector<KeySpec> keys,
                     CommandHandler h, std::string_view summary, std::string_view since, std::string_view complexity) {
  return {.name = name, .arity = arity, .flags = flags, .acl = cmd::kAclList, .keys = std::move(keys),
          .doc = {summary, since, "list", complexity}, .handler = h};
}

KeySpec k1(std::uint32_t f) { return key(f, 1, 0, 1); }

}  // namespace

void register_list_commands(CommandTable& t) {
  const std::uint32_t rw_insert = cmd::kKeyRW | cmd::kKeyInsert;
  const std::uint32_t rw_delete = cmd::kKeyRW | cmd::kKeyAccess | cmd::kKeyDelete;
  t.add(list_cmd("lindex", 3, cmd::kReadOnly, {k1(cmd::kKeyRO | cmd::kKeyAccess)}, cmd_lindex, "Get an element from a list by its index", "1.0.0", "O(N) where N is the number of elements to traverse to get to the element at index. This makes asking for the first or the last element of the list O(1)."));
  t.add(list_cmd("linsert", 5, cmd::kWrite | cmd::kDenyOom, {k1(rw_insert)}, cmd_linsert, "Insert an element before or after another element in a list", "2.2.0", "O(N) where N is the number of elements to traverse before seeing the value pivot. This means that inserting somewhere on the left end on the list (head) can be considered O(1) and inserting somewhere on the right end (tail) is O(N)."));
  t.add(list_cmd("llen", 2, kR, {k1(cmd::kKeyRO)}, cmd_llen, "Get the length of a list", "1.0.0", "O(1)"));
  t.add(list_cmd("lmove", 5, cmd::kWrite | cmd::kDenyOom, {k1(rw_delete), key(cmd::kKeyRW | cmd::kKeyInsert, 2, 0, 1)}, cmd_lmove, "Pop an element from a list, push it to another list and return it", "6.2.0", "O(1)"));
  t.add(list_cmd("lpop", -2, cmd::kWrite | cmd::kFast, {k1(rw_delete)}, cmd_pop, "Remove and get the first elements in a list", "1.0.0", "O(N) where N is the number of elements returned"));
  t.add(list_cmd("lpos", -3, cmd::kReadOnly, {k1(cmd::kKeyRO)}, cmd_lpos, "Return the index of matching elements on a list", "6.0.6", "O(N) where N is the number of elements in the list, for the average case. When searching for elements near the head or the tail of the list, or when the MAXLEN option is provided, the command may run in constant time."));
  t.add(list_cmd("lpush", -3, kW, {k1(rw_insert)}, cmd_push, "Prepend one or multiple elements to a list", "1.0.0", "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments."));
  t.add(list_cmd("lpushx", -3, kW, {k1(rw_insert)}, cmd_push, "Prepend an element to a list, only if the list exists", "2.2.0", "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments."));
  t.add(list_cmd("lrange", 4, cmd::kReadOnly, {k1(cmd::kKeyRO | cmd::kKeyAccess)}, cmd_lrange, "Get a range of elements from a list", "1.0.0", "O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD or TAIL) for large lists; and N is the number of elements in the specified range."));
  t.add(list_cmd("lrem", 4, cmd::kWrite, {k1(cmd::kKeyRW | cmd::kKeyDelete)}, cmd_lrem, "Remove elements from a list", "1.0.0", "O(N+M) where N is the length of the list and M is the number of elements removed."));
  t.add(list_cmd("lset", 4, cmd::kWrite | cmd::kDenyOom, {k1(cmd::kKeyRW | cmd::kKeyUpdate)}, cmd_lset, "Set the value of an element in a list by its index", "1.0.0", "O(N) where N is the length of the list. Setting either the first or the last element of the list is O(1)."));
  t.add(list_cmd("ltrim", 4, cmd::kWrite, {k1(cmd::kKeyRW | cmd::kKeyDelete)}, cmd_ltrim, "Trim a list to the specified range", "1.0.0", "O(N) where N is the number of elements to be removed by the operation."));
  t.add(list_cmd("rpop", -2, cmd::kWrite | cmd::kFast, {k1(rw_delete)}, cmd_pop, "Remove and get the last elements in a list", "1.0.0", "O(N) where N is the number of elements returned"));
  t.add(list_cmd("rpoplpush", 3, cmd::kWrite | cmd::kDenyOom, {k1(rw_delete), key(cmd::kKeyRW | cmd::kKeyInsert, 2, 0, 1)}, cmd_lmove, "Remove the last element in a list, prepend it to another list and return it", "1.2.0", "O(1)"));
  t.add(list_cmd("rpush", -3, kW, {k1(rw_insert)}, cmd_push, "Append one or multiple values to a list", "1.0.0", "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments."));
  t.add(list_cmd("rpushx", -3, kW, {k1(rw_insert)}, cmd_push, "Append an element to a list, only if the list exists", "2.2.0", "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments."));
  // LMPOP numkeys key ... LEFT|RIGHT [COUNT n]: the keys after numkeys.
  t.add(list_cmd("lmpop", -4, cmd::kWrite | cmd::kMovableKeys, {keynum(rw_delete, 1)}, cmd_lmpop, "Pop elements from a list", "7.0.0", "O(N+M) where N is the number of provided keys and M is the number of elements returned."));
}

}  // namespace mnemo::server
