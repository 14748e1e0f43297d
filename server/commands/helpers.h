// Shared pieces of the command handlers: Redis's common error texts, number
// parsing as Redis does it, and expiry arithmetic. Internal to server/commands.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "protocol/resp_parser.h"
#include "server/commands/context.h"
#include "server/resp_text.h"

namespace mnemo::server::commands {

inline constexpr std::string_view kNotInteger = "ERR value is not an integer or out of range";
inline constexpr std::string_view kSyntax = "ERR syntax error";
inline constexpr std::string_view kNotFloat = "ERR value is not a valid float";
inline constexpr std::string_view kNoStore = "ERR this command needs the store";
// The store's WRONGTYPE message (store_impl.h), which reply_status_error prefixes.
inline constexpr std::string_view kWrongTypeText = "Operation against a key holding the wrong kind of value";
inline constexpr std::string_view kWrongType = "WRONGTYPE Operation against a key holding the wrong kind of value";
inline constexpr std::int64_t kMaxSeconds = std::numeric_limits<std::int64_t>::max() / 1000;
// Redis's proto-max-bulk-len: the largest string APPEND/SETRANGE may build.
inline constexpr std::uint64_t kMaxStringBytes = 512ull << 20;

using protocol::resp::parse_int64;

inline std::string invalid_expire_message(std::string_view command) {
  return "ERR invalid expire time in '" + std::string(command) + "' command";
}

// The store's relative ttl for an absolute deadline after now (at least 1 ms).
// The store turns the ttl back into a deadline with its own, slightly later,
// clock: keep that sum below INT64_MAX (deadlines within a minute of the year
// 292 million move by less than that minute).
inline std::uint64_t ttl_until(std::int64_t deadline_ms, std::int64_t now_ms) {
  constexpr std::int64_t kClockSlackMs = 60'000;
  const std::int64_t room = std::numeric_limits<std::int64_t>::max() - kClockSlackMs - now_ms;
  const std::int64_t ttl = std::min(deadline_ms - now_ms, room);
  return static_cast<std::uint64_t>(ttl < 1 ? 1 : ttl);
}

// Writes a failed response's error as Redis would for this command; true if
// `resp` failed (so the caller has replied).
inline bool replied_failure(const CommandContext& ctx, const protocol::Response& resp,
                            protocol::ReplyBuilder& reply) {
  if (resp.status == protocol::Status::ok) return false;
  reply_status_error(ctx, resp, reply);
  return true;
}

// Replies the response's integer, or its error.
inline void reply_integer(CommandContext& ctx, const protocol::Response& resp, protocol::ReplyBuilder& reply) {
  if (!replied_failure(ctx, resp, reply)) reply.integer(resp.integer);
}

// For a handler that runs the store's typed operations: a codec driven without
// a store (some unit tests) answers an error instead.
#define NEED_STORE(s)                 \
  Store* s = ctx.env().store;         \
  if (s == nullptr) return reply.error(kNoStore)

}  // namespace mnemo::server::commands
