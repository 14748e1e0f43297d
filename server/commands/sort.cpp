// SORT and SORT_RO (Redis 7.0's sort.c): a list, set or sorted set sorted
// by its elements or by weights read through a BY pattern, numerically or
// ALPHA, with LIMIT, GET patterns and (SORT only) STORE into a list.
//
// Locking (docs/RESP.md, "SORT"): without BY/GET patterns that name other
// keys, SORT is one store collection operation over its source (and STORE
// destination): atomic, one journal unit. The keys a pattern names are known
// only once the source is read, so SORT with such patterns runs as a store
// transaction over every shard (Store::run_atomically), as Redis runs it on
// its one thread: the source, every key the patterns read and the STORE
// write are one isolated unit, journaled as one. Inside EXEC (SORT is
// movablekeys, so EXEC already holds every shard) and scripts it runs in
// the enclosing transaction.
#include <algorithm>
#include <cassert>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "server/commands/collection_cmd.h"
#include "server/commands/families.h"

namespace mnemo::server::commands {

namespace {

// A BY or GET pattern, split as Redis's lookupKeyByPattern splits it.
struct Pattern {
  enum class Kind : std::uint8_t { self, none, key } kind = Kind::none;
  std::string_view prefix, postfix, field;  // field empty: the key holds a string

  // The key the pattern names for element `subst`: the first '*' replaced.
  std::string key_for(std::string_view subst) const {
    std::string k;
    k.reserve(prefix.size() + subst.size() + postfix.size());
    k.append(prefix).append(subst).append(postfix);
    return k;
  }
};

// Redis reads patterns as C strings: a search stops at the first NUL byte.
std::string_view c_str_part(std::string_view s) { return s.substr(0, s.find('\0')); }

Pattern split_pattern(std::string_view p) {
  Pattern out;
  if (p == "#") {
    out.kind = Pattern::Kind::self;
    return out;
  }
  const std::size_t star = c_str_part(p).find('*');
  if (star == std::string_view::npos) return out;  // "GET a fixed key does not make sense": nil
  out.kind = Pattern::Kind::key;
  out.prefix = p.substr(0, star);
  const std::string_view after = c_str_part(p.substr(star + 1));
  const std::size_t arrow = after.find("->");
  if (arrow != std::string_view::npos && arrow + 2 < after.size()) {
    out.postfix = p.substr(star + 1, arrow);
    out.field = p.substr(star + 1 + arrow + 2);
  } else {
    out.postfix = p.substr(star + 1);
  }
  return out;
}

struct SortArgs {
  bool desc = false;
  bool alpha = false;
  bool dontsort = false;  // BY a pattern without '*' ("BY nosort")
  std::int64_t limit_start = 0;
  std::int64_t limit_count = -1;
  std::optional<Pattern> by;
  std::vector<Pattern> gets;
  std::optional<std::string_view> store;
  bool in_script = false;

  // Whether sorting or GET reads keys named by a pattern.
  bool reads_other_keys() const {
    if (by && !dontsort && by->kind == Pattern::Kind::key) return true;
    return std::any_of(gets.begin(), gets.end(), [](const Pattern& g) { return g.kind == Pattern::Kind::key; });
  }
};

// sortCommandGeneric's option loop: errors in Redis's order and texts.
bool parse_args(ArgList argv, bool readonly, SortArgs& a, ReplyBuilder& reply) {
  for (std::size_t j = 2; j < argv.size(); ++j) {
    const std::size_t left = argv.size() - j - 1;
    const std::string_view w = argv[j];
    if (iequals(w, "asc")) {
      a.desc = false;
    } else if (iequals(w, "desc")) {
      a.desc = true;
    } else if (iequals(w, "alpha")) {
      a.alpha = true;
    } else if (iequals(w, "limit") && left >= 2) {
      if (!parse_int64(argv[j + 1], a.limit_start) || !parse_int64(argv[j + 2], a.limit_count)) {
        reply.error(kNotInteger);
        return false;
      }
      j += 2;
    } else if (!readonly && iequals(w, "store") && left >= 1) {
      a.store = argv[++j];
    } else if (iequals(w, "by") && left >= 1) {
      a.by = split_pattern(argv[++j]);
      // A BY without '*' (by anything, even "#") leaves the elements unsorted.
      if (c_str_part(argv[j]).find('*') == std::string_view::npos) a.dontsort = true;
    } else if (iequals(w, "get") && left >= 1) {
      a.gets.push_back(split_pattern(argv[++j]));
    } else {
      reply.error(kSyntax);
      return false;
    }
  }
  return true;
}

// What one element sorts by.
struct Item {
  explicit Item(std::string_view e) : elem(e) {}
  std::string_view elem;
  double score = 0;
  std::optional<std::string> cmp;  // ALPHA BY: the weight (nullopt when missing)
};

using Lookup = absl::FunctionRef<std::optional<std::string>(const Pattern&, std::string_view)>;

// The rows to answer, [start, end] of the items, as sort.c clamps LIMIT.
struct Window {
  std::int64_t start = 0, end = -1;
};
Window clamp_limit(const SortArgs& a, std::int64_t n) {
  Window w;
  w.start = std::min(std::max<std::int64_t>(a.limit_start, 0), n);
  const std::int64_t count = std::min(std::max<std::int64_t>(a.limit_count, -1), n);
  w.end = count < 0 ? n - 1 : w.start + count - 1;
  if (w.start >= n) {
    w.start = n - 1;
    w.end = n - 2;
  }
  if (w.end >= n) w.end = n - 1;
  return w;
}

std::string_view elem_of(std::string_view s) { return s; }
std::string_view elem_of(const ZSet::Entry& e) { return e.member; }

// Loads the elements of c; a list or sorted set left unsorted yields only
// the window, in its own order (reversed by DESC), and the window then
// starts at 0 (sort.c's direct load).
std::vector<Item> load(const Collection* c, const SortArgs& a, Window& w) {
  std::vector<Item> items;
  if (c == nullptr) return items;
  const bool direct = a.dontsort && (c->type() == ValueType::list || c->type() == ValueType::zset);
  auto take_window = [&](auto first, auto last) {
    if (w.end >= w.start) {
      auto it = first;
      std::advance(it, w.start);
      for (std::int64_t i = w.start; i <= w.end && it != last; ++i, ++it) items.emplace_back(elem_of(*it));
    }
    w.end -= w.start;
    w.start = 0;
  };
  if (c->type() == ValueType::list) {
    const std::vector<std::string_view> l(c->list().begin(), c->list().end());
    if (!direct) {
      for (std::string_view e : l) items.emplace_back(e);
    } else if (a.desc) {
      take_window(l.rbegin(), l.rend());
    } else {
      take_window(l.begin(), l.end());
    }
  } else if (c->type() == ValueType::set) {
    std::vector<std::string_view> members(c->set().begin(), c->set().end());
    for (std::string_view m : redis_order(std::move(members))) items.emplace_back(m);
  } else {
    const ZSet& z = c->zset();
    if (!direct) {
      for (const ZSet::Entry e : z) items.emplace_back(e.member);
    } else if (a.desc) {
      take_window(std::make_reverse_iterator(z.end()), std::make_reverse_iterator(z.begin()));
    } else {
      take_window(z.begin(), z.end());
    }
  }
  return items;
}

// sort.c's numeric weight: strtod over the C string, all of it, no NaN,
// no overflow ("" reads as 0, as in Redis).
bool to_score(std::string_view v, double& out) {
  const std::string buf(v);
  char* end = nullptr;
  errno = 0;
  out = std::strtod(buf.c_str(), &end);
  return *end == '\0' && errno != ERANGE && !std::isnan(out);
}

// Fills each item's score (or ALPHA BY weight); false when a numeric weight
// is not a double. A missing BY key leaves score 0 / no weight.
bool weigh(std::vector<Item>& items, const SortArgs& a, Lookup lookup) {
  bool ok = true;
  for (Item& it : items) {
    std::optional<std::string> by;
    std::string_view v = it.elem;
    if (a.by) {
      by = lookup(*a.by, it.elem);
      if (!by) continue;
      v = *by;
    }
    if (a.alpha) {
      if (a.by) it.cmp = std::move(by);
      continue;
    }
    if (!to_score(v, it.score)) ok = false;
  }
  return ok;
}

int binary_cmp(std::string_view x, std::string_view y) {
  const int c = x.compare(y);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}
// Redis's strcoll over C strings; mnemo collates in the C locale (byte order).
int collate_cmp(std::string_view x, std::string_view y) { return binary_cmp(c_str_part(x), c_str_part(y)); }

// sort.c's sortCompare.
int compare(const Item& x, const Item& y, const SortArgs& a) {
  int c = 0;
  if (!a.alpha) {
    c = x.score > y.score ? 1 : (x.score < y.score ? -1 : binary_cmp(x.elem, y.elem));
  } else if (a.by) {
    if (!x.cmp || !y.cmp) c = x.cmp.has_value() == y.cmp.has_value() ? 0 : (x.cmp ? 1 : -1);
    else c = a.store ? binary_cmp(*x.cmp, *y.cmp) : collate_cmp(*x.cmp, *y.cmp);
  } else {
    c = a.store ? binary_cmp(x.elem, y.elem) : collate_cmp(x.elem, y.elem);
  }
  return a.desc ? -c : c;
}

using Rows = std::vector<std::optional<std::string>>;

// The answer's rows: each element of the window, or what each GET names
// for it (nil when missing; an empty string when stored, as Redis stores).
void collect(const std::vector<Item>& items, Window w, const SortArgs& a, Lookup lookup, Rows& rows) {
  for (std::int64_t j = w.start; j <= w.end; ++j) {
    const std::string_view elem = items[static_cast<std::size_t>(j)].elem;
    if (a.gets.empty()) {
      rows.emplace_back(elem);
      continue;
    }
    for (const Pattern& g : a.gets) {
      rows.push_back(lookup(g, elem));
      if (a.store && !rows.back()) rows.back().emplace();
    }
  }
}

// SORT on the source (key src of t): fills rows, or refuses with Redis's error.
Fault sort_source(const CollectionTxn& t, std::size_t src, SortArgs a, Lookup lookup, Rows& rows) {
  const auto type = t.type(src);
  if (type && *type != ValueType::list && *type != ValueType::set && *type != ValueType::zset) return wrong_type();
  const Collection* c = t.get(src);
  // An unsorted set has no order to keep: STORE and scripts sort it, so that
  // what is stored or replicated does not depend on the hash table.
  if (a.dontsort && c != nullptr && c->type() == ValueType::set && (a.store || a.in_script)) {
    a.dontsort = false;
    a.alpha = true;
    a.by.reset();
  }
  Window w = clamp_limit(a, c != nullptr ? static_cast<std::int64_t>(c->size()) : 0);
  std::vector<Item> items = load(c, a, w);
  if (!a.dontsort) {
    const bool ok = weigh(items, a, lookup);
    std::stable_sort(items.begin(), items.end(), [&](const Item& x, const Item& y) { return compare(x, y, a) < 0; });
    if (!ok) return err("One or more scores can't be converted into double");
  }
  collect(items, w, a, lookup, rows);
  return {};
}

// What a pattern names for an element: the element itself (#), nothing (no
// '*'), or a string key's value or a hash field. Runs under the caller's
// store transaction, which holds every shard it may read.
std::optional<std::string> read_pattern(Store& store, DbIndex db, const Pattern& p, std::string_view elem) {
  if (p.kind == Pattern::Kind::self) return std::string(elem);
  if (p.kind == Pattern::Kind::none) return std::nullopt;
  const std::string key = p.key_for(elem);
  const std::string_view keys[] = {key};
  std::optional<std::string> out;
  (void)store.collections(db, keys, false, [&](CollectionTxn& t) -> Fault {
    if (p.field.empty()) {
      if (auto v = t.string_value(0)) out.emplace(*v);
      return {};
    }
    const Collection* c = t.get(0);
    if (c != nullptr && c->type() == ValueType::hash) {
      if (const auto v = c->hash().find(p.field)) out = *v;
    }
    return {};
  });
  return out;
}

// A lookup outside a transaction: only # and fixed patterns reach it.
std::optional<std::string> read_self(const Pattern& p, std::string_view elem) {
  assert(p.kind != Pattern::Kind::key);
  if (p.kind == Pattern::Kind::self) return std::string(elem);
  return std::nullopt;
}

void reply_rows(const Rows& rows, ReplyBuilder& reply) {
  reply.array(rows.size());
  for (const auto& r : rows) {
    if (r) reply.bulk(*r);
    else reply.null();
  }
}

// STORE's events, invalidation and reply (Redis's: the count stored).
void reply_stored(CommandContext& ctx, std::string_view dst, std::size_t stored, bool dst_existed,
                  ReplyBuilder& reply) {
  if (stored > 0) ctx.notify(pubsub::notify::kList, "sortstore", dst);
  else if (dst_existed) ctx.notify(pubsub::notify::kGeneric, "del", dst);
  tracking::TrackingTable* tracking = ctx.env().tracking;
  if ((stored > 0 || dst_existed) && tracking != nullptr && tracking->active()) {
    // STORE's key is not among the table's key positions, which is how the
    // command path invalidates what a write changed.
    const std::string_view changed[] = {dst};
    tracking->invalidate(changed, ctx.env().client_id);
  }
  reply.integer(static_cast<std::int64_t>(stored));
}

void sort_generic(CommandContext& ctx, ArgList argv, ReplyBuilder& reply, bool readonly) {
  SortArgs a;
  if (!parse_args(argv, readonly, a, reply)) return;
  a.in_script = ctx.session().in_script;
  Store* store = ctx.env().store;
  if (store == nullptr) return reply.error(kNoStoreText);
  const DbIndex db = ctx.session().db;
  const bool lookups = a.reads_other_keys();
  std::vector<std::string_view> keys;
  if (a.store) keys.push_back(*a.store);
  keys.push_back(argv[1]);
  Rows rows;
  bool dst_existed = false;
  std::optional<protocol::Error> failed;
  auto lookup = [&](const Pattern& p, std::string_view e) {
    return lookups ? read_pattern(*store, db, p, e) : read_self(p, e);
  };
  auto fn = [&](CollectionTxn& t) -> Fault {
    if (auto f = sort_source(t, keys.size() - 1, a, lookup, rows)) return f;
    if (!a.store) return {};
    dst_existed = t.type(0).has_value();
    if (rows.empty()) {
      t.remove(0);
      return {};
    }
    OpWriter& w = t.replace(0, ValueType::list);
    for (const auto& r : rows) w.rpush(*r);
    return {};
  };
  auto run_sort = [&] {
    auto r = store->collections(db, keys, a.store.has_value(), fn);
    if (!r) failed = r.error();
  };
  if (!lookups || Store::in_transaction()) {
    run_sort();
  } else if (auto r = store->run_atomically({}, true, run_sort); !r) {
    failed = r.error();
  }
  if (failed) return reply_collection_error(ctx, *failed, reply);
  if (!a.store) return reply_rows(rows, reply);
  reply_stored(ctx, *a.store, rows.size(), dst_existed, reply);
}

}  // namespace

void cmd_sort(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) { sort_generic(ctx, argv, reply, false); }
void cmd_sort_ro(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) { sort_generic(ctx, argv, reply, true); }

}  // namespace mnemo::server::commands
