// One pop of a blocking command from one key (blocking_cmd.h).
#include <algorithm>
#include <array>
#include <utility>
#include <vector>

#include "server/commands/blocking_cmd.h"
#include "server/commands/zset_range.h"

namespace mnemo::server::commands {

namespace {

namespace ev = pubsub::notify;

struct Popped {
  std::vector<std::string> values;
  std::vector<double> scores;  // zsets
  bool emptied = false;        // the pop took the last element: the key is gone
  bool wrong = false;
};

// Runs fn under the store's locks; false (and the error replied) when the store refused.
bool write_keys(CommandContext& ctx, std::span<const std::string_view> keys, Store::CollectionFn fn,
                ReplyBuilder& reply) {
  Store* store = ctx.env().store;
  if (store == nullptr) {
    reply.error(kNoStoreText);
    return false;
  }
  auto r = store->collections(ctx.session().db, keys, true, fn);
  if (!r) reply_collection_error(ctx, r.error(), reply);
  return static_cast<bool>(r);
}

void reply_list(ReplyBuilder& reply, std::string_view key, const PopOp& op, const Popped& p) {
  reply.array(2);
  reply.bulk(key);
  if (op.count < 0) return reply.bulk(p.values[0]);
  reply.array(p.values.size());
  for (const std::string& v : p.values) reply.bulk(v);
}

// BZPOPMIN/MAX: key, member, score. BZMPOP: key, then [member, score] pairs.
void reply_zset(ReplyBuilder& reply, std::string_view key, const PopOp& op, const Popped& p) {
  if (op.count < 0) {
    reply.array(3);
    reply.bulk(key);
    reply.bulk(p.values[0]);
    return reply.dbl(p.scores[0]);
  }
  reply.array(2);
  reply.bulk(key);
  reply.array(p.values.size());
  for (std::size_t i = 0; i < p.values.size(); ++i) {
    reply.array(2);
    reply.bulk(p.values[i]);
    reply.dbl(p.scores[i]);
  }
}

PopOutcome pop_list(CommandContext& ctx, std::string_view key, const PopOp& op, ReplyBuilder& reply) {
  Popped p;
  const std::array<std::string_view, 1> keys{key};
  if (!write_keys(ctx, keys, [&](CollectionTxn& t) -> Fault {
        if (t.wrong_type(0, ValueType::list)) {
          p.wrong = true;
          return {};
        }
        const List* l = t.get(0) ? &t.get(0)->list() : nullptr;
        if (l == nullptr || l->empty()) return {};
        const std::uint64_t n = op.count < 0 ? 1 : std::min<std::uint64_t>(static_cast<std::uint64_t>(op.count), l->size());
        auto it = l->at(op.left ? 0 : l->size() - n);
        for (std::uint64_t i = 0; i < n; ++i, ++it) p.values.emplace_back(*it);
        if (!op.left) std::reverse(p.values.begin(), p.values.end());
        p.emptied = n == l->size();
        op.left ? t.ops(0, ValueType::list).lpop(n) : t.ops(0, ValueType::list).rpop(n);
        return {};
      }, reply)) return PopOutcome::failed;
  if (p.wrong) return PopOutcome::wrong_type;
  if (p.values.empty()) return PopOutcome::empty;
  reply_list(reply, key, op, p);
  ctx.notify(ev::kList, op.left ? "lpop" : "rpop", key);
  if (p.emptied) ctx.notify(ev::kGeneric, "del", key);
  return PopOutcome::popped;
}

PopOutcome move_list(CommandContext& ctx, std::string_view key, const PopOp& op, ReplyBuilder& reply) {
  Popped p;
  const std::array<std::string_view, 2> keys{key, op.dst};
  if (!write_keys(ctx, keys, [&](CollectionTxn& t) -> Fault {
        if (t.wrong_type(0, ValueType::list)) {
          p.wrong = true;
          return {};
        }
        const List* l = t.get(0) ? &t.get(0)->list() : nullptr;
        if (l == nullptr || l->empty()) return {};
        if (t.wrong_type(1, ValueType::list)) return wrong_type();
        p.values.emplace_back(op.left ? l->front() : l->back());
        p.emptied = l->size() == 1 && key != op.dst;
        op.left ? t.ops(0, ValueType::list).lpop(1) : t.ops(0, ValueType::list).rpop(1);
        op.to_left ? t.ops(1, ValueType::list).lpush(p.values[0]) : t.ops(1, ValueType::list).rpush(p.values[0]);
        return {};
      }, reply)) return PopOutcome::failed;
  if (p.wrong) return PopOutcome::wrong_type;
  if (p.values.empty()) return PopOutcome::empty;
  reply.bulk(p.values[0]);
  // Redis's order: the push, the pop, then the emptied source's del.
  ctx.notify(ev::kList, op.to_left ? "lpush" : "rpush", op.dst);
  ctx.notify(ev::kList, op.left ? "lpop" : "rpop", key);
  if (p.emptied) ctx.notify(ev::kGeneric, "del", key);
  return PopOutcome::popped;
}

PopOutcome pop_zset(CommandContext& ctx, std::string_view key, const PopOp& op, ReplyBuilder& reply) {
  Popped p;
  const std::array<std::string_view, 1> keys{key};
  if (!write_keys(ctx, keys, [&](CollectionTxn& t) -> Fault {
        if (t.wrong_type(0, ValueType::zset)) {
          p.wrong = true;
          return {};
        }
        const ZSet* z = t.get(0) ? &t.get(0)->zset() : nullptr;
        if (z == nullptr || z->empty()) return {};
        const std::uint64_t n = op.count < 0 ? 1 : std::min<std::uint64_t>(static_cast<std::uint64_t>(op.count), z->size());
        for (const Scored& s : by_rank(*z, 0, static_cast<std::int64_t>(n) - 1, !op.left)) {
          p.values.push_back(std::string(s.member));
          p.scores.push_back(s.score);
          t.ops(0, ValueType::zset).zrem(s.member);
        }
        p.emptied = n == z->size();
        return {};
      }, reply)) return PopOutcome::failed;
  if (p.wrong) return PopOutcome::wrong_type;
  if (p.values.empty()) return PopOutcome::empty;
  reply_zset(reply, key, op, p);
  ctx.notify(ev::kZset, op.left ? "zpopmin" : "zpopmax", key);
  if (p.emptied) ctx.notify(ev::kGeneric, "del", key);
  return PopOutcome::popped;
}

}  // namespace

PopOutcome pop_from(CommandContext& ctx, std::string_view key, const PopOp& op, ReplyBuilder& reply) {
  switch (op.kind) {
    case PopOp::Kind::list_pop: return pop_list(ctx, key, op, reply);
    case PopOp::Kind::list_move: return move_list(ctx, key, op, reply);
    case PopOp::Kind::zset_pop: return pop_zset(ctx, key, op, reply);
  }
  return PopOutcome::empty;
}

}  // namespace mnemo::server::commands
