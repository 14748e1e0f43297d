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

// SET's EX/PX/EXAT/PXAT value as a relative ttl in ms. A moment already past
// gives 1 ms: the write happens and expires at once, as in Redis.
std::optional<std::uint64_t> set_ttl_ms(Expiry unit, std::string_view word, std::int64_t now_ms,
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
  if (unit == Expiry::ex || unit == Expiry::px) {
    if (ms > std::numeric_limits<std::int64_t>::max() - now_ms) {  // the deadline would overflow
      error = invalid_expire_message("set");
      return std::nullopt;
    }
    return static_cast<std::uint64_t>(ms);
  }
  return ms > now_ms ? static_cast<std::uint64_t>(ms - now_ms) : 1;
}

}  // namespace

NextKind RespCodec::cmd_get(Args argv, Request& req, std::string&) {
  req.key = argv[1];
  return want(ReplyKind::get, Opcode::get, req);
}

NextKind RespCodec::cmd_set(Args argv, Request& req, std::string& out) {
  req.key = argv[1];
  req.value = argv[2];
  Expiry unit = Expiry::none;
  std::string_view when;
  for (std::size_t i = 3; i < argv.size(); ++i) {
    const std::string_view a = argv[i];
    const Expiry u = expiry_option(a);
    if (iequals(a, "nx") && !req.has(flags::kXx)) {
      req.flags |= flags::kNx;
    } else if (iequals(a, "xx") && !req.has(flags::kNx)) {
      req.flags |= flags::kXx;
    } else if (iequals(a, "keepttl") && unit == Expiry::none) {
      req.flags |= flags::kKeepTtl;
    } else if (u != Expiry::none && unit == Expiry::none && !req.has(flags::kKeepTtl) && i + 1 < argv.size()) {
      unit = u;
      when = argv[++i];
    } else if (iequals(a, "get")) {
      return reply_error(out, "ERR mnemo does not support SET with the GET option; send GET, then SET");
    } else {
      return reply_error(out, kSyntax);
    }
  }
  if (unit != Expiry::none) {
    std::string error;
    const auto ttl = set_ttl_ms(unit, when, now_ms(), error);
    if (!ttl) return reply_error(out, error);
    req.ttl_ms = *ttl;
  }
  return want(ReplyKind::set, Opcode::set, req);
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
  req.key = argv[1];
  req.value = argv[3];
  req.ttl_ms = static_cast<std::uint64_t>(seconds ? v * 1000 : v);
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

// EXPIRE/PEXPIRE key ttl, EXPIREAT/PEXPIREAT key when. A deadline at or before
// now deletes the key, as in Redis (reply 1 if it existed).
NextKind RespCodec::cmd_expire(Args argv, Request& req, std::string& out) {
  if (argv.size() > 3) {
    const std::string_view o = argv[3];
    if (iequals(o, "nx") || iequals(o, "xx") || iequals(o, "gt") || iequals(o, "lt")) {
      return reply_error(out, "ERR mnemo does not support the NX, XX, GT and LT options of " +
                                  std::string(command_name_));
    }
    return reply_error(out, "ERR Unsupported option " + std::string(o));
  }
  std::int64_t v = 0;
  if (!parse_int64(argv[2], v)) return reply_error(out, kNotInteger);
  const bool seconds = command_name_ == "expire" || command_name_ == "expireat";
  const bool absolute = command_name_ == "expireat" || command_name_ == "pexpireat";
  if (seconds && (v > kMaxSeconds || v < -kMaxSeconds)) return reply_error(out, invalid_expire_message(command_name_));
  const std::int64_t ms = seconds ? v * 1000 : v;
  const std::int64_t now = now_ms();
  std::int64_t ttl = 0;
  if (absolute) {
    ttl = ms > now ? ms - now : 0;
  } else {
    if (ms > std::numeric_limits<std::int64_t>::max() - now) return reply_error(out, invalid_expire_message(command_name_));
    ttl = ms;
  }
  req.key = argv[1];
  if (ttl <= 0) return want(ReplyKind::del, Opcode::del, req);
  req.ttl_ms = static_cast<std::uint64_t>(ttl);
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
  std::int64_t numlocal = 0, numreplicas = 0, timeout = 0;
  if (!parse_int64(argv[1], numlocal) || !parse_int64(argv[2], numreplicas) || !parse_int64(argv[3], timeout)) {
    return reply_error(out, kNotInteger);
  }
  if (numlocal < 0 || numreplicas < 0) return reply_error(out, "ERR value is out of range, must be positive");
  if (timeout < 0) return reply_error(out, "ERR timeout is negative");
  return want(ReplyKind::waitaof, Opcode::sync, req);
}

}  // namespace mnemo::server
