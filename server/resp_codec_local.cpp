// Redis commands the codec answers itself: connection set-up and the
// introspection calls that tools send on connect.
#include <algorithm>
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
// INFO's sections, in the order Redis prints them.
constexpr std::string_view kInfoSections[] = {"server", "clients", "memory", "persistence",
                                              "stats", "replication", "keyspace"};

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

// INFO [section ...]: several sections come in Redis's order, each once.
NextKind RespCodec::cmd_info(Args argv, Request&, std::string& out) {
  if (!info_) {
    resp::append_bulk(out, "");
    return NextKind::replied;
  }
  if (argv.size() <= 2) {
    resp::append_bulk(out, info_(argv.size() == 2 ? argv[1] : std::string_view()));
    return NextKind::replied;
  }
  for (std::string_view section : argv.subspan(1)) {
    if (iequals(section, "all") || iequals(section, "everything") || iequals(section, "default")) {
      resp::append_bulk(out, info_(section));
      return NextKind::replied;
    }
  }
  std::string text;
  for (std::string_view name : kInfoSections) {
    const bool wanted = std::any_of(argv.begin() + 1, argv.end(), [&](std::string_view s) { return iequals(s, name); });
    if (!wanted) continue;
    const std::string part = info_(name);
    if (part.empty()) continue;
    if (!text.empty()) text += "\r\n";
    text += part;
  }
  resp::append_bulk(out, text);
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
    // Redis's answer to a version it does not speak; RESP3 clients then fall back to RESP2.
    if (version != 2) return reply_error(out, "NOPROTO unsupported protocol version");
  }
  for (std::size_t i = 2; i < argv.size(); ++i) {
    const std::size_t more = argv.size() - i - 1;
    if (iequals(argv[i], "auth") && more >= 2) {
      has_auth = true;
      auth_user_ = user_kind(argv[i + 1]);
      password = argv[i + 2];
      i += 2;
    } else if (iequals(argv[i], "setname") && more >= 1) {
      has_name = true;
      name = argv[++i];
    } else {
      return reply_error(out, "ERR Syntax error in HELLO option '" + std::string(argv[i]) + "'");
    }
  }
  if (has_name && !valid_client_attribute(name)) {
    return reply_error(out, "ERR Client names cannot contain spaces, newlines or special characters.");
  }
  if (has_auth) {
    hello_has_name_ = has_name;
    hello_name_.assign(name);
    req.key = password;
    return want(ReplyKind::hello_auth, Opcode::auth, req);
  }
  if (opts_.auth_required && !authenticated_) {
    return reply_error(out, "NOAUTH HELLO must be called with the client already authenticated, otherwise the "
                            "HELLO AUTH <user> <pass> option can be used to authenticate the client and "
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
  if (!resp::parse_int64(argv[1], replicas)) return reply_error(out, kNotInteger);
  if (!resp::parse_int64(argv[2], timeout)) return reply_error(out, "ERR timeout is not an integer or out of range");
  if (timeout < 0) return reply_error(out, "ERR timeout is negative");
  out.append(resp::kZeroReply);
  return NextKind::replied;
}

}  // namespace mnemo::server
