// Handlers of the pub/sub family (pubsub.cpp) and the subscribed-mode rule
// the RESP codec applies. Internal to server/.
#pragma once

#include <string>

#include "server/commands/context.h"

namespace mnemo::server::commands {

#define MNEMO_HANDLER(name) void name(CommandContext& ctx, ArgList argv, protocol::ReplyBuilder& reply)
MNEMO_HANDLER(cmd_subscribe);
MNEMO_HANDLER(cmd_unsubscribe);
MNEMO_HANDLER(cmd_psubscribe);
MNEMO_HANDLER(cmd_punsubscribe);
MNEMO_HANDLER(cmd_publish);
MNEMO_HANDLER(cmd_pubsub_channels);
MNEMO_HANDLER(cmd_pubsub_numsub);
MNEMO_HANDLER(cmd_pubsub_numpat);
MNEMO_HANDLER(cmd_pubsub_help);
// sharded_pubsub.cpp
MNEMO_HANDLER(cmd_ssubscribe);
MNEMO_HANDLER(cmd_sunsubscribe);
MNEMO_HANDLER(cmd_spublish);
MNEMO_HANDLER(cmd_pubsub_shardchannels);
MNEMO_HANDLER(cmd_pubsub_shardnumsub);
#undef MNEMO_HANDLER

// [kind, name, count]: the confirmation Redis sends for each (un)subscription
// (`name` null when there is none). RESP3 sends it as a push, like the messages.
void confirm(protocol::ReplyBuilder& reply, std::string_view kind, const std::string_view* name, std::size_t count);

// A RESP2 connection with a subscription runs only these (Redis's processCommand).
bool allowed_when_subscribed(const CommandSpec& spec);
// Redis's refusal of any other command in that mode.
std::string subscribed_mode_error(const CommandSpec& spec);

}  // namespace mnemo::server::commands
