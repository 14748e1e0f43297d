#include "server/resp_codec.h"

#include "protocol/resp_peek.h"
#include "protocol/resp3_reply_builder.h"
#include "protocol/resp_reply_builder.h"
#include "protocol/resp_writer.h"
#include "server/commands/pubsub.h"
#include "server/commands/multi.h"
#include "server/script/script_state.h"
#include "server/resp_text.h"

namespace mnemo::server {

namespace resp = protocol::resp;
using protocol::Request;

namespace {

CommandEnv make_env(const RespCodecOptions& o, InfoProvider info) {
  CommandEnv e;
  e.auth_required = o.auth_required;
  e.client_id = o.client_id;
  e.max_memory_bytes = o.max_memory_bytes;
  e.idle_timeout_s = o.idle_timeout_s;
  e.databases = o.databases;
  e.max_value_bytes = o.max_value_bytes;
  e.journal = o.journal;
  e.clock = o.clock;
  e.stats = o.stats;
  e.store = o.store;
  e.pubsub = o.pubsub;
  e.events = o.events;
  e.tracking = o.tracking;
  e.blocking = o.blocking;
  e.info = std::move(info);
  return e;
}

bool arity_ok(int arity, std::size_t argc) {
  const auto n = static_cast<int>(argc);
  return arity > 0 ? n == arity : n >= -arity;
}

}  // namespace

RespCodec::RespCodec(RespCodecOptions opts, InfoProvider info, const CommandTable& table)
    : table_(table),
      env_(make_env(opts, std::move(info))),
      ctx_(env_, session_),
      parser_(opts.limits) {
  session_.authenticated = !opts.auth_required;
}

RespCodec::~RespCodec() { closed(); }

void RespCodec::attach_outbox(std::shared_ptr<pubsub::Outbox> outbox) {
  session_.subscriber.outbox = std::move(outbox);
  if (env_.tracking != nullptr) env_.tracking->connect(env_.client_id, session_.subscriber.outbox);
}

void RespCodec::closed() {
  if (env_.pubsub != nullptr) env_.pubsub->forget(session_.subscriber);
  if (env_.tracking != nullptr) env_.tracking->disconnect(env_.client_id);
  if (env_.blocking != nullptr && session_.waiter != nullptr) env_.blocking->cancel(session_.waiter);
  session_.waiter.reset();
}

void RespCodec::unblocked() {
  if (session_.waiter != nullptr) session_.waiter->stop_timer();
  session_.waiter.reset();
}

std::vector<std::string_view> RespCodec::command_names() {
  std::vector<std::string_view> names;
  for (const CommandSpec* s : builtin_commands().all()) names.push_back(s->name);
  return names;
}

Next RespCodec::next(std::string_view in, Request& req, std::string& out) {
  if (step_pending_) {  // the next step of a command whose bytes are already consumed
    step_pending_ = false;
    req = step_req_;
    req.id = next_request_id_++;
    return {NextKind::request, 0};
  }
  const resp::ParseResult parsed = parser_.parse(in);
  switch (parsed.state) {
    case resp::ParseState::need_more:
      return {};
    case resp::ParseState::error:
      if (env_.stats != nullptr) env_.stats->protocol_errors.fetch_add(1, std::memory_order_relaxed);
      resp::append_error(out, std::string("ERR ").append(parsed.message));
      return {NextKind::close, in.size()};
    case resp::ParseState::ok:
      break;
  }
  const ArgList argv = parser_.argv();
  if (argv.empty()) return {NextKind::replied, parsed.consumed};  // blank line: Redis says nothing
  // Messages published before this command was read go out before its reply, as in Redis.
  // (Also just after the last UNSUBSCRIBE: what was published before it still comes first.)
  const auto& outbox = session_.subscriber.outbox;
  if (outbox != nullptr && outbox->pending_bytes() > 0) outbox->take(out);
  req.clear();
  req.id = next_request_id_++;
  req.db = session_.db;
  return {dispatch(argv, req, out), parsed.consumed};
}

// Redis's order of checks: unknown command or subcommand, arity, then AUTH.
NextKind RespCodec::dispatch(ArgList argv, Request& req, std::string& out) {
  const CommandSpec* spec = table_.find(argv[0]);
  if (spec == nullptr) {
    commands::flag_multi_error(session_);
    resp::append_error(out, unknown_command_message(argv));
    return NextKind::replied;
  }
  if (!spec->subcommands.empty() && argv.size() >= 2) {
    const CommandSpec* sub = spec->find_subcommand(argv[1]);
    if (sub == nullptr) {
      std::string upper(spec->name);
      for (char& c : upper) c = static_cast<char>(c - 'a' + 'A');
      commands::flag_multi_error(session_);
      resp::append_error(out, unknown_subcommand_message(argv[1], upper));
      return NextKind::replied;
    }
    spec = sub;
  }
  if (!arity_ok(spec->arity, argv.size()) || spec->handler == nullptr) {
    resp::append_error(out, commands::reject_command(session_, *spec, wrong_arity_message(spec->name)));
    return NextKind::replied;
  }
  if (!session_.authenticated && (spec->flags & cmd::kNoAuth) == 0) {
    resp::append_error(out, commands::reject_command(session_, *spec, "NOAUTH Authentication required."));
    return NextKind::replied;
  }
  if (script::ScriptWatchdog::instance().busy() && (spec->flags & cmd::kAllowBusy) == 0) [[unlikely]] {
    resp::append_error(out, commands::reject_command(
                                session_, *spec,
                                "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE."));
    return NextKind::replied;
  }
  // RESP2's subscribed mode takes only pub/sub commands; RESP3 tells a push from a reply by its type.
  if (session_.subscribed() && session_.resp == 2 && !commands::allowed_when_subscribed(*spec)) {
    resp::append_error(out, commands::subscribed_mode_error(*spec));
    return NextKind::replied;
  }
  ctx_.begin(spec, &req);
  if (!session_.multi.active) {
    commands::tracking_before(ctx_, *spec, argv, tracked_);
  } else {  // queued, or EXEC/DISCARD: the queued commands track for themselves (multi.cpp)
    tracked_.clear();
    tracked_.clears_caching = true;
  }
  const bool queued = with_builder(out, [&](protocol::ReplyBuilder& reply) {
    if (session_.multi.active && commands::queue_in_multi(ctx_, *spec, argv, reply)) [[unlikely]] return true;
    spec->handler(ctx_, argv, reply);
    return false;
  });
  if (queued) return NextKind::replied;
  then_ = ctx_.take_then();
  if (then_ != nullptr) return NextKind::request;  // the Executor counts it
  commands::tracking_after(ctx_, tracked_, true);
  if (env_.stats != nullptr) env_.stats->count_local_command();
  if (spec->name == "reset") session_reset_ = true;  // the Executor forgets AUTH and admin rights too
  if (ctx_.blocked()) return NextKind::blocked;
  return ctx_.closing() ? NextKind::close : NextKind::replied;
}

void RespCodec::encode(const Request& req, const protocol::Response& resp, std::string& out) {
  const ReplyFn then = then_;
  then_ = nullptr;
  if (then == nullptr) return;
  step_req_.clear();
  step_req_.db = session_.db;
  ctx_.set_request(&step_req_);
  ctx_.set_answered(&req);
  with_builder(out, [&](protocol::ReplyBuilder& reply) { then(ctx_, resp, reply); });
  then_ = ctx_.take_then();
  step_pending_ = then_ != nullptr;
  if (!step_pending_) commands::tracking_after(ctx_, tracked_, true);  // the command is done
}

void RespCodec::input_too_large(std::string& out) {
  out += "-ERR Protocol error: command larger than the connection's input limit\r\n";
}

Peeked RespCodec::peek(std::string_view in) const {
  const protocol::resp::RespPeek p = protocol::resp::peek_command(in, parser_.limits());
  return {p.size, p.key};
}

}  // namespace mnemo::server
