// ZUNIONSTORE and ZINTERSTORE (Redis 7.0's zunionInterDiffGenericCommand):
// destination numkeys key [key ...] [WEIGHTS w ...] [AGGREGATE SUM|MIN|MAX].
// A source may be a set (each member scores 1). One store collection
// operation over every key; the destination is written whole.
#include <cmath>
#include <vector>

#include "server/commands/collection_cmd.h"
#include "server/commands/families.h"

namespace mnemo::server::commands {

namespace {

enum class Aggregate : std::uint8_t { sum, min, max };

double aggregate(Aggregate a, double target, double v) {
  if (a == Aggregate::sum) {
    const double s = target + v;
    return std::isnan(s) ? 0.0 : s;  // inf + -inf: Redis's convention is 0
  }
  return a == Aggregate::min ? std::min(target, v) : std::max(target, v);
}

// The members and scores of source i (a sorted set, a set, or nothing).
template <typename F>
void each_member(CollectionTxn& t, std::size_t i, F f) {
  const Collection* c = t.get(i);
  if (c == nullptr) return;
  if (c->type() == ValueType::set) {
    for (const std::string& m : c->set()) f(m, 1.0);
  } else {
    for (const auto& [m, s] : c->zset().scores) f(m, s);
  }
}

std::optional<double> score_in(CollectionTxn& t, std::size_t i, std::string_view m) {
  const Collection* c = t.get(i);
  if (c == nullptr) return std::nullopt;
  if (c->type() == ValueType::set) return c->set().contains(av(m)) ? std::optional<double>(1.0) : std::nullopt;
  auto it = c->zset().scores.find(av(m));
  return it == c->zset().scores.end() ? std::nullopt : std::optional<double>(it->second);
}

double weighted(double score, double weight) {
  const double v = score * weight;
  return std::isnan(v) ? 0.0 : v;
}

}  // namespace

void cmd_zstore(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  const bool inter = argv[0][1] == 'i' || argv[0][1] == 'I';  // zINterstore
  std::int64_t numkeys = 0;
  if (!parse_int64(argv[2], numkeys)) return reply.error(kNotInteger);
  if (numkeys < 1) {
    return reply.error("ERR at least 1 input key is needed for '" + std::string(inter ? "zinterstore" : "zunionstore") +
                       "' command");
  }
  if (numkeys > static_cast<std::int64_t>(argv.size()) - 3) return reply.error(kSyntax);
  const auto n = static_cast<std::size_t>(numkeys);
  std::vector<std::string_view> keys{argv[1]};
  for (std::size_t i = 0; i < n; ++i) keys.push_back(argv[3 + i]);
  std::int64_t stored = 0;
  bool dst_existed = false;
  if (!run(ctx, reply, keys, true, [&](CollectionTxn& t) -> Fault {
        for (std::size_t i = 1; i <= n; ++i) {
          if (t.type(i) && *t.type(i) != ValueType::zset && *t.type(i) != ValueType::set) return wrong_type();
        }
        std::vector<double> weights(n + 1, 1.0);
        Aggregate agg = Aggregate::sum;
        for (std::size_t j = 3 + n; j < argv.size();) {
          const std::size_t left = argv.size() - j;
          if (left >= n + 1 && iequals(argv[j], "weights")) {
            for (std::size_t i = 1; i <= n; ++i) {
              if (!parse_double(argv[j + i], weights[i])) return err("weight value is not a float");
            }
            j += n + 1;
          } else if (left >= 2 && iequals(argv[j], "aggregate")) {
            const std::string_view a = argv[j + 1];
            if (iequals(a, "sum")) agg = Aggregate::sum;
            else if (iequals(a, "min")) agg = Aggregate::min;
            else if (iequals(a, "max")) agg = Aggregate::max;
            else return err(kSyntax.substr(4));
            j += 2;
          } else {
            return err(kSyntax.substr(4));
          }
        }
        absl::flat_hash_map<std::string, double> out;
        if (inter) {
          std::size_t smallest = 1;
          for (std::size_t i = 1; i <= n; ++i) {
            if (t.get(i) == nullptr) smallest = 0;
            else if (smallest != 0 && t.get(i)->size() < t.get(smallest)->size()) smallest = i;
          }
          if (smallest != 0) {
            each_member(t, smallest, [&](const std::string& m, double) {
              double acc = 0;
              bool all = true;
              for (std::size_t i = 1; i <= n && all; ++i) {
                const auto s = score_in(t, i, m);
                if (!s) all = false;
                else acc = i == 1 ? weighted(*s, weights[i]) : aggregate(agg, acc, weighted(*s, weights[i]));
              }
              if (all) out.emplace(m, acc);
            });
          }
        } else {
          for (std::size_t i = 1; i <= n; ++i) {
            each_member(t, i, [&](const std::string& m, double s) {
              const double v = weighted(s, weights[i]);
              auto [it, fresh] = out.emplace(m, v);
              if (!fresh) it->second = aggregate(agg, it->second, v);
            });
          }
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
  if (stored > 0) ctx.notify(pubsub::notify::kZset, inter ? "zinterstore" : "zunionstore", argv[1]);
  else if (dst_existed) ctx.notify(pubsub::notify::kGeneric, "del", argv[1]);
  reply.integer(stored);
}

}  // namespace mnemo::server::commands
