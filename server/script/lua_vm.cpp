#include "server/script/lua_vm.h"

#include <chrono>
#include <cstdlib>
#include <string>
#include <utility>

#include "server/commands/context.h"
#include "server/script/lua_cmsgpack.h"
#include "server/script/lua_convert.h"
#include "server/script/lua_redis.h"

extern "C" {
#include <lauxlib.h>
#include <lua-bitop.h>
#include <lua-cjson.h>
#include <lualib.h>
}

namespace mnemo::server::script {

namespace {

constexpr const char* kHiddenGlobals = "mnemo.globals";

int readonly_error(lua_State* L) {
  // luaL_error names the script line that tried, as Redis's message does.
  return luaL_error(L, "Attempt to modify a readonly table");
}

int global_get(lua_State* L) {
  // Upvalue 1: the real globals. A name not there is an error, as in Redis.
  lua_pushvalue(L, 2);
  lua_rawget(L, lua_upvalueindex(1));
  if (!lua_isnil(L, -1)) return 1;
  const char* name = lua_tostring(L, 2);
  return luaL_error(L, "Script attempted to access nonexistent global variable '%s'", name ? name : "?");
}

// Pushes a read-only view of the table at `index`: reads go to it, writes fail.
void push_readonly_proxy(lua_State* L, int index, bool strict_reads) {
  if (index < 0) index = lua_gettop(L) + index + 1;
  lua_newtable(L);                  // the proxy: always empty, so every write reaches __newindex
  lua_createtable(L, 0, 3);         // its metatable
  if (strict_reads) {
    lua_pushvalue(L, index);
    lua_pushcclosure(L, global_get, 1);
  } else {
    lua_pushvalue(L, index);
  }
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, readonly_error);
  lua_setfield(L, -2, "__newindex");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");  // getmetatable() cannot reach the real table
  lua_setmetatable(L, -2);
}

std::int64_t steady_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

}  // namespace

void* LuaVm::allocate(void* self, void* ptr, std::size_t old_size, std::size_t new_size) {
  auto* vm = static_cast<LuaVm*>(self);
  if (new_size == 0) {
    vm->used_ -= old_size;
    std::free(ptr);
    return nullptr;
  }
  if (new_size > old_size && vm->used_ + (new_size - old_size) > kMaxLuaMemoryBytes) return nullptr;
  void* out = std::realloc(ptr, new_size);
  if (out != nullptr) vm->used_ = vm->used_ - old_size + new_size;
  return out;
}

LuaVm::LuaVm() {
  L_ = lua_newstate(&LuaVm::allocate, this);
  if (L_ == nullptr) throw std::bad_alloc();
  open_libraries();
  seal_globals();
}

LuaVm::~LuaVm() {
  if (L_ != nullptr) lua_close(L_);
}

void LuaVm::open_libraries() {
  for (lua_CFunction open : {luaopen_base, luaopen_table, luaopen_string, luaopen_math}) {
    lua_pushcfunction(L_, open);
    lua_call(L_, 0, 0);  // each registers its own global table
  }
  const std::pair<const char*, lua_CFunction> modules[] = {
      {"cjson", luaopen_cjson}, {"bit", luaopen_bit}, {"cmsgpack", open_cmsgpack}};
  for (const auto& [name, open] : modules) {
    lua_pushcfunction(L_, open);
    lua_call(L_, 0, 1);  // the module table; Debian's cjson sets no global itself
    lua_setglobal(L_, name);
  }
  // What a script may not reach (Redis removes these too, or never loads them).
  for (const char* name : {"print", "loadfile", "dofile", "load", "getfenv", "setfenv", "newproxy",
                           "collectgarbage", "module", "require", "coroutine", "gcinfo"}) {
    lua_pushnil(L_);
    lua_setglobal(L_, name);
  }
  push_redis_table(L_);
  lua_setglobal(L_, "redis");
}

// Replaces the globals by a read-only proxy, and every library table by one.
void LuaVm::seal_globals() {
  lua_pushvalue(L_, LUA_GLOBALSINDEX);  // the real globals
  for (const char* lib : {"string", "math", "table", "cjson", "bit", "cmsgpack", "redis"}) {
    lua_getfield(L_, -1, lib);
    push_readonly_proxy(L_, -1, false);
    lua_setfield(L_, -3, lib);
    lua_pop(L_, 1);
  }
  lua_pushvalue(L_, -1);
  lua_setfield(L_, LUA_REGISTRYINDEX, kHiddenGlobals);
  push_readonly_proxy(L_, -1, true);
  lua_pushvalue(L_, -1);
  lua_setfield(L_, -3, "_G");
  lua_replace(L_, LUA_GLOBALSINDEX);
  lua_pop(L_, 1);
}

bool LuaVm::load(const Call& call, protocol::ReplyBuilder& reply) {
  std::string name = "f_";
  name.append(call.sha);
  lua_getfield(L_, LUA_REGISTRYINDEX, name.c_str());
  if (!lua_isnil(L_, -1)) return true;
  lua_pop(L_, 1);
  if (luaL_loadbuffer(L_, call.body.data(), call.body.size(), "@user_script") != 0) {
    std::string msg = "ERR Error compiling script (new function): ";
    msg += lua_tostring(L_, -1) ? lua_tostring(L_, -1) : "?";
    lua_pop(L_, 1);
    reply.error(msg);
    return false;
  }
  lua_pushvalue(L_, -1);
  lua_setfield(L_, LUA_REGISTRYINDEX, name.c_str());
  return true;
}

void LuaVm::set_arguments(const Call& call) {
  lua_getfield(L_, LUA_REGISTRYINDEX, kHiddenGlobals);
  const std::pair<const char*, ArgList> lists[] = {{"KEYS", call.keys}, {"ARGV", call.args}};
  for (const auto& [name, list] : lists) {
    lua_createtable(L_, static_cast<int>(list.size()), 0);
    for (std::size_t i = 0; i < list.size(); ++i) {
      lua_pushlstring(L_, list[i].data(), list[i].size());
      lua_rawseti(L_, -2, static_cast<int>(i + 1));
    }
    lua_setfield(L_, -2, name);
  }
  lua_pop(L_, 1);
}

void LuaVm::run(const Call& call, protocol::ReplyBuilder& reply) {
  lua_settop(L_, 0);
  lua_pushcfunction(L_, error_handler);
  if (!load(call, reply)) {
    lua_settop(L_, 0);
    return;
  }
  set_arguments(call);
  RunState rs;
  rs.ctx = call.ctx;
  rs.read_only = call.read_only;
  rs.run.started_ms = steady_ms();
  lua_pushlightuserdata(L_, &rs);
  lua_setfield(L_, LUA_REGISTRYINDEX, kRunStateKey);
  ScriptWatchdog::instance().begin(rs.run);
  install_hook(L_);
  bool* in_script = call.ctx != nullptr ? &call.ctx->session().in_script : nullptr;
  const bool was_in_script = in_script != nullptr && *in_script;
  if (in_script != nullptr) *in_script = true;
  const int status = lua_pcall(L_, 0, 1, 1);
  if (in_script != nullptr) *in_script = was_in_script;
  lua_sethook(L_, nullptr, 0, 0);
  ScriptWatchdog::instance().end(rs.run);
  lua_pushnil(L_);
  lua_setfield(L_, LUA_REGISTRYINDEX, kRunStateKey);
  if (status == 0) {
    lua_to_reply(L_, -1, reply, kMaxScriptReplies, rs.resp);
  } else if (lua_istable(L_, -1)) {
    lua_getfield(L_, -1, "err");
    lua_getfield(L_, -2, "source");
    lua_getfield(L_, -3, "line");
    std::string msg = lua_tostring(L_, -3) ? lua_tostring(L_, -3) : "ERR";
    msg += " script: ";
    msg.append(call.sha);
    msg += ", on ";
    msg += lua_tostring(L_, -2) ? lua_tostring(L_, -2) : "?";
    msg += ':' + std::to_string(static_cast<long long>(lua_tonumber(L_, -1))) + '.';
    reply.error(msg);
  } else {  // the handler itself failed (out of memory)
    reply.error(std::string("ERR ") + (lua_tostring(L_, -1) ? lua_tostring(L_, -1) : "script error"));
  }
  lua_settop(L_, 0);
  lua_gc(L_, LUA_GCSTEP, 0);
}

}  // namespace mnemo::server::script
