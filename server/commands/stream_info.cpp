// XINFO STREAM [FULL [COUNT n]], GROUPS, CONSUMERS and HELP (Redis 7.0's
// xinfoCommand). radix-tree-keys counts the nodes, which end where Redis's
// end (stream_entries.h); radix-tree-nodes, the inner nodes of Redis's radix
// tree, which mnemo has not, is an estimate (docs/RESP.md).
#include "server/commands/families.h"
#include "server/commands/stream_cmd.h"

namespace mnemo::server::commands {

namespace {

constexpr std::string_view kInfoHelp[] = {
    "XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "CONSUMERS <key> <groupname>",
    "    Show consumers of <groupname>.",
    "GROUPS <key>",
    "    Show the stream consumer groups.",
    "STREAM <key> [FULL [COUNT <count>]",
    "    Show information about the stream.",
    "HELP",
    "    Prints this help.",
};

void reply_lag(const Stream& s, const StreamGroup& g, ReplyBuilder& reply) {
  const auto lag = s.lag(g);
  if (lag) reply.integer(*lag);
  else reply.null();
}

void reply_entries_read(const StreamGroup& g, ReplyBuilder& reply) {
  if (g.entries_read != -1) reply.integer(g.entries_read);
  else reply.null();
}

void stream_head(const Stream& s, ReplyBuilder& reply) {
  const auto len = static_cast<std::int64_t>(s.entries.size());
  const auto keys = static_cast<std::int64_t>(s.entries.node_count());
  reply.bulk("length");
  reply.integer(len);
  reply.bulk("radix-tree-keys");
  reply.integer(keys);
  reply.bulk("radix-tree-nodes");
  reply.integer(keys + 1);
  reply.bulk("last-generated-id");
  reply.bulk(s.last_id.str());
  reply.bulk("max-deleted-entry-id");
  reply.bulk(s.max_deleted.str());
  reply.bulk("entries-added");
  reply.integer(static_cast<std::int64_t>(s.entries_added));
  reply.bulk("recorded-first-entry-id");
  reply.bulk(s.first_id().str());
}

void full_group(const Stream& s, const std::string& name, const StreamGroup& g, std::size_t count,
                ReplyBuilder& reply) {
  auto limit = [&](std::size_t n) { return count == 0 ? n : std::min(n, count); };
  reply.map(7);
  reply.bulk("name");
  reply.bulk(name);
  reply.bulk("last-delivered-id");
  reply.bulk(g.last_id.str());
  reply.bulk("entries-read");
  reply_entries_read(g, reply);
  reply.bulk("lag");
  reply_lag(s, g, reply);
  reply.bulk("pel-count");
  reply.integer(static_cast<std::int64_t>(g.pel.size()));
  reply.bulk("pending");
  reply.array(limit(g.pel.size()));
  std::size_t i = 0;
  for (auto it = g.pel.begin(); it != g.pel.end() && i < limit(g.pel.size()); ++it, ++i) {
    reply.array(4);
    reply.bulk(it->first.str());
    reply.bulk(it->second.consumer);
    reply.integer(it->second.delivery_time);
    reply.integer(static_cast<std::int64_t>(it->second.delivery_count));
  }
  reply.bulk("consumers");
  reply.array(g.consumers.size());
  for (const auto& [cname, c] : g.consumers) {
    reply.map(4);
    reply.bulk("name");
    reply.bulk(cname);
    reply.bulk("seen-time");
    reply.integer(c.seen_time);
    reply.bulk("pel-count");
    reply.integer(static_cast<std::int64_t>(c.pending.size()));
    reply.bulk("pending");
    reply.array(limit(c.pending.size()));
    std::size_t j = 0;
    for (auto it = c.pending.begin(); it != c.pending.end() && j < limit(c.pending.size()); ++it, ++j) {
      const StreamNack& n = g.pel.at(*it);
      reply.array(3);
      reply.bulk(it->str());
      reply.integer(n.delivery_time);
      reply.integer(static_cast<std::int64_t>(n.delivery_count));
    }
  }
}

void info_stream(const Stream& s, bool full, std::int64_t count, ReplyBuilder& reply) {
  reply.map(full ? 9 : 10);
  stream_head(s, reply);
  if (!full) {
    reply.bulk("groups");
    reply.integer(static_cast<std::int64_t>(s.groups.size()));
    reply.bulk("first-entry");
    if (s.entries.empty()) reply.null();
    else reply_entry(reply, s.entries.begin()->first, s.entries.begin()->second);
    reply.bulk("last-entry");
    if (s.entries.empty()) reply.null();
    else {
      const auto last = std::prev(s.entries.end());
      reply_entry(reply, last->first, last->second);
    }
    return;
  }
  reply.bulk("entries");
  const auto found = stream_range(s, StreamId{}, StreamId::max(), static_cast<std::size_t>(count), false);
  reply.array(found.size());
  for (const auto& [id, packed] : found) reply_entry(reply, id, packed);
  reply.bulk("groups");
  reply.array(s.groups.size());
  for (const auto& [name, g] : s.groups) full_group(s, name, g, static_cast<std::size_t>(count), reply);
}

void info_groups(const Stream& s, ReplyBuilder& reply) {
  reply.array(s.groups.size());
  for (const auto& [name, g] : s.groups) {
    reply.map(6);
    reply.bulk("name");
    reply.bulk(name);
    reply.bulk("consumers");
    reply.integer(static_cast<std::int64_t>(g.consumers.size()));
    reply.bulk("pending");
    reply.integer(static_cast<std::int64_t>(g.pel.size()));
    reply.bulk("last-delivered-id");
    reply.bulk(g.last_id.str());
    reply.bulk("entries-read");
    reply_entries_read(g, reply);
    reply.bulk("lag");
    reply_lag(s, g, reply);
  }
}

void info_consumers(const StreamGroup& g, std::int64_t now, ReplyBuilder& reply) {
  reply.array(g.consumers.size());
  for (const auto& [name, c] : g.consumers) {
    reply.map(3);
    reply.bulk("name");
    reply.bulk(name);
    reply.bulk("pending");
    reply.integer(static_cast<std::int64_t>(c.pending.size()));
    reply.bulk("idle");
    reply.integer(std::max<std::int64_t>(0, now - c.seen_time));
  }
}

std::string xinfo_syntax(std::string_view sub) {
  return cat({"ERR unknown subcommand or wrong number of arguments for '", sub, "'. Try XINFO HELP."});
}

}  // namespace

void cmd_xinfo(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  const std::string_view sub = argv[1];
  if (iequals(sub, "help")) {
    reply.array(std::size(kInfoHelp));
    for (std::string_view line : kInfoHelp) reply.simple(line);
    return;
  }
  srun(ctx, reply, argv.subspan(2, 1), false, [&](CollectionTxn& t) -> Fault {
    if (t.wrong_type(0, kStream)) return wrong_type();
    const Stream* s = stream_of(t);
    if (s == nullptr) return err("ERR no such key");
    if (iequals(sub, "stream")) {
      // Redis reads STREAM's options once the key is found.
      bool full = false;
      std::int64_t count = 10;
      if (argv.size() > 3) {
        const std::size_t optc = argv.size() - 3;
        if ((optc != 1 && optc != 3) || !iequals(argv[3], "full") || (optc == 3 && !iequals(argv[4], "count"))) {
          return err(xinfo_syntax(sub));
        }
        if (optc == 3 && !parse_int64(argv[5], count)) return err(kNotInteger);
        if (count < 0) count = 10;
        full = true;
      }
      info_stream(*s, full, count, reply);
    } else if (iequals(sub, "groups")) {
      info_groups(*s, reply);
    } else {
      const StreamGroup* g = s->group(argv[3]);
      if (g == nullptr) {
        return coded_err(cat({"NOGROUP No such consumer group '", argv[3], "' for key name '", argv[2], "'"}));
      }
      info_consumers(*g, t.now_ms(), reply);
    }
    return {};
  });
}

}  // namespace mnemo::server::commands
