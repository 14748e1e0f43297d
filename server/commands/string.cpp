// The string family: GET, SET and its variants, counters, ranges, MGET/MSET.
// Registrations at the end (string_table.cpp holds their metadata).
#include <cmath>
#include <optional>

#include "server/commands/handlers.h"
#include "server/commands/helpers.h"
#include "server/commands/string.h"

namespace mnemo::server::commands {

namespace flags = protocol::flags;
using protocol::Opcode;
using protocol::ReplyBuilder;
using protocol::Response;
using protocol::Status;

namespace {

enum class Expiry : std::uint8_t { none, ex, px, exat, pxat };

Expiry expiry_option(std::string_view word) {
  if (iequals(word, "ex")) return Expiry::ex;
  if (iequals(word, "px")) return Expiry::px;
  if (iequals(word, "exat")) return Expiry::exat;
  if (iequals(word, "pxat")) return Expiry::pxat;
  return Expiry::none;
}

// An EX/PX/EXAT/PXAT value as an absolute deadline in ms, checked as Redis
// does. An EXAT/PXAT may be already past (Redis writes the key, which is then gone).
std::optional<std::int64_t> deadline_ms(Expiry unit, std::string_view word, std::int64_t now_ms,
                                        std::string_view command, std::string& error) {
  std::int64_t v = 0;
  if (!parse_int64(word, v)) {
    error = kNotInteger;
    return std::nullopt;
  }
  const bool seconds = unit == Expiry::ex || unit == Expiry::exat;
  if (v <= 0 || (seconds && v > kMaxSeconds)) {
    error = invalid_expire_message(command);
    return std::nullopt;
  }
  const std::int64_t ms = seconds ? v * 1000 : v;
  if (unit == Expiry::exat || unit == Expiry::pxat) return ms;
  if (ms > std::numeric_limits<std::int64_t>::max() - now_ms) {  // the deadline would overflow
    error = invalid_expire_message(command);
    return std::nullopt;
  }
  return now_ms + ms;
}

namespace n = pubsub::notify;

// SET and its kin: "set", then "expire" when the write gave the key a TTL (Redis's order).
void notify_set(CommandContext& ctx) {
  const protocol::Request& req = ctx.answered();
  if (req.op == Opcode::mset) {
    for (std::string_view key : req.keys) ctx.notify(n::kString, "set", key);
    return;
  }
  ctx.notify(n::kString, "set", req.key);
  if (req.ttl_ms > 0) ctx.notify(n::kGeneric, "expire", req.key);
}

void reply_get(CommandContext& ctx, const Response& resp, ReplyBuilder& reply) {
  if (resp.status == Status::ok) reply.bulk(resp.value);
  else if (resp.status == Status::not_found) reply.null();
  else reply_status_error(ctx, resp, reply);
}

void reply_ok(CommandContext& ctx, const Response& resp, ReplyBuilder& reply) {
  if (replied_failure(ctx, resp, reply)) return;
  notify_set(ctx);
  reply.ok();
}

void reply_set(CommandContext& ctx, const Response& resp, ReplyBuilder& reply) {
  if (resp.status == Status::ok) {
    notify_set(ctx);
    reply.ok();
  }
  else if (resp.status == Status::not_found || resp.status == Status::exists) reply.null();
  else reply_status_error(ctx, resp, reply);
}

void reply_setnx(CommandContext& ctx, const Response& resp, ReplyBuilder& reply) {
  if (resp.status == Status::ok) notify_set(ctx);
  if (resp.status == Status::ok || resp.status == Status::exists) reply.integer(resp.status == Status::ok ? 1 : 0);
  else reply_status_error(ctx, resp, reply);
}

void reply_incr(CommandContext& ctx, const Response& resp, ReplyBuilder& reply) {
  if (resp.status == Status::ok) {
    ctx.notify(n::kString, "incrby", ctx.answered().key);
    reply.integer(resp.integer);
  }
  else if (resp.status == Status::wrong_type && resp.message == kWrongTypeText) reply_status_error(ctx, resp, reply);
  else if (resp.status == Status::wrong_type) reply.error(kNotInteger);
  else if (resp.status == Status::bad_request && resp.message.find("overflow") != std::string::npos)
    reply.error("ERR increment or decrement would overflow");
  else reply_status_error(ctx, resp, reply);
}

void reply_mget(CommandContext& ctx, const Response& resp, ReplyBuilder& reply) {
  if (replied_failure(ctx, resp, reply)) return;
  reply.array(resp.values.size());
  for (const protocol::MaybeValue& v : resp.values) {
    if (v.found) reply.bulk(v.value);
    else reply.null();
  }
}

void reply_value(const std::optional<ValueRead>& v, ReplyBuilder& reply) {
  if (v) reply.bulk(v->value);
  else reply.null();
}

void reply_strlen(CommandContext& ctx, const Response& resp, ReplyBuilder& reply) {
  if (resp.status == Status::ok) reply.integer(static_cast<std::int64_t>(resp.value.size()));
  else if (resp.status == Status::not_found) reply.integer(0);
  else reply_status_error(ctx, resp, reply);
}

void reply_getrange(CommandContext& ctx, const Response& resp, ReplyBuilder& reply) {
  if (resp.status == Status::not_found) {
    reply.bulk("");
    return;
  }
  if (replied_failure(ctx, resp, reply)) return;
  const auto len = static_cast<std::int64_t>(resp.value.size());
  std::int64_t start = ctx.scratch().number, end = ctx.scratch().count;
  if (start < 0 && end < 0 && start > end) {
    reply.bulk("");
    return;
  }
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len == 0) reply.bulk("");
  else reply.bulk(std::string_view(resp.value).substr(static_cast<std::size_t>(start), static_cast<std::size_t>(end - start + 1)));
}

}  // namespace

void cmd_get(CommandContext& ctx, ArgList argv, ReplyBuilder&) {
  ctx.request().key = argv[1];
  ctx.submit(Opcode::get, reply_get);
}

// SET key value [NX|XX] [GET] [EX s|PX ms|EXAT s|PXAT ms|KEEPTTL], with Redis's
// rules: options in any order, an expiry option may repeat (the last wins) but
// not mix with another or with KEEPTTL.
void cmd_set(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  protocol::Request& req = ctx.request();
  if (argv.size() == 3) {
    req.key = argv[1];
    req.value = argv[2];
    ctx.submit(Opcode::set, reply_set);
    return;
  }
  Expiry unit = Expiry::none;
  std::string_view when;
  std::uint8_t opts = 0;
  bool get = false;
  for (std::size_t i = 3; i < argv.size(); ++i) {
    const std::string_view a = argv[i];
    const Expiry u = expiry_option(a);
    if (iequals(a, "nx") && !(opts & kOptXx)) opts |= kOptNx;
    else if (iequals(a, "xx") && !(opts & kOptNx)) opts |= kOptXx;
    else if (iequals(a, "get")) get = true;
    else if (iequals(a, "keepttl") && unit == Expiry::none) opts |= kOptKeepTtl;
    else if (u != Expiry::none && (unit == Expiry::none || unit == u) && !(opts & kOptKeepTtl) && i + 1 < argv.size()) {
      unit = u;
      when = argv[++i];
    } else {
      reply.error(kSyntax);
      return;
    }
  }
  SetOptions o;
  if (opts & kOptNx) o.condition = SetCondition::if_absent;
  if (opts & kOptXx) o.condition = SetCondition::if_present;
  if (opts & kOptKeepTtl) o.expiry = SetExpiry::keep;
  o.get = get;
  if (unit != Expiry::none) {
    std::string error;
    const auto deadline = deadline_ms(unit, when, ctx.now_ms(), "set", error);
    if (!deadline) return reply.error(error);
    o.expiry = SetExpiry::at;  // one already past deletes the key, as Redis's write-then-expire
    o.expire_at_ms = *deadline;
  }
  NEED_STORE(store);
  const bool past = o.expiry == SetExpiry::at && o.expire_at_ms <= ctx.now_ms();
  if (past) o.get = true;  // to know whether a key was there to delete ("del" event)
  const auto r = store->set(ctx.session().db, argv[1], argv[2], o);
  if (!r) return reply_store_error(ctx, r.error(), reply);
  if (r->written && past) {
    if (r->old) ctx.notify(n::kGeneric, "del", argv[1]);
  } else if (r->written) {
    ctx.notify(n::kString, "set", argv[1]);
    if (o.expiry == SetExpiry::at) ctx.notify(n::kGeneric, "expire", argv[1]);
  }
  if (get) reply_value(r->old, reply);
  else if (r->written) reply.ok();
  else reply.null();
}

void cmd_setnx(CommandContext& ctx, ArgList argv, ReplyBuilder&) {
  protocol::Request& req = ctx.request();
  req.key = argv[1];
  req.value = argv[2];
  req.flags |= flags::kNx;
  ctx.submit(Opcode::set, reply_setnx);
}

// SETEX key seconds value / PSETEX key milliseconds value
void cmd_setex(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  const std::string_view name = ctx.command().name;
  std::string error;
  const std::int64_t now = ctx.now_ms();
  const auto deadline = deadline_ms(name == "setex" ? Expiry::ex : Expiry::px, argv[2], now, name, error);
  if (!deadline) {
    reply.error(error);
    return;
  }
  protocol::Request& req = ctx.request();
  req.key = argv[1];
  req.value = argv[3];
  req.ttl_ms = ttl_until(*deadline, now);
  ctx.submit(Opcode::set, reply_ok);
}

void cmd_getset(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  NEED_STORE(store);
  const auto r = store->getset(ctx.session().db, argv[1], argv[2]);
  if (!r) return reply_store_error(ctx, r.error(), reply);
  ctx.notify(n::kString, "set", argv[1]);
  reply_value(*r, reply);
}

void cmd_getdel(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  NEED_STORE(store);
  const auto r = store->getdel(ctx.session().db, argv[1]);
  if (!r) return reply_store_error(ctx, r.error(), reply);
  if (*r) ctx.notify(n::kGeneric, "del", argv[1]);
  reply_value(*r, reply);
}

// GETEX key [EX s|PX ms|EXAT s|PXAT ms|PERSIST]
void cmd_getex(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  Expiry unit = Expiry::none;
  std::string_view when;
  bool persist = false;
  for (std::size_t i = 2; i < argv.size(); ++i) {
    const Expiry u = expiry_option(argv[i]);
    if (iequals(argv[i], "persist") && unit == Expiry::none) {
      persist = true;
    } else if (u != Expiry::none && (unit == Expiry::none || unit == u) && !persist && i + 1 < argv.size()) {
      unit = u;
      when = argv[++i];
    } else {
      return reply.error(kSyntax);
    }
  }
  NEED_STORE(store);
  GetExAction action = persist ? GetExAction::persist : GetExAction::none;
  std::int64_t at = 0;
  if (unit != Expiry::none) {
    std::string error;
    const auto deadline = deadline_ms(unit, when, ctx.now_ms(), "getex", error);
    if (!deadline) {
      // Redis 7.0 looks the key up before it checks the time: a missing key is
      // nil even with a bad time.
      const auto r = store->get(ctx.session().db, argv[1]);
      if (!r) return reply_store_error(ctx, r.error(), reply);
      if (!*r) return reply.null();
      return reply.error(error);
    }
    action = GetExAction::at;
    at = *deadline;
  }
  const auto r = store->getex(ctx.session().db, argv[1], action, at);
  if (!r) return reply_store_error(ctx, r.error(), reply);
  if (*r && action == GetExAction::at) ctx.notify(n::kGeneric, at <= ctx.now_ms() ? "del" : "expire", argv[1]);
  if (*r && action == GetExAction::persist && (*r)->expire_at_ms != 0) ctx.notify(n::kGeneric, "persist", argv[1]);
  reply_value(*r, reply);
}

void cmd_incr(CommandContext& ctx, ArgList argv, ReplyBuilder&) {
  ctx.request().key = argv[1];
  ctx.request().delta = ctx.command().name == "decr" ? -1 : 1;
  ctx.submit(Opcode::incrby, reply_incr);
}

void cmd_incrby(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  std::int64_t v = 0;
  if (!parse_int64(argv[2], v)) return reply.error(kNotInteger);
  if (ctx.command().name == "decrby") {
    if (v == std::numeric_limits<std::int64_t>::min()) return reply.error("ERR decrement would overflow");
    v = -v;
  }
  ctx.request().key = argv[1];
  ctx.request().delta = v;
  ctx.submit(Opcode::incrby, reply_incr);
}

void cmd_incrbyfloat(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  long double delta = 0;
  if (!parse_redis_long_double(argv[2], delta)) return reply.error(kNotFloat);
  NEED_STORE(store);
  const auto r = store->incrbyfloat(ctx.session().db, argv[1], delta);
  if (!r) return reply_store_error(ctx, r.error(), reply);
  ctx.notify(n::kString, "incrbyfloat", argv[1]);
  reply.bulk(*r);
}

void cmd_mget(CommandContext& ctx, ArgList argv, ReplyBuilder&) {
  ctx.request().keys.assign(argv.begin() + 1, argv.end());
  ctx.submit(Opcode::mget, reply_mget);
}

void cmd_mset(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  if (argv.size() % 2 == 0) return reply.error(wrong_arity_message(ctx.command().name));
  protocol::Request& req = ctx.request();
  const std::size_t pairs = (argv.size() - 1) / 2;
  req.keys.reserve(pairs);
  req.values.reserve(pairs);
  for (std::size_t i = 1; i < argv.size(); i += 2) {
    req.keys.push_back(argv[i]);
    req.values.push_back(argv[i + 1]);
  }
  ctx.submit(Opcode::mset, reply_ok);
}

void cmd_append(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  NEED_STORE(store);
  const auto r = store->append(ctx.session().db, argv[1], argv[2]);
  if (!r) return reply_store_error(ctx, r.error(), reply);
  ctx.notify(n::kString, "append", argv[1]);
  reply.integer(static_cast<std::int64_t>(*r));
}

void cmd_setrange(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  std::int64_t offset = 0;
  if (!parse_int64(argv[2], offset)) return reply.error(kNotInteger);
  if (offset < 0) return reply.error("ERR offset is out of range");
  NEED_STORE(store);
  const auto r = store->setrange(ctx.session().db, argv[1], static_cast<std::uint64_t>(offset), argv[3]);
  if (!r) return reply_store_error(ctx, r.error(), reply);
  if (!argv[3].empty()) ctx.notify(n::kString, "setrange", argv[1]);
  reply.integer(static_cast<std::int64_t>(*r));
}

void cmd_strlen(CommandContext& ctx, ArgList argv, ReplyBuilder&) {
  ctx.request().key = argv[1];
  ctx.submit(Opcode::get, reply_strlen);
}

void cmd_getrange(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  std::int64_t start = 0, end = 0;
  if (!parse_int64(argv[2], start) || !parse_int64(argv[3], end)) return reply.error(kNotInteger);
  ctx.scratch().number = start;
  ctx.scratch().count = end;
  ctx.request().key = argv[1];
  ctx.submit(Opcode::get, reply_getrange);
}

}  // namespace mnemo::server::commands
