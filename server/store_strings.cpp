// The typed string operations (store.h): GET, SET with its options, GETSET,
// GETDEL, GETEX, INCRBY, INCRBYFLOAT, APPEND, SETRANGE, GETRANGE, STRLEN.
// Each holds its key's shard for the whole read-decide-write, so what it
// read is what it changed; writes journal before they change the table, as
// in store_write.cpp. MGET/MSET/MSETNX are in store_strings_multi.cpp.
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <shared_mutex>
#include <string>

#include "server/store_impl.h"

namespace mnemo::server {

namespace {

using protocol::Error;
using protocol::Result;

ValueRead read_of(const Entry& e) { return {std::string(e.value()), e.version, e.expire_at_ms}; }

// Redis's limit on a string grown by APPEND or SETRANGE is its
// proto-max-bulk-len; mnemo's is max value bytes.
// Redis's proto-max-bulk-len: the longest string APPEND or SETRANGE may build.
constexpr std::uint64_t kMaxStringBytes = 512ull << 20;

// APPEND/SETRANGE building `size` bytes: Redis's error past its 512 MB, else
// mnemo's past --max-value-bytes (the size is checked before anything is built).
std::optional<Error> too_long(std::uint64_t size, std::uint64_t max_value_bytes) {
  if (size > kMaxStringBytes) return Error{Status::too_large, "string exceeds maximum allowed size (proto-max-bulk-len)"};
  if (size <= max_value_bytes) return std::nullopt;
  return Error{Status::too_large, "value is " + std::to_string(size) + " bytes; the limit is " +
                                      std::to_string(max_value_bytes) + " bytes (max value size)"};
}

}  // namespace

// ---- shared by the typed writes ----------------------------------------------

Result<std::uint64_t> Store::Impl::remove_entry(DbIndex db, Shard& sh, const KeyRef& k, const Entry& cur) {
  persistence::ChangeRef change;
  std::span<const persistence::ChangeRef> changes;
  if (log && !cur.ephemeral) {
    change = del_change(db, k.key);
    changes = {&change, 1};
  }
  auto seq = commit(changes);
  if (seq) drop(sh, k);
  return seq;
}

Result<std::uint64_t> Store::Impl::change_expiry(DbIndex db, Entry& cur, Shard& sh, std::int64_t at_ms) {
  persistence::ChangeRef change;
  std::span<const persistence::ChangeRef> changes;
  if (log && !cur.ephemeral) {
    change = expiry_change(db, cur, at_ms);
    changes = {&change, 1};
  }
  auto seq = commit(changes);
  if (!seq) return seq;
  sh.set_expiry(cur, at_ms);
  cur.version = *seq;
  return seq;
}

// ---- reads -------------------------------------------------------------------

Result<std::optional<ValueRead>> Store::get(DbIndex db, std::string_view key) {
  if (auto err = impl_->arg_error(db, key)) return std::move(*err);
  const KeyRef k(key);
  Shard& sh = impl_->shard_of(db, k);
  {
    std::shared_lock lock(sh.mutex());
    const Entry* e = sh.find(k);
    const bool live = e != nullptr && !e->expired_at(impl_->clock.now_ms());
    sh.count_lookup(live);
    if (live && !e->is_string()) return wrong_type_error();
    if (live) return std::optional<ValueRead>(read_of(*e));
    if (e == nullptr) return std::optional<ValueRead>();
  }
  impl_->expire_lazily(sh, k);
  return std::optional<ValueRead>();
}

Result<std::string> Store::getrange(DbIndex db, std::string_view key, std::int64_t start, std::int64_t end) {
  auto got = get(db, key);
  if (!got) return got.error();
  if (!*got) return std::string();
  const std::string& v = (*got)->value;
  const auto len = static_cast<std::int64_t>(v.size());
  // Redis 7.0's index rules (t_string.c getrangeCommand).
  if (start < 0 && end < 0 && start > end) return std::string();
  if (start < 0) start += len;
  if (end < 0) end += len;
  start = std::max<std::int64_t>(start, 0);
  end = std::max<std::int64_t>(end, 0);
  if (end >= len) end = len - 1;
  if (start > end || len == 0) return std::string();
  return v.substr(static_cast<std::size_t>(start), static_cast<std::size_t>(end - start + 1));
}

Result<std::uint64_t> Store::strlen(DbIndex db, std::string_view key) {
  if (auto err = impl_->arg_error(db, key)) return std::move(*err);
  const KeyRef k(key);
  Shard& sh = impl_->shard_of(db, k);
  std::shared_lock lock(sh.mutex());
  const Entry* e = sh.find(k);
  const bool live = e != nullptr && !e->expired_at(impl_->clock.now_ms());
  sh.count_lookup(live);
  if (live && !e->is_string()) return wrong_type_error();
  return std::uint64_t{live ? e->value_len : 0u};
}

// ---- SET and friends ---------------------------------------------------------

Result<SetResult> Store::set(DbIndex db, std::string_view key, std::string_view value, const SetOptions& o) {
  Impl& impl = *impl_;
  if (auto err = impl.arg_error(db, key)) return std::move(*err);
  if (auto err = impl.value_error(value)) return std::move(*err);
  const KeyRef k(key);
  Shard& sh = impl.shard_of(db, k);
  std::unique_lock lock(sh.mutex());
  const std::int64_t now = impl.clock.now_ms();
  Entry* cur = impl.find_live(sh, k, now);
  SetResult r;
  if (o.get && cur != nullptr && !cur->is_string()) return wrong_type_error();
  if (o.get) {
    sh.count_lookup(cur != nullptr);
    if (cur != nullptr) r.old = read_of(*cur);
  }
  if (o.if_version != 0 && (cur == nullptr || cur->version != o.if_version)) return r;
  if ((o.condition == SetCondition::if_absent && cur != nullptr) ||
      (o.condition == SetCondition::if_present && cur == nullptr)) {
    return r;
  }
  std::int64_t expire_at = 0;
  if (o.expiry == SetExpiry::keep && cur != nullptr) expire_at = cur->expire_at_ms;
  if (o.expiry == SetExpiry::at) expire_at = o.expire_at_ms;
  Result<std::uint64_t> seq = std::uint64_t{0};
  if (o.expiry == SetExpiry::at && expire_at <= now) {
    // Already expired: Redis deletes the key instead of writing it.
    seq = cur != nullptr ? impl.remove_entry(db, sh, k, *cur) : impl.commit({});
  } else {
    seq = impl.store_value(db, sh, k, cur, value, expire_at, o.ephemeral);
  }
  if (!seq) return seq.error();
  r.written = true;
  r.version = *seq;
  return r;
}

Result<std::optional<ValueRead>> Store::getset(DbIndex db, std::string_view key, std::string_view value) {
  SetOptions o;
  o.get = true;
  auto r = set(db, key, value, o);
  if (!r) return r.error();
  return std::move(r->old);
}

Result<std::optional<ValueRead>> Store::getdel(DbIndex db, std::string_view key) {
  Impl& impl = *impl_;
  if (auto err = impl.arg_error(db, key)) return std::move(*err);
  const KeyRef k(key);
  Shard& sh = impl.shard_of(db, k);
  std::unique_lock lock(sh.mutex());
  const Entry* cur = impl.find_live(sh, k, impl.clock.now_ms());
  sh.count_lookup(cur != nullptr);
  if (cur == nullptr) return std::optional<ValueRead>();
  if (!cur->is_string()) return wrong_type_error();
  ValueRead old = read_of(*cur);
  auto seq = impl.remove_entry(db, sh, k, *cur);
  if (!seq) return seq.error();
  return std::optional<ValueRead>(std::move(old));
}

Result<std::optional<ValueRead>> Store::getex(DbIndex db, std::string_view key, GetExAction action,
                                              std::int64_t at_ms) {
  Impl& impl = *impl_;
  if (auto err = impl.arg_error(db, key)) return std::move(*err);
  const KeyRef k(key);
  Shard& sh = impl.shard_of(db, k);
  std::unique_lock lock(sh.mutex());
  const std::int64_t now = impl.clock.now_ms();
  Entry* cur = impl.find_live(sh, k, now);
  sh.count_lookup(cur != nullptr);
  if (cur == nullptr) return std::optional<ValueRead>();
  if (!cur->is_string()) return wrong_type_error();
  ValueRead read = read_of(*cur);
  Result<std::uint64_t> seq = cur->version;
  if (action == GetExAction::at && at_ms <= now) {
    seq = impl.remove_entry(db, sh, k, *cur);
  } else if (action == GetExAction::at || (action == GetExAction::persist && cur->has_expiry())) {
    seq = impl.change_expiry(db, *cur, sh, action == GetExAction::at ? at_ms : 0);
  }
  if (!seq) return seq.error();
  read.version = *seq;
  if (action == GetExAction::at) read.expire_at_ms = at_ms;  // persist: the expiry removed (0 = none)
  return std::optional<ValueRead>(std::move(read));
}

// ---- read-modify-write -------------------------------------------------------

Result<std::int64_t> Store::incrby(DbIndex db, std::string_view key, std::int64_t delta) {
  Impl& impl = *impl_;
  if (auto err = impl.arg_error(db, key)) return std::move(*err);
  const KeyRef k(key);
  Shard& sh = impl.shard_of(db, k);
  std::unique_lock lock(sh.mutex());
  Entry* cur = impl.find_live(sh, k, impl.clock.now_ms());
  std::int64_t value = 0;
  if (cur != nullptr && !cur->is_string()) return wrong_type_error();
  if (cur != nullptr && !parse_i64_strict(cur->value(), value)) {
    return Error{Status::wrong_type, "value is not an integer or out of range"};
  }
  if (__builtin_add_overflow(value, delta, &value)) {
    return Error{Status::bad_request, "increment or decrement would overflow"};
  }
  char buf[24];
  const auto res = std::to_chars(buf, buf + sizeof buf, value);
  const std::string_view text(buf, static_cast<std::size_t>(res.ptr - buf));
  const bool ephemeral = cur != nullptr && cur->ephemeral;
  auto seq = impl.store_value(db, sh, k, cur, text, cur ? cur->expire_at_ms : 0, ephemeral);
  if (!seq) return seq.error();
  return value;
}

Result<std::string> Store::incrbyfloat(DbIndex db, std::string_view key, long double delta) {
  Impl& impl = *impl_;
  if (auto err = impl.arg_error(db, key)) return std::move(*err);
  const KeyRef k(key);
  Shard& sh = impl.shard_of(db, k);
  std::unique_lock lock(sh.mutex());
  Entry* cur = impl.find_live(sh, k, impl.clock.now_ms());
  long double value = 0;
  if (cur != nullptr && !cur->is_string()) return wrong_type_error();
  if (cur != nullptr && !parse_redis_long_double(cur->value(), value)) {
    return Error{Status::wrong_type, "value is not a valid float"};
  }
  value += delta;
  if (std::isnan(value) || std::isinf(value)) {
    return Error{Status::bad_request, "increment would produce NaN or Infinity"};
  }
  std::string text = format_redis_long_double(value);
  const bool ephemeral = cur != nullptr && cur->ephemeral;
  auto seq = impl.store_value(db, sh, k, cur, text, cur ? cur->expire_at_ms : 0, ephemeral);
  if (!seq) return seq.error();
  return text;
}

Result<std::uint64_t> Store::append(DbIndex db, std::string_view key, std::string_view value) {
  Impl& impl = *impl_;
  if (auto err = impl.arg_error(db, key)) return std::move(*err);
  const KeyRef k(key);
  Shard& sh = impl.shard_of(db, k);
  std::unique_lock lock(sh.mutex());
  Entry* cur = impl.find_live(sh, k, impl.clock.now_ms());
  if (cur != nullptr && !cur->is_string()) return wrong_type_error();
  const std::size_t old_len = cur ? cur->value_len : 0;
  if (auto err = too_long(old_len + value.size(), impl.opts.max_value_bytes)) return std::move(*err);
  std::string joined;
  joined.reserve(old_len + value.size());
  if (cur != nullptr) joined.append(cur->value());
  joined.append(value);
  auto seq = impl.store_value(db, sh, k, cur, joined, cur ? cur->expire_at_ms : 0, cur && cur->ephemeral);
  if (!seq) return seq.error();
  return std::uint64_t{joined.size()};
}

Result<std::uint64_t> Store::setrange(DbIndex db, std::string_view key, std::uint64_t offset,
                                      std::string_view value) {
  Impl& impl = *impl_;
  if (auto err = impl.arg_error(db, key)) return std::move(*err);
  const KeyRef k(key);
  Shard& sh = impl.shard_of(db, k);
  std::unique_lock lock(sh.mutex());
  Entry* cur = impl.find_live(sh, k, impl.clock.now_ms());
  if (cur != nullptr && !cur->is_string()) return wrong_type_error();
  const std::size_t old_len = cur ? cur->value_len : 0;
  if (value.empty()) return std::uint64_t{old_len};  // Redis: nothing to write, nothing created
  // An offset past every limit is refused before the sum could wrap.
  const std::uint64_t size = offset > kMaxStringBytes ? offset : std::max<std::uint64_t>(old_len, offset + value.size());
  if (auto err = too_long(size, impl.opts.max_value_bytes)) {
    return std::move(*err);
  }
  std::string out(cur ? cur->value() : std::string_view());
  if (out.size() < offset + value.size()) out.resize(offset + value.size(), '\0');
  out.replace(offset, value.size(), value);
  auto seq = impl.store_value(db, sh, k, cur, out, cur ? cur->expire_at_ms : 0, cur && cur->ephemeral);
  if (!seq) return seq.error();
  return std::uint64_t{out.size()};
}

Result<std::uint64_t> Store::update_string(DbIndex db, std::string_view key, StringFn fn) {
  Impl& impl = *impl_;
  if (auto err = impl.arg_error(db, key)) return std::move(*err);
  const KeyRef k(key);
  Shard& sh = impl.shard_of(db, k);
  std::unique_lock lock(sh.mutex());
  Entry* cur = impl.find_live(sh, k, impl.clock.now_ms());
  if (cur != nullptr && !cur->is_string()) return wrong_type_error();
  const std::string_view current = cur != nullptr ? cur->value() : std::string_view();
  StringUpdate up;
  if (auto err = fn(cur != nullptr ? &current : nullptr, up)) return std::move(*err);
  if (!up.write) return std::uint64_t{0};
  if (auto err = too_long(up.value.size(), impl.opts.max_value_bytes)) return std::move(*err);
  auto seq = impl.store_value(db, sh, k, cur, up.value, cur ? cur->expire_at_ms : 0, cur && cur->ephemeral);
  if (!seq) return seq.error();
  return *seq;
}

// ---- Redis's long double text ------------------------------------------------

bool parse_redis_long_double(std::string_view s, long double& out) {
  // Redis copies into a MAX_LONG_DOUBLE_CHARS (5 KiB) buffer first.
  constexpr std::size_t kMaxChars = 5 * 1024;
  if (s.empty() || s.size() >= kMaxChars) return false;
  const std::string buf(s);
  if (std::isspace(static_cast<unsigned char>(buf[0]))) return false;
  errno = 0;
  char* end = nullptr;
  const long double v = std::strtold(buf.c_str(), &end);
  if (end != buf.c_str() + buf.size()) return false;
  if (errno == ERANGE && (v == HUGE_VALL || v == -HUGE_VALL || std::fpclassify(v) == FP_ZERO)) return false;
  if (errno == EINVAL || std::isnan(v)) return false;
  out = v;
  return true;
}

std::string format_redis_long_double(long double v) {
  constexpr std::size_t kMaxChars = 5 * 1024;
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  if (std::isnan(v)) return "nan";
  char buf[kMaxChars];
  const int n = std::snprintf(buf, sizeof buf, "%.17Lf", v);
  if (n < 0 || static_cast<std::size_t>(n) + 1 > sizeof buf) return std::string();  // as Redis: no room, empty
  std::size_t len = static_cast<std::size_t>(n);
  if (std::string_view(buf, len).find('.') != std::string_view::npos) {
    while (buf[len - 1] == '0') --len;
    if (buf[len - 1] == '.') --len;
  }
  if (len == 2 && buf[0] == '-' && buf[1] == '0') return "0";
  return std::string(buf, len);
}

}  // namespace mnemo::server
