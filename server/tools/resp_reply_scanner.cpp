#include "server/tools/resp_reply_scanner.h"

#include <algorithm>
#include <cstring>

namespace mnemo::tools {

namespace {

// Parses the decimal length of a header ("-1", "3"); false if it is not one.
bool parse_length(std::string_view s, std::int64_t& out) {
  bool negative = false;
  if (!s.empty() && s[0] == '-') {
    negative = true;
    s.remove_prefix(1);
  }
  if (s.empty() || s.size() > 18) return false;
  std::int64_t v = 0;
  for (char ch : s) {
    if (ch < '0' || ch > '9') return false;
    v = v * 10 + (ch - '0');
  }
  out = negative ? -v : v;
  return true;
}

}  // namespace

ScanCounts RespReplyScanner::feed(std::string_view bytes) {
  ScanCounts c;
  const char* p = bytes.data();
  const char* const end = p + bytes.size();
  while (p < end && !failed_) {
    if (skip_ > 0) {
      // Payloads are skipped unread: their content does not matter to the count.
      const auto n = std::min<std::uint64_t>(skip_, static_cast<std::uint64_t>(end - p));
      p += n;
      skip_ -= n;
      if (skip_ == 0) complete(Kind::value, c);
      continue;
    }
    const auto* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
    if (nl == nullptr) {
      line_.append(p, end);
      break;
    }
    std::string_view line(p, static_cast<std::size_t>(nl + 1 - p));
    if (!line_.empty()) {
      line_.append(line);
      line = line_;
    }
    p = nl + 1;
    on_line(line, c);
    line_.clear();
  }
  return c;
}

void RespReplyScanner::on_line(std::string_view line, ScanCounts& c) {
  if (line.size() < 3 || line[line.size() - 2] != '\r') {
    failed_ = true;
    return;
  }
  const char type = line[0];
  const std::string_view body = line.substr(1, line.size() - 3);
  std::int64_t n = 0;
  switch (type) {
    case '+': case ':': case ',': case '#': case '_': case '(':
      return complete(Kind::value, c);
    case '-':
      note_error(body, c);
      return complete(Kind::value, c);
    case '$': case '!': case '=':
      if (!parse_length(body, n) || (n < 0 && type != '$')) break;
      if (type == '!') note_error("blob error", c);
      if (n < 0) return complete(Kind::value, c);  // nil bulk string
      skip_ = static_cast<std::uint64_t>(n) + 2;
      return;
    case '*': case '~': case '>':
      if (!parse_length(body, n)) break;
      return on_aggregate(n, type == '>' ? Kind::push : Kind::value, c);
    case '%': case '|':
      if (!parse_length(body, n) || n < 0) break;
      return on_aggregate(2 * n, type == '|' ? Kind::attribute : Kind::value, c);
    default:
      break;
  }
  failed_ = true;
}

void RespReplyScanner::on_aggregate(std::int64_t n, Kind kind, ScanCounts& c) {
  if (n > 0) {
    stack_.push_back({n, kind});
  } else if (kind != Kind::attribute) {
    complete(kind, c);  // empty or nil aggregate: a whole value already
  }
}

// A value ended: close every aggregate it was the last element of. An
// attribute annotates the value after it, so closing one consumes no element.
void RespReplyScanner::complete(Kind kind, ScanCounts& c) {
  while (!stack_.empty()) {
    if (--stack_.back().remaining > 0) return;
    kind = stack_.back().kind;
    stack_.pop_back();
    if (kind == Kind::attribute) return;
  }
  ++(kind == Kind::push ? c.pushes : c.replies);
}

void RespReplyScanner::note_error(std::string_view text, ScanCounts& c) {
  ++c.errors;
  if (first_error_.empty()) first_error_.assign(text);
}

}  // namespace mnemo::tools
