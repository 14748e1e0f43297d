// Snapshot copies of big collections in slices (server/collection_slice.h):
// a copy whose hash, set or sorted set is written between its slices, then
// recovered as recovery does it (the snapshot's entries, continuation slices
// included, then the journal after S0), equals the live value, also with the
// journal replayed twice; every slice holds a bounded number of elements;
// a list is copied whole. The same for a stream written between its slices
// (entries, trims, deletes, groups, deliveries, acknowledgements, claims).
#include <catch2/catch.hpp>

#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

#include "server/collection.h"
#include "server/collection_slice.h"
#include "server/store_types.h"
#include "collection_dump.h"
#include "store_test_support.h"

namespace mnemo::server::test {

namespace {

using Keys = std::vector<std::string_view>;
using Fault = std::optional<protocol::Error>;
using persistence::SnapshotEntry;

constexpr int kBig = 30000;  // elements: four slices of 8192 at most
constexpr std::size_t kSlice = CollectionSlicer::Limits{}.elements;

std::string member(int i) { return "member-" + std::to_string(i); }

// One write of `fn`'s operations on `key`, typed t.
void write(Store& s, std::string_view key, ValueType t, const std::function<void(OpWriter&)>& fn) {
  const Keys keys{key};
  REQUIRE(s.collections(0, keys, true, [&](CollectionTxn& txn) -> Fault {
            fn(txn.ops(0, t));
            return {};
          }).ok());
}

void add_range(Store& s, std::string_view key, ValueType t, int from, int to, double score_shift = 0) {
  write(s, key, t, [&](OpWriter& w) {
    for (int i = from; i < to; ++i) {
      if (t == ValueType::set) w.sadd(member(i));
      else if (t == ValueType::hash) w.hset(member(i), "v" + std::to_string(i));
      else if (t == ValueType::zset) w.zadd(member(i), i + score_shift);
      else w.rpush(member(i));
    }
  });
}

// The snapshot writer's loop over every shard (persistence/snapshot_writer.cpp),
// calling `between` after each copy that stopped inside a big collection.
std::vector<SnapshotEntry> copy_all(Store& s, const std::function<void(int)>& between) {
  std::vector<SnapshotEntry> all;
  persistence::SnapshotBuffer buf;
  int cuts = 0;
  for (std::size_t shard = 0; shard < s.shard_count(); ++shard) {
    std::optional<std::string> after;
    for (;;) {
      buf.clear();
      const std::size_t want = 64;
      const bool more = s.copy_chunk(shard, after ? &*after : nullptr, want, buf);
      const std::size_t got = buf.size();
      if (got > 0) after = buf.back().key;
      for (const SnapshotEntry& e : buf.entries()) all.push_back(e);
      const bool cut = buf.cut();
      if (cut) between(++cuts);
      if (!more || (got < want && !cut)) break;
    }
  }
  return all;
}

ChangeKind kind_of(const SnapshotEntry& e) {
  return e.type == 0 ? ChangeKind::put : e.continued ? ChangeKind::slice : ChangeKind::elements;
}

// Recovery's order: the snapshot's entries, then every journaled change after s0 (`times` over).
void recover(Store& into, const std::vector<SnapshotEntry>& snap, FakeLog& log, std::uint64_t s0, int times,
             std::int64_t now) {
  std::vector<persistence::ChangeRef> refs;
  for (const SnapshotEntry& e : snap) refs.emplace_back(e.version, kind_of(e), e.key, e.value, e.expire_at_ms, e.db);
  into.apply_recovered_batch(refs);
  const auto batches = log.batches();
  for (int t = 0; t < times; ++t) {
    for (const auto& batch : batches) {
      for (const Change& c : batch) {
        if (c.seq > s0) into.apply_recovered(c);
      }
    }
  }
  into.finish_recovery(now);
}

// ---- streams ----

StreamId sid(std::uint64_t ms) { return {ms, 0}; }

// One write to the stream at `key`, built by fn from the stream as it is
// (nullptr when absent), as a stream command decides its operations.
void write_stream(Store& s, std::string_view key, const std::function<void(const Stream*, OpWriter&)>& fn) {
  const Keys keys{key};
  REQUIRE(s.collections(0, keys, true, [&](CollectionTxn& txn) -> Fault {
            const Collection* c = txn.get(0);
            fn(c != nullptr ? &c->stream() : nullptr, txn.ops(0, ValueType::stream));
            return {};
          }).ok());
}

// XADDs of ids from..to-1 (ms, seq 0), three small fields each.
void add_entries(Store& s, std::string_view key, std::uint64_t from, std::uint64_t to, std::string_view tag = "v") {
  write_stream(s, key, [&](const Stream*, OpWriter& w) {
    for (std::uint64_t i = from; i < to; ++i) {
      const std::string v = std::string(tag) + std::to_string(i);
      stream_ops::xadd(w, sid(i), pack_fields({"a", v, "b", "x", "c", "yes"}));
    }
  });
}

// XREADGROUP ">" of n entries for `consumer`: pending for it, the group's last id moved on.
void deliver(const Stream& s, OpWriter& w, std::string_view group, std::string_view consumer, int n,
             std::int64_t now) {
  const StreamGroup& g = *s.group(group);
  stream_ops::ccreate(w, group, consumer, now);
  StreamId last = g.last_id;
  auto it = s.entries.upper_bound(last);
  for (int i = 0; i < n && it != s.entries.end(); ++i, ++it) {
    last = it->first;
    stream_ops::pend(w, group, consumer, last, now, 1);
  }
  stream_ops::gsetid(w, group, last, g.entries_read + n);
}

// XCLAIM of `id` by `consumer` when it is pending.
void claim(const Stream& s, OpWriter& w, std::string_view group, std::string_view consumer, StreamId id,
           std::int64_t now) {
  const StreamGroup& g = *s.group(group);
  auto it = g.pel.find(id);
  if (it != g.pel.end()) stream_ops::pend(w, group, consumer, id, now, it->second.delivery_count + 1);
}

// Elements of an entry's operation list (applied to an empty value of its type).
std::size_t elements_in(const SnapshotEntry& e) {
  Collection c(static_cast<ValueType>(e.type));
  REQUIRE(c.apply(e.value));
  return c.size();
}

// Continuation slices in snap; with `bounded`, checks that every slice holds
// at most kSlice elements (what the snapshot thread copies at once).
std::size_t count_continued(const std::vector<SnapshotEntry>& snap, bool bounded) {
  std::size_t continued = 0;
  for (const SnapshotEntry& e : snap) {
    if (bounded) CHECK(elements_in(e) <= kSlice);
    continued += e.continued ? 1 : 0;
  }
  return continued;
}

// Recovers snap and the journal after s0 (once, then twice over) into fresh
// stores: each of `keys` must equal its live value in h, and each of `gone`
// be absent.
void check_recovers(StoreHarness& h, const std::vector<SnapshotEntry>& snap, std::uint64_t s0,
                    std::initializer_list<std::string_view> keys, std::initializer_list<std::string_view> gone) {
  for (int times : {1, 2}) {
    CAPTURE(times);
    StoreHarness fresh;
    recover(fresh.store, snap, h.log, s0, times, h.clock.now_ms());
    for (std::string_view k : keys) {
      CAPTURE(k);
      CHECK(dump(fresh.store, k) == dump(h.store, k));
    }
    for (std::string_view k : gone) CHECK(dump(fresh.store, k).empty());
  }
}

}  // namespace

TEST_CASE("a big collection written between its snapshot slices recovers to its live value",
          "[store][snapshot][slices]") {
  const ValueType type = GENERATE(ValueType::set, ValueType::hash, ValueType::zset);
  // Writes to "big" at its first 3 cuts, or at every cut: then a hash or a
  // set restarts its walk more than CollectionSlicer::kMaxRestarts times and
  // its last slice is the rest of it, whole.
  const int writes_until = GENERATE(3, 1000);
  CAPTURE(static_cast<int>(type), writes_until);
  StoreHarness h;
  add_range(h.store, "big", type, 0, kBig);
  add_range(h.store, "gone", type, 0, kBig);      // deleted between slices
  add_range(h.store, "renewed", type, 0, kBig);   // deleted and recreated between slices
  add_range(h.store, "cleared", type, 0, kBig);   // replaced by clear + others (a STORE command)
  add_range(h.store, "expiring", type, 0, kBig);  // given an expiry that passes
  add_range(h.store, "small", type, 0, 10);
  write(h.store, "big", type, [&](OpWriter& w) {  // before the copy
    if (type == ValueType::set) w.srem(member(5));
    if (type == ValueType::hash) w.hdel(member(5));
    if (type == ValueType::zset) w.zrem(member(5));
  });
  const std::uint64_t s0 = h.log.last_seq();
  auto between = [&](int cut) {
    if (cut > writes_until) return;
    // Inside the copy: adds at both ends of the walk, removes of copied and
    // uncopied elements, scores moved across the walk's position.
    add_range(h.store, "big", type, kBig + cut * 100, kBig + cut * 100 + 50, type == ValueType::zset ? -kBig : 0);
    write(h.store, "big", type, [&](OpWriter& w) {
      for (int i : {cut * 7, kBig - 1 - cut * 7, 9000 + cut, 20000 + cut}) {
        if (type == ValueType::set) w.srem(member(i));
        if (type == ValueType::hash) (cut % 2 ? w.hdel(member(i)) : w.hset(member(i), "changed"));
        if (type == ValueType::zset) w.zadd(member(i), kBig - i + 0.5);
      }
    });
    if (cut == 1) {
      const Keys gone{"gone"};
      REQUIRE(*h.store.del(0, gone) == 1);
      REQUIRE(*h.store.del(0, Keys{"renewed"}) == 1);
      add_range(h.store, "renewed", type, 100000, 100000 + kBig / 2);
      write(h.store, "cleared", type, [&](OpWriter& w) { w.clear(); });
      add_range(h.store, "cleared", type, 50000, 50010);
      REQUIRE(*h.store.expire_at(0, "expiring", h.clock.now_ms() + 1000));
    }
  };
  const auto snap = copy_all(h.store, between);
  add_range(h.store, "big", type, 70000, 70010);  // after the copy
  h.clock.advance(2000);                           // "expiring" has expired

  const bool bounded = type == ValueType::zset || writes_until <= static_cast<int>(CollectionSlicer::kMaxRestarts);
  CHECK(count_continued(snap, bounded) >= 4);  // "big" alone has three at least
  check_recovers(h, snap, s0, {"big", "gone", "renewed", "cleared", "expiring", "small"}, {"gone", "expiring"});
}

TEST_CASE("a big list is copied whole, a big collection unchanged in as many slices as it needs",
          "[store][snapshot][slices]") {
  StoreHarness h;
  add_range(h.store, "list", ValueType::list, 0, kBig);
  add_range(h.store, "zset", ValueType::zset, 0, kBig);
  const auto snap = copy_all(h.store, [](int) {});
  std::size_t list_entries = 0;
  std::size_t zset_entries = 0;
  std::size_t zset_elements = 0;
  for (const SnapshotEntry& e : snap) {
    if (e.key == "list") {
      ++list_entries;
      CHECK_FALSE(e.continued);
      CHECK(elements_in(e) == static_cast<std::size_t>(kBig));
    } else {
      CHECK(e.continued == (zset_entries > 0));
      ++zset_entries;
      zset_elements += elements_in(e);
    }
  }
  CHECK(list_entries == 1);
  CHECK(zset_entries == (kBig + kSlice - 1) / kSlice);
  CHECK(zset_elements == static_cast<std::size_t>(kBig));
  StoreHarness fresh;
  recover(fresh.store, snap, h.log, h.log.last_seq(), 1, h.clock.now_ms());
  CHECK(dump(fresh.store, "list") == dump(h.store, "list"));
  CHECK(dump(fresh.store, "zset") == dump(h.store, "zset"));
}

TEST_CASE("a continuation slice without its first slice is refused at recovery", "[store][snapshot][slices]") {
  StoreHarness h;
  OpWriter w(ValueType::set);
  w.sadd("m");
  const persistence::ChangeRef c(7, ChangeKind::slice, "k", w.bytes(), 0, 0);
  CHECK_THROWS_WITH(h.store.apply_recovered(c), Catch::Contains("without the collection its first slice loaded"));
}

TEST_CASE("a big collection a write replaces whole is freed by the reclaimer", "[store][collections]") {
  StoreHarness h;
  const Keys keys{"big"};
  add_range(h.store, "big", ValueType::zset, 0, 20000);
  const std::uint64_t before = h.store.stats().reclaimer_handoffs;
  SECTION("a STORE command's clear") {
    REQUIRE(h.store.collections(0, keys, true, [&](CollectionTxn& t) -> Fault {
              t.replace(0, ValueType::zset).zadd("only", 1);
              return {};
            }).ok());
    CHECK(dump(h.store, "big") == "zset,only@1.000000,");
  }
  SECTION("a STORE command's removal of its empty destination") {
    REQUIRE(h.store.collections(0, keys, true, [&](CollectionTxn& t) -> Fault {
              t.remove(0);
              return {};
            }).ok());
    CHECK(dump(h.store, "big").empty());
  }
  SECTION("a value of another type") {
    REQUIRE(h.store.collections(0, keys, true, [&](CollectionTxn& t) -> Fault {
              t.replace(0, ValueType::set).sadd("m");
              return {};
            }).ok());
    CHECK(dump(h.store, "big") == "set,m,");
  }
  SECTION("SET") {
    CHECK(h.set("big", "string").status == Status::ok);
  }
  CHECK(h.store.stats().reclaimer_handoffs == before + 1);
  h.store.wait_reclaimed();
}

TEST_CASE("a write that replaces a small collection frees it in place", "[store][collections]") {
  StoreHarness h;
  const Keys keys{"small"};
  add_range(h.store, "small", ValueType::set, 0, 10);
  REQUIRE(h.store.collections(0, keys, true, [&](CollectionTxn& t) -> Fault {
            t.replace(0, ValueType::set).sadd("m");
            return {};
          }).ok());
  CHECK(dump(h.store, "small") == "set,m,");
  CHECK(h.store.stats().reclaimer_handoffs == 0);
}

TEST_CASE("a big stream written between its snapshot slices recovers to its live value",
          "[store][snapshot][slices][stream]") {
  // Writes to the streams at their first 3 cuts, or at every cut.
  const int writes_until = GENERATE(3, 1000);
  CAPTURE(writes_until);
  StoreHarness h;
  constexpr std::uint64_t kN = kBig;
  add_entries(h.store, "st", 1, kN + 1);
  add_entries(h.store, "reset", 1, kN + 1);  // trimmed whole, its last id set back, refilled
  add_entries(h.store, "gone", 1, kN + 1);   // deleted between slices
  write_stream(h.store, "st", [&](const Stream*, OpWriter& w) {  // before the copy
    stream_ops::gcreate(w, "g1", {}, 0);
    stream_ops::gcreate(w, "g2", sid(kN / 2), -1);
  });
  write_stream(h.store, "st", [&](const Stream* s, OpWriter& w) {
    deliver(*s, w, "g1", "c1", 100, 1000);
    stream_ops::ack(w, "g1", sid(3));
    stream_ops::xdel(w, sid(5));
    stream_ops::xtrim(w, sid(3));
  });
  write_stream(h.store, "st", [&](const Stream* s, OpWriter& w) { deliver(*s, w, "g1", "c2", 100, 1100); });
  const std::uint64_t s0 = h.log.last_seq();
  std::uint64_t next = kN + 1;  // st's next id
  auto between = [&](int cut) {
    if (cut > writes_until) return;
    const auto c = static_cast<std::uint64_t>(cut);
    const std::int64_t now = 2000 + cut;
    add_entries(h.store, "st", next, next + 50, "late");  // past the walk: copied and journaled both
    next += 50;
    write_stream(h.store, "st", [&](const Stream* s, OpWriter& w) {
      // XDEL of copied and uncopied entries, XREADGROUP, XCLAIM, XACK.
      for (std::uint64_t i : {10 + c * 7, kN - c * 7, 9000 + c, 20000 + c}) {
        if (s->entries.contains(sid(i))) stream_ops::xdel(w, sid(i));
      }
      deliver(*s, w, "g1", "c3", 5, now);
      claim(*s, w, "g1", "c2", sid(c * 13 % 200 + 1), now);
      stream_ops::ack(w, "g1", sid(c * 11 % 200 + 1));
      if (cut == 1) {  // XTRIM, XGROUP CREATE, DESTROY, CREATECONSUMER
        stream_ops::xtrim(w, sid(40));
        stream_ops::gcreate(w, "g3", s->last_id, static_cast<std::int64_t>(s->entries_added));
        stream_ops::gdestroy(w, "g2");
        stream_ops::ccreate(w, "g3", "idle", now);
      }
      if (cut == 2) {  // XGROUP DELCONSUMER, SETID, XSETID
        stream_ops::cdel(w, "g1", "c1");
        stream_ops::gsetid(w, "g3", sid(100), -1);
        stream_ops::xsetid(w, sid(next + 1000), s->entries_added + 7, s->max_deleted);
        next += 1001;
      }
    });
    if (cut == 1) {
      REQUIRE(*h.store.del(0, Keys{"gone"}) == 1);
      write_stream(h.store, "reset", [&](const Stream* s, OpWriter& w) {  // XTRIM MAXLEN 0, XSETID back
        stream_ops::xtrim(w, sid(kN + 1));
        stream_ops::xsetid(w, sid(15000), s->entries_added, s->max_deleted);
      });
      add_entries(h.store, "reset", 15001, 15101, "renewed");  // ids it held, other fields
    }
  };
  const auto snap = copy_all(h.store, between);
  add_entries(h.store, "st", next, next + 10, "after");  // after the copy
  write_stream(h.store, "st", [&](const Stream* s, OpWriter& w) { deliver(*s, w, "g1", "c1", 3, 9000); });

  CHECK(count_continued(snap, true) >= 3);  // "st" alone has three at least
  check_recovers(h, snap, s0, {"st", "reset", "gone"}, {"gone"});
}

TEST_CASE("a big stream unchanged is copied in slices, its groups and counters in the first",
          "[store][snapshot][slices][stream]") {
  StoreHarness h;
  add_entries(h.store, "st", 1, kBig + 1);
  write_stream(h.store, "st", [&](const Stream*, OpWriter& w) {
    stream_ops::xdel(w, sid(kBig));
    stream_ops::gcreate(w, "g", {}, 0);
  });
  write_stream(h.store, "st", [&](const Stream* s, OpWriter& w) { deliver(*s, w, "g", "c", 10, 1000); });
  const auto snap = copy_all(h.store, [](int) {});
  REQUIRE(snap.size() == (kBig + kSlice - 1) / kSlice);
  std::size_t entries = 0;
  for (const SnapshotEntry& e : snap) {
    Collection c(ValueType::stream);
    REQUIRE(c.apply(e.value));
    CHECK(e.continued == (&e != &snap.front()));
    CHECK(c.stream().groups.size() == (e.continued ? 0U : 1U));
    // Every slice leaves the counters as the first found them.
    CHECK(c.stream().entries_added == static_cast<std::uint64_t>(kBig));
    CHECK(c.stream().max_deleted == sid(kBig));
    entries += c.size();
  }
  CHECK(entries == static_cast<std::size_t>(kBig - 1));
  StoreHarness fresh;
  recover(fresh.store, snap, h.log, h.log.last_seq(), 1, h.clock.now_ms());
  CHECK(dump(fresh.store, "st") == dump(h.store, "st"));
}

TEST_CASE("an xadd of an id the stream holds is malformed live, only counted on replay", "[stream][slices]") {
  Collection c(ValueType::stream);
  OpWriter w(ValueType::stream);
  stream_ops::xadd(w, sid(7), pack_fields({"f", "v"}));
  REQUIRE(c.apply(w.bytes()));
  const std::size_t bytes = c.bytes();
  CHECK_FALSE(c.apply(w.bytes()));
  CHECK(c.stream().entries_added == 1);
  CHECK(c.replay(w.bytes()));
  CHECK(c.size() == 1);
  CHECK(c.bytes() == bytes);
  CHECK(c.stream().entries_added == 2);
  CHECK(c.stream().last_id == sid(7));
}

}  // namespace mnemo::server::test
