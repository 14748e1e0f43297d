// Responses to Redis replies: the exact types and texts Redis sends.
#include "protocol/resp_writer.h"
#include "server/resp_codec.h"

namespace mnemo::server {

namespace resp = protocol::resp;
using protocol::Request;
using protocol::Response;
using protocol::Status;

namespace {

// Redis rounds TTL to the nearest second.
std::int64_t ms_to_rounded_seconds(std::int64_t ms) { return ms < 0 ? ms : (ms + 500) / 1000; }

void append_error_with(std::string& out, std::string_view prefix, std::string_view message,
                       std::string_view fallback) {
  std::string text(prefix);
  text.append(message.empty() ? fallback : message);
  resp::append_error(out, text);
}

}  // namespace

// Returns false when resp carries an error this reply kind has no answer for.
bool RespCodec::encode_answer(const Request& req, const Response& resp, std::string& out) {
  const bool ok = resp.status == Status::ok;
  const bool missing = resp.status == Status::not_found;
  switch (reply_) {
    case ReplyKind::ok:
      if (ok) out.append(resp::kOkReply);
      return ok;
    case ReplyKind::set:
      if (ok) out.append(resp::kOkReply);
      else if (missing || resp.status == Status::exists) resp::append_null_bulk(out);
      else return false;
      return true;
    case ReplyKind::setnx:
      if (!ok && resp.status != Status::exists) return false;
      out.append(ok ? resp::kOneReply : resp::kZeroReply);
      return true;
    case ReplyKind::get:
      if (ok) resp::append_bulk(out, resp.value);
      else if (missing) resp::append_null_bulk(out);
      return ok || missing;
    case ReplyKind::del:
    case ReplyKind::expire:
      if (ok || missing) out.append(ok ? resp::kOneReply : resp::kZeroReply);
      return ok || missing;
    case ReplyKind::persist:
      if (ok || missing) out.append(ok && resp.changed ? resp::kOneReply : resp::kZeroReply);
      return ok || missing;
    case ReplyKind::ttl_s:
    case ReplyKind::ttl_ms:
      if (missing) resp::append_integer(out, -2);
      else if (ok) resp::append_integer(out, reply_ == ReplyKind::ttl_s ? ms_to_rounded_seconds(resp.integer) : resp.integer);
      return ok || missing;
    case ReplyKind::incr:
    case ReplyKind::exists:
    case ReplyKind::integer:
      if (ok) resp::append_integer(out, resp.integer);
      return ok;
    case ReplyKind::type:
      if (ok) resp::append_simple(out, resp.integer > 0 ? "string" : "none");
      return ok;
    case ReplyKind::mget:
      if (!ok) return false;
      resp::append_array_header(out, resp.values.size());
      for (const protocol::MaybeValue& v : resp.values) {
        if (v.found) resp::append_bulk(out, v.value);
        else resp::append_null_bulk(out);
      }
      return true;
    case ReplyKind::scan:
      if (ok) encode_scan(resp, out);
      return ok;
    case ReplyKind::ping:
      if (ok) out.append(resp::kPongReply);
      return ok;
    case ReplyKind::ping_text:
      if (ok) resp::append_bulk(out, req.key);
      return ok;
    case ReplyKind::auth:
    case ReplyKind::hello_auth:
      // Without a token, the only failure is "no password configured", which
      // Redis's passwordless default user does not give for its own name.
      if (!ok && !(resp.status == Status::bad_request && auth_user_ == AuthUser::default_user)) return false;
      authenticated_ = true;
      if (reply_ == ReplyKind::auth) {
        out.append(resp::kOkReply);
        return true;
      }
      if (hello_has_name_) client_name_ = hello_name_;
      append_hello_map(out);
      return true;
    case ReplyKind::bgsave:
      if (ok) resp::append_simple(out, "Background saving started");
      return ok;
    case ReplyKind::waitaof:
      if (ok) out.append("*2\r\n:1\r\n:0\r\n");
      return ok;
    case ReplyKind::set_past:
      if (ok || missing) out.append(resp::kOkReply);
      return ok || missing;
    case ReplyKind::set_past_xx:
      if (ok) out.append(resp::kOkReply);
      else if (missing) resp::append_null_bulk(out);
      return ok || missing;
    case ReplyKind::set_past_nx:
      if (ok && resp.integer > 0) resp::append_null_bulk(out);
      else if (ok) out.append(resp::kOkReply);
      return ok;
    case ReplyKind::cas:
      return false;  // encode() hands these steps to encode_cas_step()
  }
  return false;
}

void RespCodec::encode_error(const Response& resp, std::string& out) const {
  const std::string_view msg = resp.message;
  const bool auth = reply_ == ReplyKind::auth || reply_ == ReplyKind::hello_auth;
  if (auth && (resp.status == Status::unauthorized ||
               (resp.status == Status::bad_request && auth_user_ == AuthUser::other))) {
    resp::append_error(out, "WRONGPASS invalid username-password pair or user is disabled.");
    return;
  }
  switch (resp.status) {
    case Status::unauthorized:
      resp::append_error(out, "NOAUTH Authentication required.");
      return;
    case Status::forbidden: {
      std::string text = "NOPERM this user has no permissions to run the '" + std::string(command_name_) + "' command";
      if (!msg.empty()) text.append(" (").append(msg).append(")");
      resp::append_error(out, text);
      return;
    }
    case Status::wrong_type:
      if (reply_ == ReplyKind::incr) resp::append_error(out, "ERR value is not an integer or out of range");
      else append_error_with(out, "WRONGTYPE ", msg, "Operation against a key holding the wrong kind of value");
      return;
    case Status::bad_request:
      if (reply_ == ReplyKind::incr && msg.find("overflow") != std::string_view::npos) {
        resp::append_error(out, "ERR increment or decrement would overflow");
        return;
      }
      append_error_with(out, "ERR ", msg, "bad request");
      return;
    case Status::busy:
      append_error_with(out, "BUSY ", msg, "the journal is behind; retry later");
      return;
    case Status::read_only:
      append_error_with(out, "ERR persistence is failing: ", msg, "writes are refused until the disk recovers");
      return;
    case Status::out_of_memory:
      resp::append_error(out, "OOM command not allowed when used memory > 'maxmemory'.");
      return;
    case Status::unsupported_version:
      append_error_with(out, "NOPROTO ", msg, "sorry, this protocol version is not supported");
      return;
    case Status::shutting_down:
      append_error_with(out, "ERR ", msg, "the server is shutting down");
      return;
    default:
      append_error_with(out, "ERR ", msg, protocol::status_name(resp.status));
      return;
  }
}

// One key of a multi-key DEL (see resp_codec.h): count, or remember the first
// failure, which ends the command.
void RespCodec::encode_del_step(const Response& resp, std::string& out) {
  if (resp.status == Status::ok) {
    ++del_.deleted;
  } else if (resp.status != Status::not_found) {
    del_.error.clear();
    encode_error(resp, del_.error);
  }
  const bool last = del_.next + 1 == del_.ends.size();
  if (!last) return;  // on a failure, next() sends the error and drops the rest
  del_.active = false;
  if (!del_.error.empty()) {
    out.append(del_.error);
    del_.error.clear();
  } else {
    resp::append_integer(out, del_.deleted);
  }
}

}  // namespace mnemo::server
