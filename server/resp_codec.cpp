#include "server/resp_codec.h"

#include <array>

#include "protocol/resp_writer.h"
#include "server/resp_text.h"

namespace mnemo::server {

namespace resp = protocol::resp;
using protocol::Opcode;
using protocol::Request;

RespCodec::RespCodec(RespCodecOptions opts, InfoProvider info)
    : opts_(std::move(opts)), info_(std::move(info)), parser_(opts_.limits) {}

std::int64_t RespCodec::now_ms() const {
  return opts_.clock != nullptr ? opts_.clock->now_ms() : system_clock_.now_ms();
}

std::span<const RespCodec::CommandSpec> RespCodec::all_commands() {
  using C = RespCodec;
  static const CommandSpec specs[] = {
      {"get", 2, &C::cmd_get, false},           {"set", -3, &C::cmd_set, false},
      {"setnx", 3, &C::cmd_setnx, false},       {"setex", 4, &C::cmd_setex, false},
      {"psetex", 4, &C::cmd_setex, false},      {"del", -2, &C::cmd_del, false},
      {"unlink", -2, &C::cmd_del, false},       {"incr", 2, &C::cmd_incr, false},
      {"decr", 2, &C::cmd_incr, false},         {"incrby", 3, &C::cmd_incrby, false},
      {"decrby", 3, &C::cmd_incrby, false},     {"mget", -2, &C::cmd_mget, false},
      {"mset", -3, &C::cmd_mset, false},        {"expire", -3, &C::cmd_expire, false},
      {"pexpire", -3, &C::cmd_expire, false},   {"expireat", -3, &C::cmd_expire, false},
      {"pexpireat", -3, &C::cmd_expire, false}, {"ttl", 2, &C::cmd_ttl, false},
      {"pttl", 2, &C::cmd_ttl, false},          {"persist", 2, &C::cmd_persist, false},
      {"exists", -2, &C::cmd_exists, false},    {"type", 2, &C::cmd_exists, false},
      {"scan", -2, &C::cmd_scan, false},        {"dbsize", 1, &C::cmd_dbsize, false},
      {"ping", -1, &C::cmd_ping, false},        {"auth", -2, &C::cmd_auth, false},
      {"save", 1, &C::cmd_save, false},         {"bgsave", -1, &C::cmd_save, false},
      {"waitaof", 4, &C::cmd_waitaof, false},   {"echo", 2, &C::cmd_echo, true},
      {"select", 2, &C::cmd_select, true},      {"quit", -1, &C::cmd_quit, false},
      {"info", -1, &C::cmd_info, true},         {"config", -2, &C::cmd_config, true},
      {"client", -2, &C::cmd_client, true},     {"command", -1, &C::cmd_command, true},
      {"hello", -1, &C::cmd_hello, false},      {"wait", 3, &C::cmd_wait, true},
  };
  return specs;
}

namespace {

// An open-addressing table over the command names, hashed on the length and
// three letters: a lookup costs a few instructions and one compare, where a
// std::unordered_map hashed every name byte by byte on every command.
constexpr std::size_t kNameSlots = 128;  // a power of two, well above the command count

std::size_t name_hash(std::string_view lower) {
  const auto at = [&](std::size_t i) { return static_cast<std::size_t>(static_cast<unsigned char>(lower[i])); };
  const std::size_t n = lower.size();
  return (n * 37 + at(0) * 7 + at(n / 2) * 3 + at(n - 1)) & (kNameSlots - 1);
}

}  // namespace

const RespCodec::CommandSpec* RespCodec::find_command(std::string_view name) {
  static const auto table = [] {
    std::array<const CommandSpec*, kNameSlots> t{};
    for (const CommandSpec& s : all_commands()) {
      std::size_t i = name_hash(s.name);
      while (t[i] != nullptr) i = (i + 1) & (kNameSlots - 1);
      t[i] = &s;
    }
    return t;
  }();
  char lower[16];
  if (name.empty() || name.size() > sizeof lower) return nullptr;
  for (std::size_t i = 0; i < name.size(); ++i) lower[i] = ascii_lower(name[i]);
  const std::string_view key(lower, name.size());
  for (std::size_t i = name_hash(key);; i = (i + 1) & (kNameSlots - 1)) {
    if (table[i] == nullptr) return nullptr;
    if (table[i]->name == key) return table[i];
  }
}

std::vector<std::string_view> RespCodec::command_names() {
  std::vector<std::string_view> names;
  for (const CommandSpec& s : all_commands()) names.push_back(s.name);
  return names;
}

Next RespCodec::next(std::string_view in, Request& req, std::string& out) {
  if (del_.active) return next_del_step(req, out);
  const resp::ParseResult parsed = parser_.parse(in);
  switch (parsed.state) {
    case resp::ParseState::need_more:
      return {};
    case resp::ParseState::error:
      if (opts_.stats != nullptr) opts_.stats->protocol_errors.fetch_add(1, std::memory_order_relaxed);
      resp::append_error(out, std::string("ERR ").append(parsed.message));
      return {NextKind::close, in.size()};
    case resp::ParseState::ok:
      break;
  }
  const Args argv = parser_.argv();
  if (argv.empty()) return {NextKind::replied, parsed.consumed};  // blank line: Redis says nothing
  req.clear();
  req.id = next_request_id_++;
  const NextKind kind = dispatch(argv, req, out);
  if (kind == NextKind::request && del_.active) {
    del_.command_bytes = parsed.consumed;
    return {kind, 0};
  }
  return {kind, parsed.consumed};
}

NextKind RespCodec::dispatch(Args argv, Request& req, std::string& out) {
  const CommandSpec* spec = find_command(argv[0]);
  if (spec == nullptr) return reply_error(out, unknown_command_message(argv));
  const auto argc = static_cast<int>(argv.size());
  if ((spec->arity > 0 && argc != spec->arity) || (spec->arity < 0 && argc < -spec->arity)) {
    return reply_error(out, wrong_arity_message(spec->name));
  }
  if (spec->answered_here && opts_.auth_required && !authenticated_) {
    return reply_error(out, "NOAUTH Authentication required.");
  }
  command_name_ = spec->name;
  return (this->*spec->handler)(argv, req, out);
}

NextKind RespCodec::want(ReplyKind kind, Opcode op, Request& req) {
  reply_ = kind;
  req.op = op;
  return NextKind::request;
}

NextKind RespCodec::reply_error(std::string& out, std::string_view message) {
  resp::append_error(out, message);
  return NextKind::replied;
}

Next RespCodec::next_del_step(Request& req, std::string& out) {
  if (!del_.error.empty()) {
    out.append(del_.error);
    del_.active = false;
    del_.error.clear();
    return {NextKind::replied, del_.command_bytes};
  }
  const std::size_t i = del_.next++;
  req.clear();
  req.id = next_request_id_++;
  req.key = std::string_view(del_.keys).substr(del_.ends[i], del_.ends[i + 1] - del_.ends[i]);
  want(ReplyKind::del, Opcode::del, req);
  const bool last = del_.next + 1 == del_.ends.size();
  return {NextKind::request, last ? del_.command_bytes : 0};
}

void RespCodec::encode(const Request& req, const protocol::Response& resp, std::string& out) {
  if (del_.active) {
    encode_del_step(resp, out);
    return;
  }
  if (!encode_answer(req, resp, out)) encode_error(resp, out);
}

}  // namespace mnemo::server
