// The keyspace family: DEL/UNLINK, EXISTS, TYPE, TOUCH, the EXPIRE and TTL
// commands, PERSIST.
#include "server/commands/handlers.h"
#include "server/commands/helpers.h"
#include "server/commands/keys.h"
#include "server/commands/keys_store.h"

namespace mnemo::server::commands {

using protocol::Opcode;
using protocol::Response;
using protocol::Status;

namespace {

// Redis rounds TTL to the nearest second.
std::int64_t ms_to_rounded_seconds(std::int64_t ms) { return ms < 0 ? ms : (ms + 500) / 1000; }

namespace n = pubsub::notify;

// DEL of one key, or EXPIRE without options (a deadline already past is a DEL).
void reply_found(CommandContext& ctx, const Response& resp, ReplyBuilder& reply) {
  if (resp.status == Status::ok) {
    const protocol::Request& req = ctx.answered();
    ctx.notify(n::kGeneric, req.op == Opcode::expire ? "expire" : "del", req.key);
  }
  if (resp.status == Status::ok || resp.status == Status::not_found) reply.integer(resp.status == Status::ok ? 1 : 0);
  else reply_status_error(ctx, resp, reply);
}

void reply_type(CommandContext& ctx, const Response& resp, ReplyBuilder& reply) {
  if (!replied_failure(ctx, resp, reply)) reply.simple(resp.integer > 0 ? "string" : "none");
}

void reply_persist(CommandContext& ctx, const Response& resp, ReplyBuilder& reply) {
  if (resp.status == Status::ok && resp.changed) ctx.notify(n::kGeneric, "persist", ctx.answered().key);
  if (resp.status == Status::ok || resp.status == Status::not_found)
    reply.integer(resp.status == Status::ok && resp.changed ? 1 : 0);
  else reply_status_error(ctx, resp, reply);
}

void reply_ttl(CommandContext& ctx, const Response& resp, ReplyBuilder& reply) {
  if (resp.status == Status::not_found) reply.integer(-2);
  else if (replied_failure(ctx, resp, reply)) return;
  else reply.integer(ctx.command().name == "pttl" ? resp.integer : ms_to_rounded_seconds(resp.integer));
}

void reply_expiretime(CommandContext& ctx, const Response& resp, ReplyBuilder& reply) {
  if (resp.status == Status::not_found) reply.integer(-2);
  else if (replied_failure(ctx, resp, reply)) return;
  else if (resp.expire_at_ms == 0) reply.integer(-1);
  else reply.integer(ctx.command().name == "pexpiretime" ? resp.expire_at_ms : ms_to_rounded_seconds(resp.expire_at_ms));
}

// One key of a multi-key DEL: count it, then ask for the next or reply.
void del_step(CommandContext& ctx, const Response& resp, ReplyBuilder& reply) {
  StepScratch& s = ctx.scratch();
  if (resp.status == Status::ok) {
    ++s.count;
    ctx.notify(n::kGeneric, "del", ctx.answered().key);
  } else if (resp.status != Status::not_found) return reply_status_error(ctx, resp, reply);
  if (s.next + 1 == s.ends.size()) return reply.integer(s.count);
  ctx.request().key = s.key_at(s.next++);
  ctx.submit(Opcode::del, del_step);
}

}  // namespace

// DEL/UNLINK key [key ...]: one key is a plain request (the hot path, through
// the Executor); several are the store's atomic multi-key delete. Without a
// store (codec tests) several keys go one request each.
void cmd_del(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  if (argv.size() > 2 && store_del(ctx, argv, reply)) return;
  if (argv.size() == 2) {
    ctx.request().key = argv[1];
    ctx.submit(Opcode::del, reply_found);
    return;
  }
  StepScratch& s = ctx.scratch();
  s.keys.clear();
  s.ends.assign(1, 0);
  for (std::size_t i = 1; i < argv.size(); ++i) {
    s.keys.append(argv[i]);
    s.ends.push_back(s.keys.size());
  }
  s.count = 0;
  s.next = 1;
  ctx.request().key = s.key_at(0);
  ctx.submit(Opcode::del, del_step);
}

void cmd_exists(CommandContext& ctx, ArgList argv, ReplyBuilder&) {
  ctx.request().keys.assign(argv.begin() + 1, argv.end());
  ctx.submit(Opcode::exists, reply_integer);
}

// TYPE key: from the store's key_info when there is a store (codec tests
// without one see strings only).
void cmd_type(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  if (Store* store = ctx.env().store) {
    const auto r = store->key_info(ctx.session().db, argv[1]);
    if (!r) return reply.error("ERR " + r.error().message);
    return reply.simple(*r ? type_name((*r)->type) : "none");
  }
  ctx.request().keys.assign(1, argv[1]);
  ctx.submit(Opcode::exists, reply_type);
}

// TOUCH key [key ...]: mnemo keeps no access time, so touching is counting.
void cmd_touch(CommandContext& ctx, ArgList argv, ReplyBuilder&) {
  ctx.request().keys.assign(argv.begin() + 1, argv.end());
  ctx.submit(Opcode::exists, reply_integer);
}

// EXPIRE/PEXPIRE key ttl, EXPIREAT/PEXPIREAT key when [NX|XX|GT|LT ...],
// checked in Redis's order: options, number, overflow. A deadline at or before
// now deletes the key, as in Redis (reply 1 if it existed). The deadline is
// stored exactly as computed here (PEXPIRETIME reads back a PEXPIREAT's time).
void cmd_expire(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  const std::string_view name = ctx.command().name;
  std::uint8_t c = 0;
  for (std::size_t i = 3; i < argv.size(); ++i) {
    const std::string_view o = argv[i];
    if (iequals(o, "nx")) c |= kOptNx;
    else if (iequals(o, "xx")) c |= kOptXx;
    else if (iequals(o, "gt")) c |= kOptGt;
    else if (iequals(o, "lt")) c |= kOptLt;
    else return reply.error("ERR Unsupported option " + std::string(o));
  }
  if ((c & kOptNx) && c != kOptNx) return reply.error("ERR NX and XX, GT or LT options at the same time are not compatible");
  if ((c & kOptGt) && (c & kOptLt)) return reply.error("ERR GT and LT options at the same time are not compatible");
  std::int64_t v = 0;
  if (!parse_int64(argv[2], v)) return reply.error(kNotInteger);
  const bool seconds = name == "expire" || name == "expireat";
  const bool absolute = name == "expireat" || name == "pexpireat";
  if (seconds && (v > kMaxSeconds || v < -kMaxSeconds)) return reply.error(invalid_expire_message(name));
  const std::int64_t ms = seconds ? v * 1000 : v;
  const std::int64_t now = ctx.now_ms();
  if (!absolute && ms > std::numeric_limits<std::int64_t>::max() - now) return reply.error(invalid_expire_message(name));
  const std::int64_t deadline = absolute ? ms : ms + now;
  if (!store_expire(ctx, argv[1], deadline, c, reply)) reply.error(kNoStore);
}

void cmd_ttl(CommandContext& ctx, ArgList argv, ReplyBuilder&) {
  ctx.request().key = argv[1];
  ctx.submit(Opcode::ttl, reply_ttl);
}

void cmd_expiretime(CommandContext& ctx, ArgList argv, ReplyBuilder&) {
  ctx.request().key = argv[1];
  ctx.submit(Opcode::get, reply_expiretime);
}

void cmd_persist(CommandContext& ctx, ArgList argv, ReplyBuilder&) {
  ctx.request().key = argv[1];
  ctx.submit(Opcode::persist, reply_persist);
}

}  // namespace mnemo::server::commands
