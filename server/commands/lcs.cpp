// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN n] [WITHMATCHLEN] (Redis 7.0's
// lcsCommand): the longest common subsequence of two strings, by the same
// dynamic-programming table, walked back the same way, so that the string
// and the match ranges are the ones Redis picks among equally long answers.
// A missing key reads as "". The two values are read one after the other
// (each under its own shard lock), then the table is built without a lock.
#include <cstdint>
#include <vector>

#include "server/commands/helpers.h"
#include "server/commands/string.h"

namespace mnemo::server::commands {

namespace {

// Redis refuses a table larger than proto-max-bulk-len (512 MB by default).
constexpr std::uint64_t kMaxTableBytes = 512ull << 20;

struct LcsArgs {
  bool len = false, idx = false, with_len = false;
  std::int64_t min_len = 0;
};

// A match: a's and b's inclusive ranges.
struct Match {
  std::uint32_t a0, a1, b0, b1;
};

// The options in Redis's order of checks; false when an error was replied.
bool parse_lcs(ArgList argv, LcsArgs& o, ReplyBuilder& reply) {
  for (std::size_t j = 3; j < argv.size(); ++j) {
    if (iequals(argv[j], "idx")) {
      o.idx = true;
    } else if (iequals(argv[j], "len")) {
      o.len = true;
    } else if (iequals(argv[j], "withmatchlen")) {
      o.with_len = true;
    } else if (iequals(argv[j], "minmatchlen") && j + 1 < argv.size()) {
      if (!parse_int64(argv[++j], o.min_len)) return reply.error(kNotInteger), false;
      if (o.min_len < 0) o.min_len = 0;
    } else {
      return reply.error(kSyntax), false;
    }
  }
  if (o.len && o.idx) return reply.error("ERR If you want both the length and indexes, please just use IDX."), false;
  return true;
}

// Walks the table back from its end, as Redis does: the subsequence, and the
// contiguous ranges at least min_len long (every one when min_len is 0).
std::string walk(std::string_view a, std::string_view b, const std::vector<std::uint32_t>& t, const LcsArgs& o,
                 std::vector<Match>& matches) {
  const std::size_t w = b.size() + 1;
  std::uint32_t idx = t.back();
  std::string result(idx, '\0');
  const auto alen = static_cast<std::uint32_t>(a.size());
  std::uint32_t i = alen, j = static_cast<std::uint32_t>(b.size());
  Match m{alen, 0, 0, 0};  // a0 == alen: no range open
  while (i > 0 && j > 0) {
    bool emit = false;
    if (a[i - 1] == b[j - 1]) {
      result[idx - 1] = a[i - 1];
      if (m.a0 == alen) {
        m = {i - 1, i - 1, j - 1, j - 1};
      } else if (m.a0 == i && m.b0 == j) {
        --m.a0;
        --m.b0;
      } else {
        emit = true;
      }
      if (m.a0 == 0 || m.b0 == 0) emit = true;
      --idx, --i, --j;
    } else {
      if (t[(i - 1) * w + j] > t[i * w + j - 1]) --i;
      else --j;
      if (m.a0 != alen) emit = true;
    }
    if (emit) {
      const std::uint32_t len = m.a1 - m.a0 + 1;
      if (o.min_len == 0 || len >= static_cast<std::uint64_t>(o.min_len)) matches.push_back(m);
      m.a0 = alen;
    }
  }
  return result;
}

}  // namespace

void cmd_lcs(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  NEED_STORE(store);
  const auto va = store->get(ctx.session().db, argv[1]);
  const auto vb = store->get(ctx.session().db, argv[2]);
  if ((!va && va.error().status == protocol::Status::wrong_type) ||
      (!vb && vb.error().status == protocol::Status::wrong_type)) {
    return reply.error("ERR The specified keys must contain string values");
  }
  if (!va) return reply_store_error(ctx, va.error(), reply);
  if (!vb) return reply_store_error(ctx, vb.error(), reply);
  LcsArgs o;
  if (!parse_lcs(argv, o, reply)) return;
  const std::string_view a = *va ? std::string_view((*va)->value) : std::string_view();
  const std::string_view b = *vb ? std::string_view((*vb)->value) : std::string_view();
  const std::uint64_t cells = (a.size() + 1) * static_cast<std::uint64_t>(b.size() + 1);
  if (cells * sizeof(std::uint32_t) > kMaxTableBytes) {
    return reply.error("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
  }
  const std::size_t w = b.size() + 1;
  std::vector<std::uint32_t> t(cells, 0);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      t[i * w + j] = a[i - 1] == b[j - 1] ? t[(i - 1) * w + j - 1] + 1 : std::max(t[(i - 1) * w + j], t[i * w + j - 1]);
    }
  }
  if (o.len && !o.idx) return reply.integer(t.back());
  std::vector<Match> matches;
  const std::string result = walk(a, b, t, o, matches);
  if (!o.idx) return reply.bulk(result);
  reply.map(2);
  reply.bulk("matches");
  reply.array(matches.size());
  for (const Match& m : matches) {
    reply.array(o.with_len ? 3 : 2);
    reply.array(2);
    reply.integer(m.a0);
    reply.integer(m.a1);
    reply.array(2);
    reply.integer(m.b0);
    reply.integer(m.b1);
    if (o.with_len) reply.integer(m.a1 - m.a0 + 1);
  }
  reply.bulk("len");
  reply.integer(t.back());
}

}  // namespace mnemo::server::commands
