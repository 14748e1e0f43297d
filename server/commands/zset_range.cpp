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
  void take(const std::pair<double, std::string>& e) {
    if (offset > 0) {
      --offset;
      return;
    }
    out.push_back({&e.second, e.first});
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
  const auto n = static_cast<std::int64_t>(z.order.size());
  // btree iterators step one at a time: walk from the nearer end.
  const std::int64_t first = reverse ? n - 1 - end : start;
  // ZREVRANGE 0 9 of a large set (a leaderboard's top ten) starts near the
  // end: step from whichever end is nearer.
  auto it = z.order.begin();
  if (first > n / 2) {
    it = z.order.end();
    std::advance(it, -(n - first));
  } else {
    std::advance(it, first);
  }
  for (std::int64_t i = 0; i <= end - start; ++i, ++it) out.push_back({&it->second, it->first});
  if (reverse) std::reverse(out.begin(), out.end());
  return out;
}

std::vector<Scored> by_score(const ZSet& z, const ScoreRange& r, bool reverse, std::int64_t offset,
                             std::int64_t limit) {
  using E = std::pair<double, std::string>;
  auto in = [&](const E& e) { return r.contains(e.first); };
  if (!reverse) {
    auto from = z.order.lower_bound(E{r.min, std::string()});
    return walk(from, z.order.end(), in, [&](const E& e) { return !r.below_max(e.first); }, offset, limit);
  }
  // The first member scored above max: every member at max sorts before it.
  auto to = std::isinf(r.max) && r.max > 0
                ? z.order.end()
                : z.order.lower_bound(E{std::nextafter(r.max, std::numeric_limits<double>::infinity()), std::string()});
  return walk(std::make_reverse_iterator(to), z.order.rend(), in,
              [&](const E& e) { return !r.above_min(e.first); }, offset, limit);
}

std::vector<Scored> by_lex(const ZSet& z, const LexRange& r, bool reverse, std::int64_t offset, std::int64_t limit) {
  using E = std::pair<double, std::string>;
  auto in = [&](const E& e) { return r.contains(e.second); };
  if (!reverse) {
    return walk(z.order.begin(), z.order.end(), in, [&](const E& e) { return !r.below_max(e.second); }, offset,
                limit);
  }
  return walk(z.order.rbegin(), z.order.rend(), in, [&](const E& e) { return !r.above_min(e.second); }, offset,
              limit);
}

}  // namespace mnemo::server::commands
