// Score and lexicographic ranges of the sorted-set commands, parsed as Redis
// 7.0's zslParseRange and zslParseLexRange do, and walking a sorted set in
// order. Internal to server/commands (zset.cpp, zset_read.cpp).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "server/collection.h"

namespace mnemo::server::commands {

// The type every sorted-set command checks its key against.
inline constexpr ValueType kZSet = ValueType::zset;

struct ScoreRange {
  double min = 0, max = 0;
  bool minex = false, maxex = false;
  bool above_min(double v) const { return minex ? v > min : v >= min; }
  bool below_max(double v) const { return maxex ? v < max : v <= max; }
  bool contains(double v) const { return above_min(v) && below_max(v); }
};
// "(" for exclusive, strtod for the rest (so "" is 0, as in Redis); NaN refused.
bool parse_score_range(std::string_view min, std::string_view max, ScoreRange& out);

struct LexRange {
  std::string min, max;
  bool minex = false, maxex = false;
  bool min_inf = false, max_inf = false;  // "-" and "+"
  bool neg_all = false;                   // min is "+" or max is "-": nothing can match
  bool above_min(std::string_view m) const { return min_inf ? !neg_all : (minex ? m > min : m >= min); }
  bool below_max(std::string_view m) const { return max_inf ? !neg_all : (maxex ? m < max : m <= max); }
  bool contains(std::string_view m) const { return above_min(m) && below_max(m); }
};
bool parse_lex_range(std::string_view min, std::string_view max, LexRange& out);

// A member and its score, borrowed from a sorted set (valid until it changes).
using Scored = ZSet::Entry;

// The members in rank order (or reverse), from rank `start` to `end` inclusive (already clamped).
std::vector<Scored> by_rank(const ZSet& z, std::int64_t start, std::int64_t end, bool reverse);
// Members with scores (or names) in range, in order or reverse, after skipping
// `offset` of them and taking up to `limit` (negative: no limit). An offset
// below 0 yields nothing, as in Redis.
std::vector<Scored> by_score(const ZSet& z, const ScoreRange& r, bool reverse, std::int64_t offset, std::int64_t limit);
std::vector<Scored> by_lex(const ZSet& z, const LexRange& r, bool reverse, std::int64_t offset, std::int64_t limit);

}  // namespace mnemo::server::commands
