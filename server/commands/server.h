// Handlers of the server, connection and introspection families
// (server_cmds.cpp, config.cpp, conn.cpp, client.cpp, introspection.cpp).
// Internal to server/commands.
#pragma once

#include <initializer_list>
#include <string_view>

#include "server/commands/context.h"

namespace mnemo::server::commands {

using protocol::ReplyBuilder;

#define MNEMO_HANDLER(name) void name(CommandContext& ctx, ArgList argv, ReplyBuilder& reply)
MNEMO_HANDLER(cmd_dbsize);
MNEMO_HANDLER(cmd_save);
MNEMO_HANDLER(cmd_shutdown);
MNEMO_HANDLER(cmd_waitaof);
MNEMO_HANDLER(cmd_wait);
MNEMO_HANDLER(cmd_info);
MNEMO_HANDLER(cmd_time);
MNEMO_HANDLER(cmd_config_get);
MNEMO_HANDLER(cmd_config_set);
MNEMO_HANDLER(cmd_config_resetstat);
MNEMO_HANDLER(cmd_config_rewrite);
MNEMO_HANDLER(cmd_config_help);
MNEMO_HANDLER(cmd_ping);
MNEMO_HANDLER(cmd_echo);
MNEMO_HANDLER(cmd_select);
MNEMO_HANDLER(cmd_quit);
MNEMO_HANDLER(cmd_auth);
MNEMO_HANDLER(cmd_hello);
MNEMO_HANDLER(cmd_reset);  // reset.cpp
MNEMO_HANDLER(cmd_client_setname);
MNEMO_HANDLER(cmd_client_getname);
MNEMO_HANDLER(cmd_client_id);
MNEMO_HANDLER(cmd_client_info);
MNEMO_HANDLER(cmd_client_list);
MNEMO_HANDLER(cmd_client_setinfo);
MNEMO_HANDLER(cmd_client_on_off);
MNEMO_HANDLER(cmd_client_help);
MNEMO_HANDLER(cmd_command);
MNEMO_HANDLER(cmd_command_count);
MNEMO_HANDLER(cmd_command_list);
MNEMO_HANDLER(cmd_command_info);
MNEMO_HANDLER(cmd_command_docs);
MNEMO_HANDLER(cmd_command_getkeys);
MNEMO_HANDLER(cmd_command_help);
#undef MNEMO_HANDLER

// Redis's HELP reply: a header line, the given lines, then HELP itself.
void reply_help(ReplyBuilder& reply, std::string_view command, std::initializer_list<std::string_view> lines);

}  // namespace mnemo::server::commands
