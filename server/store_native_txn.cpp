// The native TXN (store.h): compare, then write, as one transaction unit.
//
// It is EXEC with the WATCH folded in: run_atomically locks the shards of
// every key named, the conditions read versions under those locks, and the
// writes are the ordinary typed operations, which inside the unit journal
// nothing themselves: the unit is appended once, so recovery shows all of
// the writes or none.
#include <string>

#include "server/store_impl.h"

namespace mnemo::server {

namespace {

bool holds(const protocol::TxnCondition& c, std::uint64_t version) {
  switch (c.check) {
    case protocol::TxnCheck::version_is: return version == c.version;
    case protocol::TxnCheck::exists: return version != 0;
    case protocol::TxnCheck::missing: return version == 0;
  }
  return false;
}

}  // namespace

protocol::Result<Store::TxnOutcome> Store::txn(DbIndex db, std::span<const protocol::TxnCondition> conditions,
                                               std::span<const protocol::TxnWrite> writes) {
  Impl& impl = *impl_;
  if (!impl.db_ok(db)) return protocol::Error{Status::bad_request, "invalid DB index"};
  std::vector<TxnKey> keys;
  keys.reserve(conditions.size() + writes.size());
  for (const auto& c : conditions) keys.push_back({db, c.key});
  for (const auto& w : writes) keys.push_back({db, w.key});
  for (const TxnKey& k : keys) {
    if (auto err = impl.key_error(k.key)) return std::move(*err);
  }
  // Every limit is checked before anything is written; deadlines come from one clock reading.
  std::vector<std::int64_t> at_ms(writes.size(), 0);
  std::int64_t added_bytes = 0;
  const std::int64_t now = impl.clock.now_ms();
  for (std::size_t i = 0; i < writes.size(); ++i) {
    if (auto err = impl.value_error(writes[i].value)) return std::move(*err);
    protocol::Response refusal;
    if (!impl.expiry_for(writes[i].ttl_ms, now, at_ms[i], refusal)) {
      return protocol::Error{refusal.status, std::move(refusal.message)};
    }
    if (writes[i].kind == protocol::TxnWriteKind::set) {
      added_bytes += static_cast<std::int64_t>(writes[i].key.size() + writes[i].value.size() + sizeof(Entry));
    }
  }
  TxnOutcome out;
  std::optional<protocol::Error> failed;
  auto apply = [&](std::size_t i) -> std::optional<protocol::Error> {
    const protocol::TxnWrite& w = writes[i];
    if (w.kind == protocol::TxnWriteKind::del) {
      auto r = del(db, std::span<const std::string_view>(&w.key, 1));
      return r ? std::nullopt : std::optional(r.error());
    }
    SetOptions o;
    if (w.ttl_ms != 0) {
      o.expiry = SetExpiry::at;
      o.expire_at_ms = at_ms[i];
    }
    auto r = set(db, w.key, w.value, o);
    return r ? std::nullopt : std::optional(r.error());
  };
  auto seq = run_atomically(keys, false, [&] {
    out.versions.reserve(conditions.size());
    bool all_hold = true;
    for (const auto& c : conditions) {
      out.versions.push_back(watch_stamp(db, c.key).version);
      all_hold = all_hold && holds(c, out.versions.back());
    }
    if (!all_hold) return;
    if ((failed = impl.memory_error(added_bytes))) return;
    out.applied = true;
    for (std::size_t i = 0; i < writes.size() && !failed; ++i) failed = apply(i);
  });
  if (!seq) return seq.error();
  if (failed) return std::move(*failed);
  out.version = out.applied ? *seq : 0;
  return out;
}

}  // namespace mnemo::server
