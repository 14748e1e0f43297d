// BITFIELD key [GET type offset] [SET type offset value] [INCRBY type offset
// increment] [OVERFLOW WRAP|SAT|FAIL] ... and BITFIELD_RO key [GET type
// offset] ... (Redis 7.0's bitfieldGeneric): integers of 1 to 64 bits (u63
// at most) at any bit offset of a string, bit 0 the top bit of the first
// byte as for SETBIT; "#n" offsets count in units of the type's width. Every
// operation is parsed before anything runs; the writes are one
// Store::update_string (one journaled value, the expiry kept), which also
// creates or zero-extends the string up to the farthest bit written, as
// Redis does even when OVERFLOW FAIL then writes nothing.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

#include "server/commands/bitmap.h"
#include "server/commands/helpers.h"

namespace mnemo::server::commands {

using protocol::ReplyBuilder;

namespace {

constexpr std::string_view kBadType =
    "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";
constexpr std::uint64_t kMaxBytes = 512ull << 20;  // Redis's proto-max-bulk-len

enum class Op : std::uint8_t { get, set, incrby };
enum class Overflow : std::uint8_t { wrap, sat, fail };

struct FieldOp {
  Op op = Op::get;
  Overflow ow = Overflow::wrap;
  bool sign = false;
  unsigned bits = 0;
  std::uint64_t offset = 0;
  std::int64_t value = 0;
};

bool parse_type(std::string_view s, bool& sign, unsigned& bits) {
  if (s.empty() || (s[0] != 'i' && s[0] != 'u')) return false;
  sign = s[0] == 'i';
  std::int64_t n = 0;
  if (!parse_int64(s.substr(1), n) || n < 1 || n > (sign ? 64 : 63)) return false;
  bits = static_cast<unsigned>(n);
  return true;
}

bool parse_field_offset(std::string_view s, unsigned bits, std::uint64_t& out) {
  const bool hash = !s.empty() && s[0] == '#';
  std::int64_t n = 0;
  if (!parse_int64(hash ? s.substr(1) : s, n)) return false;
  if (hash) n = static_cast<std::int64_t>(static_cast<std::uint64_t>(n) * bits);
  if (n < 0 || static_cast<std::uint64_t>(n >> 3) >= kMaxBytes) return false;
  out = static_cast<std::uint64_t>(n);
  return true;
}

// Parses every operation (replying the first error); false on an error.
bool parse_ops(ArgList argv, std::vector<FieldOp>& ops, ReplyBuilder& reply) {
  Overflow ow = Overflow::wrap;
  for (std::size_t j = 2; j < argv.size(); ++j) {
    const std::size_t left = argv.size() - j - 1;
    FieldOp f;
    if (iequals(argv[j], "get") && left >= 2) f.op = Op::get;
    else if (iequals(argv[j], "set") && left >= 3) f.op = Op::set;
    else if (iequals(argv[j], "incrby") && left >= 3) f.op = Op::incrby;
    else if (iequals(argv[j], "overflow") && left >= 1) {
      const std::string_view w = argv[++j];
      if (iequals(w, "wrap")) ow = Overflow::wrap;
      else if (iequals(w, "sat")) ow = Overflow::sat;
      else if (iequals(w, "fail")) ow = Overflow::fail;
      else return reply.error("ERR Invalid OVERFLOW type specified"), false;
      continue;
    } else {
      return reply.error(kSyntax), false;
    }
    if (!parse_type(argv[j + 1], f.sign, f.bits)) return reply.error(kBadType), false;
    if (!parse_field_offset(argv[j + 2], f.bits, f.offset)) return reply.error(kBadOffset), false;
    if (f.op != Op::get && !parse_int64(argv[j + 3], f.value)) return reply.error(kNotInteger), false;
    f.ow = ow;
    ops.push_back(f);
    j += f.op == Op::get ? 2 : 3;
  }
  return true;
}

std::uint64_t get_bits(std::string_view v, std::uint64_t offset, unsigned bits) {
  std::uint64_t out = 0;
  for (unsigned i = 0; i < bits; ++i) {
    const std::uint64_t at = offset + i, byte = at >> 3;
    const unsigned bit = byte < v.size() ? (static_cast<unsigned char>(v[byte]) >> (7 - (at & 7))) & 1u : 0u;
    out = (out << 1) | bit;
  }
  return out;
}

void set_bits(std::string& v, std::uint64_t offset, unsigned bits, std::uint64_t value) {
  for (unsigned i = 0; i < bits; ++i) {
    const std::uint64_t at = offset + i;
    auto& c = reinterpret_cast<unsigned char&>(v[at >> 3]);
    const auto mask = static_cast<unsigned char>(1u << (7 - (at & 7)));
    c = ((value >> (bits - 1 - i)) & 1u) ? (c | mask) : (c & ~mask);
  }
}

std::int64_t as_signed(std::uint64_t u, unsigned bits) {
  if (bits < 64 && (u & (std::uint64_t{1} << (bits - 1)))) u |= ~std::uint64_t{0} << bits;
  return static_cast<std::int64_t>(u);
}

// Redis's check*BitfieldOverflow: whether value + incr leaves the type's
// range, and then (WRAP, SAT) the value to store instead.
bool unsigned_overflow(std::uint64_t value, std::int64_t incr, unsigned bits, Overflow ow, std::uint64_t& limit) {
  const std::uint64_t max = bits == 64 ? UINT64_MAX : (std::uint64_t{1} << bits) - 1;
  const auto maxincr = static_cast<std::int64_t>(max - value), minincr = -static_cast<std::int64_t>(value);
  const bool up = value > max || (incr > 0 && incr > maxincr);
  if (!up && !(incr < 0 && incr < minincr)) return false;
  if (ow == Overflow::wrap) limit = (value + static_cast<std::uint64_t>(incr)) & ~(~std::uint64_t{0} << bits);
  else if (ow == Overflow::sat) limit = up ? max : 0;
  return true;
}

bool signed_overflow(std::int64_t value, std::int64_t incr, unsigned bits, Overflow ow, std::int64_t& limit) {
  const std::int64_t max = bits == 64 ? INT64_MAX : (std::int64_t{1} << (bits - 1)) - 1, min = -max - 1;
  const auto maxincr = static_cast<std::int64_t>(static_cast<std::uint64_t>(max) - static_cast<std::uint64_t>(value));
  const auto minincr = static_cast<std::int64_t>(static_cast<std::uint64_t>(min) - static_cast<std::uint64_t>(value));
  const bool up = value > max || (bits != 64 && incr > maxincr) || (value >= 0 && incr > 0 && incr > maxincr);
  const bool down = value < min || (bits != 64 && incr < minincr) || (value < 0 && incr < 0 && incr < minincr);
  if (!up && !down) return false;
  if (ow == Overflow::sat) {
    limit = up ? max : min;
  } else if (ow == Overflow::wrap) {
    std::uint64_t c = static_cast<std::uint64_t>(value) + static_cast<std::uint64_t>(incr);
    if (bits < 64) {
      const std::uint64_t mask = ~std::uint64_t{0} << bits;
      c = (c & (std::uint64_t{1} << (bits - 1))) ? (c | mask) : (c & ~mask);
    }
    limit = static_cast<std::int64_t>(c);
  }
  return true;
}

// One SET or INCRBY on v: the reply value (nullopt: OVERFLOW FAIL, nothing
// written) and whether the field changed.
std::optional<std::int64_t> apply(std::string& v, const FieldOp& f, bool& changed) {
  const std::uint64_t old_u = get_bits(v, f.offset, f.bits);
  std::uint64_t next_u = 0;
  std::int64_t ret = 0;
  bool over = false;
  if (f.sign) {
    const std::int64_t old = as_signed(old_u, f.bits);
    std::int64_t next = f.op == Op::incrby ? static_cast<std::int64_t>(static_cast<std::uint64_t>(old) + f.value) : f.value;
    std::int64_t wrapped = 0;
    over = signed_overflow(f.op == Op::incrby ? old : f.value, f.op == Op::incrby ? f.value : 0, f.bits, f.ow, wrapped);
    if (over) next = wrapped;
    ret = f.op == Op::incrby ? next : old;
    next_u = static_cast<std::uint64_t>(next);
  } else {
    std::uint64_t next = f.op == Op::incrby ? old_u + static_cast<std::uint64_t>(f.value) : static_cast<std::uint64_t>(f.value);
    std::uint64_t wrapped = 0;
    over = unsigned_overflow(f.op == Op::incrby ? old_u : next, f.op == Op::incrby ? f.value : 0, f.bits, f.ow, wrapped);
    if (over) next = wrapped;
    ret = static_cast<std::int64_t>(f.op == Op::incrby ? next : old_u);
    next_u = next;
  }
  if (over && f.ow == Overflow::fail) return std::nullopt;
  set_bits(v, f.offset, f.bits, next_u);
  changed = (get_bits(v, f.offset, f.bits) != old_u);
  return ret;
}

void reply_gets(ReplyBuilder& reply, std::string_view v, const std::vector<FieldOp>& ops) {
  reply.array(ops.size());
  for (const FieldOp& f : ops) {
    const std::uint64_t u = get_bits(v, f.offset, f.bits);
    reply.integer(f.sign ? as_signed(u, f.bits) : static_cast<std::int64_t>(u));
  }
}

void bitfield(CommandContext& ctx, ArgList argv, ReplyBuilder& reply, bool read_only_cmd) {
  std::vector<FieldOp> ops;
  if (!parse_ops(argv, ops, reply)) return;
  NEED_STORE(store);
  const bool reads = std::all_of(ops.begin(), ops.end(), [](const FieldOp& f) { return f.op == Op::get; });
  if (reads) {
    auto r = store->get(ctx.session().db, argv[1]);
    if (!r) return reply_store_error(ctx, r.error(), reply);
    return reply_gets(reply, *r ? std::string_view((*r)->value) : std::string_view(), ops);
  }
  if (read_only_cmd) return reply.error("ERR BITFIELD_RO only supports the GET subcommand");
  std::uint64_t last_byte = 0;
  for (const FieldOp& f : ops) {
    if (f.op != Op::get) last_byte = std::max(last_byte, (f.offset + f.bits - 1) >> 3);
  }
  std::vector<std::optional<std::int64_t>> out;
  int changes = 0;
  auto r = store->update_string(ctx.session().db, argv[1],
                                [&](const std::string_view* cur, Store::StringUpdate& up) -> std::optional<protocol::Error> {
                                  up.value.assign(cur != nullptr ? *cur : std::string_view());
                                  const bool dirty = cur == nullptr || up.value.size() < last_byte + 1;
                                  if (up.value.size() < last_byte + 1) up.value.resize(last_byte + 1, '\0');
                                  for (const FieldOp& f : ops) {
                                    if (f.op == Op::get) {
                                      const std::uint64_t u = get_bits(up.value, f.offset, f.bits);
                                      out.emplace_back(f.sign ? as_signed(u, f.bits) : static_cast<std::int64_t>(u));
                                      continue;
                                    }
                                    bool changed = false;
                                    out.push_back(apply(up.value, f, changed));
                                    if (out.back() && (dirty || changed)) ++changes;
                                  }
                                  up.write = dirty || changes > 0;
                                  return std::nullopt;
                                });
  if (!r) return reply_store_error(ctx, r.error(), reply);
  if (changes > 0) ctx.notify(pubsub::notify::kString, "setbit", argv[1]);
  reply.array(out.size());
  for (const auto& v : out) {
    if (v) reply.integer(*v);
    else reply.null();
  }
}

}  // namespace

void cmd_bitfield(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) { bitfield(ctx, argv, reply, false); }
void cmd_bitfield_ro(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) { bitfield(ctx, argv, reply, true); }

}  // namespace mnemo::server::commands
