#include "server/resp_codec.h"

#include <algorithm>
#include <array>
#include <limits>

#include "protocol/resp_peek.h"
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

std::uint64_t RespCodec::ttl_until(std::int64_t deadline_ms, std::int64_t now_ms) {
  // The store turns the ttl back into a deadline with its own, slightly later,
  // clock: keep that sum below INT64_MAX. Only deadlines within a minute of the
  // year 292 million are moved, by less than that minute.
  constexpr std::int64_t kClockSlackMs = 60'000;
  const std::int64_t room = std::numeric_limits<std::int64_t>::max() - kClockSlackMs - now_ms;
  return static_cast<std::uint64_t>(std::max<std::int64_t>(1, std::min(deadline_ms - now_ms, room)));
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

// Command names (all lower-case letters, at most 9 of them) are looked up as
// their first 8 bytes packed into an integer with every byte ORed with 0x20,
// which lower-cases ASCII letters and turns no other byte into a letter, so a
// packed compare matches exactly the case-insensitive name. An open-addressing
// table hashed on that integer makes a lookup a few instructions and no call.
constexpr std::size_t kNameSlots = 128;  // a power of two, well above the command count

std::uint64_t pack_folded(std::string_view name) {
  const std::size_t n = std::min<std::size_t>(name.size(), 8);
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    v |= static_cast<std::uint64_t>(static_cast<unsigned char>(name[i]) | 0x20u) << (8 * i);
  }
  return v;
}

std::size_t name_slot(std::uint64_t packed, std::size_t size) {
  return static_cast<std::size_t>(((packed + size) * 0x9E3779B97F4A7C15ull) >> 57) & (kNameSlots - 1);
}

}  // namespace

const RespCodec::CommandSpec* RespCodec::find_command(std::string_view name) {
  struct Slot {
    std::uint64_t packed = 0;
    const CommandSpec* spec = nullptr;
  };
  static const auto table = [] {
    std::array<Slot, kNameSlots> t{};
    for (const CommandSpec& s : all_commands()) {
      const std::uint64_t packed = pack_folded(s.name);
      std::size_t i = name_slot(packed, s.name.size());
      while (t[i].spec != nullptr) i = (i + 1) & (kNameSlots - 1);
      t[i] = {packed, &s};
    }
    return t;
  }();
  if (name.empty() || name.size() > 16) return nullptr;
  const std::uint64_t packed = pack_folded(name);
  for (std::size_t i = name_slot(packed, name.size());; i = (i + 1) & (kNameSlots - 1)) {
    const Slot& slot = table[i];
    if (slot.spec == nullptr) return nullptr;
    if (slot.packed != packed || slot.spec->name.size() != name.size()) continue;
    if (name.size() <= 8 || iequals(name.substr(8), slot.spec->name.substr(8))) return slot.spec;
  }
}

std::vector<std::string_view> RespCodec::command_names() {
  std::vector<std::string_view> names;
  for (const CommandSpec& s : all_commands()) names.push_back(s.name);
  return names;
}

Next RespCodec::next(std::string_view in, Request& req, std::string& out) {
  if (del_.active) return next_del_step(req, out);
  if (cas_.active) return next_cas_step(req, out);
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
  // A command of several steps is consumed by its last one (see the header).
  if (kind == NextKind::request && del_.active) {
    del_.command_bytes = parsed.consumed;
    return {kind, 0};
  }
  if (kind == NextKind::request && cas_.active) {
    cas_.command_bytes = parsed.consumed;
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
  if (cas_.active) {
    encode_cas_step(resp, out);
    return;
  }
  if (!encode_answer(req, resp, out)) encode_error(resp, out);
}

void RespCodec::input_too_large(std::string& out) {
  out += "-ERR Protocol error: command larger than the connection's input limit\r\n";
}

Peeked RespCodec::peek(std::string_view in) const {
  const protocol::resp::RespPeek p = protocol::resp::peek_command(in, parser_.limits());
  return {p.size, p.key};
}

}  // namespace mnemo::server
