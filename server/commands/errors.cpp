// Redis's error texts for mnemo's statuses.
#include <string>

#include "server/commands/context.h"

namespace mnemo::server {

using protocol::Status;

namespace {

void error_with(protocol::ReplyBuilder& reply, std::string_view prefix, std::string_view message,
                std::string_view fallback) {
  std::string text(prefix);
  text.append(message.empty() ? fallback : message);
  reply.error(text);
}

}  // namespace

void reply_status_error(const CommandContext& ctx, const protocol::Response& resp, protocol::ReplyBuilder& reply) {
  const std::string_view msg = resp.message;
  switch (resp.status) {
    case Status::unauthorized:
      reply.error("NOAUTH Authentication required.");
      return;
    case Status::forbidden: {
      std::string text = "NOPERM this user has no permissions to run the '" + std::string(ctx.command().name) + "' command";
      if (!msg.empty()) text.append(" (").append(msg).append(")");
      reply.error(text);
      return;
    }
    case Status::wrong_type:
      error_with(reply, "WRONGTYPE ", msg, "Operation against a key holding the wrong kind of value");
      return;
    case Status::bad_request:
      error_with(reply, "ERR ", msg, "bad request");
      return;
    case Status::busy:
      error_with(reply, "BUSY ", msg, "the journal is behind; retry later");
      return;
    case Status::read_only:
      error_with(reply, "ERR persistence is failing: ", msg, "writes are refused until the disk recovers");
      return;
    case Status::out_of_memory:
      reply.error("OOM command not allowed when used memory > 'maxmemory'.");
      return;
    case Status::unsupported_version:
      error_with(reply, "NOPROTO ", msg, "sorry, this protocol version is not supported");
      return;
    case Status::shutting_down:
      error_with(reply, "ERR ", msg, "the server is shutting down");
      return;
    default:
      error_with(reply, "ERR ", msg, protocol::status_name(resp.status));
      return;
  }
}

void reply_store_error(const CommandContext& ctx, const protocol::Error& e, protocol::ReplyBuilder& reply) {
  const bool redis_text = e.status == Status::too_large || e.status == Status::not_found ||
                          (e.status == Status::wrong_type && e.message.starts_with("value is not"));
  if (redis_text) {
    reply.error("ERR " + e.message);
    return;
  }
  protocol::Response r;
  r.fail(e.status, e.message);
  reply_status_error(ctx, r, reply);
}

}  // namespace mnemo::server
