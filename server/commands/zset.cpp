// The sorted-set writes (Redis 7.0's t_zset.c): ZADD with NX, XX, GT, LT,
// CH, INCR; ZINCRBY, ZREM, ZPOPMIN, ZPOPMAX, ZREMRANGEBYSCORE/RANK/LEX,
// ZUNIONSTORE, ZINTERSTORE. Each is one store collection operation; the
// journal records each member with its new score (zadd) or its removal.
// The reads are in zset_read.cpp.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <vector>

#include "server/commands/collection_cmd.h"
#include "server/commands/families.h"
#include "server/commands/zset_range.h"

namespace mnemo::server::commands {

namespace {

const ZSet* zset_of(CollectionTxn& t, std::size_t i) { return t.get(i) ? &t.get(i)->zset() : nullptr; }

struct ZAddFlags {
  bool nx = false, xx = false, gt = false, lt = false, ch = false, incr = false;
};

// Parses ZADD's options; the index of the first score, or 0 after replying an error.
std::size_t parse_zadd(ArgList argv, ZAddFlags& f, ReplyBuilder& reply) {
  std::size_t i = 2;
  for (; i < argv.size(); ++i) {
    const std::string_view o = argv[i];
    if (iequals(o, "nx")) f.nx = true;
    else if (iequals(o, "xx")) f.xx = true;
    else if (iequals(o, "ch")) f.ch = true;
    else if (iequals(o, "incr")) f.incr = true;
    else if (iequals(o, "gt")) f.gt = true;
    else if (iequals(o, "lt")) f.lt = true;
    else break;
  }
  const std::size_t elements = argv.size() - i;
  if (elements == 0 || elements % 2 != 0) return reply.error(kSyntax), 0;
  if (f.nx && f.xx) return reply.error("ERR XX and NX options at the same time are not compatible"), 0;
  if ((f.gt && f.nx) || (f.lt && f.nx) || (f.gt && f.lt)) {
    return reply.error("ERR GT, LT, and/or NX options at the same time are not compatible"), 0;
  }
  if (f.incr && elements > 2) return reply.error("ERR INCR option supports a single increment-element pair"), 0;
  return i;
}

// ZADD's and ZINCRBY's work: scores[j] for member argv[first + 2j + 1].
struct ZAddResult {
  std::int64_t added = 0, updated = 0, processed = 0;
  double score = 0;
};

Fault zadd_all(CollectionTxn& t, ArgList argv, std::size_t first, const std::vector<double>& scores,
               const ZAddFlags& f, ZAddResult& r) {
  if (t.wrong_type(0, kZSet)) return wrong_type();
  const ZSet* z = zset_of(t, 0);
  if (z == nullptr && f.xx) return {};
  absl::flat_hash_map<std::string_view, double> pending;  // members this command already set
  for (std::size_t j = 0; j < scores.size(); ++j) {
    const std::string_view m = argv[first + 2 * j + 1];
    double score = scores[j];
    std::optional<double> cur;
    if (auto p = pending.find(m); p != pending.end()) cur = p->second;
    else if (z != nullptr) {
      cur = z->score(m);
    }
    if (cur) {
      if (f.nx) continue;
      if (f.incr) {
        score += *cur;
        if (std::isnan(score)) return err("resulting score is not a number (NaN)");
      }
      if ((f.lt && score >= *cur) || (f.gt && score <= *cur)) continue;
      r.score = score;
      ++r.processed;
      if (score != *cur) ++r.updated;
      else continue;
    } else {
      if (f.xx) continue;
      r.score = score;
      ++r.processed;
      ++r.added;
    }
    if (score == 0) score = 0.0;  // -0 is stored as 0, as Redis answers it
    r.score = score;
    pending[m] = score;
    t.ops(0, kZSet).zadd(m, score);
  }
  return {};
}

void zadd_generic(CommandContext& ctx, ArgList argv, std::size_t first, const ZAddFlags& f, ReplyBuilder& reply) {
  std::vector<double> scores;
  for (std::size_t i = first; i < argv.size(); i += 2) {
    double d = 0;
    if (!parse_double(argv[i], d)) return reply.error(kNotFloat);
    scores.push_back(d);
  }
  ZAddResult r;
  if (!run(ctx, reply, argv.subspan(1, 1), true,
           [&](CollectionTxn& t) { return zadd_all(t, argv, first, scores, f, r); })) return;
  if (r.added + r.updated > 0) ctx.notify(pubsub::notify::kZset, f.incr ? "zincr" : "zadd", argv[1]);
  if (!f.incr) return reply.integer(f.ch ? r.added + r.updated : r.added);
  if (r.processed > 0) reply.dbl(r.score);
  else reply.null();
}

}  // namespace

void cmd_zadd(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  ZAddFlags f;
  const std::size_t first = parse_zadd(argv, f, reply);
  if (first != 0) zadd_generic(ctx, argv, first, f, reply);
}

void cmd_zincrby(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  ZAddFlags f;
  f.incr = true;
  zadd_generic(ctx, argv, 2, f, reply);
}

void cmd_zrem(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  std::int64_t removed = 0;
  bool emptied = false;
  if (!run(ctx, reply, argv.subspan(1, 1), true, [&](CollectionTxn& t) -> Fault {
        if (t.wrong_type(0, kZSet)) return wrong_type();
        const ZSet* z = zset_of(t, 0);
        if (z == nullptr) return {};
        absl::flat_hash_set<std::string_view> seen;
        for (std::size_t i = 2; i < argv.size(); ++i) {
          if (!z->contains(argv[i]) || !seen.insert(argv[i]).second) continue;
          t.ops(0, kZSet).zrem(argv[i]);
          ++removed;
        }
        emptied = removed > 0 && static_cast<std::size_t>(removed) == z->size();
        return {};
      })) return;
  if (removed > 0) ctx.notify(pubsub::notify::kZset, "zrem", argv[1]);
  if (emptied) ctx.notify(pubsub::notify::kGeneric, "del", argv[1]);
  reply.integer(removed);
}

// ZPOPMIN, ZPOPMAX key [count].
void cmd_zpop(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  if (argv.size() > 3) return reply.error(kSyntax);
  const bool max = argv[0][5] == 'a' || argv[0][5] == 'A';  // zpopMAx
  std::int64_t count = 1;
  if (argv.size() == 3 && (!parse_int64(argv[2], count) || count < 0)) return reply.error(kOutOfRange);
  if (count == 0) return reply.array(0);
  std::vector<std::pair<std::string, double>> popped;
  bool emptied = false;
  if (!run(ctx, reply, argv.subspan(1, 1), true, [&](CollectionTxn& t) -> Fault {
        if (t.wrong_type(0, kZSet)) return wrong_type();
        const ZSet* z = zset_of(t, 0);
        if (z == nullptr) return {};
        const auto n = std::min<std::uint64_t>(static_cast<std::uint64_t>(count), z->size());
        const auto picked = max ? by_rank(*z, 0, static_cast<std::int64_t>(n) - 1, true)
                                : by_rank(*z, 0, static_cast<std::int64_t>(n) - 1, false);
        for (const Scored& s : picked) {
          popped.emplace_back(s.member, s.score);
          t.ops(0, kZSet).zrem(s.member);
        }
        emptied = n > 0 && n == z->size();
        return {};
      })) return;
  if (!popped.empty()) ctx.notify(pubsub::notify::kZset, max ? "zpopmax" : "zpopmin", argv[1]);
  if (emptied) ctx.notify(pubsub::notify::kGeneric, "del", argv[1]);
  // With a count, RESP3 nests each pair (Redis 7); without, it stays one flat pair.
  const bool nested = argv.size() == 3;
  if (nested) reply.pairs(popped.size());
  else reply.array(popped.size() * 2);
  for (const auto& [m, s] : popped) {
    if (nested) reply.pair();
    reply.bulk(m);
    reply.dbl(s);
  }
}

// ZREMRANGEBYSCORE, ZREMRANGEBYRANK, ZREMRANGEBYLEX key min max.
void cmd_zremrange(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  // zremrangeby[S]core, [R]ank, [L]ex
  const char kind = static_cast<char>(std::tolower(static_cast<unsigned char>(argv[0][11])));
  std::int64_t start = 0, end = 0;
  ScoreRange sr;
  LexRange lr;
  if (kind == 'r' && (!parse_int64(argv[2], start) || !parse_int64(argv[3], end))) return reply.error(kNotInteger);
  if (kind == 's' && !parse_score_range(argv[2], argv[3], sr)) return reply.error("ERR min or max is not a float");
  if (kind == 'l' && !parse_lex_range(argv[2], argv[3], lr)) {
    return reply.error("ERR min or max not valid string range item");
  }
  std::int64_t removed = 0;
  bool emptied = false;
  if (!run(ctx, reply, argv.subspan(1, 1), true, [&](CollectionTxn& t) -> Fault {
        if (t.wrong_type(0, kZSet)) return wrong_type();
        const ZSet* z = zset_of(t, 0);
        if (z == nullptr) return {};
        std::vector<Scored> gone;
        if (kind == 'r') {
          const IndexRange r = clamp_range(start, end, static_cast<std::int64_t>(z->size()));
          if (!r.empty()) gone = by_rank(*z, r.start, r.end, false);
        } else if (kind == 's') {
          gone = by_score(*z, sr, false, 0, -1);
        } else {
          gone = by_lex(*z, lr, false, 0, -1);
        }
        for (const Scored& s : gone) t.ops(0, kZSet).zrem(s.member);
        removed = static_cast<std::int64_t>(gone.size());
        emptied = removed > 0 && gone.size() == z->size();
        return {};
      })) return;
  if (removed > 0) {
    ctx.notify(pubsub::notify::kZset,
               kind == 'r' ? "zremrangebyrank" : kind == 's' ? "zremrangebyscore" : "zremrangebylex", argv[1]);
  }
  if (emptied) ctx.notify(pubsub::notify::kGeneric, "del", argv[1]);
  reply.integer(removed);
}

}  // namespace mnemo::server::commands
