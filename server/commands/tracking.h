// Client-side caching on the command layer: CLIENT TRACKING, CACHING,
// GETREDIR and TRACKINGINFO (Redis 7.0's replies and errors), and the hooks
// every command runs through: tracking_before() and tracking_after() around
// a command, wherever it runs (the RESP codec, EXEC, a script's redis.call).
//
// Which keys: the command table's key specs, as Redis's trackingRememberKeys
// does. A read-only command of a tracking connection remembers its keys
// before it runs and again once it has replied, so a write that lands between
// the two still leaves the key tracked; a write command invalidates its keys
// once it has finished (after the store applied it), for every tracking
// connection, and FLUSHDB/FLUSHALL invalidate everything (keys_store.cpp).
// A write command invalidates its keys even when it changed nothing (SETNX
// on an existing key): one spurious invalidation, never a missed one.
//
// Threads: a connection's io thread (its session); the table is thread-safe.
#pragma once

#include <string>
#include <vector>

#include "server/commands/context.h"

namespace mnemo::server::commands {

using protocol::ReplyBuilder;

// What tracking_after() needs from tracking_before(); reused across commands.
struct TrackedCommand {
  std::vector<std::string> keys;
  bool read = false;     // remember the keys again
  bool write = false;    // invalidate the keys
  bool clears_caching = false;  // not a CLIENT command: CLIENT CACHING's word is spent
  void clear() {
    keys.clear();
    read = write = clears_caching = false;
  }
};

void tracking_before(CommandContext& ctx, const CommandSpec& spec, ArgList argv, TrackedCommand& t);
// top_level: the codec's call (not one inside EXEC or a script), which ends CLIENT CACHING's effect.
void tracking_after(CommandContext& ctx, TrackedCommand& t, bool top_level);

void cmd_client_tracking(CommandContext& ctx, ArgList argv, ReplyBuilder& reply);
void cmd_client_caching(CommandContext& ctx, ArgList argv, ReplyBuilder& reply);
void cmd_client_getredir(CommandContext& ctx, ArgList argv, ReplyBuilder& reply);
void cmd_client_trackinginfo(CommandContext& ctx, ArgList argv, ReplyBuilder& reply);

}  // namespace mnemo::server::commands
