// Key commands on the store's typed operations (keys_store.cpp). Internal to
// server/commands.
#pragma once

#include "server/commands/context.h"

namespace mnemo::server::commands {

using protocol::ReplyBuilder;

// DEL/UNLINK and SCAN with the store; false when the context has no store
// (codec tests), so the caller falls back to per-key requests.
bool store_del(CommandContext& ctx, ArgList argv, ReplyBuilder& reply);
bool store_scan(CommandContext& ctx, std::uint64_t cursor, std::string_view pattern, std::uint32_t count,
                std::string_view type, ReplyBuilder& reply);

// EXPIRE family with an absolute deadline (kOpt* condition bits, 0 = none):
// stored exactly as given, so PEXPIRETIME reads back what PEXPIREAT set.
// False when the context has no store.
bool store_expire(CommandContext& ctx, std::string_view key, std::int64_t deadline_ms, std::uint8_t options,
                  ReplyBuilder& reply);

void cmd_msetnx(CommandContext& ctx, ArgList argv, ReplyBuilder& reply);
void cmd_rename(CommandContext& ctx, ArgList argv, ReplyBuilder& reply);
void cmd_copy(CommandContext& ctx, ArgList argv, ReplyBuilder& reply);
void cmd_move(CommandContext& ctx, ArgList argv, ReplyBuilder& reply);
void cmd_flushdb(CommandContext& ctx, ArgList argv, ReplyBuilder& reply);
void cmd_swapdb(CommandContext& ctx, ArgList argv, ReplyBuilder& reply);
void cmd_keys(CommandContext& ctx, ArgList argv, ReplyBuilder& reply);
void cmd_randomkey(CommandContext& ctx, ArgList argv, ReplyBuilder& reply);

}  // namespace mnemo::server::commands
