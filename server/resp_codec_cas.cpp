// SET ... GET and EXPIRE ... NX|XX|GT|LT: read the key, decide as Redis
// would, then write only if the key is still at the version read, reading
// again if it changed in between (see resp_codec.h).
#include "protocol/resp_writer.h"
#include "server/resp_codec.h"

namespace mnemo::server {

namespace resp = protocol::resp;
namespace flags = protocol::flags;
using protocol::Opcode;
using protocol::Request;
using protocol::Response;
using protocol::Status;

namespace {

// A key rewritten this often between one read and the write after it is too
// hot to wait for: the client gets an error and may retry.
constexpr int kMaxCasAttempts = 100;

}  // namespace

NextKind RespCodec::start_cas(Request& req) {
  cas_.active = true;
  cas_.step = Cas::Step::read;
  cas_.attempts = 1;
  req.key = cas_.key;
  return want(ReplyKind::cas, Opcode::get, req);
}

Next RespCodec::next_cas_step(Request& req, std::string&) {
  if (cas_.step == Cas::Step::done) {  // the reply went out with the last step
    cas_.active = false;
    return {NextKind::replied, cas_.command_bytes};
  }
  req.clear();
  req.id = next_request_id_++;
  req.key = cas_.key;
  reply_ = ReplyKind::cas;
  if (cas_.step == Cas::Step::read) {
    req.op = Opcode::get;
    return {NextKind::request, 0};
  }
  // The write holds only if nothing changed since the read: the version read,
  // or, for a key that was absent, still absent.
  if (cas_.found) req.if_version = cas_.version;
  if (cas_.step == Cas::Step::del) {
    req.op = Opcode::del;
    return {NextKind::request, 0};
  }
  req.ttl_ms = cas_.ttl_ms;
  if (!cas_.is_set) {  // EXPIRE: only the expiry changes (the key was found)
    req.op = Opcode::expire;
    return {NextKind::request, 0};
  }
  req.op = Opcode::set;
  if (!cas_.found) req.flags |= flags::kNx;
  req.value = cas_.value;
  if ((cas_.set_flags & flags::kKeepTtl) != 0) req.flags |= flags::kKeepTtl;
  return {NextKind::request, 0};
}

void RespCodec::encode_cas_step(const Response& resp, std::string& out) {
  const Status status = resp.status;
  if (cas_.step == Cas::Step::read) {
    if (status != Status::ok && status != Status::not_found) {
      encode_error(resp, out);
      cas_.step = Cas::Step::done;
      return;
    }
    cas_.found = status == Status::ok;
    cas_.old_value.assign(cas_.found ? std::string_view(resp.value) : std::string_view());
    cas_.version = resp.version;
    cas_.expire_at_ms = cas_.found ? resp.expire_at_ms : 0;
    if (cas_.is_set) decide_set_get(out);
    else decide_expire(out);
    return;
  }
  if (status == Status::ok) {
    if (cas_.is_set) end_cas_with_old_value(out);
    else out.append(resp::kOneReply);
    cas_.step = Cas::Step::done;
    return;
  }
  // The key changed after the read (another version, deleted, or created).
  const bool raced = status == Status::version_mismatch || status == Status::not_found || status == Status::exists;
  if (raced && cas_.attempts < kMaxCasAttempts) {
    ++cas_.attempts;
    cas_.step = Cas::Step::read;
    return;
  }
  if (raced) resp::append_error(out, "ERR the key kept changing during the command; retry");
  else encode_error(resp, out);
  cas_.step = Cas::Step::done;
}

// SET ... GET: the old value is the reply whatever happens; NX and XX decide
// whether the write is done, as in Redis.
void RespCodec::decide_set_get(std::string& out) {
  const bool nx = (cas_.set_flags & flags::kNx) != 0;
  const bool xx = (cas_.set_flags & flags::kXx) != 0;
  if ((nx && cas_.found) || (xx && !cas_.found) || (cas_.past && !cas_.found)) {
    end_cas_with_old_value(out);
    cas_.step = Cas::Step::done;
    return;
  }
  cas_.step = cas_.past ? Cas::Step::del : Cas::Step::set;
}

// EXPIRE with NX|XX|GT|LT, as Redis's expireGenericCommand: no expiry counts
// as infinite, so GT never applies to it and LT always does.
void RespCodec::decide_expire(std::string& out) {
  const std::uint8_t c = cas_.conditions;
  const bool has_expiry = cas_.expire_at_ms != 0;
  const std::int64_t when = cas_.deadline_ms;
  const bool refused = !cas_.found || ((c & Cas::kNx) != 0 && has_expiry) || ((c & Cas::kXx) != 0 && !has_expiry) ||
                       ((c & Cas::kGt) != 0 && (!has_expiry || when <= cas_.expire_at_ms)) ||
                       ((c & Cas::kLt) != 0 && has_expiry && when >= cas_.expire_at_ms);
  if (refused) {
    out.append(resp::kZeroReply);
    cas_.step = Cas::Step::done;
    return;
  }
  const std::int64_t now = now_ms();
  if (when <= now) {
    cas_.step = Cas::Step::del;
    return;
  }
  cas_.ttl_ms = ttl_until(when, now);
  cas_.step = Cas::Step::set;
}

void RespCodec::end_cas_with_old_value(std::string& out) {
  if (cas_.found) resp::append_bulk(out, cas_.old_value);
  else resp::append_null_bulk(out);
}

}  // namespace mnemo::server
