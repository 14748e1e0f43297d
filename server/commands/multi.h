// MULTI/EXEC/WATCH (multi.cpp): the handlers, and the two hooks the RESP
// codec calls while dispatching. Internal to server/ (the codec and the table).
#pragma once

#include <string>
#include <string_view>

#include "protocol/reply_builder.h"
#include "server/commands/context.h"

namespace mnemo::server::commands {

using protocol::ReplyBuilder;

// Inside MULTI, queues a command that passed the codec's checks (replying
// +QUEUED, or Redis's error for a command not allowed in a transaction) and
// returns true; false when no transaction is open or the command runs at
// once (EXEC, DISCARD, MULTI, WATCH, QUIT, RESET).
bool queue_in_multi(CommandContext& ctx, const CommandSpec& spec, ArgList argv, ReplyBuilder& reply);
// A command refused while queueing (unknown, wrong arity, NOAUTH): EXEC will answer EXECABORT.
void flag_multi_error(Session& session);
// The error to send for a command refused before it runs (wrong arity,
// NOAUTH), as Redis's rejectCommand: flags the transaction, and for EXEC
// itself discards it and answers EXECABORT with the reason.
std::string reject_command(Session& session, const CommandSpec& spec, std::string_view error);

// Runs a command to its reply now, on this thread: its handler, then every
// request it submits, on the store directly (EXEC's queue, a script's
// redis.call). Inside a store transaction (Store::run_atomically).
void run_command_now(CommandContext& ctx, const CommandSpec& spec, ArgList argv, ReplyBuilder& reply);

void cmd_multi(CommandContext& ctx, ArgList argv, ReplyBuilder& reply);
void cmd_exec(CommandContext& ctx, ArgList argv, ReplyBuilder& reply);
void cmd_discard(CommandContext& ctx, ArgList argv, ReplyBuilder& reply);
void cmd_watch(CommandContext& ctx, ArgList argv, ReplyBuilder& reply);
void cmd_unwatch(CommandContext& ctx, ArgList argv, ReplyBuilder& reply);

}  // namespace mnemo::server::commands
