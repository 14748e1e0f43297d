// redis.call and friends. A C function called from Lua must not leave C++
// objects alive when it raises a Lua error (lua_error longjmps past their
// destructors), so each does its C++ work in a helper that pushes the result
// and returns, and raises only afterwards.
#include "server/script/lua_redis.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "server/busy_loop.h"
#include "server/commands/context.h"
#include "server/commands/multi.h"
#include "server/resp_text.h"
#include "server/script/lua_convert.h"
#include "server/script/sha1.h"
#include "server/shard_mutex.h"

extern "C" {
#include <lauxlib.h>
}

namespace mnemo::server::script {

namespace {

RunState* run_state(lua_State* L) {
  lua_getfield(L, LUA_REGISTRYINDEX, kRunStateKey);
  auto* rs = static_cast<RunState*>(lua_touserdata(L, -1));
  lua_pop(L, 1);
  return rs;
}

void push_error_table(lua_State* L, std::string_view text) {
  lua_createtable(L, 0, 1);
  lua_pushlstring(L, text.data(), text.size());
  lua_setfield(L, -2, "err");
}

// A Lua number as Redis passes it to a command: the shortest text that reads back the same.
std::string number_text(lua_Number n) {
  char buf[64];
  if (std::floor(n) == n && std::fabs(n) < 1e17) {
    std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(n));
    return buf;
  }
  for (int precision = 15; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, n);
    if (std::strtod(buf, nullptr) == n) break;
  }
  return buf;
}

enum class CallOutcome { value, raise };

// Redis's error for a command a script may not run this way; null when it may.
const char* refusal_for(const CommandSpec* spec, std::size_t argc, bool read_only) {
  if (spec == nullptr) return "ERR Unknown Redis command called from script";
  const bool arity_ok = spec->arity > 0 ? argc == static_cast<std::size_t>(spec->arity)
                                        : argc >= static_cast<std::size_t>(-spec->arity);
  if (spec->handler == nullptr || !arity_ok) return "ERR Wrong number of args calling Redis command from script";
  // A blocking command without noscript (BLMPOP, BZMPOP) runs: inside a
  // script it never blocks (blocking.cpp), as in Redis. So do PUBLISH,
  // SPUBLISH and PUBSUB; the (un)subscribe commands are noscript.
  if (spec->flags & cmd::kNoScript) {
    return "ERR This Redis command is not allowed from script";
  }
  // PUBLISH and SPUBLISH are Redis's may-replicate commands (a flag 7.0's COMMAND INFO does not list).
  const bool may_replicate = spec->name == "publish" || spec->name == "spublish";
  if (read_only && (spec->write() || may_replicate)) return "ERR Write commands are not allowed from read-only scripts.";
  return nullptr;
}

// Runs the command redis.call/pcall was given; pushes its reply (or an error table).
CallOutcome call_command(lua_State* L, bool raise_errors) {
  RunState* rs = run_state(L);
  const int argc = lua_gettop(L);
  if (argc == 0) {
    push_error_table(L, "ERR Please specify at least one argument for this redis lib call");
    return raise_errors ? CallOutcome::raise : CallOutcome::value;
  }
  std::vector<std::string> words;
  words.reserve(static_cast<std::size_t>(argc));
  for (int i = 1; i <= argc; ++i) {
    const int type = lua_type(L, i);
    if (type == LUA_TNUMBER) {
      words.push_back(number_text(lua_tonumber(L, i)));
    } else if (type == LUA_TSTRING) {
      std::size_t len = 0;
      const char* s = lua_tolstring(L, i, &len);
      words.emplace_back(s, len);
    } else {
      push_error_table(L, "ERR Lua redis lib command arguments must be strings or integers");
      return raise_errors ? CallOutcome::raise : CallOutcome::value;
    }
  }
  const std::vector<std::string_view> argv(words.begin(), words.end());
  const CommandSpec* spec = builtin_commands().find(argv[0]);
  if (spec != nullptr && !spec->subcommands.empty() && argv.size() >= 2) spec = spec->find_subcommand(argv[1]);
  if (const char* refusal = refusal_for(spec, argv.size(), rs->read_only)) {
    push_error_table(L, refusal);
    return raise_errors ? CallOutcome::raise : CallOutcome::value;
  }
  if (spec->write()) rs->run.wrote.store(true);
  const int top = lua_gettop(L);
  LuaReplyBuilder reply(L, rs->resp);
  try {
    commands::run_command_now(*rs->ctx, *spec, argv, reply);
  } catch (const std::exception& e) {  // never through Lua's C frames
    lua_settop(L, top);
    push_error_table(L, std::string("ERR ") + e.what());
    return raise_errors ? CallOutcome::raise : CallOutcome::value;
  }
  return raise_errors && reply.is_error() ? CallOutcome::raise : CallOutcome::value;
}

int redis_call(lua_State* L) {
  if (call_command(L, true) == CallOutcome::raise) return lua_error(L);
  return 1;
}

int redis_pcall(lua_State* L) {
  call_command(L, false);
  return 1;
}

int field_reply(lua_State* L, const char* field) {
  if (lua_gettop(L) != 1 || lua_type(L, 1) != LUA_TSTRING) {
    push_error_table(L, "ERR wrong number or type of arguments");
    return 1;
  }
  lua_createtable(L, 0, 1);
  lua_pushvalue(L, 1);
  lua_setfield(L, -2, field);
  return 1;
}

// redis.setresp(2|3), Redis 7.0's luaSetResp: its errors raise, as there.
int redis_setresp(lua_State* L) {
  RunState* rs = run_state(L);
  if (rs == nullptr) {
    push_error_table(L, "ERR redis.setresp can only be called inside a script invocation");
    return lua_error(L);
  }
  if (lua_gettop(L) != 1) {
    push_error_table(L, "ERR redis.setresp() requires one argument.");
    return lua_error(L);
  }
  const lua_Number n = lua_tonumber(L, 1);
  const int resp = n > 1 && n < 4 ? static_cast<int>(n) : 0;  // C's (int) cast, without its overflow
  if (resp != 2 && resp != 3) {
    push_error_table(L, "ERR RESP version must be 2 or 3.");
    return lua_error(L);
  }
  rs->resp = resp;
  return 0;
}

int redis_error_reply(lua_State* L) { return field_reply(L, "err"); }
int redis_status_reply(lua_State* L) { return field_reply(L, "ok"); }

bool push_sha1(lua_State* L) {
  if (lua_gettop(L) != 1) return false;
  std::size_t len = 0;
  const char* s = lua_tolstring(L, 1, &len);
  if (s == nullptr) return false;
  const std::string hex = sha1_hex(std::string_view(s, len));
  lua_pushlstring(L, hex.data(), hex.size());
  return true;
}

int redis_sha1hex(lua_State* L) {
  if (push_sha1(L)) return 1;
  lua_pushstring(L, "wrong number of arguments");
  return lua_error(L);
}

void write_log(lua_State* L, int level, int argc) {
  std::string text;
  for (int i = 2; i <= argc; ++i) {
    std::size_t len = 0;
    const char* s = lua_tolstring(L, i, &len);
    if (s == nullptr) continue;
    if (!text.empty()) text += ' ';
    text.append(s, len);
  }
  // Redis's levels: debug, verbose, notice, warning.
  const auto lvl = level >= 3 ? spdlog::level::warn : level == 2 ? spdlog::level::info : spdlog::level::debug;
  spdlog::log(lvl, "script: {}", text);
}

int redis_log(lua_State* L) {
  const int argc = lua_gettop(L);
  if (argc < 2 || lua_type(L, 1) != LUA_TNUMBER) {
    lua_pushstring(L, "redis.log() requires two arguments or more.");
    return lua_error(L);
  }
  const lua_Number level = lua_tonumber(L, 1);
  write_log(L, level >= -1 && level <= 1000 ? static_cast<int>(level) : -1, argc);  // -1: an invalid level
  return 0;
}

int redis_true(lua_State* L) {
  lua_pushboolean(L, 1);
  return 1;
}

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

void hook(lua_State* L, lua_Debug*) {
  RunState* rs = run_state(L);
  if (rs == nullptr) return;
  ScriptWatchdog& dog = ScriptWatchdog::instance();
  if (now_ms() - rs->run.started_ms > static_cast<std::int64_t>(dog.time_limit_ms())) {
    dog.note_past_limit(rs->run);
    // Others on this io thread may be asking for SCRIPT KILL (busy_loop.h).
    busy_loop::serve_others();
  }
  if (rs->run.kill.load()) {
    lua_pushstring(L, "Script killed by user with SCRIPT KILL...");
    lua_error(L);
  }
}

}  // namespace

void push_redis_table(lua_State* L) {
  lua_newtable(L);
  const luaL_Reg fns[] = {{"call", redis_call},         {"pcall", redis_pcall},
                          {"error_reply", redis_error_reply}, {"status_reply", redis_status_reply},
                          {"sha1hex", redis_sha1hex},    {"log", redis_log},
                          {"replicate_commands", redis_true}, {"setresp", redis_setresp},
                          {nullptr, nullptr}};
  for (const luaL_Reg* f = fns; f->name != nullptr; ++f) {
    lua_pushcfunction(L, f->func);
    lua_setfield(L, -2, f->name);
  }
  const std::pair<const char*, int> levels[] = {
      {"LOG_DEBUG", 0}, {"LOG_VERBOSE", 1}, {"LOG_NOTICE", 2}, {"LOG_WARNING", 3}};
  for (const auto& [name, value] : levels) {
    lua_pushnumber(L, value);
    lua_setfield(L, -2, name);
  }
  lua_pushstring(L, "7.0.0");
  lua_setfield(L, -2, "REDIS_VERSION");
  lua_pushnumber(L, 0x070000);
  lua_setfield(L, -2, "REDIS_VERSION_NUM");
}

int error_handler(lua_State* L) {
  // The error as Redis reports it: a table's err, or "ERR " and the message.
  if (lua_istable(L, 1)) {
    lua_getfield(L, 1, "err");
  } else {
    lua_pushstring(L, "ERR ");
    if (lua_isstring(L, 1)) lua_pushvalue(L, 1);
    else lua_pushstring(L, "unknown error");
    lua_concat(L, 2);
  }
  lua_Debug ar;
  int level = 1;
  bool found = false;
  while (lua_getstack(L, level++, &ar)) {
    lua_getinfo(L, "Sl", &ar);
    if (std::strcmp(ar.what, "C") != 0) {
      found = true;
      break;
    }
  }
  lua_createtable(L, 0, 3);
  lua_insert(L, -2);
  lua_setfield(L, -2, "err");
  lua_pushstring(L, found ? ar.source : "?");
  lua_setfield(L, -2, "source");
  lua_pushnumber(L, found ? ar.currentline : 0);
  lua_setfield(L, -2, "line");
  return 1;
}

void install_hook(lua_State* L) { lua_sethook(L, hook, LUA_MASKCOUNT, 100000); }

}  // namespace mnemo::server::script
