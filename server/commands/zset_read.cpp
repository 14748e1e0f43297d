// The sorted-set reads (Redis 7.0's t_zset.c): ZSCORE, ZMSCORE, ZCARD,
// ZCOUNT, ZLEXCOUNT, ZRANK, ZREVRANK, ZRANGE with BYSCORE, BYLEX, REV,
// LIMIT and WITHSCORES, ZRANGESTORE, the older ZRANGEBYSCORE, ZREVRANGEBYSCORE,
// ZRANGEBYLEX, ZREVRANGEBYLEX, ZREVRANGE, and ZRANDMEMBER, ZSCAN. Each
// answers under the shard lock of its key.
#include <vector>

#include "server/commands/collection_cmd.h"
#include "server/commands/families.h"
#include "server/commands/zset_range.h"

namespace mnemo::server::commands {

namespace {

const ZSet* zset_of(CollectionTxn& t) { return t.get(0) ? &t.get(0)->zset() : nullptr; }

std::optional<double> score_of(const ZSet* z, std::string_view m) {
  return z == nullptr ? std::nullopt : z->score(m);
}

void reply_scored(ReplyBuilder& reply, const std::vector<Scored>& s, bool with_scores) {
  if (with_scores) reply.pairs(s.size());
  else reply.array(s.size());
  for (const Scored& e : s) {
    if (with_scores) reply.pair();
    reply.bulk(e.member);
    if (with_scores) reply.dbl(e.score);
  }
}

enum class RangeBy : std::uint8_t { any, rank, score, lex };

// ZRANGE's parsed arguments (zrangeGenericCommand).
struct RangeArgs {
  RangeBy by = RangeBy::any;
  int rev = -1;  // -1: REV may be given
  bool with_scores = false;
  std::int64_t offset = 0, limit = -1;
  std::int64_t start = 0, end = 0;
  ScoreRange score;
  LexRange lex;
};

// `src` is the source key's position (ZRANGESTORE's is 2); a store takes no WITHSCORES.
bool parse_range(ArgList argv, RangeArgs& a, ReplyBuilder& reply, std::size_t src = 1, bool store = false) {
  for (std::size_t j = src + 3; j < argv.size(); ++j) {
    const std::size_t left = argv.size() - j - 1;
    if (!store && iequals(argv[j], "withscores")) {
      a.with_scores = true;
    } else if (iequals(argv[j], "limit") && left >= 2) {
      if (!parse_int64(argv[j + 1], a.offset) || !parse_int64(argv[j + 2], a.limit)) return reply.error(kNotInteger), false;
      j += 2;
    } else if (a.rev == -1 && iequals(argv[j], "rev")) {
      a.rev = 2;
    } else if (a.by == RangeBy::any && iequals(argv[j], "bylex")) {
      a.by = RangeBy::lex;
    } else if (a.by == RangeBy::any && iequals(argv[j], "byscore")) {
      a.by = RangeBy::score;
    } else {
      return reply.error(kSyntax), false;
    }
  }
  if (a.by == RangeBy::any) a.by = RangeBy::rank;
  const bool reverse = a.rev == 1 || a.rev == 2;
  if (a.limit != -1 && a.by == RangeBy::rank) {
    return reply.error("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"), false;
  }
  if (a.with_scores && a.by == RangeBy::lex) {
    return reply.error("ERR syntax error, WITHSCORES not supported in combination with BYLEX"), false;
  }
  const bool swap = reverse && a.by != RangeBy::rank;
  const std::string_view min = argv[swap ? src + 2 : src + 1], max = argv[swap ? src + 1 : src + 2];
  if (a.by == RangeBy::rank && (!parse_int64(min, a.start) || !parse_int64(max, a.end))) {
    return reply.error(kNotInteger), false;
  }
  if (a.by == RangeBy::score && !parse_score_range(min, max, a.score)) {
    return reply.error("ERR min or max is not a float"), false;
  }
  if (a.by == RangeBy::lex && !parse_lex_range(min, max, a.lex)) {
    return reply.error("ERR min or max not valid string range item"), false;
  }
  return true;
}

// The members ZRANGE's arguments pick from z, in reply order.
std::vector<Scored> select(const ZSet& z, const RangeArgs& a) {
  const bool reverse = a.rev >= 1;
  if (a.by == RangeBy::rank) {
    const IndexRange r = clamp_range(a.start, a.end, static_cast<std::int64_t>(z.size()));
    return r.empty() ? std::vector<Scored>{} : by_rank(z, r.start, r.end, reverse);
  }
  if (a.offset > 0 && a.offset >= static_cast<std::int64_t>(z.size())) return {};  // Redis answers at once
  return a.by == RangeBy::score ? by_score(z, a.score, reverse, a.offset, a.limit)
                                : by_lex(z, a.lex, reverse, a.offset, a.limit);
}

}  // namespace

void cmd_zscore(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  run(ctx, reply, argv.subspan(1, 1), false, [&](CollectionTxn& t) -> Fault {
    if (t.wrong_type(0, kZSet)) return wrong_type();
    if (auto s = score_of(zset_of(t), argv[2])) reply.dbl(*s);
    else reply.null();
    return {};
  });
}

void cmd_zmscore(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  run(ctx, reply, argv.subspan(1, 1), false, [&](CollectionTxn& t) -> Fault {
    if (t.wrong_type(0, kZSet)) return wrong_type();
    reply.array(argv.size() - 2);
    for (std::size_t i = 2; i < argv.size(); ++i) {
      if (auto s = score_of(zset_of(t), argv[i])) reply.dbl(*s);
      else reply.null();
    }
    return {};
  });
}

void cmd_zcard(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  run(ctx, reply, argv.subspan(1, 1), false, [&](CollectionTxn& t) -> Fault {
    if (t.wrong_type(0, kZSet)) return wrong_type();
    reply.integer(zset_of(t) ? static_cast<std::int64_t>(zset_of(t)->size()) : 0);
    return {};
  });
}

// ZCOUNT key min max; ZLEXCOUNT key min max.
void cmd_zcount(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  const bool lex = argv[0].size() == 9;
  ScoreRange sr;
  LexRange lr;
  if (!lex && !parse_score_range(argv[2], argv[3], sr)) return reply.error("ERR min or max is not a float");
  if (lex && !parse_lex_range(argv[2], argv[3], lr)) return reply.error("ERR min or max not valid string range item");
  run(ctx, reply, argv.subspan(1, 1), false, [&](CollectionTxn& t) -> Fault {
    if (t.wrong_type(0, kZSet)) return wrong_type();
    const ZSet* z = zset_of(t);
    std::size_t n = 0;
    if (z != nullptr) n = lex ? by_lex(*z, lr, false, 0, -1).size() : by_score(*z, sr, false, 0, -1).size();
    reply.integer(static_cast<std::int64_t>(n));
    return {};
  });
}

// ZRANK, ZREVRANK key member.
void cmd_zrank(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  const bool rev = argv[0].size() == 8;
  run(ctx, reply, argv.subspan(1, 1), false, [&](CollectionTxn& t) -> Fault {
    if (t.wrong_type(0, kZSet)) return wrong_type();
    const ZSet* z = zset_of(t);
    const auto r = z == nullptr ? std::nullopt : z->rank(argv[2]);
    if (!r) {
      reply.null();
      return {};
    }
    const auto rank = static_cast<std::int64_t>(*r);
    reply.integer(rev ? static_cast<std::int64_t>(z->size()) - 1 - rank : rank);
    return {};
  });
}

// ZRANGE and the forms with the range kind and direction in their name.
void cmd_zrange(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  std::string name(argv[0]);
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  RangeArgs a;
  if (name != "zrange") {
    a.rev = name.starts_with("zrev") ? 1 : 0;
    a.by = name.ends_with("byscore") ? RangeBy::score : name.ends_with("bylex") ? RangeBy::lex : RangeBy::rank;
  }
  if (!parse_range(argv, a, reply)) return;
  run(ctx, reply, argv.subspan(1, 1), false, [&](CollectionTxn& t) -> Fault {
    if (t.wrong_type(0, kZSet)) return wrong_type();
    const ZSet* z = zset_of(t);
    if (z == nullptr) {
      reply.array(0);
      return {};
    }
    reply_scored(reply, select(*z, a), a.with_scores);
    return {};
  });
}

// ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count]:
// the range is written whole to dst (zrangeResultFinalizeStore).
void cmd_zrangestore(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  RangeArgs a;
  if (!parse_range(argv, a, reply, 2, true)) return;
  std::int64_t stored = 0;
  bool dst_existed = false;
  if (!run(ctx, reply, argv.subspan(1, 2), true, [&](CollectionTxn& t) -> Fault {
        if (t.wrong_type(1, kZSet)) return wrong_type();
        std::vector<Scored> out;
        if (t.get(1) != nullptr) out = select(t.get(1)->zset(), a);
        stored = static_cast<std::int64_t>(out.size());
        dst_existed = t.type(0).has_value();
        if (out.empty()) {
          t.remove(0);
          return {};
        }
        OpWriter& w = t.replace(0, kZSet);
        for (const Scored& e : out) w.zadd(e.member, e.score);
        return {};
      })) return;
  if (stored > 0) ctx.notify(pubsub::notify::kZset, "zrangestore", argv[1]);
  else if (dst_existed) ctx.notify(pubsub::notify::kGeneric, "del", argv[1]);
  reply.integer(stored);
}

void cmd_zrandmember(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  std::int64_t count = 1;
  const bool with_count = argv.size() >= 3;
  if (with_count && !parse_random_count(argv[2], count, reply)) return;
  const bool with_scores = argv.size() == 4 && iequals(argv[3], "withscores");
  if (argv.size() > 4 || (argv.size() == 4 && !with_scores)) return reply.error(kSyntax);
  if (with_scores && (count < -INT64_MAX / 2 || count > INT64_MAX / 2)) return reply.error("ERR value is out of range");
  run(ctx, reply, argv.subspan(1, 1), false, [&](CollectionTxn& t) -> Fault {
    if (t.wrong_type(0, kZSet)) return wrong_type();
    const ZSet* z = zset_of(t);
    if (z == nullptr) {
      if (with_count) reply.array(0);
      else reply.null();
      return {};
    }
    const std::vector<Scored> all(z->begin(), z->end());
    const auto picks = random_picks(all.size(), with_count ? count : 1);
    if (!with_count) {
      reply.bulk(all[picks[0]].member);
      return {};
    }
    std::vector<Scored> out;
    for (std::size_t i : picks) out.push_back(all[i]);
    reply_scored(reply, out, with_scores);
    return {};
  });
}

void cmd_zscan(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  CollectionScan scan;
  if (!parse_collection_scan(argv, scan, reply)) return;
  run(ctx, reply, argv.subspan(1, 1), false, [&](CollectionTxn& t) -> Fault {
    if (t.wrong_type(0, kZSet)) return wrong_type();
    const ZSet* z = zset_of(t);
    if (z == nullptr) {
      reply_empty_scan(reply);
      return {};
    }
    std::vector<Scored> found;
    for (const Scored e : *z) {
      if (scan.matches(e.member)) found.push_back(e);
    }
    reply.array(2);
    reply.bulk("0");
    reply.array(found.size() * 2);
    for (const Scored& e : found) {
      reply.bulk(e.member);
      reply.bulk(format_score(e.score));
    }
    return {};
  });
}

}  // namespace mnemo::server::commands
