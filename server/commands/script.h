// The scripting family's handlers (script.cpp). Internal to server/commands.
#pragma once

#include "protocol/reply_builder.h"
#include "server/commands/context.h"

namespace mnemo::server::commands {

using protocol::ReplyBuilder;

#define MNEMO_HANDLER(name) void name(CommandContext& ctx, ArgList argv, ReplyBuilder& reply)
MNEMO_HANDLER(cmd_eval);
MNEMO_HANDLER(cmd_evalsha);
MNEMO_HANDLER(cmd_eval_ro);
MNEMO_HANDLER(cmd_evalsha_ro);
MNEMO_HANDLER(cmd_script_load);
MNEMO_HANDLER(cmd_script_exists);
MNEMO_HANDLER(cmd_script_flush);
MNEMO_HANDLER(cmd_script_kill);
MNEMO_HANDLER(cmd_script_help);
#undef MNEMO_HANDLER

}  // namespace mnemo::server::commands
