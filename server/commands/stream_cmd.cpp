#include "server/commands/stream_cmd.h"

#include <charconv>

namespace mnemo::server::commands {

std::optional<std::uint64_t> srun(CommandContext& ctx, ReplyBuilder& reply, ArgList keys, bool write,
                                  Store::CollectionFn fn) {
  Store* store = ctx.env().store;
  if (store == nullptr) {
    reply.error(kNoStoreText);
    return std::nullopt;
  }
  auto r = store->collections(ctx.session().db, keys, write, fn);
  if (!r) {
    const protocol::Error& e = r.error();
    if (e.status == protocol::Status::bad_request && e.message.starts_with("-")) {
      reply.error(std::string_view(e.message).substr(1));
    } else {
      reply_collection_error(ctx, e, reply);
    }
    return std::nullopt;
  }
  return *r;
}

namespace {

// Redis's string2ull: decimal digits only, no sign, no overflow.
bool parse_u64(std::string_view s, std::uint64_t& out) {
  if (s.empty() || s.size() > 20) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

bool parse_id(std::string_view s, StreamId& out, std::uint64_t missing_seq, bool strict, bool* seq_auto) {
  if (s.size() > 127) return false;
  if (s == "-" || s == "+") {
    if (strict) return false;
    out = s == "-" ? StreamId{} : StreamId::max();
    return true;
  }
  if (seq_auto != nullptr) *seq_auto = false;
  const std::size_t dash = s.find('-');
  StreamId id;
  if (!parse_u64(s.substr(0, dash), id.ms)) return false;
  if (dash == std::string_view::npos) {
    id.seq = missing_seq;
  } else if (seq_auto != nullptr && s.substr(dash + 1) == "*") {
    *seq_auto = true;
  } else if (!parse_u64(s.substr(dash + 1), id.seq)) {
    return false;
  }
  out = id;
  return true;
}

bool parse_range_start(std::string_view s, StreamId& out, ReplyBuilder& reply) {
  const bool ex = s.size() > 1 && s[0] == '(';
  if (!parse_id(ex ? s.substr(1) : s, out, 0, ex)) {
    reply.error(kInvalidId);
    return false;
  }
  if (!ex) return true;
  if (out == StreamId::max()) {
    reply.error("ERR invalid start ID for the interval");
    return false;
  }
  if (out.seq == UINT64_MAX) out = {out.ms + 1, 0};
  else ++out.seq;
  return true;
}

bool parse_range_end(std::string_view s, StreamId& out, ReplyBuilder& reply) {
  const bool ex = s.size() > 1 && s[0] == '(';
  if (!parse_id(ex ? s.substr(1) : s, out, UINT64_MAX, ex)) {
    reply.error(kInvalidId);
    return false;
  }
  if (!ex) return true;
  if (out.zero()) {
    reply.error("ERR invalid end ID for the interval");
    return false;
  }
  if (out.seq == 0) out = {out.ms - 1, UINT64_MAX};
  else --out.seq;
  return true;
}

const Stream* stream_of(const CollectionTxn& t, std::size_t i) {
  const Collection* c = t.get(i);
  return c != nullptr && c->type() == ValueType::stream ? &c->stream() : nullptr;
}

void reply_entry(ReplyBuilder& reply, StreamId id, std::string_view packed) {
  std::vector<std::string_view> fv;
  unpack_fields(packed, fv);
  reply.array(2);
  reply.bulk(id.str());
  reply.array(fv.size());
  for (std::string_view s : fv) reply.bulk(s);
}

std::vector<std::pair<StreamId, std::string>> stream_range(const Stream& s, StreamId start, StreamId end,
                                                          std::size_t count, bool reverse) {
  std::vector<std::pair<StreamId, std::string>> out;
  if (start > end) return out;
  if (!reverse) {
    for (auto it = s.entries.lower_bound(start); it != s.entries.end() && it->first <= end; ++it) {
      out.emplace_back(it->first, it->second);
      if (count != 0 && out.size() == count) break;
    }
    return out;
  }
  auto it = s.entries.upper_bound(end);
  const auto first = s.entries.begin();
  while (it != first) {
    --it;
    if (it->first < start) break;
    out.emplace_back(it->first, it->second);
    if (count != 0 && out.size() == count) break;
  }
  return out;
}

}  // namespace mnemo::server::commands
