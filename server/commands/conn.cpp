// The connection family: PING, ECHO, SELECT, QUIT, AUTH, HELLO.
#include "protocol/resp3_reply_builder.h"
#include "server/commands/helpers.h"
#include "server/commands/server.h"

namespace mnemo::server::commands {

using protocol::Opcode;
using protocol::Response;
using protocol::Status;
using AuthUser = Session::AuthUser;

namespace {

// The Redis version mnemo's RESP layer imitates (also INFO's redis_version).
constexpr std::string_view kRedisVersion = "7.0.0";

AuthUser user_kind(std::string_view name) { return name == "default" ? AuthUser::default_user : AuthUser::other; }

void reply_pong(CommandContext& ctx, const Response& resp, ReplyBuilder& reply) {
  if (!replied_failure(ctx, resp, reply)) reply.simple("PONG");
}

void reply_ping_text(CommandContext& ctx, const Response& resp, ReplyBuilder& reply) {
  if (!replied_failure(ctx, resp, reply)) reply.bulk(ctx.scratch().arg);
}

// HELLO's version applies from its own reply on (Redis answers HELLO 3 with a map).
void switch_protocol(CommandContext& ctx, int version) {
  if (version == 0) return;
  Session& s = ctx.session();
  s.resp = version;
  if (s.subscriber.outbox != nullptr) s.subscriber.outbox->set_resp3(version == 3);
}

void write_hello(CommandContext& ctx, ReplyBuilder& reply) {
  reply.map(7);
  reply.bulk("server");
  reply.bulk("redis");
  reply.bulk("version");
  reply.bulk(kRedisVersion);
  reply.bulk("proto");
  reply.integer(ctx.session().resp);
  reply.bulk("id");
  reply.integer(static_cast<std::int64_t>(ctx.env().client_id));
  reply.bulk("mode");
  reply.bulk("standalone");
  reply.bulk("role");
  reply.bulk("master");
  reply.bulk("modules");
  reply.array(0);
}

// Redis switches before it replies, so HELLO 3's map is already RESP3 (and
// HELLO 2's already RESP2), although the codec picked the builder before.
void hello_map(CommandContext& ctx, ReplyBuilder& reply) {
  auto* resp = dynamic_cast<protocol::resp::Resp2ReplyBuilder*>(&reply);
  if (resp == nullptr || reply.protocol_version() == ctx.session().resp) return write_hello(ctx, reply);
  if (ctx.session().resp == 3) {
    protocol::resp::Resp3ReplyBuilder now(resp->buffer());
    return write_hello(ctx, now);
  }
  protocol::resp::Resp2ReplyBuilder now(resp->buffer());
  write_hello(ctx, now);
}

// AUTH and HELLO ... AUTH: the Executor checks the token in its own words;
// here they become Redis's. Without any token configured, Redis's passwordless
// default user lets its own name in and refuses any other.
void reply_auth(CommandContext& ctx, const Response& resp, ReplyBuilder& reply) {
  Session& s = ctx.session();
  const bool no_token = resp.status == Status::bad_request;
  if (resp.status == Status::unauthorized || (no_token && s.auth_user == AuthUser::other)) {
    return reply.error("WRONGPASS invalid username-password pair or user is disabled.");
  }
  if (no_token && s.auth_user == AuthUser::none) {
    return reply.error("ERR AUTH <password> called without any password configured for the default user. "
                       "Are you sure your configuration is correct?");
  }
  if (!no_token && replied_failure(ctx, resp, reply)) return;
  s.authenticated = true;
  if (ctx.command().name == "auth") return reply.ok();
  if (s.hello_has_name) s.client_name = s.hello_name;
  switch_protocol(ctx, s.hello_proto);
  hello_map(ctx, reply);
}

}  // namespace

void cmd_ping(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  if (argv.size() > 2) return reply.error(wrong_arity_message("ping"));
  if (ctx.session().subscribed() && ctx.session().resp == 2) {  // Redis's RESP2 answer in subscribed mode
    reply.array(2);
    reply.bulk("pong");
    return reply.bulk(argv.size() == 2 ? argv[1] : std::string_view());
  }
  if (argv.size() == 1) return ctx.submit(Opcode::ping, reply_pong);
  ctx.scratch().arg.assign(argv[1]);  // the store answers "PONG" for an empty payload; Redis echoes it
  ctx.request().key = ctx.scratch().arg;
  ctx.submit(Opcode::ping, reply_ping_text);
}

void cmd_echo(CommandContext&, ArgList argv, ReplyBuilder& reply) { reply.bulk(argv[1]); }

void cmd_select(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  std::int64_t db = 0;
  if (!parse_int64(argv[1], db)) return reply.error(kNotInteger);
  if (db < 0 || db >= static_cast<std::int64_t>(ctx.env().databases)) return reply.error("ERR DB index is out of range");
  ctx.session().db = static_cast<std::uint32_t>(db);
  reply.ok();
}

void cmd_quit(CommandContext& ctx, ArgList, ReplyBuilder& reply) {
  reply.ok();
  ctx.close_after_reply();
}

// AUTH token, or Redis 6's AUTH user token: mnemo has tokens, not users, so the
// user name is not checked when a token is set.
void cmd_auth(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  if (argv.size() > 3) return reply.error(kSyntax);
  ctx.session().auth_user = argv.size() == 3 ? user_kind(argv[1]) : AuthUser::none;
  ctx.request().key = argv.back();
  ctx.submit(Opcode::auth, reply_auth);
}

// HELLO [protover [AUTH user pass] [SETNAME name]]: protover 2 or 3 switches
// the connection's RESP version, as in Redis 7. With AUTH it becomes an AUTH
// request, and the version and the map follow once the token is accepted.
void cmd_hello(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  Session& s = ctx.session();
  std::string_view password, name;
  bool has_auth = false, has_name = false;
  std::int64_t version = 0;
  if (argv.size() >= 2) {
    if (!parse_int64(argv[1], version)) return reply.error("ERR Protocol version is not an integer or out of range");
    if (version < 2 || version > 3) return reply.error("NOPROTO unsupported protocol version");
  }
  for (std::size_t i = 2; i < argv.size(); ++i) {
    const std::size_t more = argv.size() - i - 1;
    if (iequals(argv[i], "auth") && more >= 2) {
      has_auth = true;
      s.auth_user = user_kind(argv[i + 1]);
      password = argv[i + 2];
      i += 2;
    } else if (iequals(argv[i], "setname") && more >= 1) {
      has_name = true;
      name = argv[++i];
    } else {
      return reply.error("ERR Syntax error in HELLO option '" + std::string(argv[i]) + "'");
    }
  }
  if (has_name && !valid_client_attribute(name)) {
    return reply.error("ERR Client names cannot contain spaces, newlines or special characters.");
  }
  if (has_auth) {
    s.hello_has_name = has_name;
    s.hello_name.assign(name);
    s.hello_proto = static_cast<int>(version);
    ctx.request().key = password;
    return ctx.submit(Opcode::auth, reply_auth);
  }
  if (!s.authenticated) {
    return reply.error("NOAUTH HELLO must be called with the client already authenticated, otherwise the "
                       "HELLO AUTH <user> <pass> option can be used to authenticate the client and "
                       "select the RESP protocol version at the same time");
  }
  if (has_name) s.client_name.assign(name);
  switch_protocol(ctx, static_cast<int>(version));
  hello_map(ctx, reply);
}

}  // namespace mnemo::server::commands
