// The connection family's table entries: name, arity, flags, ACL categories and docs
// as Redis 7 declares them, bound to mnemo's handlers.
#include "server/commands/command_table.h"
#include "server/commands/families.h"
#include "server/commands/server.h"
#include "server/commands/tracking.h"

namespace mnemo::server {

using protocol::Opcode;
using namespace commands;  // NOLINT: the handlers

void register_connection_commands(CommandTable& t) {
  t.add({.name = "ping", .arity = -1, .flags = cmd::kFast, .acl = cmd::kAclConnection,
   .tips = {"request_policy:all_shards", "response_policy:all_succeeded"},
   .doc = {"Ping the server", "1.0.0", "connection", "O(1)"},
   .handler = cmd_ping, .native = Opcode::ping});
  t.add({.name = "echo", .arity = 2, .flags = cmd::kLoading | cmd::kStale | cmd::kFast, .acl = cmd::kAclConnection,
   .doc = {"Echo the given string", "1.0.0", "connection", "O(1)"},
   .handler = cmd_echo});
  t.add({.name = "select", .arity = 2, .flags = cmd::kLoading | cmd::kStale | cmd::kFast, .acl = cmd::kAclConnection,
   .doc = {"Change the selected database for the current connection", "1.0.0", "connection", "O(1)"},
   .handler = cmd_select, .native = Opcode::select});
  t.add({.name = "quit", .arity = -1, .flags = cmd::kNoScript | cmd::kLoading | cmd::kStale | cmd::kFast | cmd::kNoAuth | cmd::kAllowBusy, .acl = cmd::kAclConnection,
   .doc = {"Close the connection", "1.0.0", "connection", "O(1)"},
   .handler = cmd_quit});
  t.add({.name = "auth", .arity = -2, .flags = cmd::kNoScript | cmd::kLoading | cmd::kStale | cmd::kFast | cmd::kNoAuth | cmd::kAllowBusy, .acl = cmd::kAclConnection,
   .doc = {"Authenticate to the server", "1.0.0", "connection", "O(N) where N is the number of passwords defined for the user"},
   .handler = cmd_auth, .native = Opcode::auth});
  t.add({.name = "hello", .arity = -1, .flags = cmd::kNoScript | cmd::kLoading | cmd::kStale | cmd::kFast | cmd::kNoAuth | cmd::kAllowBusy, .acl = cmd::kAclConnection,
   .doc = {"Handshake with Redis", "6.0.0", "connection", "O(1)"},
   .handler = cmd_hello, .native = Opcode::hello});
  t.add({.name = "reset", .arity = 1, .flags = cmd::kNoScript | cmd::kLoading | cmd::kStale | cmd::kFast | cmd::kNoAuth | cmd::kAllowBusy, .acl = cmd::kAclConnection,
   .doc = {"Reset the connection", "6.2.0", "connection", "O(1)"},
   .handler = cmd_reset});
  t.add({.name = "client", .arity = -2, .flags = 0, .acl = 0,
   .doc = {"A container for client connection commands", "2.4.0", "connection", "Depends on subcommand."},
   .handler = nullptr,
   .subcommands = {
        {.name = "client|getname", .arity = 2, .flags = cmd::kNoScript | cmd::kLoading | cmd::kStale, .acl = cmd::kAclConnection,
         .doc = {"Get the current connection name", "2.6.9", "connection", "O(1)"},
         .handler = cmd_client_getname},
        {.name = "client|no-evict", .arity = 3, .flags = cmd::kAdmin | cmd::kLoading | cmd::kStale, .acl = cmd::kAclConnection,
         .doc = {"Set client eviction mode for the current connection", "7.0.0", "connection", "O(1)"},
         .handler = cmd_client_on_off},
        {.name = "client|list", .arity = -2, .flags = cmd::kAdmin | cmd::kLoading | cmd::kStale, .acl = cmd::kAclConnection,
         .tips = {"nondeterministic_output"},
         .doc = {"Get the list of client connections", "2.4.0", "connection", "O(N) where N is the number of client connections"},
         .handler = cmd_client_list},
        {.name = "client|id", .arity = 2, .flags = cmd::kNoScript | cmd::kLoading | cmd::kStale, .acl = cmd::kAclConnection,
         .doc = {"Returns the client ID for the current connection", "5.0.0", "connection", "O(1)"},
         .handler = cmd_client_id},
        {.name = "client|info", .arity = 2, .flags = cmd::kNoScript | cmd::kLoading | cmd::kStale, .acl = cmd::kAclConnection,
         .tips = {"nondeterministic_output"},
         .doc = {"Returns information about the current client connection.", "6.2.0", "connection", "O(1)"},
         .handler = cmd_client_info},
        {.name = "client|help", .arity = 2, .flags = cmd::kLoading | cmd::kStale, .acl = cmd::kAclConnection,
         .doc = {"Show helpful text about the different subcommands", "5.0.0", "connection", "O(1)"},
         .handler = cmd_client_help},
        {.name = "client|setinfo", .arity = 4, .flags = cmd::kNoScript | cmd::kLoading | cmd::kStale, .acl = cmd::kAclConnection,
         .tips = {"request_policy:all_nodes", "response_policy:all_succeeded"},
         .doc = {"Sets information specific to the client or connection.", "7.2.0", "connection", "O(1)"},
         .handler = cmd_client_setinfo},
        {.name = "client|no-touch", .arity = 3, .flags = cmd::kNoScript | cmd::kLoading | cmd::kStale, .acl = cmd::kAclConnection,
         .doc = {"Controls whether commands sent by the client affect the LRU/LFU of accessed keys.", "7.2.0", "connection", "O(1)"},
         .handler = cmd_client_on_off},
        {.name = "client|tracking", .arity = -3, .flags = cmd::kNoScript | cmd::kLoading | cmd::kStale, .acl = cmd::kAclConnection,
         .doc = {"Controls server-assisted client side caching for the connection", "6.0.0", "connection", "O(1). Some options may introduce additional complexity."},
         .handler = cmd_client_tracking},
        {.name = "client|caching", .arity = 3, .flags = cmd::kNoScript | cmd::kLoading | cmd::kStale, .acl = cmd::kAclConnection,
         .doc = {"Instructs the server whether to track the keys in the next request", "6.0.0", "connection", "O(1)"},
         .handler = cmd_client_caching},
        {.name = "client|getredir", .arity = 2, .flags = cmd::kNoScript | cmd::kLoading | cmd::kStale, .acl = cmd::kAclConnection,
         .doc = {"Returns the client ID to which the connection's tracking notifications are redirected", "6.0.0", "connection", "O(1)"},
         .handler = cmd_client_getredir},
        {.name = "client|trackinginfo", .arity = 2, .flags = cmd::kNoScript | cmd::kLoading | cmd::kStale, .acl = cmd::kAclConnection,
         .doc = {"Returns information about server-assisted client side caching for the connection", "6.2.0", "connection", "O(1)"},
         .handler = cmd_client_trackinginfo},
        {.name = "client|unblock", .arity = -3, .flags = cmd::kAdmin | cmd::kNoScript | cmd::kLoading | cmd::kStale, .acl = cmd::kAclConnection,
         .doc = {"Unblock a client blocked in a blocking command from a different connection", "5.0.0", "connection", "O(log N) where N is the number of client connections"},
         .handler = commands::cmd_client_unblock},
        {.name = "client|setname", .arity = 3, .flags = cmd::kNoScript | cmd::kLoading | cmd::kStale, .acl = cmd::kAclConnection,
         .doc = {"Set the current connection name", "2.6.9", "connection", "O(1)"},
         .handler = cmd_client_setname}}});
}

}  // namespace mnemo::server
