#include "protocol/native_value.h"

#include <charconv>

#include "protocol/byte_io.h"

namespace mnemo::protocol::native {

namespace {

constexpr int kMaxDepth = 256;

struct Cursor {
  std::string_view s;
  std::size_t at = 0;

  // The line after the type byte, without its CRLF.
  bool line(std::string_view& out) {
    const std::size_t eol = s.find("\r\n", at);
    if (eol == std::string_view::npos) return false;
    out = s.substr(at, eol - at);
    at = eol + 2;
    return true;
  }
};

bool to_i64(std::string_view text, std::int64_t& v) {
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  return ec == std::errc() && p == text.data() + text.size();
}

void put_tagged_bytes(std::string& out, ValueTag tag, std::string_view bytes) {
  byte_io::put(out, static_cast<std::uint8_t>(tag));
  byte_io::put_bytes(out, bytes);
}

bool convert(Cursor& c, std::string& out, int depth) {
  if (c.at >= c.s.size() || depth > kMaxDepth) return false;
  const char kind = c.s[c.at++];
  std::string_view line;
  if (!c.line(line)) return false;
  std::int64_t n = 0;
  switch (kind) {
    case '+': put_tagged_bytes(out, ValueTag::status, line); return true;
    case '-': put_tagged_bytes(out, ValueTag::error, line); return true;
    case ':':
      if (!to_i64(line, n)) return false;
      byte_io::put(out, static_cast<std::uint8_t>(ValueTag::integer));
      byte_io::put(out, n);
      return true;
    case '$':
      if (!to_i64(line, n) || n < -1) return false;
      if (n == -1) return byte_io::put(out, static_cast<std::uint8_t>(ValueTag::nil)), true;
      if (c.s.size() - c.at < static_cast<std::uint64_t>(n) + 2 || c.s.substr(c.at + n, 2) != "\r\n") return false;
      put_tagged_bytes(out, ValueTag::bytes, c.s.substr(c.at, static_cast<std::size_t>(n)));
      c.at += static_cast<std::size_t>(n) + 2;
      return true;
    case '*':
      if (!to_i64(line, n) || n < -1 || n > 0xFFFFFFFFll) return false;
      if (n == -1) return byte_io::put(out, static_cast<std::uint8_t>(ValueTag::nil)), true;
      byte_io::put(out, static_cast<std::uint8_t>(ValueTag::array));
      byte_io::put(out, static_cast<std::uint32_t>(n));
      for (std::int64_t i = 0; i < n; ++i) {
        if (!convert(c, out, depth + 1)) return false;
      }
      return true;
    default:
      return false;
  }
}

}  // namespace

bool resp2_to_value(std::string_view resp2, std::string& out) {
  Cursor c{resp2};
  return convert(c, out, 0) && c.at == resp2.size();
}

Status status_for_error(std::string_view text) {
  const std::string_view code = text.substr(0, text.find(' '));
  if (code == "WRONGTYPE") return Status::wrong_type;
  if (code == "NOAUTH" || code == "WRONGPASS") return Status::unauthorized;
  if (code == "OOM") return Status::out_of_memory;
  if (code == "BUSY") return Status::busy;
  if (code == "READONLY" || code == "MISCONF") return Status::read_only;
  if (text.starts_with("ERR unknown command") || text.starts_with("ERR unknown subcommand")) {
    return Status::unknown_command;
  }
  return Status::bad_request;
}

}  // namespace mnemo::protocol::native
