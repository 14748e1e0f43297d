// Framing shared by the native codec's request and response decoders.
// Internal to protocol/. Thread-safe (no shared state).
#pragma once

#include <string_view>

#include "protocol/native_codec.h"

namespace mnemo::protocol::native::detail {

// Looks at the first frame of `buf`. Returns true and sets `body` (a view of
// the whole body, header included) and r.consumed when a complete frame is
// present. Returns false with r.state == need_more when more bytes are needed,
// or r.state == fatal when the length prefix is over the limit or shorter than
// a header.
bool split_frame(std::string_view buf, const Limits& limits, DecodeResult& r,
                 std::string_view& body);

// Marks `r` as a bad_frame with the given status and static message.
inline void reject(DecodeResult& r, Status s, std::string_view msg) {
  r.state = DecodeState::bad_frame;
  r.status = s;
  r.message = msg;
}

}  // namespace mnemo::protocol::native::detail
