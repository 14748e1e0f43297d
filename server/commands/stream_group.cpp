// Consumer groups (Redis 7.0's t_stream.c): XGROUP, XACK, XPENDING. Group
// changes are journaled as they happen (stream.h's group operations), so an
// acknowledged entry is never pending again after a restart.
#include "server/commands/families.h"
#include "server/commands/stream_cmd.h"
#include "server/pubsub/keyspace_events.h"

namespace mnemo::server::commands {

namespace n = pubsub::notify;

namespace {

constexpr std::string_view kGroupHelp[] = {
    "XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "CREATE <key> <groupname> <id|$> [option]",
    "    Create a new consumer group. Options are:",
    "    * MKSTREAM",
    "      Create the empty stream if it does not exist.",
    "    * ENTRIESREAD entries_read",
    "      Set the group's entries_read counter (internal use).",
    "CREATECONSUMER <key> <groupname> <consumer>",
    "    Create a new consumer in the specified group.",
    "DELCONSUMER <key> <groupname> <consumer>",
    "    Remove the specified consumer.",
    "DESTROY <key> <groupname>",
    "    Remove the specified group.",
    "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
    "    Set the current group ID and entries_read counter.",
    "HELP",
    "    Prints this help.",
};

std::string xgroup_syntax(std::string_view sub) {
  return cat({"ERR unknown subcommand or wrong number of arguments for '", sub, "'. Try XGROUP HELP."});
}

struct GroupArgs {
  bool mkstream = false;
  std::int64_t entries_read = -1;
};

// The options after argv[4] of CREATE and SETID.
bool parse_group_opts(ArgList argv, GroupArgs& g, ReplyBuilder& reply) {
  const bool create = iequals(argv[1], "create");
  const bool setid = iequals(argv[1], "setid");
  for (std::size_t i = 5; i < argv.size();) {
    if (create && iequals(argv[i], "mkstream")) {
      g.mkstream = true;
      ++i;
    } else if ((create || setid) && iequals(argv[i], "entriesread") && i + 1 < argv.size()) {
      if (!parse_int64(argv[i + 1], g.entries_read)) {
        reply.error(kNotInteger);
        return false;
      }
      if (g.entries_read < 0 && g.entries_read != -1) {
        reply.error("ERR value for ENTRIESREAD must be positive or -1");
        return false;
      }
      i += 2;
    } else {
      reply.error(xgroup_syntax(argv[1]));
      return false;
    }
  }
  return true;
}

// The subcommands once the key's stream and group are checked; the reply
// integer (or -1 for OK) goes to out, the event name to event.
Fault xgroup_apply(CollectionTxn& t, ArgList argv, const GroupArgs& g, std::int64_t& out, const char*& event) {
  const Stream* s = stream_of(t);
  const std::string_view sub = argv[1];
  const std::string_view name = argv[3];
  const StreamGroup* grp = s ? s->group(name) : nullptr;
  if (iequals(sub, "create") || iequals(sub, "setid")) {
    StreamId id;
    if (argv[4] == "$") {
      if (s != nullptr) id = s->last_id;
    } else if (!parse_id(argv[4], id, 0, iequals(sub, "create"))) {
      return err(kInvalidId);
    }
    if (iequals(sub, "setid")) {
      stream_ops::gsetid(t.ops(0, kStream), name, id, g.entries_read);
      out = -1;
      event = "xgroup-setid";
      return {};
    }
    if (grp != nullptr) return coded_err("BUSYGROUP Consumer Group name already exists");
    stream_ops::gcreate(t.ops(0, kStream), name, id, g.entries_read);
    out = -1;
    event = "xgroup-create";
    return {};
  }
  if (iequals(sub, "destroy")) {
    out = grp ? 1 : 0;
    if (grp) stream_ops::gdestroy(t.ops(0, kStream), name);
    event = grp ? "xgroup-destroy" : nullptr;
    return {};
  }
  auto c = grp->consumers.find(argv[4]);
  if (iequals(sub, "createconsumer")) {
    out = c == grp->consumers.end() ? 1 : 0;
    if (out) stream_ops::ccreate(t.ops(0, kStream), name, argv[4], t.now_ms());
    event = out ? "xgroup-createconsumer" : nullptr;
    return {};
  }
  out = c == grp->consumers.end() ? 0 : static_cast<std::int64_t>(c->second.pending.size());
  if (c != grp->consumers.end()) stream_ops::cdel(t.ops(0, kStream), name, argv[4]);
  event = c != grp->consumers.end() ? "xgroup-delconsumer" : nullptr;
  return {};
}

bool arity_ok(ArgList argv) {
  const std::string_view sub = argv[1];
  const std::size_t n = argv.size();
  if (iequals(sub, "create")) return n >= 5 && n <= 8;
  if (iequals(sub, "setid")) return n == 5 || n == 7;
  if (iequals(sub, "destroy")) return n == 4;
  if (iequals(sub, "createconsumer") || iequals(sub, "delconsumer")) return n == 5;
  return false;
}

}  // namespace

void cmd_xgroup(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  if (argv.size() == 2 && iequals(argv[1], "help")) {
    reply.array(std::size(kGroupHelp));
    for (std::string_view line : kGroupHelp) reply.simple(line);
    return;
  }
  if (argv.size() < 4) return reply.error(xgroup_syntax(argv[1]));
  GroupArgs g;
  if (!parse_group_opts(argv, g, reply)) return;
  std::int64_t out = 0;
  const char* event = nullptr;
  if (!srun(ctx, reply, argv.subspan(2, 1), true, [&](CollectionTxn& t) -> Fault {
        if (t.wrong_type(0, kStream)) return wrong_type();
        const Stream* s = stream_of(t);
        if (!g.mkstream) {
          if (s == nullptr) {
            return err("ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use "
                       "the MKSTREAM option to create an empty stream automatically.");
          }
          const bool needs_group = iequals(argv[1], "setid") || iequals(argv[1], "createconsumer") ||
                                   iequals(argv[1], "delconsumer");
          if (needs_group && s->group(argv[3]) == nullptr) {
            return coded_err(cat({"NOGROUP No such consumer group '", argv[3], "' for key name '", argv[2], "'"}));
          }
        }
        if (!arity_ok(argv)) return err(xgroup_syntax(argv[1]));
        return xgroup_apply(t, argv, g, out, event);
      })) return;
  if (out == -1) reply.ok();
  else reply.integer(out);
  if (event != nullptr) ctx.notify(n::kStream, event, argv[2]);
}

void cmd_xack(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  std::vector<StreamId> ids(argv.size() - 3);
  std::int64_t acked = 0;
  if (!srun(ctx, reply, argv.subspan(1, 1), true, [&](CollectionTxn& t) -> Fault {
    if (t.wrong_type(0, kStream)) return wrong_type();
    const Stream* s = stream_of(t);
    const StreamGroup* g = s ? s->group(argv[2]) : nullptr;
    if (g == nullptr) return {};
    for (std::size_t i = 3; i < argv.size(); ++i) {
      if (!parse_id(argv[i], ids[i - 3], 0, true)) return err(kInvalidId);
    }
    absl::btree_set<StreamId> seen;
    for (StreamId id : ids) {
      if (!g->pel.contains(id) || !seen.insert(id).second) continue;
      stream_ops::ack(t.ops(0, kStream), argv[2], id);
      ++acked;
    }
    return {};
  })) return;
  reply.integer(acked);
}

}  // namespace mnemo::server::commands
