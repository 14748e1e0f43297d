// The store's collection operations (store.h: collections()), and the
// pieces of the key and recovery paths that differ for a collection: its
// expiry record, its copy (RENAME, COPY), its OBJECT ENCODING, and replaying
// an elements change. Writes journal the recorded operations first, through
// Impl::commit as every write does, and apply them only once journaled.
#include <algorithm>
#include <cassert>
#include <mutex>
#include <shared_mutex>
#include <stdexcept>
#include <string>

#include "server/store_impl.h"

namespace mnemo::server {

using protocol::Error;
using protocol::Result;

// ---- CollectionTxn -----------------------------------------------------------

std::optional<ValueType> CollectionTxn::type(std::size_t i) const {
  const Entry* e = items_[slot_[i]].cur;
  if (e == nullptr) return std::nullopt;
  return e->value_type();
}

const Collection* CollectionTxn::get(std::size_t i) const {
  const Entry* e = items_[slot_[i]].cur;
  return e == nullptr || e->is_string() ? nullptr : e->collection();
}

std::optional<std::string_view> CollectionTxn::string_value(std::size_t i) const {
  const Entry* e = items_[slot_[i]].cur;
  if (e == nullptr || !e->is_string()) return std::nullopt;
  return e->value();
}

OpWriter& CollectionTxn::ops(std::size_t i, ValueType t) {
  assert(write_);
  Item& it = items_[slot_[i]];
  if (!it.ops || it.ops->type() != t) {
    it.ops.emplace(t);
    if (it.cur == nullptr || it.cur->value_type() != t || it.replace) it.ops->clear();
  }
  return *it.ops;
}

OpWriter& CollectionTxn::replace(std::size_t i, ValueType t) {
  Item& it = items_[slot_[i]];
  it.replace = true;
  it.remove = false;
  it.ops.emplace(t);
  it.ops->clear();
  return *it.ops;
}

void CollectionTxn::remove(std::size_t i) {
  Item& it = items_[slot_[i]];
  it.remove = true;
  it.ops.reset();
}

// ---- helpers -------------------------------------------------------------------

namespace {

// The one-byte operation lists (a type, no operations) of expiry changes.
constexpr char kTypeBytes[] = {0, 1, 2, 3, 4, 5, 6};

std::string_view type_only(ValueType t) { return {&kTypeBytes[static_cast<int>(t)], 1}; }

// Whether every member of a set reads as a 64-bit integer (Redis's intset test).
bool all_integers(const Set& s) {
  std::int64_t v = 0;
  return std::all_of(s.begin(), s.end(), [&](std::string_view m) { return parse_i64_strict(m, v); });
}

}  // namespace

persistence::ChangeRef expiry_change(DbIndex db, const Entry& cur, std::int64_t at_ms) {
  if (cur.is_string()) return put_change(db, cur.key(), cur.value(), at_ms);
  return {0, persistence::ChangeKind::elements, cur.key(), type_only(cur.value_type()), at_ms, db};
}

Entry* copy_collection_entry(const Entry& src, std::string_view key, std::string& whole) {
  whole = src.collection()->encode();
  return make_collection_entry(key, src.collection()->clone().release(), 0, src.expire_at_ms);
}

std::string_view collection_encoding(const Collection& c) {
  // Redis 7.0's defaults: set-max-intset-entries 512; a hash's and a sorted
  // set's own rules are in hash_value.h and zset_value.h.
  switch (c.type()) {
    case ValueType::hash:
      return c.hash().listpack() ? "listpack" : "hashtable";
    case ValueType::set:
      return c.size() <= 512 && all_integers(c.set()) ? "intset" : "hashtable";
    case ValueType::zset:
      return c.zset().listpack() ? "listpack" : "skiplist";
    case ValueType::stream:
      return "stream";
    default:
      return "quicklist";
  }
}

void Store::Impl::drop(Shard& sh, const KeyRef& k) { drop_entry(sh, k, *reclaimer); }

void drop_entry(Shard& sh, const KeyRef& k, Reclaimer& reclaimer) {
  const Entry* e = sh.find(k);
  if (e == nullptr) return;
  if (!e->is_string() && collection_size(*e) >= Reclaimer::kInlineEntries) {
    reclaimer.add(sh.take(k));
  } else {
    sh.erase(k);
  }
}

// ---- the operation ---------------------------------------------------------------

namespace {

// Applies an item's journaled operations at version seq; sh held exclusively.
// A value they drop whole (a removed key, a `clear`, another type replacing
// it) goes through drop_entry: a large collection is freed by the reclaimer,
// not on this io thread under the shard's lock.
void apply_item(CollectionTxn::Item& it, std::uint64_t seq, Reclaimer& reclaimer) {
  Shard& sh = *it.shard;
  if (it.remove) {
    if (it.cur != nullptr) drop_entry(sh, it.ref, reclaimer);
    return;
  }
  const std::string& ops = it.ops->bytes();
  Entry* e = it.cur;
  std::int64_t expiry = 0;  // of a fresh value: the old one's when the journal kept it
  const bool clears = ops.size() > 1 && ops[1] == 0;  // starts with clear: nothing old stays
  const bool large = e != nullptr && !e->is_string() && collection_size(*e) >= Reclaimer::kInlineEntries;
  if (e != nullptr && ((clears && large) || e->value_type() != it.ops->type())) {
    if (!it.replace && e->value_type() == it.ops->type()) expiry = e->expire_at_ms;
    drop_entry(sh, it.ref, reclaimer);
    e = nullptr;
  }
  if (e == nullptr) {
    auto c = std::make_unique<Collection>(it.ops->type());
    c->apply(ops);
    if (c->vanishes()) return;
    e = make_collection_entry(it.ref.key, c.release(), seq, 0);
    if (e == nullptr) throw std::bad_alloc();  // journaled already: nothing sane is left to do
    sh.put(it.ref, e);
    if (expiry != 0) sh.set_expiry(*e, expiry);
  } else {
    const auto before = static_cast<std::int64_t>(e->collection()->bytes());
    e->collection()->apply(ops);
    sh.resized(static_cast<std::int64_t>(e->collection()->bytes()) - before);
    if (e->collection()->vanishes()) {
      sh.erase(it.ref);
      return;
    }
    if (it.replace) sh.set_expiry(*e, 0);
  }
  e->version = seq;
}

}  // namespace

Result<std::uint64_t> Store::collections(DbIndex db, std::span<const std::string_view> keys, bool write,
                                         CollectionFn fn) {
  Impl& impl = *impl_;
  if (auto err = impl.keys_error(db, keys)) return std::move(*err);
  std::vector<CollectionTxn::Item> items;
  std::vector<std::size_t> slot;
  KeyList<KeyRef> refs;
  for (std::string_view key : keys) {
    auto same = std::find_if(items.begin(), items.end(), [&](const auto& it) { return it.ref.key == key; });
    slot.push_back(static_cast<std::size_t>(same - items.begin()));
    if (same == items.end()) {
      items.emplace_back(key);
      refs.push_back(items.back().ref);
    }
  }
  const IndexList idx = impl.shards_touched(db, refs);
  std::optional<KeyList<std::shared_lock<ShardMutex>>> shared;
  std::optional<KeyList<std::unique_lock<ShardMutex>>> exclusive;
  if (write) exclusive.emplace(lock_shards<std::unique_lock<std::shared_mutex>>(impl.shards, idx));
  else shared.emplace(lock_shards<std::shared_lock<std::shared_mutex>>(impl.shards, idx));
  const std::int64_t now = impl.clock.now_ms();
  for (CollectionTxn::Item& it : items) {
    it.shard = &impl.shard_of(db, it.ref);
    if (write) {
      it.cur = impl.find_live(*it.shard, it.ref, now);
    } else {
      Entry* e = it.shard->find(it.ref);
      it.cur = e != nullptr && !e->expired_at(now) ? e : nullptr;
    }
    it.shard->count_lookup(it.cur != nullptr);
  }
  CollectionTxn txn(std::move(items), std::move(slot), now, write);
  if (auto err = fn(txn)) return std::move(*err);
  if (!write) return std::uint64_t{0};
  return impl.commit_collections(db, txn.items());
}

Result<std::uint64_t> Store::Impl::commit_collections(DbIndex db, std::vector<CollectionTxn::Item>& items) {
  KeyList<persistence::ChangeRef> changes;
  std::int64_t added = 0;
  bool any = false;
  for (CollectionTxn::Item& it : items) {
    if (it.remove && it.cur == nullptr) it.remove = false;
    if (it.ops && it.ops->empty()) it.ops.reset();
    if (!it.remove && !it.ops) continue;
    any = true;
    if (it.ops && it.ops->grows()) added += static_cast<std::int64_t>(it.ops->bytes().size() * 2 + 64);
    if (!log) continue;
    if (it.remove) {
      if (!it.cur->ephemeral) changes.push_back(del_change(db, it.ref.key));
      continue;
    }
    const bool keeps = it.cur != nullptr && !it.replace && it.cur->value_type() == it.ops->type();
    changes.push_back({0, persistence::ChangeKind::elements, it.ref.key, it.ops->bytes(),
                       keeps ? it.cur->expire_at_ms : 0, db});
  }
  if (!any) return std::uint64_t{0};
  if (added > 0) {
    if (auto err = memory_error(added)) return std::move(*err);
  }
  auto seq = commit(changes);
  if (!seq) return seq;
  for (CollectionTxn::Item& it : items) {
    if (it.remove || it.ops) apply_item(it, *seq, *reclaimer);
  }
  return seq;
}

// ---- recovery ----------------------------------------------------------------------

void apply_recovered_elements(Shard& sh, const KeyRef& k, const persistence::ChangeRef& c) {
  if (c.value.empty() || c.value[0] < 1 || c.value[0] > 6 || c.value[0] == 5) {
    throw std::runtime_error("elements change with no value type for a key of " + std::to_string(c.key.size()) +
                             " bytes at seq " + std::to_string(c.seq));
  }
  const auto type = static_cast<ValueType>(c.value[0]);
  Entry* cur = sh.find(k);
  const bool same = cur != nullptr && cur->value_type() == type;
  std::unique_ptr<Collection> fresh;
  Collection* coll = same ? cur->collection() : (fresh = std::make_unique<Collection>(type)).get();
  const auto before = static_cast<std::int64_t>(coll->bytes());
  if (!coll->replay(c.value)) {
    throw std::runtime_error("malformed elements change at seq " + std::to_string(c.seq));
  }
  if (coll->vanishes()) {
    if (cur != nullptr) sh.erase(k);
    sh.set_tombstone(k.key, c.seq);
    return;
  }
  if (same) {
    sh.resized(static_cast<std::int64_t>(coll->bytes()) - before);
    sh.set_expiry(*cur, c.expire_at_ms);
    cur->version = c.seq;
    return;
  }
  Entry* e = make_collection_entry(k.key, fresh.release(), c.seq, c.expire_at_ms);
  if (e == nullptr) throw std::bad_alloc();
  sh.put(k, e);
  sh.erase_tombstone(k.key);
}

}  // namespace mnemo::server
