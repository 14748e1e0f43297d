// XADD's and XTRIM's trimming options (t_stream.c's
// streamParseAddOrTrimArgsOrReply) and the point a trim cuts at.
#include "server/commands/stream_cmd.h"

namespace mnemo::server::commands {

namespace {

// MAXLEN|MINID [=|~] threshold at argv[i]; advances i to the threshold.
bool parse_strategy(ArgList argv, std::size_t& i, TrimArgs& t, ReplyBuilder& reply) {
  if (t.kind != TrimArgs::none) {
    reply.error("ERR syntax error, MAXLEN and MINID options at the same time are not compatible");
    return false;
  }
  const bool maxlen = iequals(argv[i], "maxlen");
  const std::size_t more = argv.size() - 1 - i;
  t.approx = false;
  if (more >= 2 && (argv[i + 1] == "~" || argv[i + 1] == "=")) {
    t.approx = argv[i + 1] == "~";
    ++i;
  }
  const std::string_view v = argv[i + 1];
  if (maxlen) {
    if (!parse_int64(v, t.maxlen)) {
      reply.error(kNotInteger);
      return false;
    }
    if (t.maxlen < 0) {
      reply.error("ERR The MAXLEN argument must be >= 0.");
      return false;
    }
  } else if (!parse_id(v, t.minid, 0, true)) {
    reply.error(kInvalidId);
    return false;
  }
  ++i;
  t.kind = maxlen ? TrimArgs::by_maxlen : TrimArgs::by_minid;
  return true;
}

}  // namespace

bool parse_trim_args(ArgList argv, bool xadd, AddArgs& out, ReplyBuilder& reply) {
  TrimArgs& t = out.trim;
  bool limit_given = false;
  std::size_t i = 2;
  for (; i < argv.size(); ++i) {
    const bool more = i + 1 < argv.size();
    const std::string_view opt = argv[i];
    if (xadd && opt == "*") break;
    if ((iequals(opt, "maxlen") || iequals(opt, "minid")) && more) {
      if (!parse_strategy(argv, i, t, reply)) return false;
    } else if (iequals(opt, "limit") && more) {
      if (!parse_int64(argv[i + 1], t.limit)) {
        reply.error(kNotInteger);
        return false;
      }
      if (t.limit < 0) {
        reply.error("ERR The LIMIT argument must be >= 0.");
        return false;
      }
      limit_given = true;
      ++i;
    } else if (xadd && iequals(opt, "nomkstream")) {
      out.nomkstream = true;
    } else if (xadd) {
      if (!parse_id(opt, out.id, 0, true, &out.seq_auto)) {
        reply.error(kInvalidId);
        return false;
      }
      out.id_given = true;
      break;
    } else {
      reply.error(kSyntax);
      return false;
    }
  }
  out.id_pos = i;
  if (t.limit != 0 && t.kind == TrimArgs::none) {
    reply.error("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy");
    return false;
  }
  if (!xadd && t.kind == TrimArgs::none) {
    reply.error("ERR syntax error, XTRIM must be called with a trimming strategy");
    return false;
  }
  if (limit_given && !t.approx) {
    reply.error("ERR syntax error, LIMIT cannot be used without the special ~ option");
    return false;
  }
  if (!limit_given && t.approx) t.limit = 10000;  // Redis: 100 * stream-node-max-entries
  return true;
}

std::optional<StreamId> trim_point(const Stream* s, const TrimArgs& a, std::optional<StreamId> added,
                                   std::int64_t& removed) {
  removed = 0;
  if (a.kind == TrimArgs::none) return std::nullopt;
  const std::int64_t have = (s ? static_cast<std::int64_t>(s->entries.size()) : 0) + (added ? 1 : 0);
  static const StreamEntries kNone;
  const StreamEntries& entries = s ? s->entries : kNone;
  auto it = entries.begin();
  const auto end = entries.end();
  // Walks the entries in order (the added one last) while they are to go.
  std::optional<StreamId> keep;
  bool added_seen = !added;
  for (;;) {
    const bool on_added = it == end;
    if (on_added && added_seen) break;
    const StreamId id = on_added ? *added : it->first;
    const bool goes = a.kind == TrimArgs::by_maxlen ? have - removed > a.maxlen : id < a.minid;
    if (!goes || (a.limit != 0 && removed >= a.limit)) {
      keep = id;
      break;
    }
    ++removed;
    if (on_added) added_seen = true;
    else ++it;
  }
  if (removed == 0) return std::nullopt;
  if (keep) return keep;
  // Everything goes: cut just above the last id.
  const StreamId last = added ? *added : std::prev(end)->first;
  if (last.seq == UINT64_MAX) return StreamId{last.ms + 1, 0};
  return StreamId{last.ms, last.seq + 1};
}

}  // namespace mnemo::server::commands
