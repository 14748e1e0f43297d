// Redis commands that become store or executor requests.
#include <limits>
#include <optional>

#include "protocol/resp_writer.h"
#include "server/resp_codec.h"
#include "server/resp_text.h"

namespace mnemo::server {

namespace flags = protocol::flags;
using protocol::Opcode;
using protocol::Request;
using protocol::resp::parse_int64;

namespace {

constexpr std::string_view kNotInteger = "ERR value is not an integer or out of range";
constexpr std::string_view kSyntax = "ERR syntax error";
constexpr std::int64_t kMaxSeconds = std::numeric_limits<std::int64_t>::max() / 1000;

enum class Expiry : std::uint8_t { none, ex, px, exat, pxat };

Expiry expiry_option(std::string_view word) {
  if (iequals(word, "ex")) return Expiry::ex;
  if (iequals(word, "px")) return Expiry::px;
  if (iequals(word, "exat")) return Expiry::exat;
  if (iequals(word, "pxat")) return Expiry::pxat;
  return Expiry::none;
}

std::string invalid_expire_message(std::string_view command) {
  return "ERR invalid expire time in '" + std::string(command) + "' command";
}

// SET's EX/PX/EXAT/PXAT value as an absolute deadline in ms, checked as Redis
// does. An EXAT/PXAT may be already past (Redis writes the key, which is then gone).
std::optional<std::int64_t> set_deadline_ms(Expiry unit, std::string_view word, std::int64_t now_ms,
                                            std::string& error) {
  std::int64_t v = 0;
  if (!parse_int64(word, v)) {
    error = kNotInteger;
    return std::nullopt;
  }
  const bool seconds = unit == Expiry::ex || unit == Expiry::exat;
  if (v <= 0 || (seconds && v > kMaxSeconds)) {
    error = invalid_expire_message("set");
    return std::nullopt;
  }
  const std::int64_t ms = seconds ? v * 1000 : v;
  if (unit == Expiry::exat || unit == Expiry::pxat) return ms;
  if (ms > std::numeric_limits<std::int64_t>::max() - now_ms) {  // the deadline would overflow
    error = invalid_expire_message("set");
    return std::nullopt;
  }
  return now_ms + ms;
}

}  // namespace

NextKind RespCodec::cmd_get(Args argv, Request& req, std::string&) {
  req.key = argv[1];
  return want(ReplyKind::get, Opcode::get, req);
}

// SET key value [NX|XX] [GET] [EX s|PX ms|EXAT s|PXAT ms|KEEPTTL], with Redis's
// rules: options in any order, an expiry option may repeat (the last wins) but
// not mix with another or with KEEPTTL.
NextKind RespCodec::cmd_set(Args argv, Request& req, std::string& out) {
  Expiry unit = Expiry::none;
  std::string_view when;
  std::uint8_t set_flags = 0;
  bool get = false;
  for (std::size_t i = 3; i < argv.size(); ++i) {
    const std::string_view a = argv[i];
    const Expiry u = expiry_option(a);
    if (iequals(a, "nx") && (set_flags & flags::kXx) == 0) {
      set_flags |= flags::kNx;
    } else if (iequals(a, "xx") && (set_flags & flags::kNx) == 0) {
      set_flags |= flags::kXx;
    } else if (iequals(a, "get")) {
      get = true;
    } else if (iequals(a, "keepttl") && unit == Expiry::none) {
      set_flags |= flags::kKeepTtl;
    } else if (u != Expiry::none && (unit == Expiry::none || unit == u) && (set_flags & flags::kKeepTtl) == 0 &&
               i + 1 < argv.size()) {
      unit = u;
      when = argv[++i];
    } else {
      return reply_error(out, kSyntax);
    }
  }
  std::uint64_t ttl_ms = 0;
  bool past = false;
  if (unit != Expiry::none) {
    std::string error;
    const std::int64_t now = now_ms();
    const auto deadline = set_deadline_ms(unit, when, now, error);
    if (!deadline) return reply_error(out, error);
    past = *deadline <= now;
    if (!past) ttl_ms = ttl_until(*deadline, now);
  }
  if (get) {
    cas_ = Cas{};
    cas_.is_set = true;
    cas_.key.assign(argv[1]);
    cas_.value.assign(argv[2]);
    cas_.set_flags = set_flags;
    cas_.ttl_ms = ttl_ms;
    cas_.past = past;
    return start_cas(req);
  }
  req.key = argv[1];
  if (past) return set_in_the_past(set_flags, req);
  req.value = argv[2];
  req.flags |= set_flags;
  req.ttl_ms = ttl_ms;
  return want(ReplyKind::set, Opcode::set, req);
}

// A SET whose EXAT/PXAT has passed leaves no key behind (in Redis the key is
// written and expires at once), so it is a DEL, or for NX only a look.
NextKind RespCodec::set_in_the_past(std::uint8_t set_flags, Request& req) {
  if ((set_flags & flags::kNx) != 0) {
    req.keys.assign(1, req.key);
    return want(ReplyKind::set_past_nx, Opcode::exists, req);
  }
  return want((set_flags & flags::kXx) != 0 ? ReplyKind::set_past_xx : ReplyKind::set_past, Opcode::del, req);
}

NextKind RespCodec::cmd_setnx(Args argv, Request& req, std::string&) {
  req.key = argv[1];
  req.value = argv[2];
  req.flags |= flags::kNx;
  return want(ReplyKind::setnx, Opcode::set, req);
}

// SETEX key seconds value / PSETEX key milliseconds value
NextKind RespCodec::cmd_setex(Args argv, Request& req, std::string& out) {
  std::int64_t v = 0;
  if (!parse_int64(argv[2], v)) return reply_error(out, kNotInteger);
  const bool seconds = command_name_ == "setex";
  if (v <= 0 || (seconds && v > kMaxSeconds)) return reply_error(out, invalid_expire_message(command_name_));
  const std::int64_t ms = seconds ? v * 1000 : v;
  const std::int64_t now = now_ms();
  if (ms > std::numeric_limits<std::int64_t>::max() - now) {  // the deadline would overflow
    return reply_error(out, invalid_expire_message(command_name_));
  }
  req.key = argv[1];
  req.value = argv[3];
  req.ttl_ms = ttl_until(now + ms, now);
  return want(ReplyKind::ok, Opcode::set, req);
}

NextKind RespCodec::cmd_del(Args argv, Request& req, std::string&) {
  if (argv.size() == 2) {
    req.key = argv[1];
    return want(ReplyKind::del, Opcode::del, req);
  }
  // Several keys: one request per key (see the header); copy them, the input may move.
  del_.keys.clear();
  del_.ends.assign(1, 0);
  for (std::size_t i = 1; i < argv.size(); ++i) {
    del_.keys.append(argv[i]);
    del_.ends.push_back(del_.keys.size());
  }
  del_.active = true;
  del_.next = 1;
  del_.deleted = 0;
  del_.error.clear();
  req.key = std::string_view(del_.keys).substr(0, del_.ends[1]);
  return want(ReplyKind::del, Opcode::del, req);
}

NextKind RespCodec::cmd_incr(Args argv, Request& req, std::string&) {
  req.key = argv[1];
  req.delta = command_name_ == "decr" ? -1 : 1;
  return want(ReplyKind::incr, Opcode::incrby, req);
}

NextKind RespCodec::cmd_incrby(Args argv, Request& req, std::string& out) {
  std::int64_t v = 0;
  if (!parse_int64(argv[2], v)) return reply_error(out, kNotInteger);
  if (command_name_ == "decrby") {
    if (v == std::numeric_limits<std::int64_t>::min()) return reply_error(out, "ERR decrement would overflow");
    v = -v;
  }
  req.key = argv[1];
  req.delta = v;
  return want(ReplyKind::incr, Opcode::incrby, req);
}

NextKind RespCodec::cmd_mget(Args argv, Request& req, std::string&) {
  req.keys.assign(argv.begin() + 1, argv.end());
  return want(ReplyKind::mget, Opcode::mget, req);
}

NextKind RespCodec::cmd_mset(Args argv, Request& req, std::string& out) {
  if (argv.size() % 2 == 0) return reply_error(out, wrong_arity_message("mset"));
  const std::size_t pairs = (argv.size() - 1) / 2;
  req.keys.reserve(pairs);
  req.values.reserve(pairs);
  for (std::size_t i = 1; i < argv.size(); i += 2) {
    req.keys.push_back(argv[i]);
    req.values.push_back(argv[i + 1]);
  }
  return want(ReplyKind::ok, Opcode::mset, req);
}

// EXPIRE/PEXPIRE key ttl, EXPIREAT/PEXPIREAT key when [NX|XX|GT|LT ...],
// checked in Redis's order: options, number, overflow. A deadline at or before
// now deletes the key, as in Redis (reply 1 if it existed). With options the
// key's current expiry decides, so it goes through a read first (see the header).
NextKind RespCodec::cmd_expire(Args argv, Request& req, std::string& out) {
  std::uint8_t conditions = 0;
  for (std::size_t i = 3; i < argv.size(); ++i) {
    const std::string_view o = argv[i];
    if (iequals(o, "nx")) conditions |= Cas::kNx;
    else if (iequals(o, "xx")) conditions |= Cas::kXx;
    else if (iequals(o, "gt")) conditions |= Cas::kGt;
    else if (iequals(o, "lt")) conditions |= Cas::kLt;
    else return reply_error(out, "ERR Unsupported option " + std::string(o));
  }
  if ((conditions & Cas::kNx) != 0 && conditions != Cas::kNx) {
    return reply_error(out, "ERR NX and XX, GT or LT options at the same time are not compatible");
  }
  if ((conditions & Cas::kGt) != 0 && (conditions & Cas::kLt) != 0) {
    return reply_error(out, "ERR GT and LT options at the same time are not compatible");
  }
  std::int64_t v = 0;
  if (!parse_int64(argv[2], v)) return reply_error(out, kNotInteger);
  const bool seconds = command_name_ == "expire" || command_name_ == "expireat";
  const bool absolute = command_name_ == "expireat" || command_name_ == "pexpireat";
  if (seconds && (v > kMaxSeconds || v < -kMaxSeconds)) return reply_error(out, invalid_expire_message(command_name_));
  const std::int64_t ms = seconds ? v * 1000 : v;
  const std::int64_t now = now_ms();
  if (!absolute && ms > std::numeric_limits<std::int64_t>::max() - now) {
    return reply_error(out, invalid_expire_message(command_name_));
  }
  const std::int64_t deadline = absolute ? ms : ms + now;
  if (conditions != 0) {
    cas_ = Cas{};
    cas_.key.assign(argv[1]);
    cas_.conditions = conditions;
    cas_.deadline_ms = deadline;
    return start_cas(req);
  }
  req.key = argv[1];
  if (deadline <= now) return want(ReplyKind::del, Opcode::del, req);
  req.ttl_ms = ttl_until(deadline, now);
  return want(ReplyKind::expire, Opcode::expire, req);
}

NextKind RespCodec::cmd_ttl(Args argv, Request& req, std::string&) {
  req.key = argv[1];
  return want(command_name_ == "pttl" ? ReplyKind::ttl_ms : ReplyKind::ttl_s, Opcode::ttl, req);
}

NextKind RespCodec::cmd_persist(Args argv, Request& req, std::string&) {
  req.key = argv[1];
  return want(ReplyKind::persist, Opcode::persist, req);
}

// EXISTS key [key ...]; TYPE key is an EXISTS too, since every mnemo value is a string.
NextKind RespCodec::cmd_exists(Args argv, Request& req, std::string&) {
  req.keys.assign(argv.begin() + 1, argv.end());
  return want(command_name_ == "type" ? ReplyKind::type : ReplyKind::exists, Opcode::exists, req);
}

NextKind RespCodec::cmd_dbsize(Args, Request& req, std::string&) {
  return want(ReplyKind::integer, Opcode::dbsize, req);
}

NextKind RespCodec::cmd_ping(Args argv, Request& req, std::string& out) {
  if (argv.size() > 2) return reply_error(out, wrong_arity_message("ping"));
  if (argv.size() == 1) return want(ReplyKind::ping, Opcode::ping, req);
  req.key = argv[1];
  return want(ReplyKind::ping_text, Opcode::ping, req);
}

// AUTH token, or Redis 6's AUTH user token: mnemo has tokens, not users, so the
// user name is not checked.
NextKind RespCodec::cmd_auth(Args argv, Request& req, std::string& out) {
  if (argv.size() > 3) return reply_error(out, kSyntax);
  auth_user_ = argv.size() == 3 ? user_kind(argv[1]) : AuthUser::none;
  req.key = argv.back();
  return want(ReplyKind::auth, Opcode::auth, req);
}

// SAVE waits for a complete snapshot; BGSAVE [SCHEDULE] starts one.
NextKind RespCodec::cmd_save(Args argv, Request& req, std::string& out) {
  if (command_name_ == "save") {
    req.flags |= flags::kWait;
    return want(ReplyKind::ok, Opcode::snapshot, req);
  }
  if (argv.size() > 2 || (argv.size() == 2 && !iequals(argv[1], "schedule"))) return reply_error(out, kSyntax);
  return want(ReplyKind::bgsave, Opcode::snapshot, req);
}

// WAITAOF numlocal numreplicas timeout: a SYNC (everything acknowledged before it
// is committed to the journal). mnemo has no replicas, so the reply is [1, 0].
NextKind RespCodec::cmd_waitaof(Args argv, Request& req, std::string& out) {
  for (std::size_t i = 1; i <= 2; ++i) {  // numlocal, numreplicas
    std::int64_t n = 0;
    if (!parse_int64(argv[i], n)) return reply_error(out, kNotInteger);
    if (n < 0) return reply_error(out, "ERR value is out of range, must be positive");
  }
  std::int64_t timeout = 0;
  if (!parse_int64(argv[3], timeout)) return reply_error(out, "ERR timeout is not an integer or out of range");
  if (timeout < 0) return reply_error(out, "ERR timeout is negative");
  return want(ReplyKind::waitaof, Opcode::sync, req);
}

}  // namespace mnemo::server
