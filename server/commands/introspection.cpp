// COMMAND, COMMAND COUNT/LIST/INFO/DOCS/GETKEYS: answered from the command
// table in Redis 7's layout, so redis-cli hints and clients' key extraction work.
#include <algorithm>
#include <optional>
#include <utility>

#include "server/commands/helpers.h"
#include "server/commands/server.h"

namespace mnemo::server::commands {

namespace {

// COMMAND INFO's flag names, in Redis's order.
constexpr std::pair<std::uint32_t, std::string_view> kFlagNames[] = {
    {cmd::kWrite, "write"},           {cmd::kReadOnly, "readonly"},
    {cmd::kDenyOom, "denyoom"},       {cmd::kAdmin, "admin"},
    {cmd::kPubSub, "pubsub"},         {cmd::kNoScript, "noscript"},
    {cmd::kBlocking, "blocking"},     {cmd::kLoading, "loading"},
    {cmd::kStale, "stale"},           {cmd::kSkipMonitor, "skip_monitor"},
    {cmd::kSkipSlowlog, "skip_slowlog"}, {cmd::kFast, "fast"},
    {cmd::kNoAuth, "no_auth"},        {cmd::kNoMandatoryKeys, "no_mandatory_keys"},
    {cmd::kNoAsyncLoading, "no_async_loading"}, {cmd::kNoMulti, "no_multi"},
    {cmd::kMovableKeys, "movablekeys"}, {cmd::kAllowBusy, "allow_busy"},
};
// ACL categories by bit.
constexpr std::string_view kAclNames[] = {
    "@keyspace", "@read", "@write", "@set", "@sortedset", "@list", "@hash", "@string", "@bitmap", "@hyperloglog",
    "@geo", "@stream", "@pubsub", "@admin", "@fast", "@slow", "@blocking", "@dangerous", "@connection",
    "@transaction", "@scripting",
};
constexpr std::string_view kKeyFlagNames[] = {
    "RO", "RW", "OW", "RM", "access", "update", "insert", "delete", "not_key", "incomplete", "variable_flags",
};

template <typename Names>
void flag_set(ReplyBuilder& reply, std::uint32_t bits, const Names& names) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < std::size(names); ++i) n += (bits >> i) & 1u;
  reply.set(n);
  for (std::size_t i = 0; i < std::size(names); ++i) {
    if ((bits >> i) & 1u) reply.simple(names[i]);
  }
}

// An "unknown" spec's begin_search and find_keys (after "begin_search").
void unknown_search(ReplyBuilder& reply) {
  reply.map(2);
  reply.bulk("type");
  reply.bulk("unknown");
  reply.bulk("spec");
  reply.map(0);
  reply.bulk("find_keys");
  reply.map(2);
  reply.bulk("type");
  reply.bulk("unknown");
  reply.bulk("spec");
  reply.map(0);
}

void key_specs(ReplyBuilder& reply, const CommandSpec& s) {
  reply.set(s.keys.size());
  for (const KeySpec& k : s.keys) {
    reply.map(k.notes.empty() ? 3 : 4);
    if (!k.notes.empty()) {
      reply.bulk("notes");
      reply.bulk(k.notes);
    }
    reply.bulk("flags");
    flag_set(reply, k.flags, kKeyFlagNames);
    reply.bulk("begin_search");
    if (k.unknown) {
      unknown_search(reply);
      continue;
    }
    reply.map(2);
    reply.bulk("type");
    reply.bulk(k.keyword.empty() ? "index" : "keyword");
    reply.bulk("spec");
    if (k.keyword.empty()) {
      reply.map(1);
      reply.bulk("index");
    } else {
      reply.map(2);
      reply.bulk("keyword");
      reply.bulk(k.keyword);
      reply.bulk("startfrom");
    }
    reply.integer(k.begin);
    reply.bulk("find_keys");
    reply.map(2);
    reply.bulk("type");
    if (k.keynum()) {
      reply.bulk("keynum");
      reply.bulk("spec");
      reply.map(3);
      reply.bulk("keynumidx");
      reply.integer(k.keynum_idx);
      reply.bulk("firstkey");
      reply.integer(k.last_key);
      reply.bulk("keystep");
      reply.integer(k.step);
      continue;
    }
    reply.bulk("range");
    reply.bulk("spec");
    reply.map(3);
    reply.bulk("lastkey");
    reply.integer(k.last_key);
    reply.bulk("keystep");
    reply.integer(k.step);
    reply.bulk("limit");
    reply.integer(k.limit);
  }
}

void command_info(ReplyBuilder& reply, const CommandSpec& s) {
  reply.array(10);
  reply.bulk(s.name);
  reply.integer(s.arity);
  std::uint32_t n = 0;
  for (const auto& [bit, name] : kFlagNames) n += (s.flags & bit) ? 1 : 0;
  reply.set(n);
  for (const auto& [bit, name] : kFlagNames) {
    if (s.flags & bit) reply.simple(name);
  }
  reply.integer(s.first_key());
  reply.integer(s.last_key());
  reply.integer(s.key_step());
  flag_set(reply, s.acl, kAclNames);
  reply.set(s.tips.size());
  for (std::string_view tip : s.tips) reply.bulk(tip);
  key_specs(reply, s);
  // None is an empty set in RESP3, some an array (Redis's addReplyCommandSubCommands).
  if (s.subcommands.empty()) return reply.set(0);
  reply.array(s.subcommands.size());
  for (const CommandSpec& sub : s.subcommands) command_info(reply, sub);
}

void command_docs(ReplyBuilder& reply, const CommandSpec& s) {
  const CommandDoc& d = s.doc;
  reply.map(1 + !d.summary.empty() + !d.since.empty() + !d.complexity.empty() + !s.subcommands.empty());
  if (!d.summary.empty()) {
    reply.bulk("summary");
    reply.bulk(d.summary);
  }
  if (!d.since.empty()) {
    reply.bulk("since");
    reply.bulk(d.since);
  }
  reply.bulk("group");
  reply.bulk(d.group);
  if (!d.complexity.empty()) {
    reply.bulk("complexity");
    reply.bulk(d.complexity);
  }
  if (s.subcommands.empty()) return;
  reply.bulk("subcommands");
  reply.map(s.subcommands.size());
  for (const CommandSpec& sub : s.subcommands) {
    reply.bulk(sub.name);
    command_docs(reply, sub);
  }
}

// A command or "container subcommand" named by argv[i] (and argv[i + 1]).
const CommandSpec* lookup(ArgList argv, std::size_t i) {
  const CommandSpec* s = builtin_commands().find(argv[i]);
  if (s != nullptr && !s->subcommands.empty() && i + 1 < argv.size()) return s->find_subcommand(argv[i + 1]);
  return s;
}

// COMMAND LIST's filter over one command and then its subcommands ("config|get"),
// as Redis walks them: a container that does not match can still list them.
void list_matching(const CommandSpec& s, std::string_view pattern, std::string_view category,
                   std::vector<std::string_view>& names) {
  bool in = false;
  if (!category.empty()) {
    for (std::size_t i = 0; i < std::size(kAclNames); ++i) {
      in |= ((s.acl >> i) & 1u) && iequals(category, kAclNames[i].substr(1));
    }
  } else {
    in = glob_match(pattern, s.name, true);
  }
  if (in) names.push_back(s.name);
  for (const CommandSpec& sub : s.subcommands) list_matching(sub, pattern, category, names);
}

}  // namespace

void cmd_command(CommandContext&, ArgList, ReplyBuilder& reply) {
  const auto& all = builtin_commands().all();
  reply.array(all.size());
  for (const CommandSpec* s : all) command_info(reply, *s);
}

void cmd_command_count(CommandContext&, ArgList, ReplyBuilder& reply) {
  reply.integer(static_cast<std::int64_t>(builtin_commands().size()));
}

// COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN pattern].
void cmd_command_list(CommandContext&, ArgList argv, ReplyBuilder& reply) {
  std::string_view pattern = "*", category;
  if (argv.size() != 2) {
    if (argv.size() != 5 || !iequals(argv[2], "filterby")) return reply.error(kSyntax);
    const std::string_view type = argv[3];
    if (iequals(type, "module")) return reply.array(0);  // mnemo has no modules
    if (iequals(type, "aclcat")) category = argv[4];
    else if (iequals(type, "pattern")) pattern = argv[4];
    else return reply.error(kSyntax);
  }
  std::vector<std::string_view> names;
  for (const CommandSpec* s : builtin_commands().all()) list_matching(*s, pattern, category, names);
  reply.array(names.size());
  for (std::string_view n : names) reply.bulk(n);
}

void cmd_command_info(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  if (argv.size() == 2) return cmd_command(ctx, argv, reply);
  reply.array(argv.size() - 2);
  for (std::size_t i = 2; i < argv.size(); ++i) {
    const CommandSpec* s = builtin_commands().find(argv[i]);
    if (s == nullptr) reply.null();
    else command_info(reply, *s);
  }
}

void cmd_command_docs(CommandContext&, ArgList argv, ReplyBuilder& reply) {
  std::vector<const CommandSpec*> specs;
  if (argv.size() == 2) specs = builtin_commands().all();
  for (std::size_t i = 2; i < argv.size(); ++i) {
    if (const CommandSpec* s = builtin_commands().find(argv[i])) specs.push_back(s);
  }
  reply.map(specs.size());
  for (const CommandSpec* s : specs) {
    reply.bulk(s->name);
    command_docs(reply, *s);
  }
}

namespace {

// SORT's STORE key, found as Redis's sortGetKeys finds it: options are
// skipped by their known argument counts, and the last STORE wins.
void sort_store_key(ArgList args, std::vector<std::size_t>& keys) {
  std::optional<std::size_t> store;
  for (std::size_t i = 2; i < args.size(); ++i) {
    if (iequals(args[i], "limit")) i += 2;
    else if (iequals(args[i], "get") || iequals(args[i], "by")) i += 1;
    else if (iequals(args[i], "store") && i + 1 < args.size()) store = i + 1;
  }
  if (store) keys.push_back(*store);
}

}  // namespace

// COMMAND GETKEYS command arg ...: the keys by the command's key specs.
void cmd_command_getkeys(CommandContext&, ArgList argv, ReplyBuilder& reply) {
  const CommandSpec* s = lookup(argv, 2);
  if (s == nullptr) return reply.error("ERR Invalid command specified");
  const bool has_keys = std::any_of(s->keys.begin(), s->keys.end(),
                                    [](const KeySpec& k) { return (k.flags & cmd::kKeyNotKey) == 0; });
  if (!has_keys) return reply.error("ERR The command has no key arguments");
  const ArgList args = argv.subspan(2);
  const auto argc = static_cast<int>(args.size()) - (s->name.find('|') != std::string_view::npos ? 0 : 0);
  if ((s->arity > 0 && s->arity != argc) || argc < -s->arity) {
    return reply.error("ERR Invalid number of arguments specified for command");
  }
  std::vector<std::size_t> keys = s->key_positions(args);
  if (s->name == "sort") sort_store_key(args, keys);
  if (keys.empty() && (s->flags & cmd::kNoMandatoryKeys)) return reply.array(0);  // EVAL ... 0
  if (keys.empty()) return reply.error("ERR Invalid arguments specified for command");
  reply.array(keys.size());
  for (std::size_t i : keys) reply.bulk(args[i]);
}

void cmd_command_help(CommandContext&, ArgList, ReplyBuilder& reply) {
  reply_help(reply, "COMMAND",
             {"(no subcommand)",
              "    Return details about all Redis commands.",
              "COUNT",
              "    Return the total number of commands in this Redis server.",
              "LIST",
              "    Return a list of all commands in this Redis server.",
              "INFO [<command-name> ...]",
              "    Return details about multiple Redis commands.",
              "    If no command names are given, documentation details for all",
              "    commands are returned.",
              "DOCS [<command-name> ...]",
              "    Return documentation details about multiple Redis commands.",
              "    If no command names are given, documentation details for all",
              "    commands are returned.",
              "GETKEYS <full-command>",
              "    Return the keys from a full Redis command.",
              "GETKEYSANDFLAGS <full-command>",
              "    Return the keys and the access flags from a full Redis command."});
}

}  // namespace mnemo::server::commands
