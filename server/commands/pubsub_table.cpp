// The pub/sub family's table entries, as Redis 7.0 declares them.
#include "server/commands/command_table.h"
#include "server/commands/pubsub.h"

namespace mnemo::server {

using namespace commands;  // NOLINT: the handlers

void register_pubsub_commands(CommandTable& t) {
  constexpr std::uint32_t kSub = cmd::kPubSub | cmd::kNoScript | cmd::kLoading | cmd::kStale;
  t.add({.name = "subscribe", .arity = -2, .flags = kSub,
   .doc = {"Listen for messages published to the given channels", "2.0.0", "pubsub",
           "O(N) where N is the number of channels to subscribe to."},
   .handler = cmd_subscribe});
  t.add({.name = "unsubscribe", .arity = -1, .flags = kSub,
   .doc = {"Stop listening for messages posted to the given channels", "2.0.0", "pubsub",
           "O(N) where N is the number of clients already subscribed to a channel."},
   .handler = cmd_unsubscribe});
  t.add({.name = "psubscribe", .arity = -2, .flags = kSub,
   .doc = {"Listen for messages published to channels matching the given patterns", "2.0.0", "pubsub",
           "O(N) where N is the number of patterns the client is already subscribed to."},
   .handler = cmd_psubscribe});
  t.add({.name = "punsubscribe", .arity = -1, .flags = kSub,
   .doc = {"Stop listening for messages posted to channels matching the given patterns", "2.0.0", "pubsub",
           "O(N+M) where N is the number of patterns the client is already subscribed and M is the number of total patterns subscribed in the system (by any client)."},
   .handler = cmd_punsubscribe});
  t.add({.name = "publish", .arity = 3, .flags = cmd::kPubSub | cmd::kLoading | cmd::kStale | cmd::kFast,
   .doc = {"Post a message to a channel", "2.0.0", "pubsub",
           "O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total number of subscribed patterns (by any client)."},
   .handler = cmd_publish});
  // Sharded pub/sub: the channels are key specs marked not_key (Redis 7.0).
  t.add({.name = "ssubscribe", .arity = -2, .flags = kSub, .keys = {key(cmd::kKeyNotKey, 1, -1, 1)},
   .doc = {"Listen for messages published to the given shard channels", "7.0.0", "pubsub",
           "O(N) where N is the number of shard channels to subscribe to."},
   .handler = cmd_ssubscribe});
  t.add({.name = "sunsubscribe", .arity = -1, .flags = kSub, .keys = {key(cmd::kKeyNotKey, 1, -1, 1)},
   .doc = {"Stop listening for messages posted to the given shard channels", "7.0.0", "pubsub",
           "O(N) where N is the number of clients already subscribed to a shard channel."},
   .handler = cmd_sunsubscribe});
  t.add({.name = "spublish", .arity = 3, .flags = cmd::kPubSub | cmd::kLoading | cmd::kStale | cmd::kFast,
   .keys = {key(cmd::kKeyNotKey, 1, 0, 1)},
   .doc = {"Post a message to a shard channel", "7.0.0", "pubsub",
           "O(N) where N is the number of clients subscribed to the receiving shard channel."},
   .handler = cmd_spublish});
  constexpr std::uint32_t kInfo = cmd::kPubSub | cmd::kLoading | cmd::kStale;
  t.add({.name = "pubsub", .arity = -2, .flags = 0, .acl = 0,
   .doc = {"A container for Pub/Sub commands", "2.8.0", "pubsub", "Depends on subcommand."},
   .handler = nullptr,
   .subcommands = {
        {.name = "pubsub|channels", .arity = -2, .flags = kInfo,
         .doc = {"List active channels", "2.8.0", "pubsub",
                 "O(N) where N is the number of active channels, and assuming constant time pattern matching (relatively short channels and patterns)"},
         .handler = cmd_pubsub_channels},
        {.name = "pubsub|numsub", .arity = -2, .flags = kInfo,
         .doc = {"Get the count of subscribers for channels", "2.8.0", "pubsub",
                 "O(N) for the NUMSUB subcommand, where N is the requested channels"},
         .handler = cmd_pubsub_numsub},
        {.name = "pubsub|numpat", .arity = 2, .flags = kInfo,
         .doc = {"Get the count of unique patterns pattern subscriptions", "2.8.0", "pubsub", "O(1)"},
         .handler = cmd_pubsub_numpat},
        {.name = "pubsub|shardchannels", .arity = -2, .flags = kInfo,
         .doc = {"List active shard channels", "7.0.0", "pubsub",
                 "O(N) where N is the number of active shard channels, and assuming constant time pattern matching (relatively short shard channels)."},
         .handler = cmd_pubsub_shardchannels},
        {.name = "pubsub|shardnumsub", .arity = -2, .flags = kInfo,
         .doc = {"Get the count of subscribers for shard channels", "7.0.0", "pubsub",
                 "O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels"},
         .handler = cmd_pubsub_shardnumsub},
        {.name = "pubsub|help", .arity = 2, .flags = cmd::kLoading | cmd::kStale,
         .doc = {"Show helpful text about the different subcommands", "6.2.0", "pubsub", "O(1)"},
         .handler = cmd_pubsub_help}}});
}

}  // namespace mnemo::server
