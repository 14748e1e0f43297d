// The `redis` table's functions, the error handler and the time-limit hook
// of LuaVm (lua_redis.cpp). Internal to server/script.
//
// Threads: the VM's thread only.
#pragma once

#include <cstdint>

#include "server/script/script_state.h"

extern "C" {
#include <lua.h>
}

namespace mnemo::server {
class CommandContext;
}

namespace mnemo::server::script {

// What redis.call needs while a script runs; its address is in the registry.
struct RunState {
  CommandContext* ctx = nullptr;
  bool read_only = false;
  int resp = 2;  // redis.setresp: how redis.call's replies and the script's booleans convert
  ScriptRun run;
};

inline constexpr const char* kRunStateKey = "mnemo.run";

// Pushes the `redis` table (with its functions and constants).
void push_redis_table(lua_State* L);
// lua_pcall's message handler: turns the error into {err=, source=, line=}
// with the position of the innermost Lua frame, as Redis's handler does.
int error_handler(lua_State* L);
// The count hook: notes a script past the time limit, stops a killed one.
void install_hook(lua_State* L);

}  // namespace mnemo::server::script
