// The server family's table entries: name, arity, flags, ACL categories and docs
// as Redis 7 declares them, bound to mnemo's handlers.
#include "server/commands/command_table.h"
#include "server/commands/server.h"

namespace mnemo::server {

using protocol::Opcode;
using namespace commands;  // NOLINT: the handlers

void register_server_commands(CommandTable& t) {
  t.add({.name = "dbsize", .arity = 1, .flags = cmd::kReadOnly | cmd::kFast, .acl = cmd::kAclKeyspace,
   .tips = {"request_policy:all_shards", "response_policy:agg_sum"},
   .doc = {"Return the number of keys in the selected database", "1.0.0", "server", "O(1)"},
   .handler = cmd_dbsize, .native = Opcode::dbsize});
  t.add({.name = "save", .arity = 1, .flags = cmd::kAdmin | cmd::kNoAsyncLoading | cmd::kNoMulti, .acl = 0,
   .doc = {"Synchronously save the dataset to disk", "1.0.0", "server", "O(N) where N is the total number of keys in all databases"},
   .handler = cmd_save});
  t.add({.name = "bgsave", .arity = -1, .flags = cmd::kAdmin | cmd::kNoAsyncLoading, .acl = 0,
   .doc = {"Asynchronously save the dataset to disk", "1.0.0", "server", "O(1)"},
   .handler = cmd_save, .native = Opcode::snapshot});
  t.add({.name = "shutdown", .arity = -1,
   .flags = cmd::kAdmin | cmd::kNoScript | cmd::kLoading | cmd::kStale | cmd::kNoMulti | cmd::kAllowBusy, .acl = 0,
   .doc = {"Synchronously save the dataset to disk and then shut down the server", "1.0.0", "server",
           "O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)"},
   .handler = cmd_shutdown, .native = Opcode::shutdown});
  t.add({.name = "wait", .arity = 3, .flags = cmd::kNoScript, .acl = cmd::kAclConnection,
   .tips = {"request_policy:all_shards", "response_policy:agg_min"},
   .doc = {"Wait for the synchronous replication of all the write commands sent in the context of the current connection", "3.0.0", "generic", "O(1)"},
   .handler = cmd_wait});
  t.add({.name = "waitaof", .arity = 4, .flags = cmd::kBlocking | cmd::kNoScript, .acl = cmd::kAclConnection,
   .tips = {"request_policy:all_shards", "response_policy:agg_min"},
   .doc = {"Blocks until all of the preceding write commands sent by the connection are written to the append-only file of the master and/or replicas.", "7.2.0", "generic", "O(1)"},
   .handler = cmd_waitaof});
  t.add({.name = "info", .arity = -1, .flags = cmd::kLoading | cmd::kStale, .acl = cmd::kAclDangerous,
   .tips = {"nondeterministic_output", "request_policy:all_shards", "response_policy:special"},
   .doc = {"Get information and statistics about the server", "1.0.0", "server", "O(1)"},
   .handler = cmd_info});
  t.add({.name = "config", .arity = -2, .flags = 0, .acl = 0,
   .doc = {"A container for server configuration commands", "2.0.0", "server", "Depends on subcommand."},
   .handler = nullptr,
   .subcommands = {
        {.name = "config|get", .arity = -3, .flags = cmd::kAdmin | cmd::kLoading | cmd::kStale, .acl = 0,
         .doc = {"Get the values of configuration parameters", "2.0.0", "server", "O(N) when N is the number of configuration parameters provided"},
         .handler = cmd_config_get},
        {.name = "config|resetstat", .arity = 2, .flags = cmd::kAdmin | cmd::kLoading | cmd::kStale, .acl = 0,
         .doc = {"Reset the stats returned by INFO", "2.0.0", "server", "O(1)"},
         .handler = cmd_config_resetstat},
        {.name = "config|help", .arity = 2, .flags = cmd::kLoading | cmd::kStale, .acl = 0,
         .doc = {"Show helpful text about the different subcommands", "5.0.0", "server", "O(1)"},
         .handler = cmd_config_help},
        {.name = "config|rewrite", .arity = 2, .flags = cmd::kAdmin | cmd::kLoading | cmd::kStale, .acl = 0,
         .doc = {"Rewrite the configuration file with the in memory configuration", "2.8.0", "server", "O(1)"},
         .handler = cmd_config_rewrite},
        {.name = "config|set", .arity = -4, .flags = cmd::kAdmin | cmd::kLoading | cmd::kStale, .acl = 0,
         .tips = {"request_policy:all_nodes", "response_policy:all_succeeded"},
         .doc = {"Set configuration parameters to the given values", "2.0.0", "server", "O(N) when N is the number of configuration parameters provided"},
         .handler = cmd_config_set}}});
  t.add({.name = "time", .arity = 1, .flags = cmd::kLoading | cmd::kStale | cmd::kFast, .acl = 0,
   .tips = {"nondeterministic_output"},
   .doc = {"Return the current server time", "2.6.0", "server", "O(1)"},
   .handler = cmd_time});
}

}  // namespace mnemo::server
