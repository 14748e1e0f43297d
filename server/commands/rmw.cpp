// Commands that read a key, decide as Redis would, then write: SET ... GET,
// GETSET, GETDEL, GETEX, APPEND, SETRANGE, INCRBYFLOAT and EXPIRE with
// NX|XX|GT|LT. The write holds only if the key is still at the version read
// (or still absent), so each command is one atomic change of one key, one
// journal record; if the key changed in between, the command reads again.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <algorithm>

#include "server/commands/handlers.h"
#include "server/commands/helpers.h"

namespace mnemo::server::commands {

namespace flags = protocol::flags;
using protocol::Opcode;
using protocol::Response;
using protocol::ReplyBuilder;
using protocol::Status;

namespace {

// A key rewritten this often between one read and the write after it is too
// hot to wait for: the client gets an error and may retry.
constexpr int kMaxAttempts = 100;
enum Step : int { kReply = 0, kSet = 1, kDel = 2, kExpire = 3 };

void after_read(CommandContext& ctx, const Response& resp, ReplyBuilder& reply);
void after_write(CommandContext& ctx, const Response& resp, ReplyBuilder& reply);

void read(CommandContext& ctx) {
  ctx.request().key = ctx.scratch().key;
  ctx.submit(Opcode::get, after_read);
}

void reply_old(const StepScratch& s, ReplyBuilder& reply) {
  if (s.found) reply.bulk(s.old_value);
  else reply.null();
}

// The final reply, once the write (if any) is done.
void reply_result(CommandContext& ctx, ReplyBuilder& reply) {
  const StepScratch& s = ctx.scratch();
  switch (static_cast<Rmw>(s.kind)) {
    case Rmw::set_get: case Rmw::getdel: case Rmw::getex: reply_old(s, reply); return;
    case Rmw::append: case Rmw::setrange: reply.integer(s.count); return;
    case Rmw::incrbyfloat: reply.bulk(s.value); return;
    case Rmw::expire: reply.integer(s.step == kReply ? 0 : 1); return;
  }
}

// Redis's long double in "human" form (%.17Lf without trailing zeros).
std::string human_long_double(long double v) {
  char buf[5 * 1024];
  int n = std::snprintf(buf, sizeof buf, "%.17Lf", v);
  if (n <= 0 || static_cast<std::size_t>(n) >= sizeof buf) return "0";
  std::string s(buf, static_cast<std::size_t>(n));
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

bool decide_set_get(StepScratch& s) {
  const bool nx = s.options & kOptNx, xx = s.options & kOptXx, past = s.options & kOptPast;
  if ((nx && s.found) || (xx && !s.found) || (past && !s.found)) return false;
  s.value = s.arg;
  s.step = past ? kDel : kSet;
  return true;
}

bool decide_getex(StepScratch& s, std::int64_t now) {
  if (!s.found) return false;
  if (s.count != 0) return false;  // a bad time: after_read replies its error
  if (s.options & kOptPersist) {
    if (s.expire_at_ms == 0) return false;
    s.value = s.old_value;
    s.ttl_ms = 0;
    s.step = kSet;
    return true;
  }
  if (!(s.options & kOptTtl)) return false;
  if (s.number <= now) {
    s.step = kDel;
    return true;
  }
  s.ttl_ms = ttl_until(s.number, now);
  s.step = kExpire;
  return true;
}

// EXPIRE with NX|XX|GT|LT, as Redis's expireGenericCommand: no expiry counts
// as infinite, so GT never applies to it and LT always does.
bool decide_expire(StepScratch& s, std::int64_t now) {
  const std::uint8_t c = s.options;
  const bool has = s.expire_at_ms != 0;
  const std::int64_t when = s.number;
  const bool refused = !s.found || ((c & kOptNx) && has) || ((c & kOptXx) && !has) ||
                       ((c & kOptGt) && (!has || when <= s.expire_at_ms)) ||
                       ((c & kOptLt) && has && when >= s.expire_at_ms);
  if (refused) return false;
  if (when <= now) {
    s.step = kDel;
    return true;
  }
  s.ttl_ms = ttl_until(when, now);
  s.step = kExpire;
  return true;
}

// A value longer than Redis allows, or than the store takes (checked before
// building it: SETRANGE k 536870911 x would otherwise build 512 MB first).
bool too_long(std::uint64_t size, std::uint64_t max_value_bytes, std::string& error) {
  if (size > kMaxStringBytes) {
    error = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
    return true;
  }
  if (size <= max_value_bytes) return false;
  error = "ERR value is " + std::to_string(size) + " bytes; the limit is " + std::to_string(max_value_bytes) +
          " bytes (max value size)";
  return true;
}

// APPEND, SETRANGE, INCRBYFLOAT: the new value; false with an error in `error`.
bool decide_update(StepScratch& s, std::uint64_t max_value_bytes, std::string& error) {
  const std::string_view old = s.found ? std::string_view(s.old_value) : std::string_view();
  s.options |= kOptKeepTtl;
  if (static_cast<Rmw>(s.kind) == Rmw::append) {
    if (too_long(old.size() + s.arg.size(), max_value_bytes, error)) return false;
    s.value.assign(old).append(s.arg);
    s.count = static_cast<std::int64_t>(s.value.size());
  } else if (static_cast<Rmw>(s.kind) == Rmw::setrange) {
    const auto offset = static_cast<std::uint64_t>(s.number);
    if (s.arg.empty()) {
      s.count = static_cast<std::int64_t>(old.size());
      s.step = kReply;
      return true;
    }
    if (too_long(std::max<std::uint64_t>(old.size(), offset + s.arg.size()), max_value_bytes, error)) return false;
    s.value.assign(old);
    if (s.value.size() < offset + s.arg.size()) s.value.resize(offset + s.arg.size(), '\0');
    s.value.replace(offset, s.arg.size(), s.arg);
    s.count = static_cast<std::int64_t>(s.value.size());
  } else {  // INCRBYFLOAT: the increment was checked before the read
    long double cur = 0;
    if (s.found) {
      char* end = nullptr;
      const std::string text(old);
      cur = std::strtold(text.c_str(), &end);
      if (text.empty() || std::isspace(static_cast<unsigned char>(text[0])) || *end != '\0' || std::isnan(cur)) {
        error = kNotFloat;
        return false;
      }
    }
    const long double v = cur + std::strtold(s.arg.c_str(), nullptr);
    if (std::isnan(v) || std::isinf(v)) {
      error = "ERR increment would produce NaN or Infinity";
      return false;
    }
    s.value = human_long_double(v);
  }
  s.step = kSet;
  return true;
}

void write(CommandContext& ctx) {
  StepScratch& s = ctx.scratch();
  protocol::Request& req = ctx.request();
  req.key = s.key;
  if (s.found) req.if_version = s.version;
  if (s.step == kDel) {
    ctx.submit(Opcode::del, after_write);
    return;
  }
  req.ttl_ms = s.ttl_ms;
  if (s.step == kExpire) {
    ctx.submit(Opcode::expire, after_write);
    return;
  }
  req.value = s.value;
  if (!s.found) req.flags |= flags::kNx;
  if (s.options & kOptKeepTtl) req.flags |= flags::kKeepTtl;
  ctx.submit(Opcode::set, after_write);
}

void after_read(CommandContext& ctx, const Response& resp, ReplyBuilder& reply) {
  if (resp.status != Status::ok && resp.status != Status::not_found) {
    reply_status_error(ctx, resp, reply);
    return;
  }
  StepScratch& s = ctx.scratch();
  s.found = resp.status == Status::ok;
  s.old_value.assign(s.found ? std::string_view(resp.value) : std::string_view());
  s.version = resp.version;
  s.expire_at_ms = s.found ? resp.expire_at_ms : 0;
  s.step = kReply;
  bool writes = false;
  std::string error;
  const std::int64_t now = ctx.now_ms();
  switch (static_cast<Rmw>(s.kind)) {
    case Rmw::set_get: writes = decide_set_get(s); break;
    case Rmw::getdel: writes = s.found; s.step = s.found ? kDel : kReply; break;
    case Rmw::getex:
      if (s.found && s.count != 0) return reply.error(s.value);
      writes = decide_getex(s, now);
      break;
    case Rmw::expire: writes = decide_expire(s, now); break;
    case Rmw::append: case Rmw::setrange: case Rmw::incrbyfloat:
      if (!decide_update(s, ctx.env().max_value_bytes, error)) {
        reply.error(error);
        return;
      }
      writes = s.step != kReply;
      break;
  }
  if (writes) write(ctx);
  else reply_result(ctx, reply);
}

// The keyspace event of the write just done, with Redis's name for it.
void notify_written(CommandContext& ctx) {
  namespace n = pubsub::notify;
  const StepScratch& s = ctx.scratch();
  if (s.step == kDel) return ctx.notify(n::kGeneric, "del", s.key);
  switch (static_cast<Rmw>(s.kind)) {
    case Rmw::set_get: return ctx.notify(n::kString, "set", s.key);
    case Rmw::getdel: return;
    case Rmw::getex: case Rmw::expire:
      return ctx.notify(n::kGeneric, s.step == kExpire ? "expire" : "persist", s.key);
    case Rmw::append: return ctx.notify(n::kString, "append", s.key);
    case Rmw::setrange: return ctx.notify(n::kString, "setrange", s.key);
    case Rmw::incrbyfloat: return ctx.notify(n::kString, "incrbyfloat", s.key);
  }
}

void after_write(CommandContext& ctx, const Response& resp, ReplyBuilder& reply) {
  if (resp.status == Status::ok) {
    notify_written(ctx);
    reply_result(ctx, reply);
    return;
  }
  // The key changed after the read (another version, deleted, or created).
  const Status st = resp.status;
  const bool raced = st == Status::version_mismatch || st == Status::not_found || st == Status::exists;
  StepScratch& s = ctx.scratch();
  if (raced && s.attempts < kMaxAttempts) {
    ++s.attempts;
    read(ctx);
    return;
  }
  if (raced) reply.error("ERR the key kept changing during the command; retry");
  else reply_status_error(ctx, resp, reply);
}

}  // namespace

void start_rmw(CommandContext& ctx, Rmw kind) {
  StepScratch& s = ctx.scratch();
  s.kind = static_cast<std::uint8_t>(kind);
  s.attempts = 1;
  read(ctx);
}

}  // namespace mnemo::server::commands
