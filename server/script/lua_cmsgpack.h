// The `cmsgpack` table scripts see: MessagePack in Lua, as Redis 7.0 embeds
// it (deps/lua/src/lua_cmsgpack.c, lua-cmsgpack 0.4.0): pack, unpack,
// unpack_one, unpack_limit, with the same bytes and the same quirks (strings
// use str8/16/32, whole numbers the smallest integer form, other numbers a
// float when it holds the value exactly; tables nest at most 16 deep, deeper
// ones pack as nil). Job libraries (BullMQ) store their options with it.
//
// Threads: whichever thread owns the lua_State; no state of its own.
#pragma once

extern "C" {
#include <lua.h>
}

namespace mnemo::server::script {

// Pushes the module table (functions and _NAME/_VERSION/... metadata); sets no global.
int open_cmsgpack(lua_State* L);

}  // namespace mnemo::server::script
