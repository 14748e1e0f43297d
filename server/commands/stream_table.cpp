// The stream family's table entries (Redis 7.0's declarations), bound to stream*.cpp.
#include "server/commands/command_table.h"
#include "server/commands/families.h"

namespace mnemo::server {

using namespace commands;  // NOLINT: the handlers

namespace {

constexpr std::uint32_t kW = cmd::kWrite | cmd::kDenyOom | cmd::kFast;
constexpr std::uint32_t kR = cmd::kReadOnly | cmd::kFast;
constexpr std::uint32_t kRO = cmd::kKeyRO | cmd::kKeyAccess;
constexpr std::uint32_t kRWUpdate = cmd::kKeyRW | cmd::kKeyUpdate;

CommandSpec stream_cmd(std::string_view name, int arity, std::uint32_t flags, std::uint32_t keyflags,
                       CommandHandler h, std::string_view summary, std::string_view since,
                       std::string_view complexity, int key_at = 1) {
  return {.name = name, .arity = arity, .flags = flags, .acl = cmd::kAclStream, .keys = {key(keyflags, key_at, 0, 1)},
          .doc = {summary, since, "stream", complexity}, .handler = h};
}

// XREAD/XREADGROUP: the keys follow STREAMS (a keyword search in Redis).
CommandSpec read_cmd(std::string_view name, int arity, std::uint32_t flags, std::uint32_t keyflags, std::string_view summary,
                     std::string_view since) {
  CommandSpec s = stream_cmd(name, arity, flags | cmd::kBlocking | cmd::kMovableKeys, keyflags | cmd::kKeyIncomplete,
                             cmd_xread, summary, since, "For each stream mentioned: O(M) with M the number of elements returned.", 0);
  s.acl |= cmd::kAclBlocking;
  return s;
}

std::vector<CommandSpec> group_subcommands() {
  const std::uint32_t w = cmd::kWrite;
  return {
      stream_cmd("xgroup|create", -5, w | cmd::kDenyOom, cmd::kKeyRW | cmd::kKeyInsert, cmd_xgroup, "Create a consumer group.", "5.0.0", "O(1)", 2),
      stream_cmd("xgroup|createconsumer", 5, w | cmd::kDenyOom, cmd::kKeyRW | cmd::kKeyInsert, cmd_xgroup, "Create a consumer in a consumer group.", "6.2.0", "O(1)", 2),
      stream_cmd("xgroup|delconsumer", 5, w, cmd::kKeyRW | cmd::kKeyDelete, cmd_xgroup, "Delete a consumer from a consumer group.", "5.0.0", "O(1)", 2),
      stream_cmd("xgroup|destroy", 4, w, cmd::kKeyRW | cmd::kKeyDelete, cmd_xgroup, "Destroy a consumer group.", "5.0.0", "O(N) where N is the number of entries in the group's pending entries list (PEL).", 2),
      {.name = "xgroup|help", .arity = 2, .flags = cmd::kLoading | cmd::kStale, .acl = cmd::kAclStream,
       .doc = {"Show helpful text about the different subcommands", "5.0.0", "stream", "O(1)"}, .handler = cmd_xgroup},
      stream_cmd("xgroup|setid", -5, w, cmd::kKeyRW | cmd::kKeyUpdate, cmd_xgroup, "Set the last delivered ID of a consumer group.", "5.0.0", "O(1)", 2),
  };
}

std::vector<CommandSpec> info_subcommands() {
  const std::uint32_t r = cmd::kReadOnly;
  return {
      stream_cmd("xinfo|consumers", 4, r, cmd::kKeyRO | cmd::kKeyAccess, cmd_xinfo, "Get a list of the consumers in a consumer group.", "5.0.0", "O(1)", 2),
      stream_cmd("xinfo|groups", 3, r, cmd::kKeyRO | cmd::kKeyAccess, cmd_xinfo, "Get a list of the consumer groups of a stream.", "5.0.0", "O(1)", 2),
      {.name = "xinfo|help", .arity = 2, .flags = cmd::kLoading | cmd::kStale, .acl = cmd::kAclStream,
       .doc = {"Show helpful text about the different subcommands", "5.0.0", "stream", "O(1)"}, .handler = cmd_xinfo},
      stream_cmd("xinfo|stream", -3, r, cmd::kKeyRO | cmd::kKeyAccess, cmd_xinfo, "Get information about a stream.", "5.0.0", "O(1)", 2),
  };
}

}  // namespace

void register_stream_commands(CommandTable& t) {
  t.add(stream_cmd("xack", -4, cmd::kWrite | cmd::kFast, kRWUpdate, cmd_xack, "Marks a pending message as correctly processed, effectively removing it from the pending entries list of the consumer group. Return value of the command is the number of messages successfully acknowledged, that is, the IDs we were actually able to resolve in the PEL.", "5.0.0", "O(1) for each message ID processed."));
  t.add(stream_cmd("xadd", -5, kW, kRWUpdate | cmd::kKeyInsert, cmd_xadd, "Appends a new entry to a stream", "5.0.0", "O(1) when adding a new entry, O(N) when trimming where N being the number of entries evicted."));
  t.add(stream_cmd("xautoclaim", -6, cmd::kWrite | cmd::kFast, kRWUpdate, cmd_xautoclaim, "Changes (or acquires) ownership of messages in a consumer group, as if the messages were delivered to the specified consumer.", "6.2.0", "O(1) if COUNT is small."));
  t.add(stream_cmd("xclaim", -6, cmd::kWrite | cmd::kFast, kRWUpdate, cmd_xclaim, "Changes (or acquires) ownership of a message in a consumer group, as if the message was delivered to the specified consumer.", "5.0.0", "O(log N) with N being the number of messages in the PEL of the consumer group."));
  t.add(stream_cmd("xdel", -3, cmd::kWrite | cmd::kFast, cmd::kKeyRW | cmd::kKeyDelete, cmd_xdel, "Removes the specified entries from the stream. Returns the number of items actually deleted, that may be different from the number of IDs passed in case certain IDs do not exist.", "5.0.0", "O(1) for each single item to delete in the stream, regardless of the stream size."));
  t.add({.name = "xgroup", .arity = -2, .flags = 0, .acl = 0,
         .doc = {"A container for consumer groups commands", "5.0.0", "stream", "Depends on subcommand."},
         .handler = nullptr, .subcommands = group_subcommands()});
  t.add({.name = "xinfo", .arity = -2, .flags = 0, .acl = 0,
         .doc = {"A container for stream introspection commands", "5.0.0", "stream", "Depends on subcommand."},
         .handler = nullptr, .subcommands = info_subcommands()});
  t.add(stream_cmd("xlen", 2, kR, cmd::kKeyRO, cmd_xlen, "Return the number of entries in a stream", "5.0.0", "O(1)"));
  t.add(stream_cmd("xpending", -3, cmd::kReadOnly, kRO, cmd_xpending, "Return information and entries from a stream consumer group pending entries list, that are messages fetched but never acknowledged.", "5.0.0", "O(N) with N being the number of elements returned, so asking for a small fixed number of entries per call is O(1). O(M), where M is the total number of entries scanned when used with the IDLE filter. When the command returns just the summary and the list of consumers is small, it runs in O(1) time; otherwise, an additional O(N) time for iterating every consumer."));
  t.add(stream_cmd("xrange", -4, cmd::kReadOnly, kRO, cmd_xrange, "Return a range of elements in a stream, with IDs matching the specified IDs interval", "5.0.0", "O(N) with N being the number of elements being returned. If N is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1)."));
  t.add(read_cmd("xread", -4, cmd::kReadOnly, kRO, "Return never seen elements in multiple streams, with IDs greater than the ones reported by the caller for each stream. Can block.", "5.0.0"));
  t.add(read_cmd("xreadgroup", -7, cmd::kWrite, kRWUpdate, "Return new entries from a stream using a consumer group, or access the history of the pending entries for a given consumer. Can block.", "5.0.0"));
  t.add(stream_cmd("xrevrange", -4, cmd::kReadOnly, kRO, cmd_xrange, "Return a range of elements in a stream, with IDs matching the specified ID interval, in reverse order (from greater to smaller IDs) compared to XRANGE", "5.0.0", "O(N) with N being the number of elements returned. If N is constant (e.g. asking for the first 10 elements with COUNT), you can consider it O(1)."));
  t.add(stream_cmd("xsetid", -3, kW, kRWUpdate, cmd_xsetid, "An internal command for replicating stream values", "5.0.0", "O(1)"));
  t.add(stream_cmd("xtrim", -4, cmd::kWrite, kRWUpdate, cmd_xtrim, "Trims the stream to (approximately if '~' is passed) a certain size", "5.0.0", "O(N), with N being the number of evicted entries. Eviction happens in one step, so N is constant."));
}

}  // namespace mnemo::server
