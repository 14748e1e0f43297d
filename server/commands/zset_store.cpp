// The sorted-set algebra (Redis 7.0's zunionInterDiffGenericCommand):
// ZUNIONSTORE, ZINTERSTORE, ZDIFFSTORE destination numkeys key ... and
// ZUNION, ZINTER, ZDIFF, ZINTERCARD numkeys key ..., with WEIGHTS and
// AGGREGATE (not for the diff), WITHSCORES (not for a STORE) and LIMIT
// (ZINTERCARD only). A source may be a set (each member scores 1). One store
// collection operation over every key; a destination is written whole.
#include <algorithm>
#include <cmath>
#include <vector>

#include "server/commands/collection_cmd.h"
#include "server/commands/families.h"

namespace mnemo::server::commands {

namespace {

enum class Aggregate : std::uint8_t { sum, min, max };
enum class SetOp : std::uint8_t { unite, inter, diff };

// Which command: its operation, whether it stores (argv[1] is the
// destination) or only counts, and its name for the numkeys error.
struct Algebra {
  SetOp op = SetOp::unite;
  bool store = false;
  bool card = false;
  std::string_view name;
};

struct Options {
  std::vector<double> weights;  // one per source
  Aggregate agg = Aggregate::sum;
  bool with_scores = false;
  std::int64_t limit = 0;  // ZINTERCARD: 0 = no limit
};

double aggregate(Aggregate a, double target, double v) {
  if (a == Aggregate::sum) {
    const double s = target + v;
    return std::isnan(s) ? 0.0 : s;  // inf + -inf: Redis's convention is 0
  }
  return a == Aggregate::min ? std::min(target, v) : std::max(target, v);
}

double weighted(double score, double weight) {
  const double v = score * weight;
  return std::isnan(v) ? 0.0 : v;
}

// The members and scores of key i (a sorted set, a set, or nothing).
template <typename F>
void each_member(CollectionTxn& t, std::size_t i, F f) {
  const Collection* c = t.get(i);
  if (c == nullptr) return;
  if (c->type() == ValueType::set) {
    for (std::string_view m : c->set()) f(m, 1.0);
  } else {
    for (const ZSet::Entry e : c->zset()) f(e.member, e.score);
  }
}

std::optional<double> score_in(CollectionTxn& t, std::size_t i, std::string_view m) {
  const Collection* c = t.get(i);
  if (c == nullptr) return std::nullopt;
  if (c->type() == ValueType::set) return c->set().contains(m) ? std::optional<double>(1.0) : std::nullopt;
  return c->zset().score(m);
}

std::size_t size_of(CollectionTxn& t, std::size_t i) { return t.get(i) ? t.get(i)->size() : 0; }

// The options after the keys, from argv[j] on, as Redis reads them.
Fault parse_options(ArgList argv, std::size_t j, std::size_t n, const Algebra& a, Options& o) {
  const bool weighs = a.op != SetOp::diff && !a.card;
  o.weights.assign(n, 1.0);
  while (j < argv.size()) {
    const std::size_t left = argv.size() - j;
    if (weighs && left >= n + 1 && iequals(argv[j], "weights")) {
      for (std::size_t i = 0; i < n; ++i) {
        if (!parse_double(argv[j + 1 + i], o.weights[i])) return err("weight value is not a float");
      }
      j += n + 1;
    } else if (weighs && left >= 2 && iequals(argv[j], "aggregate")) {
      const std::string_view v = argv[j + 1];
      if (iequals(v, "sum")) o.agg = Aggregate::sum;
      else if (iequals(v, "min")) o.agg = Aggregate::min;
      else if (iequals(v, "max")) o.agg = Aggregate::max;
      else return err(kSyntax.substr(4));
      j += 2;
    } else if (!a.store && !a.card && iequals(argv[j], "withscores")) {
      o.with_scores = true;
      ++j;
    } else if (a.card && left >= 2 && iequals(argv[j], "limit")) {
      if (!parse_int64(argv[j + 1], o.limit) || o.limit < 0) return err("LIMIT can't be negative");
      j += 2;
    } else {
      return err(kSyntax.substr(4));
    }
  }
  return {};
}

using Result = absl::flat_hash_map<std::string, double>;

// Sources are keys first..first+n-1 of t. ZINTERCARD counts into `card` instead.
void intersect(CollectionTxn& t, std::size_t first, std::size_t n, const Options& o, Result* out,
               std::int64_t& card) {
  std::size_t smallest = first;
  for (std::size_t i = first; i < first + n; ++i) {
    if (size_of(t, i) < size_of(t, smallest)) smallest = i;
  }
  if (size_of(t, smallest) == 0) return;
  bool done = false;
  each_member(t, smallest, [&](std::string_view m, double) {
    if (done) return;
    double acc = 0;
    for (std::size_t i = first; i < first + n; ++i) {
      const auto s = score_in(t, i, m);
      if (!s) return;
      const double v = weighted(*s, o.weights[i - first]);
      acc = i == first ? v : aggregate(o.agg, acc, v);
    }
    if (out != nullptr) out->emplace(m, acc);
    ++card;
    done = o.limit > 0 && card >= o.limit;
  });
}

Result combine(CollectionTxn& t, std::size_t first, std::size_t n, SetOp op, const Options& o) {
  Result out;
  std::int64_t card = 0;
  if (op == SetOp::inter) {
    intersect(t, first, n, o, &out, card);
  } else if (op == SetOp::unite) {
    for (std::size_t i = first; i < first + n; ++i) {
      each_member(t, i, [&](std::string_view m, double s) {
        const double v = weighted(s, o.weights[i - first]);
        auto [it, fresh] = out.emplace(m, v);
        if (!fresh) it->second = aggregate(o.agg, it->second, v);
      });
    }
  } else {
    each_member(t, first, [&](std::string_view m, double s) {
      for (std::size_t i = first + 1; i < first + n; ++i) {
        if (score_in(t, i, m)) return;
      }
      out.emplace(m, s);
    });
  }
  return out;
}

// A result in sorted-set order, as the non-STORE forms reply it.
void reply_sorted(ReplyBuilder& reply, const Result& r, bool with_scores) {
  std::vector<std::pair<double, const std::string*>> v;
  v.reserve(r.size());
  for (const auto& [m, s] : r) v.emplace_back(s, &m);
  std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : *a.second < *b.second;
  });
  if (with_scores) reply.pairs(v.size());
  else reply.array(v.size());
  for (const auto& [s, m] : v) {
    if (with_scores) reply.pair();
    reply.bulk(*m);
    if (with_scores) reply.dbl(s);
  }
}

std::string_view store_event(SetOp op) {
  return op == SetOp::unite ? "zunionstore" : op == SetOp::inter ? "zinterstore" : "zdiffstore";
}

void algebra(CommandContext& ctx, ArgList argv, ReplyBuilder& reply, const Algebra& a) {
  const std::size_t at = a.store ? 2 : 1;  // numkeys
  std::int64_t numkeys = 0;
  if (!parse_int64(argv[at], numkeys)) return reply.error(kNotInteger);
  if (numkeys < 1) return reply.error("ERR at least 1 input key is needed for '" + std::string(a.name) + "' command");
  if (numkeys > static_cast<std::int64_t>(argv.size() - at - 1)) return reply.error(kSyntax);
  const auto n = static_cast<std::size_t>(numkeys);
  std::vector<std::string_view> keys;
  if (a.store) keys.push_back(argv[1]);
  for (std::size_t i = 0; i < n; ++i) keys.push_back(argv[at + 1 + i]);
  const std::size_t first = a.store ? 1 : 0;
  std::int64_t stored = 0;
  bool dst_existed = false;
  if (!run(ctx, reply, keys, a.store, [&](CollectionTxn& t) -> Fault {
        for (std::size_t i = first; i < first + n; ++i) {
          if (t.type(i) && *t.type(i) != ValueType::zset && *t.type(i) != ValueType::set) return wrong_type();
        }
        Options o;
        if (Fault f = parse_options(argv, at + 1 + n, n, a, o)) return f;
        if (a.card) {
          std::int64_t card = 0;
          intersect(t, first, n, o, nullptr, card);
          reply.integer(card);
          return {};
        }
        const Result out = combine(t, first, n, a.op, o);
        if (!a.store) {
          reply_sorted(reply, out, o.with_scores);
          return {};
        }
        stored = static_cast<std::int64_t>(out.size());
        dst_existed = t.type(0).has_value();
        if (out.empty()) {
          t.remove(0);
          return {};
        }
        OpWriter& w = t.replace(0, ValueType::zset);
        for (const auto& [m, s] : out) w.zadd(m, s);
        return {};
      })) return;
  if (!a.store) return;
  if (stored > 0) ctx.notify(pubsub::notify::kZset, store_event(a.op), argv[1]);
  else if (dst_existed) ctx.notify(pubsub::notify::kGeneric, "del", argv[1]);
  reply.integer(stored);
}

}  // namespace

void cmd_zstore(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(argv[0][1])));
  const SetOp op = c == 'i' ? SetOp::inter : c == 'd' ? SetOp::diff : SetOp::unite;
  const std::string_view name = op == SetOp::inter ? "zinterstore" : op == SetOp::diff ? "zdiffstore" : "zunionstore";
  algebra(ctx, argv, reply, {op, true, false, name});
}

// ZUNION, ZINTER, ZDIFF numkeys key ... [options] [WITHSCORES].
void cmd_zalgebra(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(argv[0][1])));
  const SetOp op = c == 'i' ? SetOp::inter : c == 'd' ? SetOp::diff : SetOp::unite;
  const std::string_view name = op == SetOp::inter ? "zinter" : op == SetOp::diff ? "zdiff" : "zunion";
  algebra(ctx, argv, reply, {op, false, false, name});
}

void cmd_zintercard(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  algebra(ctx, argv, reply, {SetOp::inter, false, true, "zintercard"});
}

}  // namespace mnemo::server::commands
