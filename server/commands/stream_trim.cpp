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

namespace {

// Just above id: the cut that removes everything up to it.
StreamId above(StreamId id) {
  if (id.seq == UINT64_MAX) return StreamId{id.ms + 1, 0};
  return StreamId{id.ms, id.seq + 1};
}

// `~`: t_stream.c's streamTrim with approx set. Whole nodes go from the first
// while they may (MAXLEN: the rest still holds maxlen entries; MINID: the
// node's last id is below minid) and LIMIT allows; the first node that may
// not stops it. The cut is the next node's first id.
std::optional<StreamId> approx_point(const Stream* s, const TrimArgs& a, std::optional<StreamId> added,
                                     std::string_view added_fields, std::int64_t& removed) {
  std::int64_t length = (s ? static_cast<std::int64_t>(s->entries.size()) : 0) + (added ? 1 : 0);
  // Nodes enough to find where it stops: each removed node takes at least one
  // live entry, so no more than LIMIT, or than MAXLEN lets go, are removed.
  std::size_t max = SIZE_MAX;
  if (a.limit != 0) max = static_cast<std::size_t>(a.limit) + 1;
  if (a.kind == TrimArgs::by_maxlen) {
    if (length <= a.maxlen) return std::nullopt;
    max = std::min(max, static_cast<std::size_t>(length - a.maxlen) + 1);
  }
  std::vector<StreamNodeSpan> nodes;
  if (s != nullptr) nodes = s->entries.spans(max);
  const bool all_listed = s == nullptr || nodes.size() == s->entries.node_count();
  if (added && all_listed) {
    // XADD appended the entry first: into the last node, or a node of its own.
    if (s == nullptr || s->entries.opens_node(added_fields)) {
      nodes.push_back({*added, *added, 1});
    } else {
      nodes.back().last = *added;
      ++nodes.back().live;
    }
  }
  std::size_t gone = 0;
  for (; gone < nodes.size(); ++gone) {
    const StreamNodeSpan& n = nodes[gone];
    if (a.kind == TrimArgs::by_maxlen && length <= a.maxlen) break;
    if (a.limit != 0 && removed + n.live > a.limit) break;
    const bool whole = a.kind == TrimArgs::by_maxlen ? length - n.live >= a.maxlen : n.last < a.minid;
    if (!whole) break;
    length -= n.live;
    removed += n.live;
  }
  if (removed == 0) return std::nullopt;
  if (gone < nodes.size()) return nodes[gone].key;
  // Every node listed went; one not listed (past max) starts where the list ended.
  return above(nodes[gone - 1].last);
}

}  // namespace

std::optional<StreamId> trim_point(const Stream* s, const TrimArgs& a, std::optional<StreamId> added,
                                   std::int64_t& removed, std::string_view added_fields) {
  removed = 0;
  if (a.kind == TrimArgs::none) return std::nullopt;
  if (a.approx) return approx_point(s, a, added, added_fields, removed);
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
  return above(added ? *added : std::prev(end)->first);
}

}  // namespace mnemo::server::commands
