// The pub/sub family: SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE,
// PUBLISH and PUBSUB CHANNELS / NUMSUB / NUMPAT / HELP, with Redis 7's RESP2
// replies (pubsub.c). The registry (server/pubsub/registry.h) delivers; the
// session keeps this connection's own list, from which the counts come.
#include "server/commands/pubsub.h"

#include "server/commands/helpers.h"
#include "server/commands/server.h"

namespace mnemo::server::commands {

namespace {

constexpr std::string_view kNoPubSub = "ERR pub/sub is not available on this connection";

bool can_subscribe(CommandContext& ctx) {
  return ctx.env().pubsub != nullptr && ctx.session().subscriber.outbox != nullptr;
}

// SUBSCRIBE and PSUBSCRIBE: `patterns` picks the set and the registry call.
void subscribe(CommandContext& ctx, ArgList argv, ReplyBuilder& reply, bool patterns) {
  if (!can_subscribe(ctx)) return reply.error(kNoPubSub);
  pubsub::Subscriber& s = ctx.session().subscriber;
  pubsub::Registry& registry = *ctx.env().pubsub;
  auto& mine = patterns ? s.patterns : s.channels;
  for (std::string_view name : argv.subspan(1)) {
    if (mine.emplace(name).second) {
      if (patterns) registry.psubscribe(name, s.outbox);
      else registry.subscribe(name, s.outbox);
    }
    confirm(reply, patterns ? "psubscribe" : "subscribe", &name, s.count());
  }
  s.outbox->set_subscribed(true);
}

void unsubscribe_one(CommandContext& ctx, std::string_view name, ReplyBuilder& reply, bool patterns) {
  pubsub::Subscriber& s = ctx.session().subscriber;
  auto& mine = patterns ? s.patterns : s.channels;
  if (auto it = mine.find(std::string(name)); it != mine.end()) {
    mine.erase(it);
    if (patterns) ctx.env().pubsub->punsubscribe(name, s.outbox.get());
    else ctx.env().pubsub->unsubscribe(name, s.outbox.get());
  }
  confirm(reply, patterns ? "punsubscribe" : "unsubscribe", &name, s.count());
  s.outbox->set_subscribed(s.total() > 0);
}

// UNSUBSCRIBE and PUNSUBSCRIBE; without names, every one of the kind (Redis
// answers one confirmation with a nil name when there was none).
void unsubscribe(CommandContext& ctx, ArgList argv, ReplyBuilder& reply, bool patterns) {
  pubsub::Subscriber& s = ctx.session().subscriber;
  const std::string_view kind = patterns ? "punsubscribe" : "unsubscribe";
  if (!can_subscribe(ctx)) {
    if (argv.size() == 1) return confirm(reply, kind, nullptr, 0);
    for (std::string_view name : argv.subspan(1)) confirm(reply, kind, &name, 0);
    return;
  }
  if (argv.size() > 1) {
    for (std::string_view name : argv.subspan(1)) unsubscribe_one(ctx, name, reply, patterns);
    return;
  }
  auto& mine = patterns ? s.patterns : s.channels;
  if (mine.empty()) return confirm(reply, kind, nullptr, s.count());
  const std::vector<std::string> all(mine.begin(), mine.end());
  for (const std::string& name : all) unsubscribe_one(ctx, name, reply, patterns);
}

}  // namespace

void confirm(ReplyBuilder& reply, std::string_view kind, const std::string_view* name, std::size_t count) {
  reply.push(3);
  reply.bulk(kind);
  if (name != nullptr) reply.bulk(*name);
  else reply.null();
  reply.integer(static_cast<std::int64_t>(count));
}

void cmd_subscribe(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) { subscribe(ctx, argv, reply, false); }
void cmd_psubscribe(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) { subscribe(ctx, argv, reply, true); }
void cmd_unsubscribe(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) { unsubscribe(ctx, argv, reply, false); }
void cmd_punsubscribe(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) { unsubscribe(ctx, argv, reply, true); }

void cmd_publish(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  if (ctx.env().pubsub == nullptr) return reply.integer(0);
  reply.integer(static_cast<std::int64_t>(ctx.env().pubsub->publish(argv[1], argv[2])));
}

void cmd_pubsub_channels(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  if (argv.size() > 3) {  // Redis 7.0's check of this subcommand's own arity
    return reply.error("ERR unknown subcommand or wrong number of arguments for '" +
                       std::string(argv[1].substr(0, 128)) + "'. Try PUBSUB HELP.");
  }
  std::vector<std::string> names;
  // An explicit "*" lists everything too; no pattern is the same as "*".
  if (ctx.env().pubsub != nullptr) names = ctx.env().pubsub->channels(argv.size() == 3 ? argv[2] : "");
  reply.array(names.size());
  for (const std::string& n : names) reply.bulk(n);
}

void cmd_pubsub_numsub(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  reply.array(2 * (argv.size() - 2));
  for (std::string_view name : argv.subspan(2)) {
    reply.bulk(name);
    reply.integer(ctx.env().pubsub != nullptr ? static_cast<std::int64_t>(ctx.env().pubsub->numsub(name)) : 0);
  }
}

void cmd_pubsub_numpat(CommandContext& ctx, ArgList, ReplyBuilder& reply) {
  reply.integer(ctx.env().pubsub != nullptr ? static_cast<std::int64_t>(ctx.env().pubsub->numpat()) : 0);
}

void cmd_pubsub_help(CommandContext&, ArgList, ReplyBuilder& reply) {
  reply_help(reply, "PUBSUB",
             {"CHANNELS [<pattern>]",
              "    Return the currently active channels matching a <pattern> (default: '*').",
              "NUMPAT",
              "    Return number of subscriptions to patterns.",
              "NUMSUB [<channel> ...]",
              "    Return the number of subscribers for the specified channels, excluding",
              "    pattern subscriptions(default: no channels).",
              "SHARDCHANNELS [<pattern>]",
              "    Return the currently active shard level channels matching a <pattern> (default: '*').",
              "SHARDNUMSUB [<shardchannel> ...]",
              "    Return the number of subscribers for the specified shard level channel(s)"});
}

bool allowed_when_subscribed(const CommandSpec& spec) {
  const std::string_view n = spec.name;
  return n == "ping" || n == "subscribe" || n == "unsubscribe" || n == "psubscribe" || n == "punsubscribe" ||
         n == "ssubscribe" || n == "sunsubscribe" || n == "quit" || n == "reset";
}

std::string subscribed_mode_error(const CommandSpec& spec) {
  return "ERR Can't execute '" + std::string(spec.name) +
         "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context";
}

}  // namespace mnemo::server::commands
