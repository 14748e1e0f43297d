// The list family (Redis 7.0's t_list.c; its blocking commands are in blocking.cpp):
// LPUSH, RPUSH, LPUSHX, RPUSHX, LPOP, RPOP, LRANGE, LLEN, LINDEX, LSET,
// LREM, LTRIM, LINSERT, LPOS, LMOVE, RPOPLPUSH. Each is one store
// collection operation (store.h); writes journal the pushed elements or the
// positions they change, and notify the keyspace as Redis does.
#include <vector>

#include "server/commands/collection_cmd.h"
#include "server/commands/families.h"

namespace mnemo::server::commands {

namespace {

constexpr ValueType kList = ValueType::list;
constexpr int kEvList = pubsub::notify::kList;  // keyspace notifications' classes
constexpr int kEvGeneric = pubsub::notify::kGeneric;

const List* list_of(CollectionTxn& t, std::size_t i) { return t.get(i) ? &t.get(i)->list() : nullptr; }
std::int64_t len_of(const List* l) { return l ? static_cast<std::int64_t>(l->size()) : 0; }

// LEFT or RIGHT; true for LEFT.
bool parse_side(std::string_view word, bool& left) {
  left = iequals(word, "left");
  return left || iequals(word, "right");
}

}  // namespace

// LPUSH, RPUSH, LPUSHX, RPUSHX.
void cmd_push(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  const bool left = argv[0][0] == 'l' || argv[0][0] == 'L';
  const bool only_existing = argv[0].size() == 6;
  std::int64_t len = 0;
  bool pushed = false;
  if (!run(ctx, reply, argv.subspan(1, 1), true, [&](CollectionTxn& t) -> Fault {
        if (t.wrong_type(0, kList)) return wrong_type();
        len = len_of(list_of(t, 0));
        if (only_existing && len == 0) return {};
        OpWriter& w = t.ops(0, kList);
        for (std::size_t i = 2; i < argv.size(); ++i) left ? w.lpush(argv[i]) : w.rpush(argv[i]);
        len += static_cast<std::int64_t>(argv.size() - 2);
        pushed = true;
        return {};
      })) return;
  if (pushed) ctx.notify(kEvList, left ? "lpush" : "rpush", argv[1]);
  reply.integer(len);
}

// LPOP, RPOP key [count].
void cmd_pop(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  const bool left = argv[0][0] == 'l' || argv[0][0] == 'L';
  if (argv.size() > 3) return reply.error(wrong_arity_message(left ? "lpop" : "rpop"));
  const bool with_count = argv.size() == 3;
  std::int64_t count = 1;
  if (with_count && (!parse_int64(argv[2], count) || count < 0)) return reply.error(kOutOfRange);
  std::vector<std::string> popped;
  bool found = false;
  bool emptied = false;
  if (!run(ctx, reply, argv.subspan(1, 1), true, [&](CollectionTxn& t) -> Fault {
        if (t.wrong_type(0, kList)) return wrong_type();
        const List* l = list_of(t, 0);
        found = l != nullptr;
        if (l == nullptr || count == 0) return {};
        const auto n = std::min<std::uint64_t>(static_cast<std::uint64_t>(count), l->size());
        auto it = l->at(left ? 0 : l->size() - n);
        for (std::uint64_t i = 0; i < n; ++i, ++it) popped.emplace_back(*it);
        if (!left) std::reverse(popped.begin(), popped.end());
        left ? t.ops(0, kList).lpop(n) : t.ops(0, kList).rpop(n);
        emptied = n == l->size();
        return {};
      })) return;
  if (!popped.empty()) {
    ctx.notify(kEvList, left ? "lpop" : "rpop", argv[1]);
    if (emptied) ctx.notify(kEvGeneric, "del", argv[1]);
  }
  if (!found) return with_count ? reply.null_array() : reply.null();
  if (!with_count) return reply.bulk(popped[0]);
  reply.array(popped.size());
  for (const std::string& e : popped) reply.bulk(e);
}

void cmd_lrange(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  std::int64_t start = 0, end = 0;
  if (!parse_int64(argv[2], start) || !parse_int64(argv[3], end)) return reply.error(kNotInteger);
  run(ctx, reply, argv.subspan(1, 1), false, [&](CollectionTxn& t) -> Fault {
    if (t.wrong_type(0, kList)) return wrong_type();
    const List* l = list_of(t, 0);
    const IndexRange r = clamp_range(start, end, len_of(l));
    reply.array(r.empty() ? 0 : static_cast<std::size_t>(r.end - r.start + 1));
    auto it = r.start <= r.end ? l->at(static_cast<std::size_t>(r.start)) : List::iterator();
    for (std::int64_t i = r.start; i <= r.end; ++i, ++it) reply.bulk(*it);
    return {};
  });
}

void cmd_llen(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  run(ctx, reply, argv.subspan(1, 1), false, [&](CollectionTxn& t) -> Fault {
    if (t.wrong_type(0, kList)) return wrong_type();
    reply.integer(len_of(list_of(t, 0)));
    return {};
  });
}

void cmd_lindex(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  run(ctx, reply, argv.subspan(1, 1), false, [&](CollectionTxn& t) -> Fault {
    if (t.wrong_type(0, kList)) return wrong_type();
    const List* l = list_of(t, 0);
    if (l == nullptr) {
      reply.null();
      return {};
    }
    std::int64_t index = 0;
    if (!parse_int64(argv[2], index)) {
      reply.error(kNotInteger);
      return {};
    }
    if (index < 0) index += len_of(l);
    if (index < 0 || index >= len_of(l)) reply.null();
    else reply.bulk((*l)[static_cast<std::size_t>(index)]);
    return {};
  });
}

void cmd_lset(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  if (!run(ctx, reply, argv.subspan(1, 1), true, [&](CollectionTxn& t) -> Fault {
        if (!t.type(0)) return err("no such key");
        if (t.wrong_type(0, kList)) return wrong_type();
        std::int64_t index = 0;
        if (!parse_int64(argv[2], index)) return err(kNotInteger.substr(4));
        const std::int64_t len = len_of(list_of(t, 0));
        if (index < 0) index += len;
        if (index < 0 || index >= len) return err("index out of range");
        t.ops(0, kList).lset(static_cast<std::uint64_t>(index), argv[3]);
        return {};
      })) return;
  ctx.notify(kEvList, "lset", argv[1]);
  reply.ok();
}

void cmd_lrem(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  std::int64_t count = 0;
  if (!parse_int64(argv[2], count)) return reply.error(kNotInteger);
  std::int64_t removed = 0;
  bool emptied = false;
  if (!run(ctx, reply, argv.subspan(1, 1), true, [&](CollectionTxn& t) -> Fault {
        if (t.wrong_type(0, kList)) return wrong_type();
        const List* l = list_of(t, 0);
        if (l == nullptr) return {};
        std::vector<std::uint64_t> at;  // positions to remove, in the list as it is
        const std::size_t n = l->size();
        const std::vector<std::string_view> all(l->begin(), l->end());
        for (std::size_t k = 0; k < n; ++k) {
          const std::size_t i = count < 0 ? n - 1 - k : k;
          if (all[i] != argv[3]) continue;
          at.push_back(i);
          if (count != 0 && static_cast<std::int64_t>(at.size()) == (count < 0 ? -count : count)) break;
        }
        // Remove from the back first, so the earlier positions stay valid.
        std::sort(at.begin(), at.end(), std::greater<>());
        for (std::uint64_t i : at) t.ops(0, kList).ldel(i);
        removed = static_cast<std::int64_t>(at.size());
        emptied = at.size() == n;
        return {};
      })) return;
  if (removed > 0) ctx.notify(kEvList, "lrem", argv[1]);
  if (removed > 0 && emptied) ctx.notify(kEvGeneric, "del", argv[1]);
  reply.integer(removed);
}

void cmd_ltrim(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  std::int64_t start = 0, end = 0;
  if (!parse_int64(argv[2], start) || !parse_int64(argv[3], end)) return reply.error(kNotInteger);
  bool existed = false, emptied = false;
  if (!run(ctx, reply, argv.subspan(1, 1), true, [&](CollectionTxn& t) -> Fault {
        if (t.wrong_type(0, kList)) return wrong_type();
        const List* l = list_of(t, 0);
        if (l == nullptr) return {};
        existed = true;
        const IndexRange r = clamp_range(start, end, len_of(l));
        emptied = r.empty();
        if (r.empty()) t.ops(0, kList).ltrim(0, 0);
        else if (r.start != 0 || r.end + 1 != len_of(l))
          t.ops(0, kList).ltrim(static_cast<std::uint64_t>(r.start), static_cast<std::uint64_t>(r.end - r.start + 1));
        return {};
      })) return;
  if (existed) ctx.notify(kEvList, "ltrim", argv[1]);
  if (emptied) ctx.notify(kEvGeneric, "del", argv[1]);
  reply.ok();
}

void cmd_linsert(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  const bool after = iequals(argv[2], "after");
  if (!after && !iequals(argv[2], "before")) return reply.error(kSyntax);
  std::int64_t result = 0;
  if (!run(ctx, reply, argv.subspan(1, 1), true, [&](CollectionTxn& t) -> Fault {
        if (t.wrong_type(0, kList)) return wrong_type();
        const List* l = list_of(t, 0);
        if (l == nullptr) return {};
        auto it = std::find(l->begin(), l->end(), argv[3]);
        if (it == l->end()) {
          result = -1;
          return {};
        }
        const auto at = static_cast<std::uint64_t>(std::distance(l->begin(), it)) + (after ? 1 : 0);
        t.ops(0, kList).linsert(at, argv[4]);
        result = len_of(l) + 1;
        return {};
      })) return;
  if (result > 0) ctx.notify(kEvList, "linsert", argv[1]);
  reply.integer(result);
}

void cmd_lpos(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  std::int64_t rank = 1, count = -1, maxlen = 0;
  for (std::size_t j = 3; j < argv.size(); ++j) {
    const bool more = j + 1 < argv.size();
    if (iequals(argv[j], "rank") && more) {
      if (!parse_random_count(argv[++j], rank, reply)) return;
      if (rank == 0) {
        return reply.error("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... "
                           "or use negative to start from the end of the list");
      }
    } else if (iequals(argv[j], "count") && more) {
      if (!parse_int64(argv[++j], count) || count < 0) return reply.error("ERR COUNT can't be negative");
    } else if (iequals(argv[j], "maxlen") && more) {
      if (!parse_int64(argv[++j], maxlen) || maxlen < 0) return reply.error("ERR MAXLEN can't be negative");
    } else {
      return reply.error(kSyntax);
    }
  }
  run(ctx, reply, argv.subspan(1, 1), false, [&](CollectionTxn& t) -> Fault {
    if (t.wrong_type(0, kList)) return wrong_type();
    const List* l = list_of(t, 0);
    std::vector<std::int64_t> found;
    const std::int64_t n = len_of(l);
    std::int64_t matches = 0;
    const std::int64_t skip = rank < 0 ? -rank : rank;
    std::vector<std::string_view> all;
    if (l != nullptr) all.assign(l->begin(), l->end());
    for (std::int64_t k = 0; k < n && (maxlen == 0 || k < maxlen); ++k) {
      const std::int64_t i = rank < 0 ? n - 1 - k : k;
      if (all[static_cast<std::size_t>(i)] != argv[2] || ++matches < skip) continue;
      found.push_back(i);
      if (count == -1 || (count != 0 && static_cast<std::int64_t>(found.size()) == count)) break;
    }
    if (count == -1) {
      if (found.empty()) reply.null();
      else reply.integer(found[0]);
      return {};
    }
    reply.array(found.size());
    for (std::int64_t i : found) reply.integer(i);
    return {};
  });
}

// LMOVE source destination LEFT|RIGHT LEFT|RIGHT, and RPOPLPUSH (RIGHT LEFT).
void cmd_lmove(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  bool from_left = false, to_left = true;
  if (argv.size() == 5 && (!parse_side(argv[3], from_left) || !parse_side(argv[4], to_left))) {
    return reply.error(kSyntax);
  }
  std::optional<std::string> moved;
  bool emptied = false;
  if (!run(ctx, reply, argv.subspan(1, 2), true, [&](CollectionTxn& t) -> Fault {
        if (t.wrong_type(0, kList)) return wrong_type();
        const List* l = list_of(t, 0);
        if (l == nullptr) return {};
        if (t.wrong_type(1, kList)) return wrong_type();
        moved = from_left ? l->front() : l->back();
        emptied = l->size() == 1 && argv[1] != argv[2];
        from_left ? t.ops(0, kList).lpop(1) : t.ops(0, kList).rpop(1);
        to_left ? t.ops(1, kList).lpush(*moved) : t.ops(1, kList).rpush(*moved);
        return {};
      })) return;
  if (moved) {  // Redis's order: the push, the pop, the emptied source's del
    ctx.notify(kEvList, to_left ? "lpush" : "rpush", argv[2]);
    ctx.notify(kEvList, from_left ? "lpop" : "rpop", argv[1]);
    if (emptied) ctx.notify(kEvGeneric, "del", argv[1]);
  }
  if (moved) reply.bulk(*moved);
  else reply.null();
}

}  // namespace mnemo::server::commands
