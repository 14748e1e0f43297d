// The blocking pops' table entries (Redis 7.0's declarations), bound to
// blocking.cpp. CLIENT UNBLOCK is a subcommand of CLIENT (conn_table.cpp).
#include "server/commands/command_table.h"
#include "server/commands/families.h"

namespace mnemo::server {

using namespace commands;  // NOLINT: the handlers

namespace {

constexpr std::uint32_t kPopKey = cmd::kKeyRW | cmd::kKeyAccess | cmd::kKeyDelete;

CommandSpec bcmd(std::string_view name, int arity, std::uint32_t flags, std::uint32_t acl, std::vector<KeySpec> keys,
                 CommandHandler h, std::string_view summary, std::string_view since, std::string_view group,
                 std::string_view complexity) {
  return {.name = name, .arity = arity, .flags = flags | cmd::kWrite | cmd::kBlocking, .acl = acl,
          .keys = std::move(keys), .doc = {summary, since, group, complexity}, .handler = h};
}

}  // namespace

void register_blocking_commands(CommandTable& t) {
  const std::vector<KeySpec> all_but_timeout = {key(kPopKey, 1, -2, 1)};
  const std::vector<KeySpec> move = {key(kPopKey, 1, 0, 1), key(cmd::kKeyRW | cmd::kKeyInsert, 2, 0, 1)};
  // BLMPOP/BZMPOP: numkeys at argv[2], the keys after it.
  const std::vector<KeySpec> numkeys = {keynum(kPopKey, 2)};
  t.add(bcmd("blmove", 6, cmd::kDenyOom | cmd::kNoScript, cmd::kAclList, move, cmd_blmove, "Pop an element from a list, push it to another list and return it; or block until one is available", "6.2.0", "list", "O(1)"));
  t.add(bcmd("blmpop", -5, cmd::kMovableKeys, cmd::kAclList, numkeys, cmd_blmpop, "Pop elements from a list, or block until one is available", "7.0.0", "list", "O(N+M) where N is the number of provided keys and M is the number of elements returned."));
  t.add(bcmd("blpop", -3, cmd::kNoScript, cmd::kAclList, all_but_timeout, cmd_blpop, "Remove and get the first element in a list, or block until one is available", "2.0.0", "list", "O(N) where N is the number of provided keys."));
  t.add(bcmd("brpop", -3, cmd::kNoScript, cmd::kAclList, all_but_timeout, cmd_blpop, "Remove and get the last element in a list, or block until one is available", "2.0.0", "list", "O(N) where N is the number of provided keys."));
  t.add(bcmd("brpoplpush", 4, cmd::kDenyOom | cmd::kNoScript, cmd::kAclList, move, cmd_blmove, "Pop an element from a list, push it to another list and return it; or block until one is available", "2.2.0", "list", "O(1)"));
  t.add(bcmd("bzmpop", -5, cmd::kMovableKeys, cmd::kAclSortedSet, numkeys, cmd_bzmpop, "Remove and return members with scores in a sorted set or block until one is available", "7.0.0", "sorted-set", "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped."));
  t.add(bcmd("bzpopmax", -3, cmd::kNoScript | cmd::kFast, cmd::kAclSortedSet, all_but_timeout, cmd_bzpop, "Remove and return the member with the highest score from one or more sorted sets, or block until one is available", "5.0.0", "sorted-set", "O(log(N)) with N being the number of elements in the sorted set."));
  t.add(bcmd("bzpopmin", -3, cmd::kNoScript | cmd::kFast, cmd::kAclSortedSet, all_but_timeout, cmd_bzpop, "Remove and return the member with the lowest score from one or more sorted sets, or block until one is available", "5.0.0", "sorted-set", "O(log(N)) with N being the number of elements in the sorted set."));
}

}  // namespace mnemo::server
