// The bytes of an invalidation frame (Redis's sendTrackingMessage): pure
// functions, so that tests and the fuzzer can check them without a server.
// Thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace mnemo::server::tracking {

// RESP3: `>2\r\n$10\r\ninvalidate\r\n` then the keys as an array, or `_` when
// `keys` is null (a flush: every key).
void append_push_invalidation(std::string& out, const std::span<const std::string_view>* keys);
// RESP2 with REDIRECT: the pub/sub message `*3 message __redis__:invalidate`
// then the keys as an array, or `$-1` for a flush.
void append_message_invalidation(std::string& out, const std::span<const std::string_view>* keys);
// RESP3 only: `>2 tracking-redir-broken :<id>`, told to a connection whose
// REDIRECT target has gone.
void append_redirect_broken(std::string& out, std::uint64_t target);

inline constexpr std::string_view kInvalidateChannel = "__redis__:invalidate";

}  // namespace mnemo::server::tracking
