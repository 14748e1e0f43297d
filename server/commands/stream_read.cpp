// XREAD and XREADGROUP (Redis 7.0's xreadCommand). XREADGROUP is a write:
// a delivery journals the group's new last id, each new pending entry and
// its consumer before it is answered, so a crash never loses a delivery
// that was seen. BLOCK is accepted and answered without waiting (see
// docs/RESP.md) until the server has a way to park a request.
#include "server/commands/families.h"
#include "server/commands/stream_cmd.h"

namespace mnemo::server::commands {

namespace {

struct ReadArgs {
  bool group = false;  // XREADGROUP
  std::string_view group_name;
  std::string_view consumer;
  bool group_given = false;
  bool noack = false;
  std::int64_t count = 0;
  std::int64_t block = -1;
  std::size_t streams = 0;  // index of the first key
  std::size_t n = 0;        // number of streams
};

bool parse_read_args(ArgList argv, ReadArgs& a, ReplyBuilder& reply) {
  a.group = argv[0].size() == 10;
  for (std::size_t i = 1; i < argv.size(); ++i) {
    const std::size_t more = argv.size() - i - 1;
    const std::string_view o = argv[i];
    if (iequals(o, "block") && more) {
      if (!parse_int64(argv[++i], a.block)) {
        reply.error("ERR timeout is not an integer or out of range");
        return false;
      }
      if (a.block < 0) {
        reply.error("ERR timeout is negative");
        return false;
      }
    } else if (iequals(o, "count") && more) {
      if (!parse_int64(argv[++i], a.count)) {
        reply.error(kNotInteger);
        return false;
      }
      if (a.count < 0) a.count = 0;
    } else if (iequals(o, "streams") && more) {
      a.streams = i + 1;
      if ((argv.size() - a.streams) % 2 != 0) {
        reply.error("ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.");
        return false;
      }
      a.n = (argv.size() - a.streams) / 2;
      break;
    } else if (iequals(o, "group") && more >= 2) {
      if (!a.group) {
        reply.error("ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.");
        return false;
      }
      a.group_name = argv[i + 1];
      a.consumer = argv[i + 2];
      a.group_given = true;
      i += 2;
    } else if (iequals(o, "noack")) {
      if (!a.group) {
        reply.error("ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.");
        return false;
      }
      a.noack = true;
    } else {
      reply.error(kSyntax);
      return false;
    }
  }
  if (a.streams == 0) {
    reply.error(kSyntax);
    return false;
  }
  if (a.group && !a.group_given) {
    reply.error("ERR Missing GROUP option for XREADGROUP");
    return false;
  }
  return true;
}

// What one stream answers: its entries (a null packed value: deleted since delivered).
struct Served {
  std::string_view key;
  std::vector<std::pair<StreamId, std::optional<std::string>>> entries;
};

// XREADGROUP on one stream; from is the id after ">" (max) or the history start.
void serve_group(const Stream& s, const ReadArgs& a, StreamId gt, std::int64_t now, OpWriter* w,
                 Served& out) {
  const StreamGroup& g = *s.group(a.group_name);
  auto c = g.consumers.find(a.consumer);
  StreamId start = gt;
  if (start.seq == UINT64_MAX) start = {start.ms + 1, 0};
  else ++start.seq;
  const auto limit = static_cast<std::size_t>(a.count);
  stream_ops::ccreate(*w, a.group_name, a.consumer, now);
  if (gt != StreamId::max()) {  // history: this consumer's pending entries
    if (c == g.consumers.end()) return;
    for (auto it = c->second.pending.lower_bound(start); it != c->second.pending.end(); ++it) {
      if (limit != 0 && out.entries.size() == limit) break;
      auto e = s.entries.find(*it);
      if (e == s.entries.end()) {
        out.entries.emplace_back(*it, std::nullopt);
        continue;
      }
      out.entries.emplace_back(*it, e->second);
      stream_ops::pend(*w, a.group_name, a.consumer, *it, now, g.pel.at(*it).delivery_count + 1);
    }
    return;
  }
  StreamId last = g.last_id;
  std::int64_t read = g.entries_read;
  for (auto it = s.entries.upper_bound(g.last_id); it != s.entries.end(); ++it) {
    if (limit != 0 && out.entries.size() == limit) break;
    const auto& [id, packed] = *it;
    read = s.entries_read_after(read, id);
    last = id;
    out.entries.emplace_back(id, packed);
    if (!a.noack) stream_ops::pend(*w, a.group_name, a.consumer, id, now, 1);
  }
  stream_ops::gsetid(*w, a.group_name, last, read);
}

// Checks and serves every stream, in Redis's order of errors.
Fault read_streams(CollectionTxn& t, ArgList argv, const ReadArgs& a, std::vector<Served>& out) {
  for (std::size_t i = 0; i < a.n; ++i) {
    if (t.wrong_type(i, kStream)) return wrong_type();
    const Stream* s = stream_of(t, i);
    const std::string_view key = argv[a.streams + i];
    const std::string_view arg = argv[a.streams + a.n + i];
    if (a.group && (s == nullptr || s->group(a.group_name) == nullptr)) {
      return coded_err(
          cat({"NOGROUP No such key '", key, "' or consumer group '", a.group_name, "' in XREADGROUP with GROUP option"}));
    }
    StreamId gt;
    if (arg == "$") {
      if (a.group) {
        return err("ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of "
                   "this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would "
                   "just return an empty result set.");
      }
      if (s != nullptr) gt = s->last_id;
    } else if (arg == ">") {
      if (!a.group) {
        return err("ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> "
                   "<consumer> option.");
      }
      gt = StreamId::max();
    } else if (!parse_id(arg, gt, 0, true)) {
      return err(kInvalidId);
    }
    if (s == nullptr) continue;
    const StreamId top = s->entries.empty() ? StreamId{} : s->entries.rbegin()->first;
    if (a.group) {
      const bool history = gt != StreamId::max();
      if (!history && (s->entries.empty() || top <= s->group(a.group_name)->last_id)) continue;
      out.push_back({key, {}});
      serve_group(*s, a, gt, t.now_ms(), &t.ops(i, kStream), out.back());
      continue;
    }
    if (s->entries.empty() || top <= gt) continue;
    StreamId start = gt;
    if (start.seq == UINT64_MAX) start = {start.ms + 1, 0};
    else ++start.seq;
    out.push_back({key, {}});
    for (const auto& [id, packed] : stream_range(*s, start, StreamId::max(), static_cast<std::size_t>(a.count), false)) {
      out.back().entries.emplace_back(id, *packed);
    }
  }
  return {};
}

}  // namespace

// XREAD [COUNT n] [BLOCK ms] STREAMS key... id...; XREADGROUP GROUP g c [COUNT n] [BLOCK ms] [NOACK] STREAMS ...
void cmd_xread(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  ReadArgs a;
  if (!parse_read_args(argv, a, reply)) return;
  std::vector<Served> served;
  if (!srun(ctx, reply, argv.subspan(a.streams, a.n), a.group,
            [&](CollectionTxn& t) -> Fault { return read_streams(t, argv, a, served); })) return;
  if (served.empty()) return reply.null_array();
  reply.array(served.size());
  for (const Served& s : served) {
    reply.array(2);
    reply.bulk(s.key);
    reply.array(s.entries.size());
    for (const auto& [id, packed] : s.entries) {
      if (packed) {
        reply_entry(reply, id, *packed);
      } else {
        reply.array(2);
        reply.bulk(id.str());
        reply.null_array();
      }
    }
  }
}

}  // namespace mnemo::server::commands
