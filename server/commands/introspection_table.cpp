// The introspection family's table entries: name, arity, flags, ACL categories and docs
// as Redis 7 declares them, bound to mnemo's handlers.
#include "server/commands/command_table.h"
#include "server/commands/server.h"

namespace mnemo::server {

using protocol::Opcode;
using namespace commands;  // NOLINT: the handlers

void register_introspection_commands(CommandTable& t) {
  t.add({.name = "command", .arity = -1, .flags = cmd::kLoading | cmd::kStale, .acl = cmd::kAclConnection,
   .tips = {"nondeterministic_output_order"},
   .doc = {"Get array of Redis command details", "2.8.13", "server", "O(N) where N is the total number of Redis commands"},
   .handler = cmd_command,
   .subcommands = {
        {.name = "command|docs", .arity = -2, .flags = cmd::kLoading | cmd::kStale, .acl = cmd::kAclConnection,
         .tips = {"nondeterministic_output_order"},
         .doc = {"Get array of specific Redis command documentation", "7.0.0", "server", "O(N) where N is the number of commands to look up"},
         .handler = cmd_command_docs},
        {.name = "command|count", .arity = 2, .flags = cmd::kLoading | cmd::kStale, .acl = cmd::kAclConnection,
         .doc = {"Get total number of Redis commands", "2.8.13", "server", "O(1)"},
         .handler = cmd_command_count},
        {.name = "command|list", .arity = -2, .flags = cmd::kLoading | cmd::kStale, .acl = cmd::kAclConnection,
         .tips = {"nondeterministic_output_order"},
         .doc = {"Get an array of Redis command names", "7.0.0", "server", "O(N) where N is the total number of Redis commands"},
         .handler = cmd_command_list},
        {.name = "command|getkeys", .arity = -4, .flags = cmd::kLoading | cmd::kStale, .acl = cmd::kAclConnection,
         .doc = {"Extract keys given a full Redis command", "2.8.13", "server", "O(N) where N is the number of arguments to the command"},
         .handler = cmd_command_getkeys},
        {.name = "command|info", .arity = -2, .flags = cmd::kLoading | cmd::kStale, .acl = cmd::kAclConnection,
         .tips = {"nondeterministic_output_order"},
         .doc = {"Get array of specific Redis command details, or all when no argument is given.", "2.8.13", "server", "O(N) where N is the number of commands to look up"},
         .handler = cmd_command_info},
        {.name = "command|help", .arity = 2, .flags = cmd::kLoading | cmd::kStale, .acl = cmd::kAclConnection,
         .doc = {"Show helpful text about the different subcommands", "5.0.0", "server", "O(1)"},
         .handler = cmd_command_help}}});
}

}  // namespace mnemo::server
