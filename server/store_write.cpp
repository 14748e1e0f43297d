// Single-key writes: SET, DEL, INCRBY, EXPIRE, PERSIST.
//
// Every write follows the same order under the shard's exclusive lock: check,
// allocate, journal (ChangeLog::append returns the new version), and only then
// change the table, so a refused journal append (BUSY, READ_ONLY) or a failed
// allocation leaves the store untouched.
#include <charconv>
#include <mutex>
#include <string>

#include "server/store_impl.h"

namespace mnemo::server {

namespace {

using persistence::ChangeKind;
using persistence::ChangeRef;
namespace flags = protocol::flags;

// Fills `out` with the change a write of `ephemeral` over `cur` journals;
// returns the span to hand to commit() (empty: nothing to journal).
std::span<const ChangeRef> change_for_write(DbIndex db, const KeyRef& k, const Entry* cur, std::string_view value,
                                   std::int64_t expire_at_ms, bool ephemeral, ChangeRef& out) {
  if (!ephemeral) {
    out = put_change(db, k.key, value, expire_at_ms);
    return {&out, 1};
  }
  // Overwriting a persisted key with an ephemeral value journals a removal,
  // so that a restart does not bring the old value back.
  if (cur != nullptr && !cur->ephemeral) {
    out = del_change(db, k.key);
    return {&out, 1};
  }
  return {};
}

void fail_not_found(Response& resp) { resp.fail(Status::not_found, "no such key"); }

bool check_if_version(const Entry* cur, std::uint64_t if_version, Response& resp) {
  if (if_version == 0) return true;
  if (cur == nullptr) {
    resp.fail(Status::not_found, "no such key (if_version " + std::to_string(if_version) + ")");
    return false;
  }
  if (cur->version == if_version) return true;
  resp.fail(Status::version_mismatch, "version mismatch: the key is at version " +
                                          std::to_string(cur->version) + ", not " +
                                          std::to_string(if_version));
  return false;
}

bool only_set_flags_ok(const Request& req, Response& resp) {
  if (!req.has(flags::kNx | flags::kXx | flags::kKeepTtl)) return true;
  resp.fail(Status::bad_request, "the NX, XX and KEEPTTL flags apply to SET only");
  return false;
}

bool set_flags_ok(const Request& req, Response& resp) {
  if (req.has(flags::kNx) && req.has(flags::kXx)) {
    resp.fail(Status::bad_request, "NX and XX cannot be combined");
  } else if (req.has(flags::kKeepTtl) && req.ttl_ms != 0) {
    resp.fail(Status::bad_request, "KEEPTTL cannot be combined with a ttl");
  } else if (req.has(flags::kNx) && req.if_version != 0) {
    resp.fail(Status::bad_request, "NX cannot be combined with if_version");
  } else {
    return true;
  }
  return false;
}

}  // namespace

bool parse_i64_strict(std::string_view s, std::int64_t& out) {
  if (s.empty() || s.size() > 20) return false;
  if (s == "0") {
    out = 0;
    return true;
  }
  const std::size_t first_digit = s[0] == '-' ? 1 : 0;
  if (first_digit >= s.size() || s[first_digit] < '1' || s[first_digit] > '9') return false;
  const char* end = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(s.data(), end, out);
  return ec == std::errc() && ptr == end;
}

bool Store::Impl::write_entry(DbIndex db, Shard& sh, const KeyRef& k, Entry* cur, std::string_view value,
                              std::int64_t expire_at_ms, bool ephemeral, Response& resp) {
  if (cur != nullptr && Shard::fits_in_place(*cur, value)) {
    return rewrite_entry(db, sh, k, *cur, value, expire_at_ms, ephemeral, resp);
  }
  const std::int64_t before = cur ? static_cast<std::int64_t>(entry_footprint(*cur)) : 0;
  const std::int64_t added = static_cast<std::int64_t>(entry_footprint(k.key.size(), value.size())) -
                             before + sh.growth_bytes(cur ? 0 : 1);
  if (!check_memory(added, resp)) return false;
  Entry* fresh = make_entry(k.key, value, 0, expire_at_ms, ephemeral);
  if (fresh == nullptr) {
    resp.fail(Status::out_of_memory, "out of memory: allocating the entry failed");
    return false;
  }
  // Without a log nothing reads the change: do not build it.
  ChangeRef change;
  std::span<const ChangeRef> changes;
  if (log) changes = change_for_write(db, k, cur, value, expire_at_ms, ephemeral, change);
  auto seq = commit(changes);
  if (!seq) {
    free_entry(fresh);
    resp.fail(seq.error().status, seq.error().message);
    return false;
  }
  fresh->version = *seq;
  // A collection it replaces is dropped first: a large one is freed by the
  // reclaimer, not here under the shard's lock.
  if (cur != nullptr && !cur->is_string()) drop(sh, k);
  sh.put(k, fresh);  // frees cur, if still there
  resp.version = *seq;
  return true;
}

// The overwrite of a key whose new value fits the entry's allocation (the
// common case of fixed-size values): no allocation, no second table lookup.
// Same order as write_entry: journal first, change the entry only once that worked.
bool Store::Impl::rewrite_entry(DbIndex db, Shard& sh, const KeyRef& k, Entry& cur, std::string_view value,
                                std::int64_t expire_at_ms, bool ephemeral, Response& resp) {
  ChangeRef change;
  std::span<const ChangeRef> changes;
  if (log) changes = change_for_write(db, k, &cur, value, expire_at_ms, ephemeral, change);
  auto seq = commit(changes);
  if (!seq) {
    resp.fail(seq.error().status, seq.error().message);
    return false;
  }
  sh.rewrite(cur, value, expire_at_ms, ephemeral, *seq);
  resp.version = *seq;
  return true;
}

// The typed operations' write: write_entry, whose Response-shaped result is
// what the request path (the hot one) wants as it is.
protocol::Result<std::uint64_t> Store::Impl::store_value(DbIndex db, Shard& sh, const KeyRef& k, Entry* cur,
                                                         std::string_view value, std::int64_t expire_at_ms,
                                                         bool ephemeral) {
  Response resp;
  if (!write_entry(db, sh, k, cur, value, expire_at_ms, ephemeral, resp)) {
    return protocol::Error{resp.status, std::move(resp.message)};
  }
  return resp.version;
}

void Store::Impl::set(const Request& req, Response& resp) {
  if (!set_flags_ok(req, resp) || !check_key(req.key, resp) || !check_value(req.value, resp)) return;
  const KeyRef k(req.key);
  Shard& sh = shard_of(req.db, k);
  std::unique_lock lock(sh.mutex());
  const std::int64_t now = clock.now_ms();
  std::int64_t expire_at = 0;
  if (!expiry_for(req.ttl_ms, now, expire_at, resp)) return;
  Entry* cur = find_live(sh, k, now);
  if (!check_if_version(cur, req.if_version, resp)) return;
  if (req.has(flags::kNx) && cur != nullptr) {
    resp.fail(Status::exists, "key exists (NX)");
    return;
  }
  if (req.has(flags::kXx) && cur == nullptr) {
    resp.fail(Status::not_found, "no such key (XX)");
    return;
  }
  if (req.has(flags::kKeepTtl) && cur != nullptr) expire_at = cur->expire_at_ms;
  write_entry(req.db, sh, k, cur, req.value, expire_at, req.has(flags::kEphemeral), resp);
}

void Store::Impl::del(const Request& req, Response& resp) {
  if (!only_set_flags_ok(req, resp) || !check_key(req.key, resp)) return;
  const KeyRef k(req.key);
  Shard& sh = shard_of(req.db, k);
  std::unique_lock lock(sh.mutex());
  const Entry* cur = find_live(sh, k, clock.now_ms());
  if (cur == nullptr) return fail_not_found(resp);
  if (!check_if_version(cur, req.if_version, resp)) return;
  ChangeRef change;
  std::span<const ChangeRef> changes;
  if (log && !cur->ephemeral) {
    change = del_change(req.db, k.key);
    changes = {&change, 1};
  }
  auto seq = commit(changes);
  if (!seq) return resp.fail(seq.error().status, seq.error().message);
  drop(sh, k);  // a large collection is freed by the reclaimer, not under the lock on this io thread
  resp.version = *seq;
}

void Store::Impl::incrby(const Request& req, Response& resp) {
  if (!only_set_flags_ok(req, resp) || !check_key(req.key, resp)) return;
  const KeyRef k(req.key);
  Shard& sh = shard_of(req.db, k);
  std::unique_lock lock(sh.mutex());
  Entry* cur = find_live(sh, k, clock.now_ms());
  std::int64_t value = 0;
  if (cur != nullptr && !cur->is_string()) return resp.fail(Status::wrong_type, std::string(kWrongTypeMessage));
  if (cur != nullptr && !parse_i64_strict(cur->value(), value)) {
    return resp.fail(Status::wrong_type, "value is not an integer or out of range");
  }
  if (__builtin_add_overflow(value, req.delta, &value)) {
    return resp.fail(Status::bad_request, "increment or decrement would overflow");
  }
  char buf[24];
  const auto res = std::to_chars(buf, buf + sizeof buf, value);
  const std::string_view text(buf, static_cast<std::size_t>(res.ptr - buf));
  // Like Redis, INCRBY keeps the expiry; an ephemeral counter stays ephemeral.
  const std::int64_t expire_at = cur ? cur->expire_at_ms : 0;
  const bool ephemeral = req.has(flags::kEphemeral) || (cur != nullptr && cur->ephemeral);
  if (write_entry(req.db, sh, k, cur, text, expire_at, ephemeral, resp)) resp.integer = value;
}

void Store::Impl::expire(const Request& req, Response& resp) {
  if (!only_set_flags_ok(req, resp) || !check_key(req.key, resp)) return;
  if (req.ttl_ms == 0) return resp.fail(Status::bad_request, "EXPIRE needs ttl_ms > 0");
  const KeyRef k(req.key);
  Shard& sh = shard_of(req.db, k);
  std::unique_lock lock(sh.mutex());
  const std::int64_t now = clock.now_ms();
  std::int64_t expire_at = 0;
  if (!expiry_for(req.ttl_ms, now, expire_at, resp)) return;
  Entry* cur = find_live(sh, k, now);
  if (cur == nullptr) return fail_not_found(resp);
  // if_version is not on the native wire for EXPIRE; the RESP layer uses it
  // for EXPIRE NX|XX|GT|LT, which decide on the expiry they read.
  if (!check_if_version(cur, req.if_version, resp)) return;
  ChangeRef change;
  std::span<const ChangeRef> changes;
  if (log && !cur->ephemeral) {
    change = expiry_change(req.db, *cur, expire_at);
    changes = {&change, 1};
  }
  auto seq = commit(changes);
  if (!seq) return resp.fail(seq.error().status, seq.error().message);
  sh.set_expiry(*cur, expire_at);
  cur->version = *seq;
  resp.version = *seq;
}

void Store::Impl::persist(const Request& req, Response& resp) {
  if (!only_set_flags_ok(req, resp) || !check_key(req.key, resp)) return;
  const KeyRef k(req.key);
  Shard& sh = shard_of(req.db, k);
  std::unique_lock lock(sh.mutex());
  Entry* cur = find_live(sh, k, clock.now_ms());
  if (cur == nullptr) return fail_not_found(resp);
  if (!cur->has_expiry()) {  // nothing to change, so nothing to journal
    resp.changed = false;
    resp.version = cur->version;
    return;
  }
  ChangeRef change;
  std::span<const ChangeRef> changes;
  if (log && !cur->ephemeral) {
    change = expiry_change(req.db, *cur, 0);
    changes = {&change, 1};
  }
  auto seq = commit(changes);
  if (!seq) return resp.fail(seq.error().status, seq.error().message);
  sh.set_expiry(*cur, 0);
  cur->version = *seq;
  resp.version = *seq;
  resp.changed = true;
}

}  // namespace mnemo::server
