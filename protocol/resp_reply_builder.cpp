#include "protocol/resp_reply_builder.h"

#include <cmath>
#include <cstdio>

namespace mnemo::protocol::resp {

// Redis 7 sends a RESP2 double as a bulk string: "inf", "-inf", or %.17g.
void Resp2ReplyBuilder::dbl(double value) {
  if (std::isinf(value)) {
    append_bulk(*out_, value > 0 ? "inf" : "-inf");
    return;
  }
  char buf[64];
  const int n = std::snprintf(buf, sizeof buf, "%.17g", value);
  append_bulk(*out_, std::string_view(buf, static_cast<std::size_t>(n)));
}

}  // namespace mnemo::protocol::resp
