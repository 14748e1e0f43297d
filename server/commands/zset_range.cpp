#include "server/commands/zset_range.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <iterator>
#include <limits>

namespace mnemo::server::commands {

namespace {

bool parse_bound(std::string_view s, double& v, bool& ex) {
  ex = !s.empty() && s[0] == '(';
  const std::string buf(ex ? s.substr(1) : s);
  char* end = nullptr;
  v = std::strtod(buf.c_str(), &end);
  // Redis checks that strtod stopped at the end of the C string.
  return *end == '\0' && !std::isnan(v);
}

bool parse_lex_item(std::string_view s, std::string& dest, bool& ex, bool& inf, bool& plus) {
  if (s.empty()) return false;
  inf = false;
  plus = false;
  switch (s[0]) {
    case '+':
    case '-':
      if (s.size() != 1) return false;
      ex = true;
      inf = true;
      plus = s[0] == '+';
      return true;
    case '(':
    case '[':
      ex = s[0] == '(';
      dest.assign(s.substr(1));
      return true;
    default:
      return false;
  }
}

// Applies offset and limit to members as they come, in order.
struct Pager {
  std::int64_t offset, limit;
  std::vector<Scored> out;
  bool done() const { return offset < 0 || (limit >= 0 && static_cast<std::int64_t>(out.size()) >= limit); }
  void take(const Scored& e) {
    if (offset > 0) {
      --offset;
      return;
    }
    out.push_back(e);
  }
};

template <typename It, typename In, typename Past>
std::vector<Scored> walk(It first, It last, In in, Past past, std::int64_t offset, std::int64_t limit) {
  Pager p{offset, limit, {}};
  for (It it = first; it != last && !p.done(); ++it) {
    if (past(*it)) break;
    if (in(*it)) p.take(*it);
  }
  return std::move(p.out);
}

}  // namespace

bool parse_score_range(std::string_view min, std::string_view max, ScoreRange& out) {
  return parse_bound(min, out.min, out.minex) && parse_bound(max, out.max, out.maxex);
}

bool parse_lex_range(std::string_view min, std::string_view max, LexRange& out) {
  bool min_plus = false, max_plus = false;
  if (!parse_lex_item(min, out.min, out.minex, out.min_inf, min_plus)) return false;
  if (!parse_lex_item(max, out.max, out.maxex, out.max_inf, max_plus)) return false;
  out.neg_all = (out.min_inf && min_plus) || (out.max_inf && !max_plus);
  return true;
}

std::vector<Scored> by_rank(const ZSet& z, std::int64_t start, std::int64_t end, bool reverse) {
  std::vector<Scored> out;
  if (end < start) return out;
  out.reserve(static_cast<std::size_t>(end - start + 1));
  const auto n = static_cast<std::int64_t>(z.size());
  // ZREVRANGE 0 9 of a large set (a leaderboard's top ten) starts near the
  // end: at_rank steps from whichever end is nearer.
  auto it = z.at_rank(static_cast<std::size_t>(reverse ? n - 1 - end : start));
  for (std::int64_t i = 0; i <= end - start; ++i, ++it) out.push_back(*it);
  if (reverse) std::reverse(out.begin(), out.end());
  return out;
}

std::vector<Scored> by_score(const ZSet& z, const ScoreRange& r, bool reverse, std::int64_t offset,
                             std::int64_t limit) {
  auto in = [&](const Scored& e) { return r.contains(e.score); };
  if (!reverse) {
    return walk(z.lower_bound(r.min, {}), z.end(), in, [&](const Scored& e) { return !r.below_max(e.score); },
                offset, limit);
  }
  // The first member scored above max: every member at max sorts before it.
  auto to = std::isinf(r.max) && r.max > 0 ? z.end()
                                            : z.lower_bound(std::nextafter(r.max, std::numeric_limits<double>::infinity()), {});
  return walk(std::make_reverse_iterator(to), std::make_reverse_iterator(z.begin()), in,
              [&](const Scored& e) { return !r.above_min(e.score); }, offset, limit);
}

std::vector<Scored> by_lex(const ZSet& z, const LexRange& r, bool reverse, std::int64_t offset, std::int64_t limit) {
  auto in = [&](const Scored& e) { return r.contains(e.member); };
  if (!reverse) {
    return walk(z.begin(), z.end(), in, [&](const Scored& e) { return !r.below_max(e.member); }, offset, limit);
  }
  return walk(std::make_reverse_iterator(z.end()), std::make_reverse_iterator(z.begin()), in,
              [&](const Scored& e) { return !r.above_min(e.member); }, offset, limit);
}

}  // namespace mnemo::server::commands
