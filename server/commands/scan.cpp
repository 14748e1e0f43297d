// SCAN cursor [MATCH pattern] [COUNT n] [TYPE type]: a prefix scan of the
// store, with integer cursors mapped to the store's opaque ones per
// connection (the last 64), and MATCH applied as Redis's glob.
#include <algorithm>
#include <limits>

#include "server/commands/helpers.h"
#include "server/commands/keys.h"
#include "server/commands/keys_store.h"

namespace mnemo::server::commands {

using protocol::Opcode;
using protocol::Response;

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

void reply_scan(CommandContext& ctx, const Response& resp, ReplyBuilder& reply) {
  if (replied_failure(ctx, resp, reply)) return;
  Session& session = ctx.session();
  reply.array(2);
  if (resp.text.empty()) {
    reply.bulk("0");
  } else {
    const std::uint64_t id = session.next_cursor_id++;
    session.scan_cursors.emplace_back(id, resp.text);
    if (session.scan_cursors.size() > kMaxCursors) session.scan_cursors.pop_front();
    reply.bulk_integer(id);
  }
  const StepScratch& s = ctx.scratch();
  if (s.options == 0) {
    reply.array(resp.keys.size());
    for (const std::string& key : resp.keys) reply.bulk(key);
    return;
  }
  const auto matched = std::count_if(resp.keys.begin(), resp.keys.end(),
                                     [&](const std::string& k) { return glob_match(s.arg, k, false); });
  reply.array(static_cast<std::size_t>(matched));
  for (const std::string& key : resp.keys) {
    if (glob_match(s.arg, key, false)) reply.bulk(key);
  }
}

}  // namespace

void cmd_scan(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  std::uint64_t cursor_id = 0;
  if (!parse_cursor(argv[1], cursor_id)) return reply.error("ERR invalid cursor");
  protocol::Request& req = ctx.request();
  std::string_view pattern = "*";
  std::string_view type;
  for (std::size_t i = 2; i < argv.size(); i += 2) {
    if (i + 1 >= argv.size()) return reply.error(kSyntax);
    const std::string_view option = argv[i];
    if (iequals(option, "match")) {
      pattern = argv[i + 1];
    } else if (iequals(option, "count")) {
      std::int64_t n = 0;
      if (!parse_int64(argv[i + 1], n)) return reply.error(kNotInteger);
      if (n < 1) return reply.error(kSyntax);
      req.count = static_cast<std::uint32_t>(std::min<std::int64_t>(n, std::numeric_limits<std::uint32_t>::max()));
    } else if (iequals(option, "type")) {
      type = argv[i + 1];
    } else {
      return reply.error(kSyntax);
    }
  }
  // The store's integer cursors are valid on any connection.
  if (store_scan(ctx, cursor_id, pattern, req.count, type, reply)) return;
  // Without a store (codec tests): the request's prefix scan; narrow the scan to the pattern's literal prefix and
  // filter the rest here, so a page may come back with fewer keys, or none.
  StepScratch& s = ctx.scratch();
  s.key = glob_literal_prefix(pattern);
  s.options = glob_is_prefix_only(pattern) ? 0 : 1;
  s.arg.assign(pattern);
  if (cursor_id != 0) {
    auto& cursors = ctx.session().scan_cursors;
    auto it = std::find_if(cursors.begin(), cursors.end(), [&](const auto& c) { return c.first == cursor_id; });
    if (it == cursors.end()) return reply.error("ERR invalid cursor");
    req.value = it->second;
  }
  if (!type.empty() && !iequals(type, "string")) {
    reply.array(2);  // every mnemo value is a string
    reply.bulk("0");
    reply.array(0);
    return;
  }
  req.key = s.key;
  ctx.submit(Opcode::scan, reply_scan);
}

}  // namespace mnemo::server::commands
