// The blocking pops as Redis 7.0's t_list.c and t_zset.c parse and answer
// them: BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP, BZPOPMIN, BZPOPMAX, BZMPOP,
// and CLIENT UNBLOCK; also LMPOP and ZMPOP, BLMPOP's and BZMPOP's
// non-blocking siblings. Each first tries its keys in order like the
// non-blocking pop; when every key is empty it blocks on them in the
// blocking registry (server/blocking/waiters.h) and the connection waits for
// the reply. Inside MULTI/EXEC or a script (a store transaction) it never
// blocks: it answers as on a timeout, as Redis does.
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "protocol/resp3_reply_builder.h"
#include "protocol/resp_reply_builder.h"
#include "server/commands/blocking_cmd.h"
#include "server/commands/families.h"

namespace mnemo::server::commands {

namespace {

constexpr std::string_view kUnblockedError = "UNBLOCKED client unblocked via CLIENT UNBLOCK";

// Redis's getTimeoutFromObjectOrReply in seconds: a long double read by
// string2ld, times 1000 rounded up. A value too large for a long long ends
// negative there, so it gets "timeout is negative" too.
bool parse_timeout(std::string_view s, std::int64_t& ms, ReplyBuilder& reply) {
  const std::string buf(s);
  char* end = nullptr;
  errno = 0;
  const long double v = buf.empty() || buf.size() > 5 * 1024 || std::isspace(static_cast<unsigned char>(buf[0]))
                            ? NAN
                            : std::strtold(buf.c_str(), &end);
  if (std::isnan(v) || end != buf.c_str() + buf.size() ||
      (errno == ERANGE && (v == HUGE_VALL || v == -HUGE_VALL || v == 0))) {
    reply.error("ERR timeout is not a float or out of range");
    return false;
  }
  const long double t = std::ceil(v * 1000.0L);
  if (!(t < 9.2e18L) || t < 0) {
    reply.error("ERR timeout is negative");
    return false;
  }
  ms = static_cast<std::int64_t>(t);
  return true;
}

// What a command that may not block answers on empty keys (inside MULTI or
// a script): a nil array, or BLMOVE's nil bulk. A timeout is a nil array for
// every one of them (Redis's replyToBlockedClientTimedOut).
void reply_not_blocking(const PopOp& op, ReplyBuilder& reply) {
  if (op.kind == PopOp::Kind::list_move) reply.null();
  else reply.null_array();
}

// Tries the keys in order; true when that answered (a pop, or an error).
bool try_now(CommandContext& ctx, ArgList keys, const PopOp& op, ReplyBuilder& reply) {
  for (std::string_view key : keys) {
    switch (pop_from(ctx, key, op, reply)) {
      case PopOutcome::popped:
      case PopOutcome::failed: return true;
      case PopOutcome::wrong_type: reply.error(kWrongType); return true;
      case PopOutcome::empty: break;
    }
  }
  return false;
}

// A later try, on the thread of the write that made `key` ready: the
// waiter's own context (its database), a reply built for its connection.
// The replies a waiter gets later (this one, its timeout and CLIENT UNBLOCK
// ERROR) are built in the RESP version the connection had when it blocked
// (it cannot send HELLO while blocked).
blocking::Attempt serve(const CommandEnv& env, std::uint32_t db, bool resp3, const PopOp& op, std::string_view key) {
  CommandEnv e = env;
  Session session;
  session.authenticated = true;
  session.db = db;
  CommandContext ctx(e, session);
  blocking::Attempt a;
  protocol::resp::Resp2ReplyBuilder resp2(a.reply);
  protocol::resp::Resp3ReplyBuilder resp3_builder(a.reply);
  protocol::ReplyBuilder& reply = resp3 ? static_cast<protocol::ReplyBuilder&>(resp3_builder) : resp2;
  switch (pop_from(ctx, key, op, reply)) {
    case PopOutcome::popped:
    case PopOutcome::failed: a.result = blocking::Served::served; break;
    case PopOutcome::empty: a.result = blocking::Served::empty; break;
    case PopOutcome::wrong_type: a.result = blocking::Served::skip; break;  // keeps waiting, as in Redis
  }
  return a;
}

void pop_or_block(CommandContext& ctx, ArgList keys, std::int64_t timeout_ms, PopOp op, ReplyBuilder& reply) {
  if (try_now(ctx, keys, op, reply)) return;
  CommandEnv& env = ctx.env();
  blocking::BlockSpec spec;
  if (env.blocking == nullptr || !block_target(ctx, spec) || Store::in_transaction()) {
    return reply_not_blocking(op, reply);
  }
  spec.db = ctx.session().db;
  for (std::string_view k : keys) spec.keys.emplace_back(k);
  spec.timeout_ms = timeout_ms;
  spec.client_id = env.client_id;
  const bool resp3 = ctx.session().resp == 3;
  if (resp3) {
    protocol::resp::Resp3ReplyBuilder(spec.timeout_reply).null_array();
    protocol::resp::Resp3ReplyBuilder(spec.error_reply).error(kUnblockedError);
  } else {
    protocol::resp::Resp2ReplyBuilder(spec.timeout_reply).null_array();
    protocol::resp::Resp2ReplyBuilder(spec.error_reply).error(kUnblockedError);
  }
  spec.attempt = [env_copy = env, db = spec.db, resp3, op = std::move(op)](std::string_view key) {
    return serve(env_copy, db, resp3, op, key);
  };
  ctx.session().waiter = env.blocking->block(std::move(spec));
  ctx.set_blocked();
}

// LEFT|RIGHT as getListPositionFromObjectOrReply reads it.
bool parse_side(std::string_view s, bool& left, ReplyBuilder& reply) {
  left = iequals(s, "left");
  if (left || iequals(s, "right")) return true;
  reply.error(kSyntax);
  return false;
}

// getRangeLongFromObjectOrReply(1, LONG_MAX, msg): msg for a non-number too.
bool parse_positive(std::string_view s, std::int64_t& out, std::string_view msg, ReplyBuilder& reply) {
  if (parse_int64(s, out) && out >= 1) return true;
  reply.error(msg);
  return false;
}

// BLMPOP / BZMPOP: timeout numkeys key... where [COUNT n]; numkeys, where
// and COUNT are checked before the timeout, as in Redis. LMPOP / ZMPOP
// (block false): the same without the timeout, a nil array when every key is empty.
void cmd_mpop(CommandContext& ctx, ArgList argv, ReplyBuilder& reply, bool zset, bool block) {
  const std::size_t at = block ? 2 : 1;  // numkeys
  std::int64_t numkeys = 0;
  if (!parse_positive(argv[at], numkeys, "ERR numkeys should be greater than 0", reply)) return;
  if (numkeys >= static_cast<std::int64_t>(argv.size() - at) - 1) return reply.error(kSyntax);
  const std::size_t where = at + 1 + static_cast<std::size_t>(numkeys);
  PopOp op;
  op.kind = zset ? PopOp::Kind::zset_pop : PopOp::Kind::list_pop;
  if (zset) {
    op.left = iequals(argv[where], "min");
    if (!op.left && !iequals(argv[where], "max")) return reply.error(kSyntax);
  } else if (!parse_side(argv[where], op.left, reply)) {
    return;
  }
  for (std::size_t j = where + 1; j < argv.size(); ++j) {
    if (op.count == -1 && iequals(argv[j], "count") && j + 1 < argv.size()) {
      if (!parse_positive(argv[++j], op.count, "ERR count should be greater than 0", reply)) return;
    } else {
      return reply.error(kSyntax);
    }
  }
  if (op.count == -1) op.count = 1;
  const ArgList keys = argv.subspan(at + 1, static_cast<std::size_t>(numkeys));
  if (!block) {
    if (!try_now(ctx, keys, op, reply)) reply.null_array();
    return;
  }
  std::int64_t ms = 0;
  if (!parse_timeout(argv[1], ms, reply)) return;
  pop_or_block(ctx, keys, ms, std::move(op), reply);
}

}  // namespace

bool block_target(CommandContext& ctx, blocking::BlockSpec& spec) {
  Session& s = ctx.session();
  if (s.native.outbox != nullptr) {
    spec.outbox = s.native.outbox;
    spec.frame = [frame = s.native.frame, id = s.native.frame_id](std::string_view r) { return frame(id, r); };
    return true;
  }
  spec.outbox = s.subscriber.outbox;
  return spec.outbox != nullptr;
}

// BLPOP, BRPOP key [key ...] timeout.
void cmd_blpop(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  std::int64_t ms = 0;
  if (!parse_timeout(argv.back(), ms, reply)) return;
  PopOp op;
  op.left = argv[0][1] == 'l' || argv[0][1] == 'L';
  pop_or_block(ctx, argv.subspan(1, argv.size() - 2), ms, std::move(op), reply);
}

// BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout; BRPOPLPUSH source destination timeout.
void cmd_blmove(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  PopOp op;
  op.kind = PopOp::Kind::list_move;
  op.left = false;
  op.to_left = true;
  if (argv.size() == 6 && (!parse_side(argv[3], op.left, reply) || !parse_side(argv[4], op.to_left, reply))) return;
  std::int64_t ms = 0;
  if (!parse_timeout(argv.back(), ms, reply)) return;
  op.dst.assign(argv[2]);
  pop_or_block(ctx, argv.subspan(1, 1), ms, std::move(op), reply);
}

void cmd_blmpop(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) { cmd_mpop(ctx, argv, reply, false, true); }
void cmd_bzmpop(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) { cmd_mpop(ctx, argv, reply, true, true); }
void cmd_lmpop(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) { cmd_mpop(ctx, argv, reply, false, false); }
void cmd_zmpop(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) { cmd_mpop(ctx, argv, reply, true, false); }

// BZPOPMIN, BZPOPMAX key [key ...] timeout.
void cmd_bzpop(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  std::int64_t ms = 0;
  if (!parse_timeout(argv.back(), ms, reply)) return;
  PopOp op;
  op.kind = PopOp::Kind::zset_pop;
  op.left = argv[0][6] == 'i' || argv[0][6] == 'I';  // bzpopMIn
  pop_or_block(ctx, argv.subspan(1, argv.size() - 2), ms, std::move(op), reply);
}

// CLIENT UNBLOCK client-id [TIMEOUT|ERROR]: 1 when that client was blocked.
void cmd_client_unblock(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  if (argv.size() > 4) {
    return reply.error("ERR unknown subcommand or wrong number of arguments for '" + std::string(argv[1]) +
                       "'. Try CLIENT HELP.");
  }
  bool with_error = false;
  if (argv.size() == 4) {
    with_error = iequals(argv[3], "error");
    if (!with_error && !iequals(argv[3], "timeout")) {
      return reply.error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
    }
  }
  std::int64_t id = 0;
  if (!parse_int64(argv[2], id)) return reply.error(kNotInteger);
  blocking::Registry* reg = ctx.env().blocking;
  reply.integer(reg != nullptr && reg->unblock(static_cast<std::uint64_t>(id), with_error) ? 1 : 0);
}

}  // namespace mnemo::server::commands
