// Reads the entry ids out of XREADGROUP / XREAD replies for mnemo-bench-resp's
// --xack mode, which acknowledges what each read delivered, as a consumer
// does: the RESP2 reply is *N of [key, *M of [id, fields]]. Any other reply
// (XACK's integer, nil, an error) is sized and yields no ids.
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace mnemo::tools {

struct StreamIds {
  std::string_view key;               // the first stream's key (views the input)
  std::vector<std::string_view> ids;  // the entries' ids, in reply order (view the input)
};

constexpr std::size_t kReplyIncomplete = 0;
constexpr std::size_t kReplyMalformed = static_cast<std::size_t>(-1);

// Parses the one reply at the start of `in`: its size in bytes, or
// kReplyIncomplete when more bytes are needed, or kReplyMalformed. `out` is
// filled only when the reply is complete.
std::size_t parse_stream_reply(std::string_view in, StreamIds& out);

// Appends "XACK key group id ..." (RESP) to `out`.
void append_xack(std::string_view key, std::string_view group, const std::vector<std::string_view>& ids,
                 std::string& out);

}  // namespace mnemo::tools
