// Bitmaps: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP over string values, with
// Redis 7's replies, errors and order of checks (bit 0 is the most
// significant bit of the first byte). Internal to server/commands.
#pragma once

#include "server/commands/context.h"

namespace mnemo::server::commands {

// SETBIT's, GETBIT's and BITFIELD's error for an offset that is no integer or past 2^32 bits.
inline constexpr std::string_view kBadOffset = "ERR bit offset is not an integer or out of range";

void cmd_setbit(CommandContext& ctx, ArgList argv, protocol::ReplyBuilder& reply);
void cmd_bitfield(CommandContext& ctx, ArgList argv, protocol::ReplyBuilder& reply);     // bitfield.cpp
void cmd_bitfield_ro(CommandContext& ctx, ArgList argv, protocol::ReplyBuilder& reply);  // bitfield.cpp
void cmd_getbit(CommandContext& ctx, ArgList argv, protocol::ReplyBuilder& reply);
void cmd_bitcount(CommandContext& ctx, ArgList argv, protocol::ReplyBuilder& reply);
void cmd_bitpos(CommandContext& ctx, ArgList argv, protocol::ReplyBuilder& reply);
void cmd_bitop(CommandContext& ctx, ArgList argv, protocol::ReplyBuilder& reply);

}  // namespace mnemo::server::commands
