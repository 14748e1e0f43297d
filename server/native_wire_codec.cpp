#include "server/native_wire_codec.h"

#include <cctype>

#include "protocol/feed_frame.h"
#include "protocol/native_value.h"
#include "server/commands/command_table.h"
#include "server/resp_codec.h"
#include "server/resp_text.h"
#include "server/tracking/tracking_table.h"

namespace mnemo::server {

using protocol::native::DecodeState;
using protocol::Opcode;
using protocol::Status;

namespace {

// XREAD/XREADGROUP: whether a BLOCK option comes before STREAMS.
bool waits(const std::vector<std::string_view>& args) {
  for (std::size_t i = 1; i < args.size() && !iequals(args[i], "streams"); ++i) {
    if (iequals(args[i], "block")) return true;
  }
  return false;
}

// Commands a COMMAND frame refuses: they change or outlive the connection
// (the native protocol has its own HELLO, AUTH and SELECT), or push
// messages after their answer (pub/sub), which a frame cannot. A blocking
// command is answered once, when it is served or times out.
std::string_view refusal(const std::vector<std::string_view>& args) {
  const std::string_view name = args[0];
  std::string lower(name.substr(0, 32));
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static constexpr std::string_view kConnection[] = {"hello", "auth", "select", "quit", "reset", "monitor"};
  for (std::string_view n : kConnection) {
    if (lower == n) return "use the native protocol's own HELLO, AUTH and SELECT; QUIT: close the socket";
  }
  const CommandSpec* spec = builtin_commands().find(name);
  if (spec != nullptr && (spec->flags & cmd::kPubSub) != 0 && lower != "publish" && lower != "pubsub") {
    return "pub/sub commands need a RESP connection (--resp-port)";
  }
  if (lower == "waitaof") return "use the native SYNC frame";
  if (lower == "client" && args.size() > 1 &&
      (iequals(args[1], "tracking") || iequals(args[1], "caching") || iequals(args[1], "reply"))) {
    return "client-side caching pushes invalidations, which need a RESP connection (--resp-port)";
  }
  return {};
}

void append_resp_command(const std::vector<std::string_view>& args, std::string& out) {
  out.clear();
  out += '*';
  out += std::to_string(args.size());
  out += "\r\n";
  for (std::string_view a : args) {
    out += '$';
    out += std::to_string(a.size());
    out += "\r\n";
    out.append(a);
    out += "\r\n";
  }
}

// Whether the command may wait for another client's write (BLPOP, XREAD BLOCK ...).
bool may_block(const std::vector<std::string_view>& args) {
  const CommandSpec* spec = builtin_commands().find(args[0]);
  if (spec == nullptr || (spec->flags & cmd::kBlocking) == 0) return false;
  return !(args[0].size() >= 5 && iequals(args[0].substr(0, 5), "xread")) || waits(args);
}

bool writes(std::string_view name) {
  const CommandSpec* spec = builtin_commands().find(name);
  return spec != nullptr && spec->write();
}

}  // namespace

NativeWireCodec::NativeWireCodec(const protocol::native::Limits& limits, ServerStats& stats,
                                 CommandCodecFactory commands, tracking::TrackingTable* tracking,
                                 feed::FeedHub* feed, bool auth_required)
    : limits_(limits),
      stats_(stats),
      tracking_(tracking),
      feed_(feed),
      auth_required_(auth_required),
      make_commands_(std::move(commands)) {}

NativeWireCodec::~NativeWireCodec() = default;

Next NativeWireCodec::next(std::string_view in, protocol::Request& req, std::string& out) {
  if (phase_ == Phase::running) return finish_command(0, req, out);
  // The change feed's frames are the connection's, not the Executor's.
  if (in.size() > protocol::native::kLengthPrefixBytes &&
      protocol::feed::is_feed_op(static_cast<std::uint8_t>(in[protocol::native::kLengthPrefixBytes]))) {
    return feed_frame(in, out);
  }
  // decode_request clears req once it has a whole frame; until then req is not used.
  const auto r = protocol::native::decode_request(in, req, limits_);
  switch (r.state) {
    case DecodeState::need_more:
      return {NextKind::need_more, 0};
    case DecodeState::ok:
      if (req.op == Opcode::command) return start_command(req, r.consumed, req, out);
      if (req.op != Opcode::select) req.db = db_;
      if (req.has(protocol::flags::kTrack)) track_read(req);  // before the read: see track_read
      return {NextKind::request, r.consumed};
    case DecodeState::bad_frame:
    case DecodeState::fatal:
      break;
  }
  stats_.protocol_errors.fetch_add(1, std::memory_order_relaxed);
  error_.clear();
  error_.op = static_cast<Opcode>(r.op);
  error_.id = r.id;
  error_.fail(r.status, r.message);
  protocol::native::encode_response(error_, out);
  return {r.state == DecodeState::fatal ? NextKind::close : NextKind::replied, r.consumed};
}

Next NativeWireCodec::start_command(const protocol::Request& frame, std::size_t consumed, protocol::Request& req,
                                    std::string& out) {
  frame_id_ = frame.id;
  if (!make_commands_) {
    fail_command(Status::unknown_command, "this server does not run COMMAND frames", out);
    return {NextKind::replied, consumed};
  }
  if (std::string_view why = refusal(frame.keys); !why.empty()) {
    fail_command(Status::bad_request, std::string(frame.keys[0]) + " cannot run in a COMMAND frame: " +
                                          std::string(why), out);
    return {NextKind::replied, consumed};
  }
  durable_ = frame.has(protocol::flags::kDurable) && writes(frame.keys[0]);
  if (durable_ && may_block(frame.keys)) {
    fail_command(Status::bad_request, "DURABLE cannot wait for a blocking command; send SYNC after its answer", out);
    return {NextKind::replied, consumed};
  }
  if (!commands_) {
    commands_ = make_commands_();
    commands_->native_blocking(outbox_, [](std::uint64_t id, std::string_view resp2) {
      std::string answer;
      append_command_answer(id, resp2, 0, answer);
      return answer;
    });
  }
  if (authenticated_) commands_->authenticate();
  commands_->select_db(db_);
  commands_->native_frame_id(frame_id_);
  append_resp_command(frame.keys, command_in_);  // frame's views die with the input: copy first
  reply_.clear();
  const Next inner = commands_->next(command_in_, req, reply_);
  if (inner.kind == NextKind::request) {
    phase_ = Phase::running;
    return {NextKind::request, consumed};
  }
  if (inner.kind == NextKind::blocked) return block_command(consumed);
  return finish_command(consumed, req, out);
}

// The inner codec has answered, or has another step to run.
Next NativeWireCodec::finish_command(std::size_t consumed, protocol::Request& req, std::string& out) {
  if (phase_ == Phase::running) {
    const Next step = commands_->next({}, req, reply_);
    if (step.kind == NextKind::request) return {NextKind::request, consumed};
    if (step.kind == NextKind::blocked) return block_command(consumed);
  }
  if (durable_ && !reply_.starts_with('-')) {
    phase_ = Phase::syncing;
    req.clear();
    req.op = Opcode::sync;
    req.id = frame_id_;
    return {NextKind::request, consumed};
  }
  phase_ = Phase::idle;
  write_command_reply(0, out);
  return {NextKind::replied, consumed};
}

// The command waits for another client's write (server/blocking/): its
// answer arrives through the outbox, already framed; the connection runs
// nothing more until then (Connection::on_unblocked, then unblocked()).
Next NativeWireCodec::block_command(std::size_t consumed) {
  phase_ = Phase::blocked;
  return {NextKind::blocked, consumed};
}

void NativeWireCodec::unblocked() {
  if (phase_ != Phase::blocked) return;  // a WATCH with FROM: nothing of the codec's waited
  phase_ = Phase::idle;
  commands_->unblocked();
}

void NativeWireCodec::write_command_reply(std::uint64_t version, std::string& out) {
  append_command_answer(frame_id_, reply_, version, out);
}

// Pure: runs on the thread of whoever serves a blocked command too.
void NativeWireCodec::append_command_answer(std::uint64_t id, std::string_view resp2, std::uint64_t version,
                                            std::string& out) {
  protocol::Response answer;
  answer.op = Opcode::command;
  answer.id = id;
  if (resp2.starts_with('-')) {
    const std::string_view text = resp2.substr(1, resp2.size() - 3);
    answer.fail(protocol::native::status_for_error(text), text);
  } else if (!protocol::native::resp2_to_value(resp2, answer.value)) {
    answer.fail(Status::internal, "the command's reply could not be encoded");
  } else {
    answer.version = version;
  }
  protocol::native::encode_response(answer, out);
}

void NativeWireCodec::fail_command(Status status, std::string_view message, std::string& out) {
  error_.clear();
  error_.op = Opcode::command;
  error_.id = frame_id_;
  error_.fail(status, message);
  protocol::native::encode_response(error_, out);
}

void NativeWireCodec::encode(const protocol::Request& req, const protocol::Response& resp, std::string& out) {
  if (phase_ == Phase::running) {
    commands_->encode(req, resp, reply_);  // the reply, or the next step (next() asks for it)
    return;
  }
  if (phase_ == Phase::syncing) {
    phase_ = Phase::idle;
    if (resp.status != Status::ok) return fail_command(resp.status, resp.message, out);
    return write_command_reply(resp.version, out);
  }
  if (req.op == Opcode::select && resp.status == Status::ok) db_ = req.db;
  if (req.op == Opcode::auth && resp.status == Status::ok) authenticated_ = true;
  if (req.has(protocol::flags::kTrack)) track_read(req);
  if (tracking_ != nullptr && tracking_->active() && resp.status == Status::ok) invalidate_written(req, resp);
  protocol::native::encode_response(resp, out);
}

// Client-side caching (docs/PROTOCOL.md 6c), as the RESP hooks do it: the keys
// are remembered before the read and again after it, so a write landing
// between the two still leaves them tracked, and one landing before the read
// was answered sends an invalidation the client sees before or with the answer.
void NativeWireCodec::track_read(const protocol::Request& req) {
  if (tracking_ == nullptr || outbox_ == nullptr) return;
  const std::uint64_t id = tracking::TrackingTable::kNativeIdBit | reinterpret_cast<std::uintptr_t>(this);
  if (req.op == Opcode::get) {
    tracking_->track_native(id, outbox_, {&req.key, 1});
  } else if (req.op == Opcode::mget) {
    tracking_->track_native(id, outbox_, req.keys);
  } else {
    return;  // TRACK is ignored on other ops, like the other flags
  }
  tracked_ = true;
}

// Tracking clients forget the keys a native write changed (their names only,
// in any database, as Redis's tracking does).
void NativeWireCodec::invalidate_written(const protocol::Request& req, const protocol::Response& resp) {
  switch (req.op) {
    case Opcode::set: case Opcode::del: case Opcode::incrby: case Opcode::expire: case Opcode::persist:
      return tracking_->invalidate({&req.key, 1}, 0, resp.version);
    case Opcode::mset:
      return tracking_->invalidate(req.keys, 0, resp.version);
    case Opcode::txn: {
      if (!resp.changed) return;
      std::vector<std::string_view> keys;
      for (const auto& w : req.writes) keys.push_back(w.key);
      return tracking_->invalidate(keys, 0, resp.version);
    }
    default:
      return;
  }
}

void NativeWireCodec::input_too_large(std::string& out) {
  error_.clear();
  error_.op = static_cast<Opcode>(0);  // the request it answers is unknown: op 0, id 0
  error_.fail(Status::too_large, "request larger than the connection's input limit");
  protocol::native::encode_response(error_, out);
}

Peeked NativeWireCodec::peek(std::string_view in) const {
  const protocol::native::PeekResult p = protocol::native::peek_request(in, limits_);
  return {p.size, p.key};
}

}  // namespace mnemo::server
