// SCAN cursor [MATCH pattern] [COUNT n] [TYPE type]: a prefix scan with
// integer cursors mapped to mnemo's opaque ones (see resp_codec.h).
#include <algorithm>
#include <limits>

#include "protocol/resp_writer.h"
#include "server/resp_codec.h"
#include "server/resp_text.h"

namespace mnemo::server {

namespace resp = protocol::resp;
using protocol::Opcode;
using protocol::Request;

namespace {

// Enough for a few interleaved scans on one connection; older cursors expire.
constexpr std::size_t kMaxCursors = 64;

// Redis reads cursors with strtoul and refuses only a leading blank, trailing
// bytes and overflow: "", "+0" and "-0" are cursor 0, and "-n" wraps around.
bool parse_cursor(std::string_view s, std::uint64_t& out) {
  if (s.empty()) {
    out = 0;
    return true;
  }
  const bool negative = s[0] == '-';
  if (negative || s[0] == '+') s.remove_prefix(1);
  if (s.empty() || s.size() > 20) return false;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (v > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) return false;
    v = v * 10 + digit;
  }
  out = negative ? 0 - v : v;
  return true;
}

}  // namespace

NextKind RespCodec::cmd_scan(Args argv, Request& req, std::string& out) {
  std::uint64_t cursor_id = 0;
  if (!parse_cursor(argv[1], cursor_id)) return reply_error(out, "ERR invalid cursor");
  std::string_view pattern = "*";
  std::string_view type;
  for (std::size_t i = 2; i < argv.size(); i += 2) {
    if (i + 1 >= argv.size()) return reply_error(out, "ERR syntax error");
    const std::string_view option = argv[i];
    if (iequals(option, "match")) {
      pattern = argv[i + 1];
    } else if (iequals(option, "count")) {
      std::int64_t n = 0;
      if (!resp::parse_int64(argv[i + 1], n)) return reply_error(out, "ERR value is not an integer or out of range");
      if (n < 1) return reply_error(out, "ERR syntax error");
      req.count = static_cast<std::uint32_t>(std::min<std::int64_t>(n, std::numeric_limits<std::uint32_t>::max()));
    } else if (iequals(option, "type")) {
      type = argv[i + 1];
    } else {
      return reply_error(out, "ERR syntax error");
    }
  }
  // The store scans by prefix: narrow the scan to the pattern's literal prefix and
  // filter the rest here, so a page may come back with fewer keys, or none.
  scan_prefix_ = glob_literal_prefix(pattern);
  scan_filter_ = !glob_is_prefix_only(pattern);
  if (scan_filter_) scan_pattern_.assign(pattern);
  if (cursor_id != 0) {
    auto it = std::find_if(cursors_.begin(), cursors_.end(), [&](const auto& c) { return c.first == cursor_id; });
    if (it == cursors_.end()) return reply_error(out, "ERR invalid cursor");
    req.value = it->second;
  }
  if (!type.empty() && !iequals(type, "string")) {
    out.append("*2\r\n$1\r\n0\r\n*0\r\n");  // every mnemo value is a string
    return NextKind::replied;
  }
  req.key = scan_prefix_;
  return want(ReplyKind::scan, Opcode::scan, req);
}

void RespCodec::encode_scan(const protocol::Response& resp, std::string& out) {
  resp::append_array_header(out, 2);
  if (resp.text.empty()) {
    resp::append_bulk(out, "0");
  } else {
    const std::uint64_t id = next_cursor_id_++;
    cursors_.emplace_back(id, resp.text);
    if (cursors_.size() > kMaxCursors) cursors_.pop_front();
    resp::append_bulk_integer(out, id);
  }
  if (!scan_filter_) {
    resp::append_array_header(out, resp.keys.size());
    for (const std::string& key : resp.keys) resp::append_bulk(out, key);
    return;
  }
  std::size_t matched = 0;
  std::string keys;
  for (const std::string& key : resp.keys) {
    if (!glob_match(scan_pattern_, key, false)) continue;
    resp::append_bulk(keys, key);
    ++matched;
  }
  resp::append_array_header(out, matched);
  out.append(keys);
}

}  // namespace mnemo::server
