// The blocking pops (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP, BZPOPMIN,
// BZPOPMAX, BZMPOP): what one pop from one key does, shared by the command's
// own first try (blocking.cpp) and by a later serve from the blocking
// registry (server/blocking/waiters.h) on the thread of the write that made
// the key ready. A pop is a Store::collections write: journaled like LPOP,
// LMOVE or ZPOPMIN, with their keyspace notifications. Internal to
// server/commands.
#pragma once

#include <cstdint>
#include <string>

#include "server/commands/collection_cmd.h"

namespace mnemo::server::commands {

struct PopOp {
  enum class Kind : std::uint8_t { list_pop, list_move, zset_pop };
  Kind kind = Kind::list_pop;
  bool left = true;        // LEFT / the head; for a zset: MIN
  bool to_left = true;     // BLMOVE's destination side
  std::int64_t count = -1; // BLMPOP/BZMPOP's COUNT (their nested reply); -1 for the others
  std::string dst;         // BLMOVE's destination
};

enum class PopOutcome : std::uint8_t {
  popped,      // the reply is written
  failed,      // an error reply is written (BLMOVE's destination of another type, OOM ...)
  empty,       // the key holds nothing: nothing written
  wrong_type,  // the key holds another type: nothing written
};

// Where a blocked command's later reply goes: the RESP connection's outbox as
// is, or for a native COMMAND frame its connection's outbox, the reply framed
// (Session::native). False when the connection cannot receive it (no outbox).
bool block_target(CommandContext& ctx, blocking::BlockSpec& spec);

// One pop from `key` of the session's database, replying to `reply`.
PopOutcome pop_from(CommandContext& ctx, std::string_view key, const PopOp& op, ReplyBuilder& reply);

}  // namespace mnemo::server::commands
