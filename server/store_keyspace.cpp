// Whole-database reads: SCAN with integer cursors, KEYS, RANDOMKEY, and
// OBJECT / MEMORY USAGE about one key.
//
// SCAN's order is the keys' hash order. A database's shards split the hash
// space by its top bits, so walking the shards in index order and, inside a
// shard, the entries in hash order visits every key of the database in one
// fixed order that no insert, delete or rehash changes (a hash never
// changes; a table's layout does, which is why the table's own order is not
// used). A cursor is the hash position the next page starts at:
//   cursor = (p << 8) | check(p),  p = the top 56 bits of the first hash not yet covered
// so it fits the integer cursor Redis clients expect, and a page ends only
// after every key whose hash starts with the last p taken (56-bit ties are
// taken together). Every key present for the whole scan is returned at least
// once, on any connection; keys added or removed meanwhile may or may not
// be. The 8 check bits let the store refuse most integers it never issued
// (1 in 256 passes) instead of starting somewhere arbitrary.
// Cost: the first page in a shard hashes every entry of it (the table does
// not keep full hashes); a large shard's keys are then kept in hash order in
// a small cache (ScanCache) for the following pages, for as long as no key
// is added to the shard.
#include <algorithm>
#include <mutex>
#include <random>
#include <shared_mutex>

#include "server/resp_text.h"
#include "server/store_impl.h"

namespace mnemo::server {

namespace {

using protocol::Error;
using protocol::Result;

constexpr unsigned kCheckBits = 8;
constexpr std::uint64_t kPrefixEnd = std::uint64_t{1} << (64 - kCheckBits);  // one past the last prefix
// Entries examined before a page returns early at a shard boundary (possibly
// with fewer keys than asked, as Redis may), so a sparse MATCH cannot stall an io thread.
constexpr std::size_t kKeyspaceScanWorkBudget = 1u << 16;

std::uint64_t check_of(std::uint64_t prefix) {
  std::uint64_t z = prefix + 0x9e3779b97f4a7c15ULL;  // splitmix64's finaliser
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return (z ^ (z >> 31)) & ((1u << kCheckBits) - 1);
}

std::uint64_t encode_cursor(std::uint64_t prefix) {
  return prefix >= kPrefixEnd ? 0 : (prefix << kCheckBits) | check_of(prefix);
}

std::optional<std::uint64_t> decode_cursor(std::uint64_t cursor) {
  if (cursor == 0) return 0;
  const std::uint64_t prefix = cursor >> kCheckBits;
  if (prefix == 0 || (cursor & ((1u << kCheckBits) - 1)) != check_of(prefix)) return std::nullopt;
  return prefix;
}

struct Candidate {
  std::uint64_t prefix;
  const Entry* entry;
};

// Which keys a page wants: glob (with its literal prefix checked first) and type.
struct KeyFilter {
  std::string_view pattern;
  std::string literal;
  bool prefix_only = true;
  explicit KeyFilter(std::string_view p)
      : pattern(p), literal(glob_literal_prefix(p)), prefix_only(p.empty() || glob_is_prefix_only(p)) {}
  int type = -1;  // a ValueType, or -1: any
  bool type_ok(const Entry& e) const { return type < 0 || static_cast<int>(e.type) == type; }
  bool operator()(std::string_view key) const {
    if (!key.starts_with(literal)) return false;
    return prefix_only || glob_match(pattern, key, false);
  }
};

// The candidates to take from one shard's sorted-by-prefix `c` for `room`
// more keys: all of them, or the smallest `room` plus their 56-bit ties.
std::size_t take_count(std::vector<Candidate>& c, std::size_t room) {
  auto by_prefix = [](const Candidate& a, const Candidate& b) { return a.prefix < b.prefix; };
  if (c.size() <= room) {
    std::sort(c.begin(), c.end(), by_prefix);
    return c.size();
  }
  std::nth_element(c.begin(), c.begin() + static_cast<std::ptrdiff_t>(room - 1), c.end(), by_prefix);
  const std::uint64_t last = c[room - 1].prefix;
  auto tail = std::partition(c.begin() + static_cast<std::ptrdiff_t>(room), c.end(),
                             [last](const Candidate& x) { return x.prefix == last; });
  std::sort(c.begin(), tail, by_prefix);
  return static_cast<std::size_t>(tail - c.begin());
}

// What one page has gathered so far.
struct PageState {
  ScanPage& page;
  std::size_t want;
  std::uint64_t max_reply_bytes;
  std::uint64_t reply_bytes = 0;
  std::size_t examined = 0;
  bool full() const { return page.keys.size() >= want; }
  // Adds a key unless the reply's byte budget says the page ends before it
  // (never before the page's first key).
  bool add(std::string_view key) {
    if (!page.keys.empty() && reply_bytes + key.size() > max_reply_bytes) return false;
    reply_bytes += key.size();
    page.keys.emplace_back(key);
    return true;
  }
};

// Shards this large get their keys cached in hash order for the pages after
// the first; smaller ones are cheap enough to read again, larger ones (or
// ones with over kCacheMaxBytes of keys) would cost too much memory.
constexpr std::size_t kCacheMinKeys = 2048;
constexpr std::size_t kCacheMaxKeys = 1u << 17;
constexpr std::size_t kCacheMaxBytes = 8u << 20;
constexpr std::size_t kCacheEntries = 4;

// One shard's part of a page, reading every entry: returns the prefix the
// scan resumes at (shard_end: the shard is done).
std::uint64_t page_from_table(const Shard& sh, std::uint64_t from, std::uint64_t shard_end, const KeyFilter& filter,
                              std::int64_t now, PageState& st) {
  std::vector<Candidate> found;
  sh.for_each([&](const Entry& e) {
    const std::uint64_t p = hash_key(e.key()) >> kCheckBits;
    if (p >= from && !e.expired_at(now) && filter.type_ok(e) && filter(e.key())) found.push_back({p, &e});
  });
  st.examined += sh.size();
  const std::size_t n = take_count(found, st.want - st.page.keys.size());
  for (std::size_t i = 0; i < n; ++i) {
    // Out of reply bytes: the next page starts at this key's prefix (its
    // ties already on this page come again: at least once, not exactly once).
    if (!st.add(found[i].entry->key())) return found[i].prefix;
  }
  return n == found.size() ? shard_end : found[n - 1].prefix + 1;
}

// The same from a cached key list (keys checked against the table, as they
// may have been deleted or expired since).
std::uint64_t page_from_cache(const Shard& sh, const ScanCache::Keys& c, std::uint64_t from,
                              std::uint64_t shard_end, const KeyFilter& filter, std::int64_t now, PageState& st) {
  const auto first = std::lower_bound(c.prefixes.begin(), c.prefixes.end(), from) - c.prefixes.begin();
  for (auto i = static_cast<std::size_t>(first); i < c.prefixes.size(); ++i) {
    const bool tie = i > static_cast<std::size_t>(first) && c.prefixes[i] == c.prefixes[i - 1];
    if (!tie && (st.full() || st.examined >= kKeyspaceScanWorkBudget)) return c.prefixes[i];
    ++st.examined;
    const std::string_view key = c.key(i);
    if (!filter(key)) continue;
    const Entry* e = sh.find(KeyRef(key));
    if (e == nullptr || e->expired_at(now) || !filter.type_ok(*e)) continue;
    if (!st.add(key)) return c.prefixes[i];
  }
  return shard_end;
}

// Lists sh's keys in hash order into `out`; false when they are too many bytes.
bool cache_keys(const Shard& sh, std::size_t index, ScanCache::Keys& out) {
  std::size_t bytes = 0;
  sh.for_each([&](const Entry& e) { bytes += e.key_len; });
  if (bytes > kCacheMaxBytes) return false;
  std::vector<std::pair<std::uint64_t, const Entry*>> order;
  order.reserve(sh.size());
  sh.for_each([&](const Entry& e) { order.emplace_back(hash_key(e.key()) >> kCheckBits, &e); });
  std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  out.shard = index;
  out.epoch = sh.key_set_epoch();
  out.prefixes.clear();
  out.ends.clear();
  out.bytes.clear();
  out.bytes.reserve(bytes);
  for (const auto& [prefix, e] : order) {
    out.prefixes.push_back(prefix);
    out.bytes.append(e->key());
    out.ends.push_back(static_cast<std::uint32_t>(out.bytes.size()));
  }
  return true;
}

// The cached list of shard `index` (held shared by the caller), made now if
// there is none current; null when the shard is not worth or fit for caching.
// Caller holds cache.mu.
const ScanCache::Keys* cached_keys(ScanCache& cache, const Shard& sh, std::size_t index) {
  if (sh.size() < kCacheMinKeys || sh.size() > kCacheMaxKeys) return nullptr;
  ++cache.uses;
  ScanCache::Keys* slot = nullptr;
  for (ScanCache::Keys& k : cache.entries) {
    if (k.shard == index) slot = &k;
  }
  if (slot != nullptr && slot->epoch == sh.key_set_epoch()) {
    slot->last_use = cache.uses;
    return slot;
  }
  if (slot == nullptr && cache.entries.size() < kCacheEntries) slot = &cache.entries.emplace_back();
  if (slot == nullptr) {
    slot = &*std::min_element(cache.entries.begin(), cache.entries.end(),
                              [](const auto& a, const auto& b) { return a.last_use < b.last_use; });
  }
  slot->last_use = cache.uses;
  if (cache_keys(sh, index, *slot)) return slot;
  slot->shard = static_cast<std::size_t>(-1);  // unusable: drop what it held
  std::string().swap(slot->bytes);
  return nullptr;
}

}  // namespace

Result<ScanPage> Store::scan(DbIndex db, std::uint64_t cursor, std::string_view pattern, std::uint32_t count,
                             std::string_view type) {
  Impl& impl = *impl_;
  if (!impl.db_ok(db)) return Error{Status::bad_request, "invalid DB index"};
  const auto start = decode_cursor(cursor);
  if (!start) return Error{Status::bad_request, "invalid cursor"};
  ScanPage page;
  int type_filter = -1;
  if (!type.empty()) {
    for (ValueType t : {ValueType::string, ValueType::list, ValueType::set, ValueType::zset, ValueType::hash,
                        ValueType::stream}) {
      if (type == type_name(t)) type_filter = static_cast<int>(t);
    }
    if (type_filter < 0) return page;  // a type no key has
  }
  PageState st{page, count == 0 ? impl.opts.scan_default_count : std::min(count, impl.opts.scan_max_count),
               impl.opts.max_reply_bytes};
  KeyFilter filter(pattern);
  filter.type = type_filter;
  const unsigned bits = impl.shard_bits;
  const unsigned shift = 64 - kCheckBits - bits;  // prefix >> shift = shard within the db
  std::uint64_t from = *start;  // first prefix not yet covered
  while (from < kPrefixEnd && !st.full() && st.examined < kKeyspaceScanWorkBudget) {
    const std::size_t s = bits == 0 ? 0 : static_cast<std::size_t>(from >> shift);
    const std::uint64_t shard_end = bits == 0 ? kPrefixEnd : (std::uint64_t{s} + 1) << shift;
    const std::size_t index = (static_cast<std::size_t>(db) << bits) + s;
    const Shard& sh = *impl.shards[index];
    std::shared_lock lock(sh.mutex());
    const std::int64_t now = impl.clock.now_ms();
    std::optional<std::uint64_t> resume;
    // A scan's first page in a shard reads the table; the pages after it use the cache.
    if (from != (std::uint64_t{s} << shift)) {
      std::lock_guard cache_lock(impl.scan_cache.mu);
      const ScanCache::Keys* c = cached_keys(impl.scan_cache, sh, index);
      if (c != nullptr) resume = page_from_cache(sh, *c, from, shard_end, filter, now, st);
    }
    from = resume ? *resume : page_from_table(sh, from, shard_end, filter, now, st);
    if (from != shard_end) break;  // the page ended inside this shard
  }
  page.cursor = encode_cursor(from);
  return page;
}

Result<std::vector<std::string>> Store::keys(DbIndex db, std::string_view pattern) {
  Impl& impl = *impl_;
  if (!impl.db_ok(db)) return Error{Status::bad_request, "invalid DB index"};
  const KeyFilter filter(pattern);
  std::vector<std::string> out;
  std::uint64_t reply_bytes = 0;
  const std::size_t base = static_cast<std::size_t>(db) << impl.shard_bits;
  for (std::size_t i = base; i < base + impl.shards_per_db(); ++i) {
    const Shard& sh = *impl.shards[i];
    std::shared_lock lock(sh.mutex());
    const std::int64_t now = impl.clock.now_ms();
    bool over = false;
    sh.for_each([&](const Entry& e) {
      if (over || e.expired_at(now) || !filter(e.key())) return;
      reply_bytes += e.key_len;
      over = reply_bytes > impl.opts.max_reply_bytes;
      if (!over) out.emplace_back(e.key());
    });
    if (over) {
      return Error{Status::too_large, "KEYS reply over " + std::to_string(impl.opts.max_reply_bytes) +
                                          " bytes of keys (max reply size); use SCAN"};
    }
  }
  return out;
}

Result<std::optional<std::string>> Store::randomkey(DbIndex db) {
  Impl& impl = *impl_;
  if (!impl.db_ok(db)) return Error{Status::bad_request, "invalid DB index"};
  thread_local std::minstd_rand rng(std::random_device{}());
  const std::size_t per_db = impl.shards_per_db();
  const std::size_t base = static_cast<std::size_t>(db) << impl.shard_bits;
  const std::size_t first = rng() % per_db;
  // From a random shard on, the first shard holding a live key gives a
  // random one of its keys (a few tries past expired ones, then any live one).
  for (std::size_t j = 0; j < per_db; ++j) {
    const Shard& sh = *impl.shards[base + (first + j) % per_db];
    std::shared_lock lock(sh.mutex());
    if (sh.size() == 0) continue;
    const std::int64_t now = impl.clock.now_ms();
    for (int attempt = 0; attempt < 8; ++attempt) {
      const Entry* e = sh.nth(rng() % sh.size());
      if (!e->expired_at(now)) return std::optional<std::string>(std::string(e->key()));
    }
    std::optional<std::string> any;
    sh.for_each([&](const Entry& e) {
      if (!any && !e.expired_at(now)) any.emplace(e.key());
    });
    if (any) return any;
  }
  return std::optional<std::string>();
}

Result<std::optional<KeyInfo>> Store::key_info(DbIndex db, std::string_view key) {
  Impl& impl = *impl_;
  if (auto err = impl.arg_error(db, key)) return std::move(*err);
  const KeyRef k(key);
  const Shard& sh = impl.shard_of(db, k);
  std::shared_lock lock(sh.mutex());
  const Entry* e = sh.find(k);
  if (e == nullptr || e->expired_at(impl.clock.now_ms())) return std::optional<KeyInfo>();
  KeyInfo info;
  info.type = e->value_type();
  std::int64_t as_int = 0;
  // Redis 7's tryObjectEncoding: an integer that reads back the same as a
  // long (up to 20 bytes) is "int"; otherwise up to 44 bytes "embstr".
  if (!e->is_string()) {
    info.encoding = collection_encoding(*e->collection());
  } else if (e->value_len <= 20 && parse_i64_strict(e->value(), as_int)) {
    info.encoding = "int";
  } else {
    info.encoding = e->value_len <= 44 ? "embstr" : "raw";
  }
  info.memory_bytes = entry_footprint(*e) + sizeof(Slot) + 1;  // the entry, its slot and control byte
  return std::optional<KeyInfo>(info);
}

}  // namespace mnemo::server
