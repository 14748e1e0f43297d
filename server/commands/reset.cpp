// RESET (Redis 7.0's resetCommand and clearClientConnectionState): the
// connection goes back to how it was when it connected. It leaves MULTI and
// forgets its WATCHes, turns CLIENT TRACKING off, selects database 0, speaks
// RESP2 again, is no longer authenticated when the server has a token (Redis
// resets it to the default user, who then needs the password), drops every
// (P|S)SUBSCRIBE without confirmations and forgets its client name. The
// reply is "+RESET" in either protocol version.
#include "server/commands/helpers.h"
#include "server/commands/server.h"

namespace mnemo::server::commands {

void cmd_reset(CommandContext& ctx, ArgList, ReplyBuilder& reply) {
  Session& s = ctx.session();
  CommandEnv& env = ctx.env();
  s.multi.reset();
  if (s.tracking.on && env.tracking != nullptr) env.tracking->disable(env.client_id);
  s.tracking = {};
  s.db = 0;
  s.resp = 2;
  s.authenticated = !env.auth_required;
  s.auth_user = Session::AuthUser::none;
  if (env.pubsub != nullptr) env.pubsub->forget(s.subscriber);
  if (s.subscriber.outbox != nullptr) {
    s.subscriber.outbox->set_resp3(false);
    s.subscriber.outbox->set_subscribed(false);
  }
  s.client_name.clear();
  s.hello_has_name = false;
  s.hello_name.clear();
  s.hello_proto = 0;
  reply.simple("RESET");
}

}  // namespace mnemo::server::commands
