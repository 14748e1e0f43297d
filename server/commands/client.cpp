// CLIENT: the connection's name, id and library, as client libraries set and
// read them on connect. mnemo lists only the calling connection.
#include "server/commands/helpers.h"
#include "server/commands/server.h"

namespace mnemo::server::commands {

namespace {

constexpr std::string_view kBadName = "ERR Client names cannot contain spaces, newlines or special characters.";

// The line CLIENT INFO and CLIENT LIST give for this connection.
std::string info_line(CommandContext& ctx) {
  const Session& s = ctx.session();
  return "id=" + std::to_string(ctx.env().client_id) + " name=" + s.client_name + " db=" + std::to_string(s.db) +
         " user=default resp=" + std::to_string(s.resp) + " lib-name=" + s.lib_name + " lib-ver=" + s.lib_version + "\n";
}

}  // namespace

void cmd_client_setname(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  if (!valid_client_attribute(argv[2])) return reply.error(kBadName);
  ctx.session().client_name.assign(argv[2]);
  reply.ok();
}

void cmd_client_getname(CommandContext& ctx, ArgList, ReplyBuilder& reply) {
  if (ctx.session().client_name.empty()) reply.null();
  else reply.bulk(ctx.session().client_name);
}

void cmd_client_id(CommandContext& ctx, ArgList, ReplyBuilder& reply) {
  reply.integer(static_cast<std::int64_t>(ctx.env().client_id));
}

void cmd_client_info(CommandContext& ctx, ArgList, ReplyBuilder& reply) { reply.verbatim(info_line(ctx)); }

// CLIENT LIST [TYPE type | ID id ...]: this connection is a normal client.
void cmd_client_list(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  if (argv.size() == 2) return reply.verbatim(info_line(ctx));
  if (argv.size() == 4 && iequals(argv[2], "type")) {
    const std::string_view type = argv[3];
    const bool known = iequals(type, "normal") || iequals(type, "master") || iequals(type, "replica") ||
                       iequals(type, "slave") || iequals(type, "pubsub");
    if (!known) return reply.error("ERR Unknown client type '" + std::string(type) + "'");
    return reply.verbatim(iequals(type, "normal") ? info_line(ctx) : std::string());
  }
  if (argv.size() > 3 && iequals(argv[2], "id")) {
    std::string lines;
    for (std::size_t i = 3; i < argv.size(); ++i) {
      std::int64_t id = 0;
      if (!parse_int64(argv[i], id)) return reply.error("ERR Invalid client ID");
      if (static_cast<std::uint64_t>(id) == ctx.env().client_id) lines += info_line(ctx);
    }
    return reply.verbatim(lines);
  }
  reply.error(kSyntax);
}

void cmd_client_setinfo(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  Session& s = ctx.session();
  std::string* field = iequals(argv[2], "lib-name") ? &s.lib_name : iequals(argv[2], "lib-ver") ? &s.lib_version : nullptr;
  if (field == nullptr) return reply.error("ERR Unrecognized option '" + std::string(argv[2]) + "'");
  if (!valid_client_attribute(argv[3])) {
    return reply.error("ERR " + std::string(argv[2]) + " cannot contain spaces, newlines or special characters.");
  }
  field->assign(argv[3]);
  reply.ok();
}

// CLIENT NO-EVICT / NO-TOUCH on|off: accepted (mnemo evicts no clients and keeps no access times).
void cmd_client_on_off(CommandContext&, ArgList argv, ReplyBuilder& reply) {
  if (!iequals(argv[2], "on") && !iequals(argv[2], "off")) return reply.error(kSyntax);
  reply.ok();
}

void cmd_client_help(CommandContext&, ArgList, ReplyBuilder& reply) {
  reply_help(reply, "CLIENT",
             {"GETNAME",
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
              "UNBLOCK <clientid> [TIMEOUT|ERROR]",
              "    Unblock the specified blocked client.",
              "NO-EVICT (ON|OFF)",
              "    Protect current client connection from eviction.",
              "NO-TOUCH (ON|OFF)",
              "    Will not touch LRU/LFU stats when this mode is on."});
}

}  // namespace mnemo::server::commands
