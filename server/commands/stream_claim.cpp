// XPENDING, XCLAIM and XAUTOCLAIM (Redis 7.0's t_stream.c). A claim is
// journaled as the pending entry's new owner, time and delivery count (the
// pend operation); a claimed entry that was deleted meanwhile is dropped
// from the pending list (the ack operation).
#include "absl/container/btree_map.h"
#include "server/commands/families.h"
#include "server/commands/stream_cmd.h"

namespace mnemo::server::commands {

namespace {

// What a claim answers: the ids (JUSTID) or the entries.
struct Claimed {
  std::vector<std::pair<StreamId, std::string>> entries;
  std::vector<StreamId> deleted;
  StreamId next;
};

void reply_claimed(ReplyBuilder& reply, const Claimed& c, bool justid) {
  reply.array(c.entries.size());
  for (const auto& [id, packed] : c.entries) {
    if (justid) reply.bulk(id.str());
    else reply_entry(reply, id, packed);
  }
}

struct ClaimArgs {
  std::int64_t min_idle = 0;
  std::vector<StreamId> ids;
  std::int64_t retry = -1;
  std::int64_t time = -1;
  bool force = false;
  bool justid = false;
  StreamId last_id;
};

bool option_int(std::string_view v, std::int64_t& out, std::string_view what, ReplyBuilder& reply) {
  if (parse_int64(v, out)) return true;
  reply.error(cat({"ERR Invalid ", what, " option argument for XCLAIM"}));
  return false;
}

bool parse_claim(ArgList argv, std::int64_t now, ClaimArgs& a, ReplyBuilder& reply) {
  std::size_t j = 5;
  for (; j < argv.size(); ++j) {
    StreamId id;
    if (!parse_id(argv[j], id, 0, true)) break;
    a.ids.push_back(id);
  }
  for (; j < argv.size(); ++j) {
    const bool more = j + 1 < argv.size();
    const std::string_view o = argv[j];
    if (iequals(o, "force")) {
      a.force = true;
    } else if (iequals(o, "justid")) {
      a.justid = true;
    } else if (iequals(o, "idle") && more) {
      if (!option_int(argv[++j], a.time, "IDLE", reply)) return false;
      a.time = now - a.time;
    } else if (iequals(o, "time") && more) {
      if (!option_int(argv[++j], a.time, "TIME", reply)) return false;
    } else if (iequals(o, "retrycount") && more) {
      if (!option_int(argv[++j], a.retry, "RETRYCOUNT", reply)) return false;
    } else if (iequals(o, "lastid") && more) {
      if (!parse_id(argv[++j], a.last_id, 0, true)) {
        reply.error(kInvalidId);
        return false;
      }
    } else {
      reply.error(cat({"ERR Unrecognized XCLAIM option '", o, "'"}));
      return false;
    }
  }
  if (a.time < 0 || a.time > now) a.time = now;
  return true;
}

Fault claim(CollectionTxn& t, ArgList argv, const ClaimArgs& a, Claimed& out) {
  const Stream& s = *stream_of(t);
  const StreamGroup& g = *s.group(argv[2]);
  const std::string_view group = argv[2];
  const std::string_view name = argv[3];
  const std::int64_t now = t.now_ms();
  if (a.last_id > g.last_id) stream_ops::gsetid(t.ops(0, kStream), group, a.last_id, g.entries_read);
  absl::btree_map<StreamId, StreamNack> seen;  // pending entries this call changed
  for (StreamId id : a.ids) {
    const StreamNack* nack = nullptr;
    if (auto it = seen.find(id); it != seen.end()) nack = &it->second;
    else if (auto p = g.pel.find(id); p != g.pel.end()) nack = &p->second;
    auto e = s.entries.find(id);
    if (e == s.entries.end()) {
      if (nack != nullptr) stream_ops::ack(t.ops(0, kStream), group, id);
      continue;
    }
    StreamNack next = nack ? *nack : StreamNack{std::string(), 0, 1};  // FORCE: Redis's new NACK counts 1
    if (nack == nullptr && !a.force) continue;
    if (nack != nullptr && a.min_idle != 0 && now - nack->delivery_time < a.min_idle) continue;
    next.consumer = std::string(name);
    next.delivery_time = a.time;
    if (a.retry >= 0) next.delivery_count = static_cast<std::uint64_t>(a.retry);
    else if (!a.justid) ++next.delivery_count;
    stream_ops::pend(t.ops(0, kStream), group, name, id, next.delivery_time, next.delivery_count);
    seen[id] = next;
    out.entries.emplace_back(id, e->second);
  }
  return {};
}

}  // namespace

// XCLAIM key group consumer min-idle-time id... [IDLE ms] [TIME ms] [RETRYCOUNT n] [FORCE] [JUSTID] [LASTID id]
void cmd_xclaim(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  ClaimArgs a;
  Claimed out;
  bool replied = false;
  if (!srun(ctx, reply, argv.subspan(1, 1), true, [&](CollectionTxn& t) -> Fault {
        if (t.wrong_type(0, kStream)) return wrong_type();
        const Stream* s = stream_of(t);
        if (s == nullptr || s->group(argv[2]) == nullptr) return no_group(argv);
        if (!parse_int64(argv[4], a.min_idle)) return err("ERR Invalid min-idle-time argument for XCLAIM");
        if (a.min_idle < 0) a.min_idle = 0;
        if (!parse_claim(argv, t.now_ms(), a, reply)) {
          replied = true;
          return {};
        }
        return claim(t, argv, a, out);
      })) return;
  if (!replied) reply_claimed(reply, out, a.justid);
}

}  // namespace mnemo::server::commands
