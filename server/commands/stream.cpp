// The stream family's appending, trimming and range reads (Redis 7.0's
// t_stream.c): XADD, XTRIM, XDEL, XSETID, XLEN, XRANGE, XREVRANGE. A write
// records only what changes (the new entry, the new first id, the deleted
// ids), decided from the stream as it was, and answers once journaled.
#include "server/commands/families.h"
#include "server/commands/stream_cmd.h"
#include "server/pubsub/keyspace_events.h"

namespace mnemo::server::commands {

namespace n = pubsub::notify;

namespace {

// The id XADD gives its entry; an error text when there is none.
std::optional<StreamId> next_id(const Stream* s, const AddArgs& a, std::int64_t now_ms) {
  const StreamId last = s ? s->last_id : StreamId{};
  StreamId id;
  if (!a.id_given) {
    const auto ms = static_cast<std::uint64_t>(now_ms);
    if (ms > last.ms) id = {ms, 0};
    else if (last.seq == UINT64_MAX) id = {last.ms + 1, 0};
    else id = {last.ms, last.seq + 1};
  } else if (a.seq_auto) {
    if (a.id.ms == last.ms) {
      if (last.seq == UINT64_MAX) return std::nullopt;
      id = {last.ms, last.seq + 1};
    } else {
      id = {a.id.ms, 0};
    }
  } else {
    id = a.id;
  }
  if (id <= last) return std::nullopt;
  return id;
}

}  // namespace

void cmd_xadd(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  AddArgs a;
  if (!parse_trim_args(argv, true, a, reply)) return;
  const std::size_t fields = a.id_pos + 1;
  if (fields > argv.size() || argv.size() - fields < 2 || (argv.size() - fields) % 2 == 1) {
    return reply.error(wrong_arity_message("xadd"));
  }
  if (a.id_given && !a.seq_auto && a.id.zero()) return reply.error("ERR The ID specified in XADD must be greater than 0-0");
  std::optional<StreamId> added;
  std::int64_t trimmed = 0;
  if (!srun(ctx, reply, argv.subspan(1, 1), true, [&](CollectionTxn& t) -> Fault {
        if (t.wrong_type(0, kStream)) return wrong_type();
        const Stream* s = stream_of(t);
        if (s == nullptr && a.nomkstream) return {};
        if (s != nullptr && s->last_id == StreamId::max()) {
          return err("ERR The stream has exhausted the last possible ID, unable to add more items");
        }
        added = next_id(s, a, t.now_ms());
        if (!added) return err("ERR The ID specified in XADD is equal or smaller than the target stream top item");
        OpWriter& w = t.ops(0, kStream);
        const std::string packed = pack_fields({argv.begin() + fields, argv.end()});
        stream_ops::xadd(w, *added, packed);
        if (auto cut = trim_point(s, a.trim, added, trimmed, packed)) stream_ops::xtrim(w, *cut);
        return {};
      })) return;
  if (!added) return reply.null();
  reply.bulk(added->str());
  ctx.notify(n::kStream, "xadd", argv[1]);
  if (trimmed > 0) ctx.notify(n::kStream, "xtrim", argv[1]);
}

void cmd_xtrim(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  AddArgs a;
  if (!parse_trim_args(argv, false, a, reply)) return;
  std::int64_t trimmed = 0;
  if (!srun(ctx, reply, argv.subspan(1, 1), true, [&](CollectionTxn& t) -> Fault {
        if (t.wrong_type(0, kStream)) return wrong_type();
        const Stream* s = stream_of(t);
        if (s == nullptr) return {};
        if (auto cut = trim_point(s, a.trim, std::nullopt, trimmed)) stream_ops::xtrim(t.ops(0, kStream), *cut);
        return {};
      })) return;
  reply.integer(trimmed);
  if (trimmed > 0) ctx.notify(n::kStream, "xtrim", argv[1]);
}

void cmd_xdel(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  std::vector<StreamId> ids(argv.size() - 2);
  for (std::size_t i = 2; i < argv.size(); ++i) {
    if (!parse_id(argv[i], ids[i - 2], 0, true)) return reply.error(kInvalidId);
  }
  std::int64_t deleted = 0;
  if (!srun(ctx, reply, argv.subspan(1, 1), true, [&](CollectionTxn& t) -> Fault {
        if (t.wrong_type(0, kStream)) return wrong_type();
        const Stream* s = stream_of(t);
        if (s == nullptr) return {};
        absl::btree_set<StreamId> seen;
        for (StreamId id : ids) {
          if (!s->entries.contains(id) || !seen.insert(id).second) continue;
          stream_ops::xdel(t.ops(0, kStream), id);
          ++deleted;
        }
        return {};
      })) return;
  reply.integer(deleted);
  if (deleted > 0) ctx.notify(n::kStream, "xdel", argv[1]);
}

void cmd_xsetid(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  StreamId id;
  StreamId max_del;
  std::int64_t added = -1;
  if (!parse_id(argv[2], id, 0, true)) return reply.error(kInvalidId);
  for (std::size_t i = 3; i < argv.size(); i += 2) {
    const bool more = i + 1 < argv.size();
    if (iequals(argv[i], "entriesadded") && more) {
      if (!parse_int64(argv[i + 1], added)) return reply.error(kNotInteger);
      if (added < 0) return reply.error("ERR entries_added must be positive");
    } else if (iequals(argv[i], "maxdeletedid") && more) {
      if (!parse_id(argv[i + 1], max_del, 0, true)) return reply.error(kInvalidId);
      if (id < max_del) return reply.error("ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id");
    } else {
      return reply.error(kSyntax);
    }
  }
  if (!srun(ctx, reply, argv.subspan(1, 1), true, [&](CollectionTxn& t) -> Fault {
        if (t.wrong_type(0, kStream)) return wrong_type();
        const Stream* s = stream_of(t);
        if (s == nullptr) return err("ERR no such key");
        if (!s->entries.empty()) {
          if (id < s->entries.back_id()) {
            return err("ERR The ID specified in XSETID is smaller than the target stream top item");
          }
          if (added != -1 && s->entries.size() > static_cast<std::uint64_t>(added)) {
            return err("ERR The entries_added specified in XSETID is smaller than the target stream length");
          }
        }
        stream_ops::xsetid(t.ops(0, kStream), id, added == -1 ? s->entries_added : static_cast<std::uint64_t>(added),
                           max_del.zero() ? s->max_deleted : max_del);
        return {};
      })) return;
  reply.ok();
  ctx.notify(n::kStream, "xsetid", argv[1]);
}

void cmd_xlen(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  srun(ctx, reply, argv.subspan(1, 1), false, [&](CollectionTxn& t) -> Fault {
    if (t.wrong_type(0, kStream)) return wrong_type();
    const Stream* s = stream_of(t);
    reply.integer(s ? static_cast<std::int64_t>(s->entries.size()) : 0);
    return {};
  });
}

// XRANGE key start end [COUNT n], XREVRANGE key end start [COUNT n].
void cmd_xrange(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  const bool rev = iequals(argv[0], "xrevrange");
  StreamId start;
  StreamId end;
  if (!parse_range_start(argv[rev ? 3 : 2], start, reply) || !parse_range_end(argv[rev ? 2 : 3], end, reply)) return;
  std::int64_t count = -1;
  for (std::size_t i = 4; i < argv.size(); ++i) {
    if (!iequals(argv[i], "count") || i + 1 >= argv.size()) return reply.error(kSyntax);
    if (!parse_int64(argv[++i], count)) return reply.error(kNotInteger);
    if (count < 0) count = 0;
  }
  srun(ctx, reply, argv.subspan(1, 1), false, [&](CollectionTxn& t) -> Fault {
    if (t.wrong_type(0, kStream)) return wrong_type();
    const Stream* s = stream_of(t);
    if (s == nullptr) {
      reply.array(0);
      return {};
    }
    if (count == 0) {
      reply.null_array();
      return {};
    }
    const auto found = stream_range(*s, start, end, count < 0 ? 0 : static_cast<std::size_t>(count), rev);
    reply.array(found.size());
    for (const auto& [id, packed] : found) reply_entry(reply, id, packed);
    return {};
  });
}

}  // namespace mnemo::server::commands
