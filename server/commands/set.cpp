// The set family (Redis 7.0's t_set.c): SADD, SREM, SMEMBERS, SISMEMBER,
// SMISMEMBER, SCARD, SPOP, SRANDMEMBER, SMOVE, SINTER, SUNION, SDIFF and
// their STORE forms, SINTERCARD, SSCAN. Each is one store collection
// operation over all the keys it names (store.h).
#include <algorithm>
#include <vector>

#include "server/commands/collection_cmd.h"
#include "server/commands/families.h"

namespace mnemo::server::commands {

namespace {

constexpr ValueType kSet = ValueType::set;

const Set* set_of(CollectionTxn& t, std::size_t i) { return t.get(i) ? &t.get(i)->set() : nullptr; }
bool has(const Set* s, std::string_view m) { return s != nullptr && s->contains(m); }

std::vector<std::string_view> members_of(const Set* s) {
  std::vector<std::string_view> out;
  if (s == nullptr) return out;
  out.reserve(s->size());
  for (std::string_view m : *s) out.push_back(m);
  return redis_order(std::move(out));
}

// SINTER, SUNION, SDIFF: a set in RESP3, as in Redis.
void reply_members(ReplyBuilder& reply, const std::vector<std::string_view>& members) {
  reply.set(members.size());
  for (std::string_view m : redis_order(members)) reply.bulk(m);
}

enum class SetOp : std::uint8_t { inter, uni, diff };

// The members of the operation over keys [first, t.keys()); sets missing count as empty.
std::vector<std::string_view> combine(CollectionTxn& t, std::size_t first, SetOp op, std::uint64_t limit = 0) {
  std::vector<std::string_view> out;
  const std::size_t n = t.keys();
  if (op == SetOp::inter) {
    std::size_t smallest = first;
    for (std::size_t i = first; i < n; ++i) {
      if (set_of(t, i) == nullptr) return out;
      if (set_of(t, i)->size() < set_of(t, smallest)->size()) smallest = i;
    }
    for (std::string_view m : *set_of(t, smallest)) {
      bool all = true;
      for (std::size_t i = first; i < n && all; ++i) all = i == smallest || has(set_of(t, i), m);
      if (!all) continue;
      out.push_back(m);
      if (limit != 0 && out.size() >= limit) break;
    }
    return out;
  }
  absl::flat_hash_set<std::string_view> seen;
  const Set* base = set_of(t, first);
  for (std::size_t i = first; i < n; ++i) {
    const Set* s = set_of(t, i);
    if (s == nullptr || (op == SetOp::diff && i > first)) continue;
    for (std::string_view m : *s) {
      if (op == SetOp::diff) {
        bool elsewhere = false;
        for (std::size_t j = first + 1; j < n && !elsewhere; ++j) elsewhere = has(set_of(t, j), m);
        if (elsewhere) continue;
      }
      if (seen.insert(m).second) out.push_back(m);
    }
  }
  (void)base;
  return out;
}

Fault check_sets(CollectionTxn& t, std::size_t first) {
  for (std::size_t i = first; i < t.keys(); ++i) {
    if (t.wrong_type(i, kSet)) return wrong_type();
  }
  return {};
}

}  // namespace

void cmd_sadd(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  std::int64_t added = 0;
  if (!run(ctx, reply, argv.subspan(1, 1), true, [&](CollectionTxn& t) -> Fault {
        if (t.wrong_type(0, kSet)) return wrong_type();
        const Set* s = set_of(t, 0);
        absl::flat_hash_set<std::string_view> seen;
        for (std::size_t i = 2; i < argv.size(); ++i) {
          if (has(s, argv[i]) || !seen.insert(argv[i]).second) continue;
          t.ops(0, kSet).sadd(argv[i]);
          ++added;
        }
        return {};
      })) return;
  if (added > 0) ctx.notify(pubsub::notify::kSet, "sadd", argv[1]);
  reply.integer(added);
}

void cmd_srem(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  std::int64_t removed = 0;
  bool emptied = false;
  if (!run(ctx, reply, argv.subspan(1, 1), true, [&](CollectionTxn& t) -> Fault {
        if (t.wrong_type(0, kSet)) return wrong_type();
        const Set* s = set_of(t, 0);
        absl::flat_hash_set<std::string_view> seen;
        for (std::size_t i = 2; i < argv.size(); ++i) {
          if (!has(s, argv[i]) || !seen.insert(argv[i]).second) continue;
          t.ops(0, kSet).srem(argv[i]);
          ++removed;
        }
        emptied = removed > 0 && static_cast<std::size_t>(removed) == s->size();
        return {};
      })) return;
  if (removed > 0) ctx.notify(pubsub::notify::kSet, "srem", argv[1]);
  if (emptied) ctx.notify(pubsub::notify::kGeneric, "del", argv[1]);
  reply.integer(removed);
}

void cmd_smembers(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  run(ctx, reply, argv.subspan(1, 1), false, [&](CollectionTxn& t) -> Fault {
    if (t.wrong_type(0, kSet)) return wrong_type();
    const std::vector<std::string_view> members = members_of(set_of(t, 0));
    reply.set(members.size());
    for (std::string_view m : members) reply.bulk(m);
    return {};
  });
}

void cmd_sismember(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  run(ctx, reply, argv.subspan(1, 1), false, [&](CollectionTxn& t) -> Fault {
    if (t.wrong_type(0, kSet)) return wrong_type();
    reply.integer(has(set_of(t, 0), argv[2]) ? 1 : 0);
    return {};
  });
}

void cmd_smismember(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  run(ctx, reply, argv.subspan(1, 1), false, [&](CollectionTxn& t) -> Fault {
    if (t.wrong_type(0, kSet)) return wrong_type();
    reply.array(argv.size() - 2);
    for (std::size_t i = 2; i < argv.size(); ++i) reply.integer(has(set_of(t, 0), argv[i]) ? 1 : 0);
    return {};
  });
}

void cmd_scard(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  run(ctx, reply, argv.subspan(1, 1), false, [&](CollectionTxn& t) -> Fault {
    if (t.wrong_type(0, kSet)) return wrong_type();
    reply.integer(set_of(t, 0) ? static_cast<std::int64_t>(set_of(t, 0)->size()) : 0);
    return {};
  });
}

void cmd_spop(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  if (argv.size() > 3) return reply.error(kSyntax);
  std::int64_t count = 1;
  const bool with_count = argv.size() == 3;
  if (with_count && (!parse_int64(argv[2], count) || count < 0)) return reply.error(kOutOfRange);
  std::vector<std::string> popped;
  bool emptied = false;
  if (!run(ctx, reply, argv.subspan(1, 1), true, [&](CollectionTxn& t) -> Fault {
        if (t.wrong_type(0, kSet)) return wrong_type();
        const Set* s = set_of(t, 0);
        if (s == nullptr) return {};
        const std::vector<std::string_view> all = members_of(s);
        for (std::size_t i : random_picks(all.size(), count)) {
          popped.emplace_back(all[i]);
          t.ops(0, kSet).srem(all[i]);
        }
        emptied = !popped.empty() && popped.size() == all.size();
        return {};
      })) return;
  if (!popped.empty()) ctx.notify(pubsub::notify::kSet, "spop", argv[1]);
  if (emptied) ctx.notify(pubsub::notify::kGeneric, "del", argv[1]);
  if (!with_count) {
    if (popped.empty()) reply.null();
    else reply.bulk(popped[0]);
    return;
  }
  reply.set(popped.size());  // SPOP's members are distinct (SRANDMEMBER's may repeat: an array)
  for (const std::string& m : popped) reply.bulk(m);
}

void cmd_srandmember(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  if (argv.size() > 3) return reply.error(kSyntax);
  std::int64_t count = 1;
  const bool with_count = argv.size() == 3;
  if (with_count && !parse_random_count(argv[2], count, reply)) return;
  run(ctx, reply, argv.subspan(1, 1), false, [&](CollectionTxn& t) -> Fault {
    if (t.wrong_type(0, kSet)) return wrong_type();
    const Set* s = set_of(t, 0);
    if (s == nullptr) {
      if (with_count) reply.array(0);
      else reply.null();
      return {};
    }
    const std::vector<std::string_view> all = members_of(s);
    const auto picks = random_picks(all.size(), count);
    if (!with_count) {
      reply.bulk(all[picks[0]]);
      return {};
    }
    reply.array(picks.size());
    for (std::size_t i : picks) reply.bulk(all[i]);
    return {};
  });
}

void cmd_smove(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  bool moved = false, emptied = false, added = false;
  if (!run(ctx, reply, argv.subspan(1, 2), true, [&](CollectionTxn& t) -> Fault {
        if (!t.type(0)) return {};
        if (t.wrong_type(0, kSet) || t.wrong_type(1, kSet)) return wrong_type();
        moved = has(set_of(t, 0), argv[3]);
        if (!moved || argv[1] == argv[2]) return {};
        t.ops(0, kSet).srem(argv[3]);
        emptied = set_of(t, 0)->size() == 1;
        added = !has(set_of(t, 1), argv[3]);
        if (added) t.ops(1, kSet).sadd(argv[3]);
        return {};
      })) return;
  if (moved && argv[1] != argv[2]) {  // Redis's order: srem, the emptied source's del, sadd
    ctx.notify(pubsub::notify::kSet, "srem", argv[1]);
    if (emptied) ctx.notify(pubsub::notify::kGeneric, "del", argv[1]);
    if (added) ctx.notify(pubsub::notify::kSet, "sadd", argv[2]);
  }
  reply.integer(moved ? 1 : 0);
}

// SINTER, SUNION, SDIFF key...; their STORE forms: destination key...
void cmd_setop(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  const std::string_view name = argv[0];
  const SetOp op = (name[1] == 'i' || name[1] == 'I') ? SetOp::inter
                   : (name[1] == 'u' || name[1] == 'U') ? SetOp::uni : SetOp::diff;
  const bool store = name.size() > 5 && (name.back() == 'e' || name.back() == 'E');
  std::int64_t stored = 0;
  bool dst_existed = false;
  if (!run(ctx, reply, argv.subspan(1), store, [&](CollectionTxn& t) -> Fault {
        const std::size_t first = store ? 1 : 0;
        if (auto f = check_sets(t, first)) return f;
        const auto members = combine(t, first, op);
        if (!store) {
          reply_members(reply, members);
          return {};
        }
        stored = static_cast<std::int64_t>(members.size());
        dst_existed = t.type(0).has_value();
        if (members.empty()) {
          t.remove(0);
          return {};
        }
        OpWriter& w = t.replace(0, kSet);
        for (std::string_view m : members) w.sadd(m);
        return {};
      })) return;
  if (!store) return;
  if (stored > 0) {
    ctx.notify(pubsub::notify::kSet, op == SetOp::inter ? "sinterstore" : op == SetOp::uni ? "sunionstore" : "sdiffstore",
               argv[1]);
  } else if (dst_existed) {
    ctx.notify(pubsub::notify::kGeneric, "del", argv[1]);
  }
  reply.integer(stored);
}

void cmd_sintercard(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  std::int64_t numkeys = 0;
  if (!parse_int64(argv[1], numkeys) || numkeys < 1) return reply.error("ERR numkeys should be greater than 0");
  if (numkeys > static_cast<std::int64_t>(argv.size()) - 2) {
    return reply.error("ERR Number of keys can't be greater than number of args");
  }
  std::int64_t limit = 0;
  for (std::size_t j = 2 + static_cast<std::size_t>(numkeys); j < argv.size(); ++j) {
    if (iequals(argv[j], "limit") && j + 1 < argv.size()) {
      if (!parse_int64(argv[++j], limit) || limit < 0) return reply.error("ERR LIMIT can't be negative");
    } else {
      return reply.error(kSyntax);
    }
  }
  run(ctx, reply, argv.subspan(2, static_cast<std::size_t>(numkeys)), false, [&](CollectionTxn& t) -> Fault {
    if (auto f = check_sets(t, 0)) return f;
    reply.integer(static_cast<std::int64_t>(combine(t, 0, SetOp::inter, static_cast<std::uint64_t>(limit)).size()));
    return {};
  });
}

void cmd_sscan(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  CollectionScan scan;
  if (!parse_collection_scan(argv, scan, reply)) return;
  run(ctx, reply, argv.subspan(1, 1), false, [&](CollectionTxn& t) -> Fault {
    if (t.wrong_type(0, kSet)) return wrong_type();
    const Set* s = set_of(t, 0);
    if (s == nullptr) {
      reply_empty_scan(reply);
      return {};
    }
    std::vector<std::string_view> found;
    for (std::string_view m : members_of(s)) {
      if (scan.matches(m)) found.push_back(m);
    }
    reply.array(2);
    reply.bulk("0");
    reply.array(found.size());  // a SCAN page is an array in both versions
    for (std::string_view m : found) reply.bulk(m);
    return {};
  });
}

}  // namespace mnemo::server::commands
