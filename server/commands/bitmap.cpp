// Bitmaps (bitmap.h). Ranges are worked out in bits: a byte range [s, e] is
// the bit range [8s, 8e + 7], so BITCOUNT and BITPOS share one clamp and
// Redis's edge masks become plain bounds.
#include "server/commands/bitmap.h"

#include <bit>
#include <optional>
#include <vector>

#include "server/commands/helpers.h"
#include "server/pubsub/keyspace_events.h"

namespace mnemo::server::commands {

namespace n = pubsub::notify;
using protocol::ReplyBuilder;

namespace {

constexpr std::string_view kBadBit = "ERR bit is not an integer or out of range";

// SETBIT/GETBIT's offset: a non-negative integer below 2^32 (Redis's 512 MB strings).
bool parse_offset(std::string_view s, std::uint64_t& out) {
  std::int64_t v = 0;
  if (!parse_int64(s, v) || v < 0 || (static_cast<std::uint64_t>(v) >> 3) >= kMaxStringBytes) return false;
  out = static_cast<std::uint64_t>(v);
  return true;
}

int bit_at(std::string_view s, std::uint64_t offset) {
  const std::uint64_t byte = offset >> 3;
  if (byte >= s.size()) return 0;
  return (static_cast<unsigned char>(s[byte]) >> (7 - (offset & 7))) & 1;
}

// The string value of a key for a read ("" and found=false when absent).
struct Read {
  bool found = false;
  std::string value;
};
std::optional<Read> read_string(CommandContext& ctx, std::string_view key, ReplyBuilder& reply) {
  auto r = ctx.env().store->get(ctx.session().db, key);
  if (!r) {
    reply_store_error(ctx, r.error(), reply);
    return std::nullopt;
  }
  Read out;
  if (*r) {
    out.found = true;
    out.value = std::move((*r)->value);
  }
  return out;
}

// A clamped inclusive bit range; empty when first > last.
struct BitRange {
  std::int64_t first = 0;
  std::int64_t last = -1;
};

// Redis's index rules on [start, end] over `len` units (bytes or bits).
BitRange clamp(std::int64_t start, std::int64_t end, std::int64_t len, bool bits) {
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end) return {};
  return bits ? BitRange{start, end} : BitRange{start * 8, end * 8 + 7};
}

std::int64_t count_bits(std::string_view s, BitRange r) {
  std::int64_t count = 0;
  std::int64_t i = r.first;
  for (; i <= r.last && (i & 7) != 0; ++i) count += bit_at(s, static_cast<std::uint64_t>(i));
  for (; i + 7 <= r.last; i += 8) count += std::popcount(static_cast<unsigned char>(s[static_cast<std::size_t>(i >> 3)]));
  for (; i <= r.last; ++i) count += bit_at(s, static_cast<std::uint64_t>(i));
  return count;
}

// The first bit equal to `bit` in r, or -1.
std::int64_t find_bit(std::string_view s, BitRange r, int bit) {
  const unsigned char skip = bit ? 0x00 : 0xFF;  // a byte with no such bit
  for (std::int64_t i = r.first; i <= r.last;) {
    if ((i & 7) == 0 && i + 7 <= r.last && static_cast<unsigned char>(s[static_cast<std::size_t>(i >> 3)]) == skip) {
      i += 8;
      continue;
    }
    if (bit_at(s, static_cast<std::uint64_t>(i)) == bit) return i;
    ++i;
  }
  return -1;
}

bool parse_unit(std::string_view word, bool& bits) {
  if (iequals(word, "bit")) bits = true;
  else if (iequals(word, "byte")) bits = false;
  else return false;
  return true;
}

}  // namespace

void cmd_setbit(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  std::uint64_t offset = 0;
  if (!parse_offset(argv[2], offset)) return reply.error(kBadOffset);
  std::int64_t on = 0;
  if (!parse_int64(argv[3], on) || (on & ~std::int64_t{1}) != 0) return reply.error(kBadBit);
  NEED_STORE(store);
  int old = 0;
  bool wrote = false;
  auto r = store->update_string(ctx.session().db, argv[1],
                                [&](const std::string_view* cur, Store::StringUpdate& up) -> std::optional<protocol::Error> {
                                  const std::string_view value = cur != nullptr ? *cur : std::string_view();
                                  const std::uint64_t byte = offset >> 3;
                                  old = bit_at(value, offset);
                                  if (cur != nullptr && byte < value.size() && old == on) return std::nullopt;
                                  up.value.assign(value);
                                  if (up.value.size() <= byte) up.value.resize(byte + 1, '\0');
                                  const auto mask = static_cast<unsigned char>(1u << (7 - (offset & 7)));
                                  auto& c = reinterpret_cast<unsigned char&>(up.value[byte]);
                                  c = on ? (c | mask) : (c & ~mask);
                                  up.write = wrote = true;
                                  return std::nullopt;
                                });
  if (!r) return reply_store_error(ctx, r.error(), reply);
  if (wrote) ctx.notify(n::kString, "setbit", argv[1]);
  reply.integer(old);
}

void cmd_getbit(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  std::uint64_t offset = 0;
  if (!parse_offset(argv[2], offset)) return reply.error(kBadOffset);
  NEED_STORE(store);
  const auto v = read_string(ctx, argv[1], reply);
  if (v) reply.integer(bit_at(v->value, offset));
}

// Redis looks the key up before it reads the range: a missing key is 0 whatever follows.
void cmd_bitcount(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  NEED_STORE(store);
  const auto v = read_string(ctx, argv[1], reply);
  if (!v) return;
  if (!v->found) return reply.integer(0);
  const auto len = static_cast<std::int64_t>(v->value.size());
  if (argv.size() == 2) return reply.integer(count_bits(v->value, {0, len * 8 - 1}));
  if (argv.size() != 4 && argv.size() != 5) return reply.error(kSyntax);
  std::int64_t start = 0, end = 0;
  if (!parse_int64(argv[2], start) || !parse_int64(argv[3], end)) return reply.error(kNotInteger);
  if (start < 0 && end < 0 && start > end) return reply.integer(0);
  bool bits = false;
  if (argv.size() == 5 && !parse_unit(argv[4], bits)) return reply.error(kSyntax);
  reply.integer(count_bits(v->value, clamp(start, end, bits ? len * 8 : len, bits)));
}

void cmd_bitpos(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  std::int64_t bit = 0;
  if (!parse_int64(argv[2], bit)) return reply.error(kNotInteger);
  if (bit != 0 && bit != 1) return reply.error("ERR The bit argument must be 1 or 0.");
  NEED_STORE(store);
  const auto v = read_string(ctx, argv[1], reply);
  if (!v) return;
  if (!v->found) return reply.integer(bit ? -1 : 0);
  const auto len = static_cast<std::int64_t>(v->value.size());
  BitRange range{0, len * 8 - 1};
  bool end_given = false;
  if (argv.size() >= 4 && argv.size() <= 6) {
    std::int64_t start = 0, end = len - 1;
    bool bits = false;
    if (!parse_int64(argv[3], start)) return reply.error(kNotInteger);
    if (argv.size() == 6 && !parse_unit(argv[5], bits)) return reply.error(kSyntax);
    if (argv.size() >= 5) {
      if (!parse_int64(argv[4], end)) return reply.error(kNotInteger);
      end_given = true;
    }
    range = clamp(start, end, bits ? len * 8 : len, bits);
  } else if (argv.size() != 3) {
    return reply.error(kSyntax);
  }
  if (range.first > range.last) return reply.integer(-1);
  const std::int64_t at = find_bit(v->value, range, static_cast<int>(bit));
  if (at >= 0 || bit == 1 || end_given) return reply.integer(at);
  reply.integer(range.last + 1);  // looking for a 0: the string continues with zeros
}

void cmd_bitop(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  enum class Op { and_, or_, xor_, not_ } op;
  if (iequals(argv[1], "and")) op = Op::and_;
  else if (iequals(argv[1], "or")) op = Op::or_;
  else if (iequals(argv[1], "xor")) op = Op::xor_;
  else if (iequals(argv[1], "not")) op = Op::not_;
  else return reply.error(kSyntax);
  if (op == Op::not_ && argv.size() != 4) return reply.error("ERR BITOP NOT must be called with a single source key.");
  NEED_STORE(store);
  const DbIndex db = ctx.session().db;
  std::optional<protocol::Error> failed;
  bool deleted = false;
  std::size_t out_len = 0;
  auto body = [&] {
    std::vector<std::string> src;
    for (std::size_t i = 3; i < argv.size(); ++i) {
      auto r = store->get(db, argv[i]);
      if (!r) return void(failed = r.error());
      src.push_back(*r ? std::move((*r)->value) : std::string());
    }
    for (const auto& s : src) out_len = std::max(out_len, s.size());
    std::string out(out_len, '\0');
    for (std::size_t j = 0; j < out_len; ++j) {
      auto byte_of = [&](const std::string& s) { return j < s.size() ? static_cast<unsigned char>(s[j]) : 0u; };
      unsigned v = op == Op::not_ ? ~byte_of(src[0]) : byte_of(src[0]);
      for (std::size_t k = 1; k < src.size(); ++k) {
        if (op == Op::and_) v &= byte_of(src[k]);
        else if (op == Op::or_) v |= byte_of(src[k]);
        else v ^= byte_of(src[k]);
      }
      out[j] = static_cast<char>(v & 0xFF);
    }
    if (out_len > 0) {
      auto w = store->set(db, argv[2], out, {});
      if (!w) failed = w.error();
      return;
    }
    const std::string_view dest[] = {argv[2]};
    auto d = store->del(db, dest);
    if (!d) failed = d.error();
    else deleted = *d > 0;
  };
  if (Store::in_transaction()) {
    body();
  } else {
    std::vector<Store::TxnKey> keys;
    for (std::size_t i = 2; i < argv.size(); ++i) keys.push_back({db, argv[i]});
    auto r = store->run_atomically(keys, false, body);
    if (!r && !failed) failed = r.error();
  }
  if (failed) return reply_store_error(ctx, *failed, reply);
  if (out_len > 0) ctx.notify(n::kString, "set", argv[2]);
  else if (deleted) ctx.notify(n::kGeneric, "del", argv[2]);
  reply.integer(static_cast<std::int64_t>(out_len));
}

}  // namespace mnemo::server::commands
