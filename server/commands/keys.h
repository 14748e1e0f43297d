// Handlers of the keyspace family (keys.cpp, key_info.cpp, scan.cpp),
// registered by keys_table.cpp. Internal to server/commands.
#pragma once

#include "server/commands/context.h"

namespace mnemo::server::commands {

using protocol::ReplyBuilder;

void cmd_del(CommandContext& ctx, ArgList argv, ReplyBuilder& reply);
void cmd_exists(CommandContext& ctx, ArgList argv, ReplyBuilder& reply);
void cmd_type(CommandContext& ctx, ArgList argv, ReplyBuilder& reply);
void cmd_touch(CommandContext& ctx, ArgList argv, ReplyBuilder& reply);
void cmd_expire(CommandContext& ctx, ArgList argv, ReplyBuilder& reply);
void cmd_ttl(CommandContext& ctx, ArgList argv, ReplyBuilder& reply);
void cmd_expiretime(CommandContext& ctx, ArgList argv, ReplyBuilder& reply);
void cmd_persist(CommandContext& ctx, ArgList argv, ReplyBuilder& reply);
void cmd_scan(CommandContext& ctx, ArgList argv, ReplyBuilder& reply);
void cmd_object_encoding(CommandContext& ctx, ArgList argv, ReplyBuilder& reply);
void cmd_object_refcount(CommandContext& ctx, ArgList argv, ReplyBuilder& reply);
void cmd_object_idletime(CommandContext& ctx, ArgList argv, ReplyBuilder& reply);
void cmd_object_freq(CommandContext& ctx, ArgList argv, ReplyBuilder& reply);
void cmd_object_help(CommandContext& ctx, ArgList argv, ReplyBuilder& reply);
void cmd_memory_usage(CommandContext& ctx, ArgList argv, ReplyBuilder& reply);
void cmd_memory_help(CommandContext& ctx, ArgList argv, ReplyBuilder& reply);

}  // namespace mnemo::server::commands
