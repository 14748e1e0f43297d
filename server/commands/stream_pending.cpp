// XPENDING and XAUTOCLAIM (Redis 7.0's t_stream.c): reading and sweeping a
// group's pending entries list.
#include "server/commands/families.h"
#include "server/commands/stream_cmd.h"

namespace mnemo::server::commands {

namespace {

void pending_summary(const StreamGroup& g, ReplyBuilder& reply) {
  reply.array(4);
  reply.integer(static_cast<std::int64_t>(g.pel.size()));
  if (g.pel.empty()) {
    reply.null();
    reply.null();
    reply.null_array();
    return;
  }
  reply.bulk(g.pel.begin()->first.str());
  reply.bulk(g.pel.rbegin()->first.str());
  std::size_t n = 0;
  for (const auto& [name, c] : g.consumers) n += c.pending.empty() ? 0 : 1;
  reply.array(n);
  for (const auto& [name, c] : g.consumers) {
    if (c.pending.empty()) continue;
    reply.array(2);
    reply.bulk(name);
    reply.bulk(std::to_string(c.pending.size()));
  }
}

struct PendingRange {
  std::int64_t min_idle = 0;
  StreamId start;
  StreamId end;
  std::int64_t count = 0;
  std::optional<std::string_view> consumer;
};

void pending_range(const StreamGroup& g, const PendingRange& r, std::int64_t now, ReplyBuilder& reply) {
  std::vector<std::pair<StreamId, const StreamNack*>> out;
  auto add = [&](StreamId id, const StreamNack& n) {
    if (r.min_idle != 0 && now - n.delivery_time < r.min_idle) return;
    out.emplace_back(id, &n);
  };
  if (r.consumer) {
    auto c = g.consumers.find(*r.consumer);
    if (c != g.consumers.end()) {
      for (auto it = c->second.pending.lower_bound(r.start);
           it != c->second.pending.end() && *it <= r.end && static_cast<std::int64_t>(out.size()) < r.count; ++it) {
        add(*it, g.pel.at(*it));
      }
    }
  } else {
    for (auto it = g.pel.lower_bound(r.start);
         it != g.pel.end() && it->first <= r.end && static_cast<std::int64_t>(out.size()) < r.count; ++it) {
      add(it->first, it->second);
    }
  }
  reply.array(out.size());
  for (const auto& [id, n] : out) {
    reply.array(4);
    reply.bulk(id.str());
    reply.bulk(n->consumer);
    reply.integer(std::max<std::int64_t>(0, now - n->delivery_time));
    reply.integer(static_cast<std::int64_t>(n->delivery_count));
  }
}

bool parse_pending(ArgList argv, PendingRange& r, ReplyBuilder& reply) {
  std::size_t at = 3;
  if (iequals(argv[3], "idle")) {
    if (!parse_int64(argv[4], r.min_idle)) {
      reply.error(kNotInteger);
      return false;
    }
    if (argv.size() < 8) {
      reply.error(kSyntax);
      return false;
    }
    at += 2;
  }
  if (!parse_int64(argv[at + 2], r.count)) {
    reply.error(kNotInteger);
    return false;
  }
  if (r.count < 0) r.count = 0;
  if (!parse_range_start(argv[at], r.start, reply) || !parse_range_end(argv[at + 1], r.end, reply)) return false;
  if (at + 3 < argv.size()) r.consumer = argv[at + 3];
  return true;
}

}  // namespace

// XPENDING key group [[IDLE min-idle] start end count [consumer]]
void cmd_xpending(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  if (argv.size() != 3 && (argv.size() < 6 || argv.size() > 9)) return reply.error(kSyntax);
  PendingRange r;
  if (argv.size() >= 6 && !parse_pending(argv, r, reply)) return;
  srun(ctx, reply, argv.subspan(1, 1), false, [&](CollectionTxn& t) -> Fault {
    if (t.wrong_type(0, kStream)) return wrong_type();
    const Stream* s = stream_of(t);
    const StreamGroup* g = s ? s->group(argv[2]) : nullptr;
    if (g == nullptr) return no_group(argv);
    if (argv.size() == 3) pending_summary(*g, reply);
    else pending_range(*g, r, t.now_ms(), reply);
    return {};
  });
}

// XAUTOCLAIM key group consumer min-idle-time start [COUNT count] [JUSTID]
void cmd_xautoclaim(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  std::int64_t min_idle = 0;
  if (!parse_int64(argv[4], min_idle)) return reply.error("ERR Invalid min-idle-time argument for XAUTOCLAIM");
  if (min_idle < 0) min_idle = 0;
  StreamId start;
  if (!parse_range_start(argv[5], start, reply)) return;
  std::int64_t count = 100;
  bool justid = false;
  for (std::size_t j = 6; j < argv.size(); ++j) {
    if (iequals(argv[j], "count") && j + 1 < argv.size()) {
      if (!parse_int64(argv[j + 1], count) || count < 1 || count > INT64_MAX / 16) {
        return reply.error("ERR COUNT must be > 0");
      }
      ++j;
    } else if (iequals(argv[j], "justid")) {
      justid = true;
    } else {
      return reply.error(kSyntax);
    }
  }
  std::vector<std::pair<StreamId, std::string>> claimed;
  std::vector<StreamId> deleted;
  StreamId next;
  if (!srun(ctx, reply, argv.subspan(1, 1), true, [&](CollectionTxn& t) -> Fault {
        if (t.wrong_type(0, kStream)) return wrong_type();
        const Stream* s = stream_of(t);
        const StreamGroup* g = s ? s->group(argv[2]) : nullptr;
        if (g == nullptr) return no_group(argv);
        const std::int64_t now = t.now_ms();
        std::int64_t attempts = count * 10;
        std::int64_t left = count;
        auto it = g->pel.lower_bound(start);
        for (; attempts-- > 0 && left > 0 && it != g->pel.end(); ++it) {
          const auto& [id, nack] = *it;
          auto e = s->entries.find(id);
          if (e == s->entries.end()) {
            stream_ops::ack(t.ops(0, kStream), argv[2], id);
            deleted.push_back(id);
            --left;
            continue;
          }
          if (min_idle != 0 && now - nack.delivery_time < min_idle) continue;
          stream_ops::pend(t.ops(0, kStream), argv[2], argv[3], id, now,
                           nack.delivery_count + (justid ? 0 : 1));
          claimed.emplace_back(id, e->second);
          --left;
        }
        next = it == g->pel.end() ? StreamId{} : it->first;
        return {};
      })) return;
  reply.array(3);
  reply.bulk(next.str());
  reply.array(claimed.size());
  for (const auto& [id, packed] : claimed) {
    if (justid) reply.bulk(id.str());
    else reply_entry(reply, id, packed);
  }
  reply.array(deleted.size());
  for (StreamId id : deleted) reply.bulk(id.str());
}

}  // namespace mnemo::server::commands
