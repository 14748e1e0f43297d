// Sharded pub/sub as Redis 7.0 answers it without cluster mode (pubsub.c):
// SSUBSCRIBE, SUNSUBSCRIBE, SPUBLISH and PUBSUB SHARDCHANNELS / SHARDNUMSUB.
// A single node owns every slot, so a shard channel is a channel of its own
// namespace (registry.h): no patterns reach it, and its confirmations count
// only the connection's shard channels.
#include "server/commands/helpers.h"
#include "server/commands/pubsub.h"

namespace mnemo::server::commands {

using protocol::ReplyBuilder;

namespace {

void sunsubscribe_one(CommandContext& ctx, std::string_view name, ReplyBuilder& reply) {
  pubsub::Subscriber& s = ctx.session().subscriber;
  if (auto it = s.shard_channels.find(std::string(name)); it != s.shard_channels.end()) {
    s.shard_channels.erase(it);
    ctx.env().pubsub->sunsubscribe(name, s.outbox.get());
  }
  confirm(reply, "sunsubscribe", &name, s.shard_channels.size());
}

}  // namespace

void cmd_ssubscribe(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  // EXEC runs its queue as a client that may not block (Redis's CLIENT_DENY_BLOCKING);
  // SSUBSCRIBE, unlike SUBSCRIBE, has no exception for it.
  if (Store::in_transaction()) return reply.error("ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client");
  pubsub::Subscriber& s = ctx.session().subscriber;
  if (ctx.env().pubsub == nullptr || s.outbox == nullptr) {
    return reply.error("ERR pub/sub is not available on this connection");
  }
  for (std::string_view name : argv.subspan(1)) {
    if (s.shard_channels.emplace(name).second) ctx.env().pubsub->ssubscribe(name, s.outbox);
    confirm(reply, "ssubscribe", &name, s.shard_channels.size());
  }
  s.outbox->set_subscribed(true);
}

// SUNSUBSCRIBE [channel ...]: without names, every shard channel (one
// confirmation with a nil name when there was none).
void cmd_sunsubscribe(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  pubsub::Subscriber& s = ctx.session().subscriber;
  if (ctx.env().pubsub == nullptr || s.outbox == nullptr) {
    if (argv.size() == 1) return confirm(reply, "sunsubscribe", nullptr, 0);
    for (std::string_view name : argv.subspan(1)) confirm(reply, "sunsubscribe", &name, 0);
    return;
  }
  if (argv.size() > 1) {
    for (std::string_view name : argv.subspan(1)) sunsubscribe_one(ctx, name, reply);
  } else if (s.shard_channels.empty()) {
    confirm(reply, "sunsubscribe", nullptr, 0);
  } else {
    const std::vector<std::string> all(s.shard_channels.begin(), s.shard_channels.end());
    for (const std::string& name : all) sunsubscribe_one(ctx, name, reply);
  }
  s.outbox->set_subscribed(s.total() > 0);
}

void cmd_spublish(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  if (ctx.env().pubsub == nullptr) return reply.integer(0);
  reply.integer(static_cast<std::int64_t>(ctx.env().pubsub->spublish(argv[1], argv[2])));
}

void cmd_pubsub_shardchannels(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  if (argv.size() > 3) {  // Redis 7.0's check of this subcommand's own arity
    return reply.error("ERR unknown subcommand or wrong number of arguments for '" +
                       std::string(argv[1].substr(0, 128)) + "'. Try PUBSUB HELP.");
  }
  std::vector<std::string> names;
  if (ctx.env().pubsub != nullptr) names = ctx.env().pubsub->shard_channels(argv.size() == 3 ? argv[2] : "");
  reply.array(names.size());
  for (const std::string& n : names) reply.bulk(n);
}

void cmd_pubsub_shardnumsub(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  reply.array(2 * (argv.size() - 2));
  for (std::string_view name : argv.subspan(2)) {
    reply.bulk(name);
    reply.integer(ctx.env().pubsub != nullptr ? static_cast<std::int64_t>(ctx.env().pubsub->shard_numsub(name)) : 0);
  }
}

}  // namespace mnemo::server::commands
