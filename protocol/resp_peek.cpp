#include "protocol/resp_peek.h"

#include <algorithm>

namespace mnemo::protocol::resp {

namespace {

// Reads "<prefix><decimal>\r\n" at `at`; returns false when it is not there
// whole or the number is over `max`.
bool read_header(std::string_view buf, std::size_t& at, char prefix, std::size_t max, std::size_t& n) {
  if (at >= buf.size() || buf[at] != prefix) return false;
  std::size_t i = at + 1;
  n = 0;
  const std::size_t digits_from = i;
  while (i < buf.size() && buf[i] >= '0' && buf[i] <= '9') {
    n = n * 10 + static_cast<std::size_t>(buf[i] - '0');
    if (n > max) return false;
    ++i;
  }
  if (i == digits_from || (buf[digits_from] == '0' && i > digits_from + 1)) return false;  // as Redis: no leading zeros
  if (i + 1 >= buf.size() || buf[i] != '\r' || buf[i + 1] != '\n') return false;
  at = i + 2;
  return true;
}

}  // namespace

RespPeek peek_command(std::string_view buf, const RespLimits& limits, std::size_t max_args) {
  RespPeek p;
  std::size_t at = 0;
  std::size_t args = 0;
  if (!read_header(buf, at, '*', std::min(limits.max_array_len, max_args), args) || args == 0) return p;
  std::string_view key;
  for (std::size_t i = 0; i < args; ++i) {
    std::size_t len = 0;
    if (!read_header(buf, at, '$', limits.max_bulk_bytes, len)) return p;
    if (buf.size() - at < len + 2 || buf[at + len] != '\r' || buf[at + len + 1] != '\n') return p;
    if (i == 1) key = buf.substr(at, len);
    at += len + 2;
  }
  p.size = at;
  p.key = key;
  return p;
}

}  // namespace mnemo::protocol::resp
