// One connection's Lua 5.1 interpreter for EVAL and EVALSHA, set up as
// Redis 7 sets up its own: the base, table, string and math libraries, cjson
// and bit (Debian's lua-cjson and lua-bitop), the `redis` table (call, pcall,
// error_reply, status_reply, sha1hex, log), and a sandbox: no os, io,
// loadfile, dofile, print; globals and library tables are read-only ("Attempt
// to modify a readonly table") and reading an undefined global is an error.
//
// A script runs inside the caller's store transaction (Store::run_atomically,
// set up by the EVAL handler), so it is isolated and one journal unit.
// redis.call dispatches through the command table like a client command.
// A hook checks the time limit (ScriptWatchdog: past it other clients get
// -BUSY) and SCRIPT KILL; the interpreter's memory is capped by its allocator.
//
// Threads: the connection's io thread only. Lifetime: owned by the Session.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "protocol/reply_builder.h"
#include "server/commands/command_table.h"

struct lua_State;

namespace mnemo::server {
class CommandContext;
}

namespace mnemo::server::script {

inline constexpr std::size_t kMaxLuaMemoryBytes = 256u << 20;

class LuaVm {
 public:
  LuaVm();
  ~LuaVm();
  LuaVm(const LuaVm&) = delete;
  LuaVm& operator=(const LuaVm&) = delete;

  struct Call {
    CommandContext* ctx = nullptr;
    std::string_view sha;   // lowercase hex of body
    std::string_view body;
    ArgList keys;
    ArgList args;
    bool read_only = false;  // EVAL_RO, EVALSHA_RO: write commands are refused
  };
  // Compiles body (once per sha) and runs it; writes its reply or Redis's
  // error text (compile error, runtime error with "script: <sha>, on
  // @user_script:<line>.") to `reply`.
  void run(const Call& call, protocol::ReplyBuilder& reply);

  // Bytes the interpreter holds (for its memory cap).
  std::size_t memory_bytes() const { return used_; }

 private:
  static void* allocate(void* self, void* ptr, std::size_t old_size, std::size_t new_size);
  void open_libraries();
  void seal_globals();
  bool load(const Call& call, protocol::ReplyBuilder& reply);
  void set_arguments(const Call& call);

  std::size_t used_ = 0;
  lua_State* L_ = nullptr;
};

}  // namespace mnemo::server::script
