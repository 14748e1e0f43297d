// The transactions family's table entries, as Redis 7 declares them.
#include "server/commands/command_table.h"
#include "server/commands/multi.h"

namespace mnemo::server {

using namespace commands;  // NOLINT: the handlers

void register_transaction_commands(CommandTable& t) {
  constexpr std::uint32_t kQuick = cmd::kNoScript | cmd::kLoading | cmd::kStale | cmd::kFast | cmd::kAllowBusy;
  t.add({.name = "multi", .arity = 1, .flags = kQuick, .acl = cmd::kAclTransaction,
   .doc = {"Starts a transaction.", "1.2.0", "transactions", "O(1)"},
   .handler = cmd_multi});
  t.add({.name = "exec", .arity = 1, .flags = cmd::kNoScript | cmd::kLoading | cmd::kStale | cmd::kSkipSlowlog,
   .acl = cmd::kAclTransaction,
   .doc = {"Executes all commands in a transaction.", "1.2.0", "transactions", "Depends on commands in the transaction"},
   .handler = cmd_exec});
  t.add({.name = "discard", .arity = 1, .flags = kQuick, .acl = cmd::kAclTransaction,
   .doc = {"Discards a transaction.", "2.0.0", "transactions", "O(N), when N is the number of queued commands"},
   .handler = cmd_discard});
  t.add({.name = "watch", .arity = -2, .flags = kQuick, .acl = cmd::kAclTransaction,
   .keys = {key(cmd::kKeyRO, 1, -1, 1)},
   .doc = {"Monitors changes to keys to determine the execution of a transaction.", "2.2.0", "transactions",
           "O(1) for every key."},
   .handler = cmd_watch});
  t.add({.name = "unwatch", .arity = 1, .flags = kQuick, .acl = cmd::kAclTransaction,
   .doc = {"Forgets about watched keys of a transaction.", "2.2.0", "transactions", "O(1)"},
   .handler = cmd_unwatch});
}

}  // namespace mnemo::server
