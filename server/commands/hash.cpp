// The hash family (Redis 7.0's t_hash.c): HSET, HMSET, HSETNX, HGET, HMGET,
// HDEL, HLEN, HSTRLEN, HEXISTS, HKEYS, HVALS, HGETALL, HINCRBY,
// HINCRBYFLOAT, HRANDFIELD, HSCAN. Each runs as one store collection
// operation (store.h): reads answer under the shard lock, writes record the
// fields they change and answer once those are journaled.
#include <cmath>
#include <random>
#include <vector>

#include "server/commands/collection_cmd.h"
#include "server/commands/families.h"

namespace mnemo::server::commands {

namespace {

constexpr int kEvHash = pubsub::notify::kHash;  // keyspace notifications' class (notify-keyspace-events h)

constexpr ValueType kHash = ValueType::hash;

const Hash* hash_of(CollectionTxn& t) { return t.get(0) ? &t.get(0)->hash() : nullptr; }

std::optional<std::string_view> field_of(const Hash* h, std::string_view f) {
  return h == nullptr ? std::nullopt : h->find(f);
}

// HSET/HMSET: the number of fields that are new.
std::optional<std::int64_t> hset_fields(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  std::int64_t created = 0;
  auto v = run(ctx, reply, argv.subspan(1, 1), true, [&](CollectionTxn& t) -> Fault {
    if (t.wrong_type(0, kHash)) return wrong_type();
    const Hash* h = hash_of(t);
    OpWriter& ops = t.ops(0, kHash);
    absl::flat_hash_set<std::string_view> seen;
    for (std::size_t i = 2; i + 1 < argv.size(); i += 2) {
      if (field_of(h, argv[i]) == std::nullopt && seen.insert(argv[i]).second) ++created;
      ops.hset(argv[i], argv[i + 1]);
    }
    return {};
  });
  if (!v) return std::nullopt;
  return created;
}

}  // namespace

void cmd_hset(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  if (argv.size() % 2 == 1) return reply.error(wrong_arity_message(iequals(argv[0], "hmset") ? "hmset" : "hset"));
  const auto created = hset_fields(ctx, argv, reply);
  if (!created) return;
  ctx.notify(kEvHash, "hset", argv[1]);
  if (iequals(argv[0], "hmset")) reply.ok();
  else reply.integer(*created);
}

void cmd_hsetnx(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  bool set = false;
  if (!run(ctx, reply, argv.subspan(1, 1), true, [&](CollectionTxn& t) -> Fault {
        if (t.wrong_type(0, kHash)) return wrong_type();
        if (field_of(hash_of(t), argv[2]) != std::nullopt) return {};
        t.ops(0, kHash).hset(argv[2], argv[3]);
        set = true;
        return {};
      })) return;
  if (set) ctx.notify(kEvHash, "hset", argv[1]);
  reply.integer(set ? 1 : 0);
}

void cmd_hget(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  run(ctx, reply, argv.subspan(1, 1), false, [&](CollectionTxn& t) -> Fault {
    if (t.wrong_type(0, kHash)) return wrong_type();
    const std::optional<std::string_view> v = field_of(hash_of(t), argv[2]);
    if (v) reply.bulk(*v);
    else reply.null();
    return {};
  });
}

void cmd_hmget(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  run(ctx, reply, argv.subspan(1, 1), false, [&](CollectionTxn& t) -> Fault {
    if (t.wrong_type(0, kHash)) return wrong_type();
    reply.array(argv.size() - 2);
    for (std::size_t i = 2; i < argv.size(); ++i) {
      const std::optional<std::string_view> v = field_of(hash_of(t), argv[i]);
      if (v) reply.bulk(*v);
      else reply.null();
    }
    return {};
  });
}

void cmd_hdel(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  std::int64_t deleted = 0;
  bool emptied = false;
  if (!run(ctx, reply, argv.subspan(1, 1), true, [&](CollectionTxn& t) -> Fault {
        if (t.wrong_type(0, kHash)) return wrong_type();
        const Hash* h = hash_of(t);
        if (h == nullptr) return {};
        absl::flat_hash_set<std::string_view> seen;
        for (std::size_t i = 2; i < argv.size(); ++i) {
          if (field_of(h, argv[i]) == std::nullopt || !seen.insert(argv[i]).second) continue;
          t.ops(0, kHash).hdel(argv[i]);
          ++deleted;
        }
        emptied = deleted == static_cast<std::int64_t>(h->size());
        return {};
      })) return;
  if (deleted > 0) ctx.notify(kEvHash, "hdel", argv[1]);
  if (deleted > 0 && emptied) ctx.notify(pubsub::notify::kGeneric, "del", argv[1]);
  reply.integer(deleted);
}

// HLEN, HSTRLEN, HEXISTS: one integer from the hash.
void cmd_hlen(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  run(ctx, reply, argv.subspan(1, 1), false, [&](CollectionTxn& t) -> Fault {
    if (t.wrong_type(0, kHash)) return wrong_type();
    const Hash* h = hash_of(t);
    if (iequals(argv[0], "hlen")) {
      reply.integer(h ? static_cast<std::int64_t>(h->size()) : 0);
      return {};
    }
    const std::optional<std::string_view> v = field_of(h, argv[2]);
    if (iequals(argv[0], "hexists")) reply.integer(v ? 1 : 0);
    else reply.integer(v ? static_cast<std::int64_t>(v->size()) : 0);
    return {};
  });
}

// HKEYS, HVALS, HGETALL.
void cmd_hgetall(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  const bool keys = !iequals(argv[0], "hvals");
  const bool values = !iequals(argv[0], "hkeys");
  run(ctx, reply, argv.subspan(1, 1), false, [&](CollectionTxn& t) -> Fault {
    if (t.wrong_type(0, kHash)) return wrong_type();
    const Hash* h = hash_of(t);
    const std::size_t n = h == nullptr ? 0 : h->size();
    if (keys && values) reply.map(n);  // HGETALL is a map in RESP3, HKEYS and HVALS arrays
    else reply.array(n);
    if (h == nullptr) return {};
    for (const auto& [f, v] : *h) {
      if (keys) reply.bulk(f);
      if (values) reply.bulk(v);
    }
    return {};
  });
}

void cmd_hincrby(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  std::int64_t incr = 0;
  if (!parse_int64(argv[3], incr)) return reply.error(kNotInteger);
  std::int64_t value = 0;
  if (!run(ctx, reply, argv.subspan(1, 1), true, [&](CollectionTxn& t) -> Fault {
        if (t.wrong_type(0, kHash)) return wrong_type();
        if (const auto cur = field_of(hash_of(t), argv[2])) {
          if (!parse_i64_strict(*cur, value)) return err("hash value is not an integer");
        }
        if (__builtin_add_overflow(value, incr, &value)) return err("increment or decrement would overflow");
        t.ops(0, kHash).hset(argv[2], std::to_string(value));
        return {};
      })) return;
  ctx.notify(kEvHash, "hincrby", argv[1]);
  reply.integer(value);
}

void cmd_hincrbyfloat(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  long double incr = 0;
  if (!parse_redis_long_double(argv[3], incr)) return reply.error(kNotFloat);
  if (std::isnan(incr) || std::isinf(incr)) return reply.error("ERR value is NaN or Infinity");
  std::string text;
  if (!run(ctx, reply, argv.subspan(1, 1), true, [&](CollectionTxn& t) -> Fault {
        if (t.wrong_type(0, kHash)) return wrong_type();
        long double value = 0;
        if (const auto cur = field_of(hash_of(t), argv[2])) {
          if (!parse_redis_long_double(*cur, value)) return err("hash value is not a float");
        }
        value += incr;
        if (std::isnan(value) || std::isinf(value)) return err("increment would produce NaN or Infinity");
        text = format_redis_long_double(value);
        t.ops(0, kHash).hset(argv[2], text);
        return {};
      })) return;
  ctx.notify(kEvHash, "hincrbyfloat", argv[1]);
  reply.bulk(text);
}

void cmd_hrandfield(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  std::int64_t count = 1;
  const bool with_count = argv.size() >= 3;
  if (with_count && !parse_random_count(argv[2], count, reply)) return;
  const bool with_values = argv.size() == 4 && iequals(argv[3], "withvalues");
  if (argv.size() > 4 || (argv.size() == 4 && !with_values)) return reply.error(kSyntax);
  if (with_values && (count < -INT64_MAX / 2 || count > INT64_MAX / 2)) return reply.error("ERR value is out of range");
  run(ctx, reply, argv.subspan(1, 1), false, [&](CollectionTxn& t) -> Fault {
    if (t.wrong_type(0, kHash)) return wrong_type();
    const Hash* h = hash_of(t);
    if (h == nullptr) {
      if (with_count) reply.array(0);
      else reply.null();
      return {};
    }
    std::vector<Hash::Field> all;
    for (const auto& kv : *h) all.push_back(kv);
    const auto picks = random_picks(all.size(), with_count ? count : 1);
    if (!with_count) {
      reply.bulk(all[picks[0]].first);
      return {};
    }
    if (with_values) reply.pairs(picks.size());
    else reply.array(picks.size());
    for (std::size_t i : picks) {
      if (with_values) reply.pair();
      reply.bulk(all[i].first);
      if (with_values) reply.bulk(all[i].second);
    }
    return {};
  });
}

void cmd_hscan(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  CollectionScan scan;
  if (!parse_collection_scan(argv, scan, reply)) return;
  run(ctx, reply, argv.subspan(1, 1), false, [&](CollectionTxn& t) -> Fault {
    if (t.wrong_type(0, kHash)) return wrong_type();
    const Hash* h = hash_of(t);
    if (h == nullptr) {
      reply_empty_scan(reply);
      return {};
    }
    std::vector<Hash::Field> found;
    for (const auto& kv : *h) {
      if (scan.matches(kv.first)) found.push_back(kv);
    }
    reply.array(2);
    reply.bulk("0");
    reply.array(found.size() * 2);
    for (const auto& kv : found) {
      reply.bulk(kv.first);
      reply.bulk(kv.second);
    }
    return {};
  });
}

}  // namespace mnemo::server::commands
