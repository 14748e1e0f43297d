#include "server/commands/collection_cmd.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <random>
#include <cmath>
#include <charconv>
#include <cstdio>
#include <cstdlib>

namespace mnemo::server::commands {

using protocol::Status;

void reply_collection_error(const CommandContext& ctx, const protocol::Error& e, ReplyBuilder& reply) {
  if (e.status == Status::bad_request || e.status == Status::too_large || e.status == Status::not_found) {
    // Texts that carry their own prefix (WRONGTYPE is a status of its own) pass through.
    if (e.message.starts_with("ERR ")) return reply.error(e.message);
    return reply.error("ERR " + e.message);
  }
  protocol::Response r;
  r.fail(e.status, e.message);
  reply_status_error(ctx, r, reply);
}

std::optional<std::uint64_t> run(CommandContext& ctx, ReplyBuilder& reply, ArgList keys, bool write,
                                 Store::CollectionFn fn) {
  Store* store = ctx.env().store;
  if (store == nullptr) {
    reply.error(kNoStoreText);
    return std::nullopt;
  }
  auto r = store->collections(ctx.session().db, keys, write, fn);
  if (!r) {
    reply_collection_error(ctx, r.error(), reply);
    return std::nullopt;
  }
  return *r;
}

bool parse_double(std::string_view s, double& out) {
  if (s.empty() || s.size() > 5000 || std::isspace(static_cast<unsigned char>(s[0]))) return false;
  const std::string buf(s);
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(buf.c_str(), &end);
  if (end != buf.c_str() + buf.size() || (errno == ERANGE && (v == HUGE_VAL || v == -HUGE_VAL || v == 0)) ||
      std::isnan(v)) {
    return false;
  }
  out = v;
  return true;
}

bool parse_count(std::string_view s, std::int64_t& out) { return parse_int64(s, out); }

IndexRange clamp_range(std::int64_t start, std::int64_t end, std::int64_t len) {
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (start > end || start >= len) return {0, -1};
  if (end >= len) end = len - 1;
  return {start, end};
}

}  // namespace mnemo::server::commands

namespace mnemo::server::commands {

bool parse_collection_scan(ArgList argv, CollectionScan& out, ReplyBuilder& reply) {
  // Redis's parseScanCursorOrReply: strtoul over the whole word (so "-1"
  // and "" pass), no leading space, no overflow.
  const std::string c(argv[2]);
  char* end = nullptr;
  errno = 0;
  (void)std::strtoul(c.c_str(), &end, 10);
  if ((!c.empty() && std::isspace(static_cast<unsigned char>(c[0]))) || *end != '\0' || errno == ERANGE) {
    reply.error("ERR invalid cursor");
    return false;
  }
  for (std::size_t i = 3; i < argv.size(); i += 2) {
    const bool has_value = i + 1 < argv.size();
    if (iequals(argv[i], "count") && has_value) {
      std::int64_t n = 0;
      if (!parse_int64(argv[i + 1], n)) {
        reply.error(kNotInteger);
        return false;
      }
      if (n < 1) {
        reply.error(kSyntax);
        return false;
      }
    } else if (iequals(argv[i], "match") && has_value) {
      out.pattern = argv[i + 1];
      out.use_pattern = out.pattern != "*";
    } else {
      reply.error(kSyntax);
      return false;
    }
  }
  return true;
}

void reply_empty_scan(ReplyBuilder& reply) {
  reply.array(2);
  reply.bulk("0");
  reply.array(0);
}

std::string format_score(double d) {
  if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
  char buf[64];
  const int n = std::snprintf(buf, sizeof buf, "%.17g", d);
  return std::string(buf, static_cast<std::size_t>(n));
}

}  // namespace mnemo::server::commands

namespace mnemo::server::commands {

bool parse_random_count(std::string_view s, std::int64_t& out, ReplyBuilder& reply) {
  if (!parse_int64(s, out)) {
    reply.error(kNotInteger);
    return false;
  }
  if (out == INT64_MIN) {
    reply.error("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
    return false;
  }
  return true;
}

std::vector<std::size_t> random_picks(std::size_t n, std::int64_t count) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::vector<std::size_t> out;
  if (n == 0 || count == 0) return out;
  if (count < 0) {
    std::uniform_int_distribution<std::size_t> pick(0, n - 1);
    const auto want = static_cast<std::uint64_t>(-count);
    out.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(want, 1u << 20)));
    for (std::uint64_t i = 0; i < want; ++i) out.push_back(pick(rng));
    return out;
  }
  out.resize(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = i;
  // A count of the whole collection or more answers every element in the
  // collection's own order, as Redis does (SRANDMEMBER, HRANDFIELD and
  // ZRANDMEMBER's "case 1", SPOP's whole set).
  if (static_cast<std::uint64_t>(count) >= n) return out;
  std::shuffle(out.begin(), out.end(), rng);
  out.resize(static_cast<std::size_t>(count));
  return out;
}

}  // namespace mnemo::server::commands

namespace mnemo::server::commands {

// Redis keeps a set of at most 512
// members that are all integers (set-max-intset-entries) as an intset,
// sorted by value, and answers SMEMBERS, SSCAN and the results of SINTER,
// SUNION and SDIFF in that order; any other set is a hash table whose order
// is unspecified. Applications print these replies, so mnemo sorts where
// Redis's order is defined.
std::vector<std::string_view> redis_order(std::vector<std::string_view> members) {
  if (members.size() > 512) return members;
  std::vector<std::pair<std::int64_t, std::string_view>> ints;
  ints.reserve(members.size());
  for (std::string_view m : members) {
    std::int64_t v = 0;
    if (!parse_i64_strict(m, v)) return members;
    ints.emplace_back(v, m);
  }
  std::sort(ints.begin(), ints.end());
  for (std::size_t i = 0; i < ints.size(); ++i) members[i] = ints[i].second;
  return members;
}

}  // namespace mnemo::server::commands
