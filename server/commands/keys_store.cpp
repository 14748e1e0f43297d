// Commands that run one typed store operation directly (store.h): each is
// atomic under the locks it needs and journaled as one unit. DEL/UNLINK,
// MSETNX, RENAME, RENAMENX, COPY, FLUSHDB, FLUSHALL, KEYS, RANDOMKEY, SCAN.
#include <algorithm>

#include "server/commands/handlers.h"
#include "server/commands/helpers.h"
#include "server/commands/keys_store.h"

namespace mnemo::server::commands {

using protocol::Status;

namespace {

// FLUSHDB/FLUSHALL [ASYNC|SYNC]: both flush without stalling other clients.
bool flush_args_ok(ArgList argv, ReplyBuilder& reply) {
  if (argv.size() > 2 || (argv.size() == 2 && !iequals(argv[1], "async") && !iequals(argv[1], "sync"))) {
    reply.error(kSyntax);
    return false;
  }
  return true;
}

}  // namespace

bool store_del(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  Store* store = ctx.env().store;
  if (store == nullptr) return false;
  std::vector<std::string_view> deleted;
  const auto r = store->del(ctx.session().db, argv.subspan(1), &deleted);
  if (!r) {
    reply_store_error(ctx, r.error(), reply);
    return true;
  }
  for (std::string_view key : deleted) ctx.notify(pubsub::notify::kGeneric, "del", key);
  reply.integer(static_cast<std::int64_t>(*r));
  return true;
}

bool store_expire(CommandContext& ctx, std::string_view key, std::int64_t deadline_ms, std::uint8_t options,
                  ReplyBuilder& reply) {
  Store* store = ctx.env().store;
  if (store == nullptr) return false;
  ExpireCondition cond = ExpireCondition::always;
  if (options & kOptNx) cond = ExpireCondition::nx;
  else if (options & kOptGt) cond = ExpireCondition::gt;  // XX GT is GT
  else if (options & kOptLt) cond = (options & kOptXx) ? ExpireCondition::xx_lt : ExpireCondition::lt;
  else if (options & kOptXx) cond = ExpireCondition::xx;
  const auto r = store->expire_at(ctx.session().db, key, deadline_ms, cond);
  if (!r) {
    reply_store_error(ctx, r.error(), reply);
    return true;
  }
  // A deadline already past deletes the key (Redis: "del").
  if (*r) ctx.notify(pubsub::notify::kGeneric, deadline_ms <= ctx.now_ms() ? "del" : "expire", key);
  reply.integer(*r ? 1 : 0);
  return true;
}

namespace {
void notify_rename(CommandContext& ctx, std::string_view from, std::string_view to) {
  ctx.notify(pubsub::notify::kGeneric, "rename_from", from);
  ctx.notify(pubsub::notify::kGeneric, "rename_to", to);
}
}  // namespace

void cmd_msetnx(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  if (argv.size() % 2 == 0) return reply.error(wrong_arity_message("msetnx"));
  NEED_STORE(store);
  std::vector<std::string_view> keys, values;
  for (std::size_t i = 1; i < argv.size(); i += 2) {
    keys.push_back(argv[i]);
    values.push_back(argv[i + 1]);
  }
  const auto r = store->msetnx(ctx.session().db, keys, values);
  if (!r) return reply_store_error(ctx, r.error(), reply);
  if (*r)
    for (std::string_view key : keys) ctx.notify(pubsub::notify::kString, "set", key);
  reply.integer(*r ? 1 : 0);
}

void cmd_rename(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  NEED_STORE(store);
  if (ctx.command().name == "renamenx") {
    const auto r = store->renamenx(ctx.session().db, argv[1], argv[2]);
    if (!r) return reply_store_error(ctx, r.error(), reply);
    if (*r) notify_rename(ctx, argv[1], argv[2]);
    return reply.integer(*r ? 1 : 0);
  }
  const auto r = store->rename(ctx.session().db, argv[1], argv[2]);
  if (!r) return reply_store_error(ctx, r.error(), reply);
  notify_rename(ctx, argv[1], argv[2]);
  reply.ok();
}

// COPY source destination [DB index] [REPLACE], checked in Redis's order.
void cmd_copy(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  NEED_STORE(store);
  const DbIndex src_db = ctx.session().db;
  DbIndex dst_db = src_db;
  bool replace = false;
  for (std::size_t i = 3; i < argv.size(); ++i) {
    if (iequals(argv[i], "replace")) {
      replace = true;
    } else if (iequals(argv[i], "db") && i + 1 < argv.size()) {
      std::int64_t n = 0;
      if (!parse_int64(argv[++i], n) || n < INT32_MIN || n > INT32_MAX) return reply.error(kNotInteger);
      if (n < 0 || n >= static_cast<std::int64_t>(ctx.env().databases)) return reply.error("ERR DB index is out of range");
      dst_db = static_cast<DbIndex>(n);
    } else {
      return reply.error(kSyntax);
    }
  }
  const auto r = store->copy(src_db, argv[1], dst_db, argv[2], replace);
  if (!r) return reply_store_error(ctx, r.error(), reply);
  if (*r) ctx.notify(pubsub::notify::kGeneric, "copy_to", dst_db, argv[2]);
  reply.integer(*r ? 1 : 0);
}

// MOVE key db (Redis 7.0's moveCommand): the database first, then the key.
void cmd_move(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  NEED_STORE(store);
  const DbIndex src_db = ctx.session().db;
  std::int64_t n = 0;
  if (!parse_int64(argv[2], n)) return reply.error(kNotInteger);
  if (n < INT32_MIN || n > INT32_MAX) {  // Redis's getIntFromObjectOrReply
    return reply.error("ERR value is out of range, value must between -2147483648 and 2147483647");
  }
  if (n < 0 || n >= static_cast<std::int64_t>(ctx.env().databases)) return reply.error("ERR DB index is out of range");
  const auto dst_db = static_cast<DbIndex>(n);
  if (dst_db == src_db) return reply.error("ERR source and destination objects are the same");
  const auto r = store->move(src_db, argv[1], dst_db);
  if (!r) return reply_store_error(ctx, r.error(), reply);
  if (*r) {
    ctx.notify(pubsub::notify::kGeneric, "move_from", src_db, argv[1]);
    ctx.notify(pubsub::notify::kGeneric, "move_to", dst_db, argv[1]);
  }
  reply.integer(*r ? 1 : 0);
}

// SWAPDB index1 index2 (Redis 7.0's swapdbCommand and dbSwapDatabases).
void cmd_swapdb(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  NEED_STORE(store);
  std::int64_t ids[2] = {0, 0};
  const char* invalid[2] = {"ERR invalid first DB index", "ERR invalid second DB index"};
  for (int i = 0; i < 2; ++i) {
    if (!parse_int64(argv[1 + i], ids[i]) || ids[i] < INT32_MIN || ids[i] > INT32_MAX) return reply.error(invalid[i]);
  }
  const auto databases = static_cast<std::int64_t>(ctx.env().databases);
  for (std::int64_t id : ids) {
    if (id < 0 || id >= databases) return reply.error("ERR DB index is out of range");
  }
  const auto a = static_cast<DbIndex>(ids[0]);
  const auto b = static_cast<DbIndex>(ids[1]);
  const auto r = store->swapdb(a, b);
  if (!r) return reply_store_error(ctx, r.error(), reply);
  if (a != b) {
    // A client blocked on a key now present in its database is served, as in Redis.
    if (ctx.env().blocking != nullptr) {
      ctx.env().blocking->signal_db(a);
      ctx.env().blocking->signal_db(b);
    }
    // Tracked keys carry no database: drop them all, as a flush does (docs/RESP.md).
    if (ctx.env().tracking != nullptr) ctx.env().tracking->invalidate_all();
  }
  reply.ok();
}

void cmd_flushdb(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  if (!flush_args_ok(argv, reply)) return;
  NEED_STORE(store);
  const auto r = ctx.command().name == "flushall" ? store->flushall() : store->flushdb(ctx.session().db);
  if (!r) return reply_store_error(ctx, r.error(), reply);
  // Client-side caching: tracked keys carry no database, so any flush drops them all (as Redis).
  if (ctx.env().tracking != nullptr) ctx.env().tracking->invalidate_all();
  reply.ok();
}

void cmd_keys(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  NEED_STORE(store);
  const auto r = store->keys(ctx.session().db, argv[1]);
  if (!r) return reply_store_error(ctx, r.error(), reply);
  reply.array(r->size());
  for (const std::string& k : *r) reply.bulk(k);
}

void cmd_randomkey(CommandContext& ctx, ArgList, ReplyBuilder& reply) {
  NEED_STORE(store);
  const auto r = store->randomkey(ctx.session().db);
  if (!r) return reply_store_error(ctx, r.error(), reply);
  if (*r) reply.bulk(**r);
  else reply.null();
}

bool store_scan(CommandContext& ctx, std::uint64_t cursor, std::string_view pattern, std::uint32_t count,
                std::string_view type, ReplyBuilder& reply) {
  Store* store = ctx.env().store;
  if (store == nullptr) return false;
  // Redis compares the type case-insensitively; the store wants it lower case.
  std::string_view known = type.empty() ? std::string_view() : std::string_view("none");
  for (std::string_view name : {"string", "list", "set", "zset", "hash", "stream"}) {
    if (iequals(type, name)) known = name;
  }
  type = known;
  const auto r = store->scan(ctx.session().db, cursor, pattern, count, type);
  if (!r) {
    reply_store_error(ctx, r.error(), reply);
    return true;
  }
  // MATCH "" matches only the empty key in Redis; the store reads "" as "all".
  const bool only_empty = pattern.empty();
  const auto n = only_empty ? std::count(r->keys.begin(), r->keys.end(), std::string()) : r->keys.size();
  reply.array(2);
  reply.bulk_integer(r->cursor);
  reply.array(static_cast<std::size_t>(n));
  for (const std::string& k : r->keys) {
    if (!only_empty || k.empty()) reply.bulk(k);
  }
  return true;
}

}  // namespace mnemo::server::commands
