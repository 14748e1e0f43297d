// EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT LOAD/EXISTS/FLUSH/KILL/HELP.
//
// A script runs in a store transaction (Store::run_atomically) over the
// shards of its declared KEYS, in the connection's database: no other
// client's command runs in the middle of it and all its writes are one
// journal unit. A key it touches without declaring it is taken on the way
// (by try_lock; the redis.call fails if another client keeps it held):
// declaring every key, as Redis asks, is what makes a script cheap and sure.
// Inside EXEC a script runs in the EXEC's transaction.
#include <algorithm>
#include <cctype>

#include "server/commands/helpers.h"
#include "server/commands/multi.h"
#include "server/commands/script.h"
#include "server/script/lua_vm.h"
#include "server/script/script_state.h"

namespace mnemo::server::commands {

namespace {

using script::ScriptCache;
using script::ScriptWatchdog;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

script::LuaVm& vm_of(CommandContext& ctx) {
  if (!ctx.session().lua) ctx.session().lua = std::make_shared<script::LuaVm>();
  return *ctx.session().lua;
}

void run_script(CommandContext& ctx, ArgList argv, bool by_sha, bool read_only, ReplyBuilder& reply) {
  std::int64_t numkeys = 0;
  if (!parse_int64(argv[2], numkeys)) return reply.error(kNotInteger);
  if (numkeys < 0) return reply.error("ERR Number of keys can't be negative");
  if (numkeys > static_cast<std::int64_t>(argv.size() - 3)) {
    return reply.error("ERR Number of keys can't be greater than number of args");
  }
  std::string sha, body;
  if (by_sha) {
    auto found = ScriptCache::instance().find(argv[1]);
    if (!found) return reply.error("NOSCRIPT No matching script. Please use EVAL.");
    sha = lower(argv[1]);
    body = std::move(*found);
  } else {
    body = std::string(argv[1]);
    sha = ScriptCache::instance().add(body);
  }
  const auto n = static_cast<std::size_t>(numkeys);
  script::LuaVm::Call call{&ctx, sha, body, argv.subspan(3, n), argv.subspan(3 + n), read_only};
  const CommandSpec& spec = ctx.command();
  protocol::Request* req = &ctx.request();
  const std::uint32_t db = ctx.session().db;
  script::LuaVm& vm = vm_of(ctx);
  bool ran = false;
  auto body_fn = [&] {
    ran = true;
    vm.run(call, reply);
  };
  Store* store = ctx.env().store;
  if (store == nullptr || Store::in_transaction()) {
    body_fn();
  } else {
    std::vector<Store::TxnKey> keys;
    for (std::string_view k : call.keys) keys.push_back({db, k});
    const auto r = store->run_atomically(keys, false, body_fn);
    if (!r && !ran) {
      protocol::Response failed;
      failed.fail(r.error().status, r.error().message);
      reply_status_error(ctx, failed, reply);
    }
    // Clients blocked on keys the script made ready are served now, after it (as in Redis).
    if (ctx.env().blocking != nullptr) ctx.env().blocking->flush_deferred();
  }
  ctx.session().db = db;  // SELECT inside a script is the script's own (Redis 7)
  ctx.begin(&spec, req);
}

}  // namespace

void cmd_eval(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  run_script(ctx, argv, false, false, reply);
}
void cmd_evalsha(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  run_script(ctx, argv, true, false, reply);
}
void cmd_eval_ro(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  run_script(ctx, argv, false, true, reply);
}
void cmd_evalsha_ro(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  run_script(ctx, argv, true, true, reply);
}

void cmd_script_load(CommandContext&, ArgList argv, ReplyBuilder& reply) {
  reply.bulk(ScriptCache::instance().add(argv[2]));
}

void cmd_script_exists(CommandContext&, ArgList argv, ReplyBuilder& reply) {
  reply.array(argv.size() - 2);
  for (std::string_view sha : argv.subspan(2)) reply.integer(ScriptCache::instance().find(sha) ? 1 : 0);
}

void cmd_script_flush(CommandContext&, ArgList argv, ReplyBuilder& reply) {
  if (argv.size() > 3 || (argv.size() == 3 && !iequals(argv[2], "async") && !iequals(argv[2], "sync"))) {
    return reply.error("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
  }
  ScriptCache::instance().flush();
  reply.ok();
}

void cmd_script_kill(CommandContext&, ArgList, ReplyBuilder& reply) {
  switch (ScriptWatchdog::instance().kill()) {
    case ScriptWatchdog::Kill::killed: return reply.ok();
    case ScriptWatchdog::Kill::not_busy: return reply.error("NOTBUSY No scripts in execution right now.");
    case ScriptWatchdog::Kill::unkillable:
      return reply.error(
          "UNKILLABLE Sorry the script already executed write commands against the dataset. You can either "
          "wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.");
  }
}

void cmd_script_help(CommandContext&, ArgList, ReplyBuilder& reply) {
  const std::string_view lines[] = {
      "SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "DEBUG (YES|SYNC|NO)",
      "    Set the debug mode for subsequent scripts executed.",
      "EXISTS <sha1> [<sha1> ...]",
      "    Return information about the existence of the scripts in the script cache.",
      "FLUSH [ASYNC|SYNC]",
      "    Flush the Lua scripts cache. Very dangerous on replicas.",
      "    When called without the optional mode argument, the behavior is determined by the",
      "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
      "    * ASYNC: Asynchronously flush the scripts cache.",
      "    * SYNC: Synchronously flush the scripts cache.",
      "KILL",
      "    Kill the currently executing Lua script.",
      "LOAD <script>",
      "    Load a script into the scripts cache without executing it.",
      "HELP",
      "    Prints this help."};
  reply.array(std::size(lines));
  for (std::string_view l : lines) reply.simple(l);
}

}  // namespace mnemo::server::commands
