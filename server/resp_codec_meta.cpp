// CONFIG, CLIENT and COMMAND: the introspection calls Redis tools and client
// libraries send on connect, answered by the codec with Redis's own checks
// (unknown subcommand first, then the subcommand's arity) and texts.
#include <span>
#include <string>

#include "protocol/resp_writer.h"
#include "server/resp_codec.h"
#include "server/resp_text.h"

namespace mnemo::server {

namespace resp = protocol::resp;
using protocol::Request;

namespace {

constexpr std::string_view kSyntax = "ERR syntax error";

struct Subcommand {
  std::string_view name;  // lower case
  int arity;              // of the whole command, Redis convention (-n = at least n)
};

// Finds argv[1] among `subs`; on an unknown name or a wrong word count appends
// Redis's error and returns null. `command` is the lower-case command name.
const Subcommand* find_subcommand(std::span<const Subcommand> subs, std::span<const std::string_view> argv,
                                  std::string_view command, std::string& out) {
  for (const Subcommand& sub : subs) {
    if (!iequals(argv[1], sub.name)) continue;
    const auto argc = static_cast<int>(argv.size());
    if ((sub.arity > 0 && argc != sub.arity) || (sub.arity < 0 && argc < -sub.arity)) {
      resp::append_error(out, wrong_arity_message(std::string(command) + "|" + std::string(sub.name)));
      return nullptr;
    }
    return &sub;
  }
  std::string upper(command);
  for (char& c : upper) c = static_cast<char>(c - 'a' + 'A');
  resp::append_error(out, unknown_subcommand_message(argv[1], upper));
  return nullptr;
}

// Redis's HELP reply: a header line, the given lines, then HELP itself.
void append_help(std::string& out, std::string_view command, std::span<const std::string_view> lines) {
  resp::append_array_header(out, lines.size() + 3);
  resp::append_simple(out, std::string(command) + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  for (std::string_view line : lines) resp::append_simple(out, line);
  resp::append_simple(out, "HELP");
  resp::append_simple(out, "    Prints this help.");
}

bool has_glob(std::string_view pattern) { return pattern.find_first_of("[*?") != std::string_view::npos; }

// CONFIG GET as Redis 7.0 answers it: each parameter once, a plain name echoed as
// the client spelled it, a glob matched case-insensitively against the names.
void append_config_get(std::span<const std::string_view> patterns, std::uint64_t max_memory_bytes,
                       std::string& out) {
  const std::string max_memory = std::to_string(max_memory_bytes);
  const std::pair<std::string_view, std::string_view> params[] = {
      {"save", ""}, {"appendonly", "yes"}, {"databases", "1"},
      {"maxmemory", max_memory}, {"maxmemory-policy", "noeviction"},
  };
  constexpr std::size_t kParams = std::size(params);
  bool sent[kParams] = {};
  std::string body;
  std::size_t matched = 0;
  for (std::string_view pattern : patterns) {
    for (std::size_t i = 0; i < kParams; ++i) {
      const std::string_view name = params[i].first;
      const bool hit = has_glob(pattern) ? glob_match(pattern, name, true) : iequals(pattern, name);
      if (sent[i] || !hit) continue;
      sent[i] = true;
      resp::append_bulk(body, has_glob(pattern) ? name : pattern);
      resp::append_bulk(body, params[i].second);
      ++matched;
    }
  }
  resp::append_array_header(out, matched * 2);
  out.append(body);
}

constexpr Subcommand kConfigSubs[] = {
    {"get", -3}, {"set", -4}, {"resetstat", 2}, {"rewrite", 2}, {"help", 2},
};
constexpr std::string_view kConfigHelp[] = {
    "GET <pattern>",
    "    Return parameters matching the glob-like <pattern> and their values.",
    "SET <directive> <value>",
    "    Set the configuration <directive> to <value>.",
    "RESETSTAT",
    "    Reset statistics reported by the INFO command.",
    "REWRITE",
    "    Rewrite the configuration file.",
};

constexpr Subcommand kClientSubs[] = {
    {"setname", 3}, {"getname", 2}, {"id", 2}, {"info", 2}, {"list", -2},
    {"setinfo", 4}, {"no-evict", 3}, {"no-touch", 3}, {"help", 2},
};
constexpr std::string_view kClientHelp[] = {
    "GETNAME",
    "    Return the name of the current connection.",
    "ID",
    "    Return the ID of the current connection.",
    "INFO",
    "    Return information about the current client connection.",
    "LIST [options ...]",
    "    Return information about client connections. Options:",
    "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
    "      Return clients of specified type.",
    "    * ID <client-id> [<client-id> ...]",
    "      Return clients of specified IDs only.",
    "SETNAME <name>",
    "    Assign the name <name> to the current connection.",
    "SETINFO <option> <value>",
    "    Set client meta attr. Options are:",
    "    * LIB-NAME: the client lib name.",
    "    * LIB-VER: the client lib version.",
    "NO-EVICT (ON|OFF)",
    "    Protect current client connection from eviction.",
    "NO-TOUCH (ON|OFF)",
    "    Will not touch LRU/LFU stats when this mode is on.",
};

constexpr Subcommand kCommandSubs[] = {
    {"count", 2}, {"list", -2}, {"docs", -2}, {"info", -2}, {"help", 2},
};
constexpr std::string_view kCommandHelp[] = {
    "(no subcommand)",
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
};

bool on_or_off(std::string_view word) { return iequals(word, "on") || iequals(word, "off"); }

}  // namespace

// CONFIG GET answers the few parameters tools look at; CONFIG SET accepts only
// persistence knobs whose Redis meaning mnemo's journal already covers.
NextKind RespCodec::cmd_config(Args argv, Request&, std::string& out) {
  const Subcommand* sub = find_subcommand(kConfigSubs, argv, "config", out);
  if (sub == nullptr) return NextKind::replied;
  if (sub->name == "get") {
    append_config_get(argv.subspan(2), opts_.max_memory_bytes, out);
  } else if (sub->name == "set") {
    if (argv.size() % 2 != 0) return reply_error(out, kSyntax);
    for (std::size_t i = 2; i < argv.size(); i += 2) {
      if (!iequals(argv[i], "save") && !iequals(argv[i], "appendonly") && !iequals(argv[i], "appendfsync")) {
        return reply_error(out, "ERR Unknown option or number of arguments for CONFIG SET - '" +
                                    std::string(argv[i]) + "'");
      }
    }
    out.append(resp::kOkReply);
  } else if (sub->name == "resetstat") {
    out.append(resp::kOkReply);
  } else if (sub->name == "rewrite") {
    return reply_error(out, "ERR The server is running without a config file");
  } else {
    append_help(out, "CONFIG", kConfigHelp);
  }
  return NextKind::replied;
}

NextKind RespCodec::cmd_client(Args argv, Request&, std::string& out) {
  const Subcommand* sub = find_subcommand(kClientSubs, argv, "client", out);
  if (sub == nullptr) return NextKind::replied;
  const std::string_view name = sub->name;
  if (name == "setname") {
    if (!valid_client_attribute(argv[2])) {
      return reply_error(out, "ERR Client names cannot contain spaces, newlines or special characters.");
    }
    client_name_.assign(argv[2]);
    out.append(resp::kOkReply);
  } else if (name == "getname") {
    if (client_name_.empty()) resp::append_null_bulk(out);
    else resp::append_bulk(out, client_name_);
  } else if (name == "id") {
    resp::append_integer(out, static_cast<std::int64_t>(opts_.client_id));
  } else if (name == "info") {
    resp::append_bulk(out, client_info_line());
  } else if (name == "list") {
    return client_list(argv, out);
  } else if (name == "setinfo") {
    std::string* field = iequals(argv[2], "lib-name") ? &lib_name_ : iequals(argv[2], "lib-ver") ? &lib_version_ : nullptr;
    if (field == nullptr) return reply_error(out, "ERR Unrecognized option '" + std::string(argv[2]) + "'");
    if (!valid_client_attribute(argv[3])) {
      return reply_error(out, "ERR " + std::string(argv[2]) + " cannot contain spaces, newlines or special characters.");
    }
    field->assign(argv[3]);
    out.append(resp::kOkReply);
  } else if (name == "no-evict" || name == "no-touch") {
    if (!on_or_off(argv[2])) return reply_error(out, kSyntax);
    out.append(resp::kOkReply);
  } else {
    append_help(out, "CLIENT", kClientHelp);
  }
  return NextKind::replied;
}

// The line CLIENT INFO and CLIENT LIST give for this connection (mnemo lists no others).
std::string RespCodec::client_info_line() const {
  return "id=" + std::to_string(opts_.client_id) + " name=" + client_name_ +
         " db=0 user=default resp=2 lib-name=" + lib_name_ + " lib-ver=" + lib_version_ + "\n";
}

// CLIENT LIST [TYPE type | ID id ...]: this connection is a normal client.
NextKind RespCodec::client_list(Args argv, std::string& out) {
  if (argv.size() == 2) {
    resp::append_bulk(out, client_info_line());
  } else if (argv.size() == 4 && iequals(argv[2], "type")) {
    const std::string_view type = argv[3];
    const bool known = iequals(type, "normal") || iequals(type, "master") || iequals(type, "replica") ||
                       iequals(type, "slave") || iequals(type, "pubsub");
    if (!known) return reply_error(out, "ERR Unknown client type '" + std::string(type) + "'");
    resp::append_bulk(out, iequals(type, "normal") ? client_info_line() : std::string());
  } else if (argv.size() > 3 && iequals(argv[2], "id")) {
    std::string lines;
    for (std::size_t i = 3; i < argv.size(); ++i) {
      std::int64_t id = 0;
      if (!resp::parse_int64(argv[i], id)) return reply_error(out, "ERR Invalid client ID");
      if (static_cast<std::uint64_t>(id) == opts_.client_id) lines += client_info_line();
    }
    resp::append_bulk(out, lines);
  } else {
    return reply_error(out, kSyntax);
  }
  return NextKind::replied;
}

// COMMAND, COMMAND INFO and COMMAND DOCS answer with no metadata, which
// redis-cli accepts (it then offers no hints); COUNT and LIST tell the truth.
NextKind RespCodec::cmd_command(Args argv, Request&, std::string& out) {
  if (argv.size() == 1) {
    out.append(resp::kEmptyArrayReply);
    return NextKind::replied;
  }
  const Subcommand* sub = find_subcommand(kCommandSubs, argv, "command", out);
  if (sub == nullptr) return NextKind::replied;
  if (sub->name == "count") {
    resp::append_integer(out, static_cast<std::int64_t>(all_commands().size()));
  } else if (sub->name == "list") {
    return command_list(argv, out);
  } else if (sub->name == "docs") {
    out.append(resp::kEmptyArrayReply);
  } else if (sub->name == "info") {
    resp::append_array_header(out, argv.size() - 2);
    for (std::size_t i = 2; i < argv.size(); ++i) resp::append_null_array(out);
  } else {
    append_help(out, "COMMAND", kCommandHelp);
  }
  return NextKind::replied;
}

// COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN pattern]. mnemo
// has no modules and no ACL categories, so those filters list nothing.
NextKind RespCodec::command_list(Args argv, std::string& out) {
  std::string_view pattern = "*";
  if (argv.size() != 2) {
    if (argv.size() != 5 || !iequals(argv[2], "filterby")) return reply_error(out, kSyntax);
    const std::string_view type = argv[3];
    if (iequals(type, "module") || iequals(type, "aclcat")) {
      out.append(resp::kEmptyArrayReply);
      return NextKind::replied;
    }
    if (!iequals(type, "pattern")) return reply_error(out, kSyntax);
    pattern = argv[4];
  }
  std::string names;
  std::size_t count = 0;
  for (const CommandSpec& s : all_commands()) {
    if (!glob_match(pattern, s.name, true)) continue;
    resp::append_bulk(names, s.name);
    ++count;
  }
  resp::append_array_header(out, count);
  out.append(names);
  return NextKind::replied;
}

}  // namespace mnemo::server
