// Handlers of the string family (string.cpp), registered by string_table.cpp.
// Internal to server/commands.
#pragma once

#include "server/commands/context.h"

namespace mnemo::server::commands {

using protocol::ReplyBuilder;

void cmd_get(CommandContext& ctx, ArgList argv, ReplyBuilder& reply);
void cmd_set(CommandContext& ctx, ArgList argv, ReplyBuilder& reply);
void cmd_setnx(CommandContext& ctx, ArgList argv, ReplyBuilder& reply);
void cmd_setex(CommandContext& ctx, ArgList argv, ReplyBuilder& reply);
void cmd_getset(CommandContext& ctx, ArgList argv, ReplyBuilder& reply);
void cmd_getdel(CommandContext& ctx, ArgList argv, ReplyBuilder& reply);
void cmd_getex(CommandContext& ctx, ArgList argv, ReplyBuilder& reply);
void cmd_incr(CommandContext& ctx, ArgList argv, ReplyBuilder& reply);
void cmd_incrby(CommandContext& ctx, ArgList argv, ReplyBuilder& reply);
void cmd_incrbyfloat(CommandContext& ctx, ArgList argv, ReplyBuilder& reply);
void cmd_mget(CommandContext& ctx, ArgList argv, ReplyBuilder& reply);
void cmd_mset(CommandContext& ctx, ArgList argv, ReplyBuilder& reply);
void cmd_append(CommandContext& ctx, ArgList argv, ReplyBuilder& reply);
void cmd_setrange(CommandContext& ctx, ArgList argv, ReplyBuilder& reply);
void cmd_strlen(CommandContext& ctx, ArgList argv, ReplyBuilder& reply);
void cmd_getrange(CommandContext& ctx, ArgList argv, ReplyBuilder& reply);
void cmd_lcs(CommandContext& ctx, ArgList argv, ReplyBuilder& reply);  // lcs.cpp

}  // namespace mnemo::server::commands
