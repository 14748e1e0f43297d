// XREAD and XREADGROUP (Redis 7.0's xreadCommand). XREADGROUP is a write:
// a delivery journals the group's new last id, each new pending entry and
// its consumer before it is answered, so a crash never loses a delivery
// that was seen. With BLOCK and nothing to answer, the client waits in the
// blocking registry (server/blocking/waiters.h) holding no thread; every
// XADD's notification wakes the waiters of its key, which read again (up to
// COUNT, 1000 by default, as Redis) from the ids they blocked with ("$"
// fixed to the last id at that moment).
#include "protocol/resp3_reply_builder.h"
#include "protocol/resp_reply_builder.h"
#include "server/commands/blocking_cmd.h"
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
// `from` gets each stream's id as resolved ("$": the last id now), for BLOCK.
Fault read_streams(CollectionTxn& t, ArgList argv, const ReadArgs& a, std::vector<Served>& out,
                   std::vector<StreamId>& from) {
  from.assign(a.n, StreamId{});
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
    from[i] = gt;
    if (s == nullptr) continue;
    const StreamId top = s->entries.back_id();
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
      out.back().entries.emplace_back(id, packed);
    }
  }
  return {};
}

// RESP2: an array of [key, entries] pairs; RESP3: a map of key -> entries (as Redis 7).
void reply_served(ReplyBuilder& reply, const std::vector<Served>& served, bool resp3) {
  if (resp3) {
    reply.map(served.size());
  } else {
    reply.array(served.size());
  }
  for (const Served& s : served) {
    if (!resp3) reply.array(2);
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

// What a blocked XREAD/XREADGROUP reads again when one of its keys is signalled.
struct BlockedRead {
  Store* store = nullptr;
  std::uint32_t db = 0;
  ReadArgs args;  // its views point into the strings below
  std::string group_name;
  std::string consumer;
  std::vector<std::string> keys;
  std::vector<StreamId> from;
  bool resp3 = false;  // the connection's RESP version when it blocked
};

blocking::Attempt attempt_read(const BlockedRead& b, std::string_view key) {
  std::size_t i = 0;
  while (i < b.keys.size() && b.keys[i] != key) ++i;
  if (i == b.keys.size()) return {blocking::Served::skip, {}};
  ReadArgs one = b.args;
  if (one.count == 0) one.count = 1000;  // Redis's XREAD_BLOCKED_DEFAULT_COUNT
  std::vector<Served> served;
  std::string error;
  const std::string_view k[] = {b.keys[i]};
  auto r = b.store->collections(b.db, k, b.args.group, [&](CollectionTxn& t) -> Fault {
    const Stream* s = stream_of(t);
    if (s == nullptr || t.wrong_type(0, kStream) || s->entries.empty()) return {};
    const StreamId top = s->entries.back_id();
    if (b.args.group) {
      const StreamGroup* g = s->group(b.group_name);
      if (g == nullptr) {
        error = "-NOGROUP the consumer group this client was blocked on no longer exists\r\n";
        return {};
      }
      if (top <= g->last_id) return {};
      served.push_back({b.keys[i], {}});
      serve_group(*s, one, StreamId::max(), t.now_ms(), &t.ops(0, kStream), served.back());
      return {};
    }
    if (top <= b.from[i]) return {};
    served.push_back({b.keys[i], {}});
    for (const auto& [id, packed] : stream_range(*s, b.from[i], StreamId::max(), 0, false)) {
      if (id <= b.from[i]) continue;
      served.back().entries.emplace_back(id, packed);
      if (served.back().entries.size() == static_cast<std::size_t>(one.count)) break;
    }
    return {};
  });
  if (!error.empty()) return {blocking::Served::served, error};
  if (!r || served.empty()) return {blocking::Served::skip, {}};
  blocking::Attempt a{blocking::Served::served, {}};
  if (b.resp3) {
    protocol::resp::Resp3ReplyBuilder out(a.reply);
    reply_served(out, served, true);
  } else {
    protocol::resp::Resp2ReplyBuilder out(a.reply);
    reply_served(out, served, false);
  }
  return a;
}

// Parks the client until a key is ready or the timeout; false when it cannot block.
bool block_read(CommandContext& ctx, ArgList argv, const ReadArgs& a, std::vector<StreamId> from) {
  blocking::Registry* reg = ctx.env().blocking;
  blocking::BlockSpec spec;
  if (reg == nullptr || !block_target(ctx, spec) || Store::in_transaction()) return false;
  auto b = std::make_shared<BlockedRead>();
  b->store = ctx.env().store;
  b->db = ctx.session().db;
  b->group_name = std::string(a.group_name);
  b->consumer = std::string(a.consumer);
  b->args = a;
  b->args.group_name = b->group_name;
  b->args.consumer = b->consumer;
  for (std::size_t i = 0; i < a.n; ++i) b->keys.emplace_back(argv[a.streams + i]);
  b->from = std::move(from);
  b->resp3 = ctx.session().resp == 3;
  spec.db = b->db;
  spec.keys = b->keys;
  spec.timeout_ms = a.block;
  spec.client_id = ctx.env().client_id;
  spec.attempt = [b](std::string_view key) { return attempt_read(*b, key); };
  spec.timeout_reply = b->resp3 ? std::string("_\r\n") : std::string(protocol::resp::kNullArrayReply);
  spec.error_reply = "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n";
  ctx.session().waiter = reg->block(std::move(spec));
  ctx.set_blocked();
  return true;
}

}  // namespace

// XREAD [COUNT n] [BLOCK ms] STREAMS key... id...; XREADGROUP GROUP g c [COUNT n] [BLOCK ms] [NOACK] STREAMS ...
void cmd_xread(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  ReadArgs a;
  if (!parse_read_args(argv, a, reply)) return;
  std::vector<Served> served;
  std::vector<StreamId> from;
  if (!srun(ctx, reply, argv.subspan(a.streams, a.n), a.group,
            [&](CollectionTxn& t) -> Fault { return read_streams(t, argv, a, served, from); })) return;
  if (!served.empty()) return reply_served(reply, served, ctx.session().resp == 3);
  if (a.block >= 0 && block_read(ctx, argv, a, std::move(from))) return;
  reply.null_array();
}

}  // namespace mnemo::server::commands
