// Redis commands the codec answers itself: connection set-up and the
// introspection calls that tools send on connect.
#include <string>

#include "protocol/resp_writer.h"
#include "server/resp_codec.h"
#include "server/resp_text.h"

namespace mnemo::server {

namespace resp = protocol::resp;
using protocol::Opcode;
using protocol::Request;

namespace {

constexpr std::string_view kNotInteger = "ERR value is not an integer or out of range";
// The Redis version mnemo's RESP layer imitates (also INFO's redis_version).
constexpr std::string_view kRedisVersion = "7.0.0";

// Redis allows printable ASCII without spaces in client names.
bool valid_client_name(std::string_view name) {
  for (char c : name) {
    if (c < '!' || c > '~') return false;
  }
  return true;
}
constexpr std::string_view kBadClientName =
    "ERR Client names cannot contain spaces, newlines or special characters.";

// CONFIG GET: each parameter matching any of the patterns, once, as name/value pairs.
void append_config_get(std::span<const std::string_view> patterns, std::uint64_t max_memory_bytes,
                       std::string& out) {
  const std::string max_memory = std::to_string(max_memory_bytes);
  const std::pair<std::string_view, std::string_view> params[] = {
      {"save", ""}, {"appendonly", "yes"}, {"databases", "1"},
      {"maxmemory", max_memory}, {"maxmemory-policy", "noeviction"},
  };
  std::string body;
  std::size_t matched = 0;
  for (const auto& [name, value] : params) {
    for (std::string_view pattern : patterns) {
      if (!glob_match_nocase(pattern, name)) continue;
      resp::append_bulk(body, name);
      resp::append_bulk(body, value);
      ++matched;
      break;
    }
  }
  resp::append_array_header(out, matched * 2);
  out.append(body);
}

}  // namespace

NextKind RespCodec::cmd_echo(Args argv, Request&, std::string& out) {
  resp::append_bulk(out, argv[1]);
  return NextKind::replied;
}

NextKind RespCodec::cmd_select(Args argv, Request&, std::string& out) {
  std::int64_t db = 0;
  if (!resp::parse_int64(argv[1], db)) return reply_error(out, kNotInteger);
  if (db != 0) return reply_error(out, "ERR DB index is out of range");
  out.append(resp::kOkReply);
  return NextKind::replied;
}

NextKind RespCodec::cmd_quit(Args, Request&, std::string& out) {
  out.append(resp::kOkReply);
  return NextKind::close;
}

NextKind RespCodec::cmd_info(Args argv, Request&, std::string& out) {
  const std::string_view section = argv.size() > 1 ? argv[1] : std::string_view();
  resp::append_bulk(out, info_ ? info_(section) : std::string());
  return NextKind::replied;
}

// CONFIG GET answers the few parameters tools look at; CONFIG SET accepts only
// persistence knobs whose Redis meaning mnemo's journal already covers.
NextKind RespCodec::cmd_config(Args argv, Request&, std::string& out) {
  const std::string_view sub = argv[1];
  if (iequals(sub, "get")) {
    if (argv.size() < 3) return reply_error(out, wrong_arity_message("config|get"));
    append_config_get(argv.subspan(2), opts_.max_memory_bytes, out);
    return NextKind::replied;
  }
  if (iequals(sub, "set")) {
    if (argv.size() < 4 || argv.size() % 2 != 0) return reply_error(out, wrong_arity_message("config|set"));
    for (std::size_t i = 2; i < argv.size(); i += 2) {
      if (!iequals(argv[i], "save") && !iequals(argv[i], "appendonly") && !iequals(argv[i], "appendfsync")) {
        return reply_error(out, "ERR Unknown option or number of arguments for CONFIG SET - '" +
                                    std::string(argv[i]) + "'");
      }
    }
    out.append(resp::kOkReply);
    return NextKind::replied;
  }
  if (iequals(sub, "resetstat")) {
    if (argv.size() != 2) return reply_error(out, wrong_arity_message("config|resetstat"));
    out.append(resp::kOkReply);
    return NextKind::replied;
  }
  if (iequals(sub, "rewrite")) return reply_error(out, "ERR The server is running without a config file");
  return reply_error(out, unknown_subcommand_message(sub, "CONFIG"));
}

NextKind RespCodec::cmd_client(Args argv, Request&, std::string& out) {
  const std::string_view sub = argv[1];
  const std::size_t argc = argv.size();
  if (iequals(sub, "setname")) {
    if (argc != 3) return reply_error(out, wrong_arity_message("client|setname"));
    if (!valid_client_name(argv[2])) return reply_error(out, kBadClientName);
    client_name_.assign(argv[2]);
    out.append(resp::kOkReply);
  } else if (iequals(sub, "getname")) {
    if (client_name_.empty()) resp::append_null_bulk(out);
    else resp::append_bulk(out, client_name_);
  } else if (iequals(sub, "id")) {
    resp::append_integer(out, static_cast<std::int64_t>(opts_.client_id));
  } else if (iequals(sub, "info") || iequals(sub, "list")) {
    resp::append_bulk(out, "id=" + std::to_string(opts_.client_id) + " name=" + client_name_ +
                               " db=0 user=default resp=2 lib-name=" + lib_name_ + " lib-ver=" + lib_version_ + "\n");
  } else if (iequals(sub, "setinfo")) {
    if (argc != 4) return reply_error(out, wrong_arity_message("client|setinfo"));
    if (iequals(argv[2], "lib-name")) lib_name_.assign(argv[3]);
    else if (iequals(argv[2], "lib-ver")) lib_version_.assign(argv[3]);
    else return reply_error(out, "ERR Unrecognized option '" + std::string(argv[2]) + "'");
    out.append(resp::kOkReply);
  } else if (iequals(sub, "no-evict") || iequals(sub, "no-touch")) {
    if (argc != 3 || (!iequals(argv[2], "on") && !iequals(argv[2], "off"))) return reply_error(out, "ERR syntax error");
    out.append(resp::kOkReply);
  } else {
    return reply_error(out, unknown_subcommand_message(sub, "CLIENT"));
  }
  return NextKind::replied;
}

// COMMAND and COMMAND DOCS answer with no metadata, which redis-cli accepts
// (it then offers no hints); COUNT and LIST tell the truth.
NextKind RespCodec::cmd_command(Args argv, Request&, std::string& out) {
  if (argv.size() == 1) {
    out.append(resp::kEmptyArrayReply);
    return NextKind::replied;
  }
  const std::string_view sub = argv[1];
  if (iequals(sub, "count")) {
    resp::append_integer(out, static_cast<std::int64_t>(all_commands().size()));
  } else if (iequals(sub, "list")) {
    resp::append_array_header(out, all_commands().size());
    for (const CommandSpec& s : all_commands()) resp::append_bulk(out, s.name);
  } else if (iequals(sub, "docs")) {
    out.append(resp::kEmptyArrayReply);
  } else if (iequals(sub, "info")) {
    resp::append_array_header(out, argv.size() - 2);
    for (std::size_t i = 2; i < argv.size(); ++i) resp::append_null_array(out);
  } else {
    return reply_error(out, unknown_subcommand_message(sub, "COMMAND"));
  }
  return NextKind::replied;
}

// HELLO [2 [AUTH user pass] [SETNAME name]]: mnemo speaks RESP2 only, like a
// Redis that refuses RESP3. With AUTH it becomes an AUTH request and the map
// is sent once the token is accepted.
NextKind RespCodec::cmd_hello(Args argv, Request& req, std::string& out) {
  std::string_view password, name;
  bool has_auth = false, has_name = false;
  if (argv.size() >= 2) {
    std::int64_t version = 0;
    if (!resp::parse_int64(argv[1], version)) {
      return reply_error(out, "ERR Protocol version is not an integer or out of range");
    }
    if (version != 2) return reply_error(out, "NOPROTO sorry, this protocol version is not supported");
  }
  for (std::size_t i = 2; i < argv.size(); ++i) {
    const std::size_t more = argv.size() - i - 1;
    if (iequals(argv[i], "auth") && more >= 2) {
      has_auth = true;
      password = argv[i + 2];
      i += 2;
    } else if (iequals(argv[i], "setname") && more >= 1) {
      has_name = true;
      name = argv[++i];
    } else {
      return reply_error(out, "ERR Syntax error in HELLO option '" + std::string(argv[i]) + "'");
    }
  }
  if (has_name && !valid_client_name(name)) return reply_error(out, kBadClientName);
  if (has_auth) {
    hello_has_name_ = has_name;
    hello_name_.assign(name);
    req.key = password;
    return want(ReplyKind::hello_auth, Opcode::auth, req);
  }
  if (opts_.auth_required && !authenticated_) {
    return reply_error(out, "NOAUTH HELLO must be called with the client already authenticated, otherwise the "
                            "HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and "
                            "select the RESP protocol version at the same time");
  }
  if (has_name) client_name_.assign(name);
  append_hello_map(out);
  return NextKind::replied;
}

void RespCodec::append_hello_map(std::string& out) const {
  resp::append_array_header(out, 14);
  resp::append_bulk(out, "server");
  resp::append_bulk(out, "redis");
  resp::append_bulk(out, "version");
  resp::append_bulk(out, kRedisVersion);
  resp::append_bulk(out, "proto");
  resp::append_integer(out, 2);
  resp::append_bulk(out, "id");
  resp::append_integer(out, static_cast<std::int64_t>(opts_.client_id));
  resp::append_bulk(out, "mode");
  resp::append_bulk(out, "standalone");
  resp::append_bulk(out, "role");
  resp::append_bulk(out, "master");
  resp::append_bulk(out, "modules");
  out.append(resp::kEmptyArrayReply);
}

// WAIT numreplicas timeout: mnemo has no replicas, so none acknowledged.
NextKind RespCodec::cmd_wait(Args argv, Request&, std::string& out) {
  std::int64_t replicas = 0, timeout = 0;
  if (!resp::parse_int64(argv[1], replicas) || !resp::parse_int64(argv[2], timeout)) {
    return reply_error(out, kNotInteger);
  }
  if (timeout < 0) return reply_error(out, "ERR timeout is negative");
  out.append(resp::kZeroReply);
  return NextKind::replied;
}

}  // namespace mnemo::server
