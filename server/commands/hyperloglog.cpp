// PFADD, PFCOUNT and PFMERGE (Redis 7.0's hyperloglog.c) over string
// values in Redis's HLL representation (server/hll.h). Each is one store
// string read-modify-write, or one atomic unit for several keys, so the
// journal records the new value like any string write.
#include <vector>

#include "server/commands/families_hll_geo.h"
#include "server/commands/helpers.h"
#include "server/hll.h"
#include "server/pubsub/keyspace_events.h"
#include "server/tracking/tracking_table.h"

namespace mnemo::server::commands {

namespace n = pubsub::notify;

namespace {

constexpr std::string_view kNotHll = "WRONGTYPE Key is not a valid HyperLogLog string value.";
constexpr std::string_view kCorrupt = "INVALIDOBJ Corrupted HLL object detected";

// What a read-modify-write found, to be answered after the store call.
enum class Found : std::uint8_t { ok, not_hll, corrupt };

void reply_found(Found f, ReplyBuilder& reply) { reply.error(f == Found::not_hll ? kNotHll : kCorrupt); }

// Merges the HLL values of argv[first..] into max, as PFCOUNT and PFMERGE
// read them (an absent key is an empty HLL); `dense` is set when one is dense.
Found merge_sources(Store& store, DbIndex db, ArgList argv, std::size_t first, hll::Registers& max, bool& dense,
                    std::optional<protocol::Error>& failed) {
  for (std::size_t i = first; i < argv.size(); ++i) {
    auto r = store.get(db, argv[i]);
    if (!r) {
      failed = r.error();
      return Found::ok;
    }
    if (!*r) continue;
    const std::string& v = (*r)->value;
    if (!hll::is_hll(v)) return Found::not_hll;
    if (static_cast<std::uint8_t>(v[4]) == 0) dense = true;
    if (!hll::merge_into(max, v)) return Found::corrupt;
  }
  return Found::ok;
}

// Runs body as one atomic unit over keys (inside EXEC or a script, it
// already is one); the store's error, if any, lands in `failed`.
template <typename Body>
void atomically(Store& store, DbIndex db, ArgList keys, std::optional<protocol::Error>& failed, Body body) {
  if (Store::in_transaction()) return body();
  std::vector<Store::TxnKey> locked;
  for (const std::string_view k : keys) locked.push_back({db, k});
  auto r = store.run_atomically(locked, false, body);
  if (!r && !failed) failed = r.error();
}

}  // namespace

void cmd_pfadd(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  NEED_STORE(store);
  Found found = Found::ok;
  bool updated = false;
  auto r = store->update_string(ctx.session().db, argv[1],
                                [&](const std::string_view* cur, Store::StringUpdate& up) -> std::optional<protocol::Error> {
                                  if (cur != nullptr && !hll::is_hll(*cur)) {
                                    found = Found::not_hll;
                                    return std::nullopt;
                                  }
                                  up.value = cur != nullptr ? std::string(*cur) : hll::create();
                                  updated = cur == nullptr;  // creating the key is a change
                                  for (std::size_t i = 2; i < argv.size(); ++i) {
                                    const int changed = hll::add(up.value, argv[i]);
                                    if (changed < 0) {
                                      found = Found::corrupt;
                                      return std::nullopt;
                                    }
                                    updated = updated || changed > 0;
                                  }
                                  if (updated) hll::invalidate_count(up.value);
                                  up.write = updated;
                                  return std::nullopt;
                                });
  if (!r) return reply_store_error(ctx, r.error(), reply);
  if (found != Found::ok) return reply_found(found, reply);
  if (updated) ctx.notify(n::kString, "pfadd", argv[1]);
  reply.integer(updated ? 1 : 0);
}

// One key: the cached cardinality, or the estimate, which is then cached in
// the value (a write, as in Redis, though PFCOUNT is a read command).
void pfcount_one(CommandContext& ctx, Store& store, std::string_view key, ReplyBuilder& reply) {
  Found found = Found::ok;
  std::uint64_t card = 0;
  auto r = store.update_string(ctx.session().db, key,
                               [&](const std::string_view* cur, Store::StringUpdate& up) -> std::optional<protocol::Error> {
                                 if (cur == nullptr) return std::nullopt;
                                 if (!hll::is_hll(*cur)) {
                                   found = Found::not_hll;
                                   return std::nullopt;
                                 }
                                 if (auto cached = hll::cached_count(*cur)) {
                                   card = *cached;
                                   return std::nullopt;
                                 }
                                 const auto est = hll::count(*cur);
                                 if (!est) {
                                   found = Found::corrupt;
                                   return std::nullopt;
                                 }
                                 card = *est;
                                 up.value.assign(*cur);
                                 hll::store_count(up.value, card);
                                 up.write = true;
                                 return std::nullopt;
                               });
  if (!r) return reply_store_error(ctx, r.error(), reply);
  if (found != Found::ok) return reply_found(found, reply);
  reply.integer(static_cast<std::int64_t>(card));
  tracking::TrackingTable* tracking = ctx.env().tracking;
  if (*r != 0 && tracking != nullptr && tracking->active()) {
    // A read command, so the command path does not invalidate; Redis does,
    // since the cached count changed the value.
    const std::string_view changed[] = {key};
    tracking->invalidate(changed, ctx.env().client_id);
  }
}

void cmd_pfcount(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  NEED_STORE(store);
  if (argv.size() == 2) return pfcount_one(ctx, *store, argv[1], reply);
  const DbIndex db = ctx.session().db;
  std::optional<protocol::Error> failed;
  Found found = Found::ok;
  hll::Registers max{};
  bool dense = false;
  atomically(*store, db, argv.subspan(1), failed,
             [&] { found = merge_sources(*store, db, argv, 1, max, dense, failed); });
  if (failed) return reply_store_error(ctx, *failed, reply);
  if (found != Found::ok) return reply_found(found, reply);
  reply.integer(static_cast<std::int64_t>(hll::count_registers(max)));
}

// The destination is also the first source, so it is checked with them.
void cmd_pfmerge(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  NEED_STORE(store);
  const DbIndex db = ctx.session().db;
  std::optional<protocol::Error> failed;
  Found found = Found::ok;
  atomically(*store, db, argv.subspan(1), failed, [&] {
    hll::Registers max{};
    bool dense = false;
    found = merge_sources(*store, db, argv, 1, max, dense, failed);
    if (failed || found != Found::ok) return;
    auto w = store->update_string(db, argv[1],
                                  [&](const std::string_view* cur, Store::StringUpdate& up) -> std::optional<protocol::Error> {
                                    up.value = cur != nullptr ? std::string(*cur) : hll::create();
                                    if (!hll::write_registers(up.value, max, dense)) {
                                      found = Found::corrupt;
                                      return std::nullopt;
                                    }
                                    up.write = true;
                                    return std::nullopt;
                                  });
    if (!w) failed = w.error();
  });
  if (failed) return reply_store_error(ctx, *failed, reply);
  if (found != Found::ok) return reply_found(found, reply);
  ctx.notify(n::kString, "pfadd", argv[1]);  // Redis's choice: a merge is a mass add
  reply.ok();
}

}  // namespace mnemo::server::commands
