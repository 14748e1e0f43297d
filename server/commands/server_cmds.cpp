// The server family: DBSIZE, SAVE/BGSAVE, SHUTDOWN, WAITAOF, WAIT, INFO, TIME.
#include <algorithm>
#include <chrono>

#include "server/commands/helpers.h"
#include "server/commands/server.h"
#include "server/script/script_state.h"

namespace mnemo::server::commands {

namespace flags = protocol::flags;
using protocol::Opcode;
using protocol::Response;

namespace {

// INFO's sections, in the order Redis prints them.
constexpr std::string_view kInfoSections[] = {"server", "clients", "memory", "persistence",
                                              "stats", "replication", "keyspace"};

void reply_save(CommandContext& ctx, const Response& resp, ReplyBuilder& reply) {
  if (replied_failure(ctx, resp, reply)) return;
  if (ctx.command().name == "save") reply.ok();
  else reply.simple("Background saving started");
}

void reply_waitaof(CommandContext& ctx, const Response& resp, ReplyBuilder& reply) {
  if (replied_failure(ctx, resp, reply)) return;
  reply.array(2);
  reply.integer(1);
  reply.integer(0);
}

}  // namespace

void reply_help(ReplyBuilder& reply, std::string_view command, std::initializer_list<std::string_view> lines) {
  reply.array(lines.size() + 3);
  reply.simple(std::string(command) + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  for (std::string_view line : lines) reply.simple(line);
  reply.simple("HELP");
  reply.simple("    Prints this help.");
}

void cmd_dbsize(CommandContext& ctx, ArgList, ReplyBuilder&) { ctx.submit(Opcode::dbsize, reply_integer); }

// SAVE waits for a complete snapshot; BGSAVE [SCHEDULE] starts one. Both are
// admin operations once the server has an admin token (the Executor checks).
void cmd_save(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  if (ctx.command().name == "save") {
    ctx.request().flags |= flags::kWait;
  } else if (argv.size() > 2 || (argv.size() == 2 && !iequals(argv[1], "schedule"))) {
    return reply.error(kSyntax);
  }
  ctx.submit(Opcode::snapshot, reply_save);
}

// SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT], with Redis 7.0's syntax and
// errors. Every form stops the server as SIGTERM does: the journal already
// holds every acknowledged write and is drained before the process ends, so
// SAVE and NOSAVE differ only while a script runs past the time limit, where
// Redis too takes NOSAVE alone: the script is abandoned with its writes
// (server.cpp, stop_past_busy_script). No reply on success: the connection
// closes, as Redis's does.
void cmd_shutdown(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  bool nosave = false, save = false, abort = false, other = false;
  for (std::string_view a : argv.subspan(1)) {
    if (iequals(a, "nosave")) nosave = true;
    else if (iequals(a, "save")) save = true;
    else if (iequals(a, "now") || iequals(a, "force")) other = true;
    else if (iequals(a, "abort")) abort = true;
    else return reply.error(kSyntax);
  }
  if ((abort && (nosave || save || other)) || (nosave && save)) return reply.error(kSyntax);
  if (abort) return reply.error("ERR No shutdown in progress.");
  if (!nosave && script::ScriptWatchdog::instance().busy()) {
    return reply.error("BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.");
  }
  ctx.submit(Opcode::shutdown, [](CommandContext& c, const Response& resp, ReplyBuilder& r) {
    replied_failure(c, resp, r);
  });
}

// WAITAOF numlocal numreplicas timeout: a SYNC (everything acknowledged before it
// is committed to the journal). mnemo has no replicas, so the reply is [1, 0].
void cmd_waitaof(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  for (std::size_t i = 1; i <= 2; ++i) {
    std::int64_t n = 0;
    if (!parse_int64(argv[i], n)) return reply.error(kNotInteger);
    if (n < 0) return reply.error("ERR value is out of range, must be positive");
  }
  std::int64_t timeout = 0;
  if (!parse_int64(argv[3], timeout)) return reply.error("ERR timeout is not an integer or out of range");
  if (timeout < 0) return reply.error("ERR timeout is negative");
  ctx.submit(Opcode::sync, reply_waitaof);
}

// WAIT numreplicas timeout: mnemo has no replicas, so none acknowledged.
void cmd_wait(CommandContext&, ArgList argv, ReplyBuilder& reply) {
  std::int64_t replicas = 0, timeout = 0;
  if (!parse_int64(argv[1], replicas)) return reply.error(kNotInteger);
  if (!parse_int64(argv[2], timeout)) return reply.error("ERR timeout is not an integer or out of range");
  if (timeout < 0) return reply.error("ERR timeout is negative");
  reply.integer(0);
}

// INFO [section ...]: several sections come in Redis's order, each once.
void cmd_info(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  const InfoProvider& info = ctx.env().info;
  if (!info) return reply.verbatim("");
  if (argv.size() <= 2) return reply.verbatim(info(argv.size() == 2 ? argv[1] : std::string_view()));
  for (std::string_view section : argv.subspan(1)) {
    if (iequals(section, "all") || iequals(section, "everything") || iequals(section, "default")) {
      return reply.verbatim(info(section));
    }
  }
  std::string text;
  for (std::string_view name : kInfoSections) {
    const bool wanted = std::any_of(argv.begin() + 1, argv.end(), [&](std::string_view s) { return iequals(s, name); });
    if (!wanted) continue;
    const std::string part = info(name);
    if (part.empty()) continue;
    if (!text.empty()) text += "\r\n";
    text += part;
  }
  reply.verbatim(text);
}

// TIME: Unix time as [seconds, microseconds], from the server's clock.
void cmd_time(CommandContext&, ArgList, ReplyBuilder& reply) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::system_clock::now().time_since_epoch()).count();
  reply.array(2);
  reply.bulk_integer(static_cast<std::uint64_t>(us / 1'000'000));
  reply.bulk_integer(static_cast<std::uint64_t>(us % 1'000'000));
}

}  // namespace mnemo::server::commands
