// Streams in the store: each write journals only its operations (the entry,
// the trim point, the delivery, the ack), an emptied stream still exists, and
// recovery from the journal or from a snapshot copy rebuilds the entries, the
// ids and counters, and the groups with their pending entries exactly.
#include <catch2/catch.hpp>

#include <functional>
#include <string>
#include <vector>

#include "server/collection.h"
#include "server/stream.h"
#include "store_test_support.h"

namespace mnemo::server::test {

namespace {

using Keys = std::vector<std::string_view>;
using Fault = std::optional<protocol::Error>;

void write(Store& s, const std::function<void(OpWriter&)>& fn) {
  const Keys keys{"s"};
  REQUIRE(s.collections(0, keys, true, [&](CollectionTxn& t) -> Fault {
            fn(t.ops(0, ValueType::stream));
            return {};
          }).ok());
}

// The whole stream as its operation list ("" when absent).
std::string dump(Store& s) {
  const Keys keys{"s"};
  std::string out;
  REQUIRE(s.collections(0, keys, false, [&](CollectionTxn& t) -> Fault {
            if (t.get(0) != nullptr) out = t.get(0)->encode();
            return {};
          }).ok());
  return out;
}

const Stream* stream(Store& s, std::string& keep) {
  keep = dump(s);
  static Collection c(ValueType::stream);
  c = Collection(ValueType::stream);
  return keep.empty() || !c.apply(keep) ? nullptr : &c.stream();
}

void replay(FakeLog& log, Store& into) {
  for (const auto& batch : log.batches()) {
    for (const Change& c : batch) into.apply_recovered(c);
  }
  into.finish_recovery(0);
}

void build(Store& s) {
  for (std::uint64_t i = 1; i <= 5; ++i) {
    write(s, [&](OpWriter& w) { stream_ops::xadd(w, {i, 0}, pack_fields({"f", "v" + std::to_string(i)})); });
  }
  write(s, [](OpWriter& w) { stream_ops::gcreate(w, "g", {}, 0); });
  write(s, [](OpWriter& w) {
    stream_ops::pend(w, "g", "c1", {1, 0}, 100, 1);
    stream_ops::pend(w, "g", "c2", {2, 0}, 100, 1);
    stream_ops::pend(w, "g", "c2", {3, 0}, 100, 1);
    stream_ops::gsetid(w, "g", {3, 0}, 3);
  });
  write(s, [](OpWriter& w) { stream_ops::ack(w, "g", {2, 0}); });
  write(s, [](OpWriter& w) { stream_ops::pend(w, "g", "c1", {3, 0}, 200, 2); });
  write(s, [](OpWriter& w) { stream_ops::xdel(w, {4, 0}); });
  write(s, [](OpWriter& w) { stream_ops::xtrim(w, {2, 0}); });
}

}  // namespace

TEST_CASE("a stream write journals only its operations", "[store][stream]") {
  StoreHarness h;
  build(h.store);
  std::string keep;
  const Stream* s = stream(h.store, keep);
  REQUIRE(s != nullptr);
  CHECK(s->entries.size() == 3);  // 1 trimmed, 4 deleted
  CHECK(s->first_id() == StreamId{2, 0});
  CHECK(s->last_id == StreamId{5, 0});
  CHECK(s->max_deleted == StreamId{4, 0});
  CHECK(s->entries_added == 5);
  const StreamGroup& g = *s->group("g");
  CHECK(g.last_id == StreamId{3, 0});
  CHECK(g.entries_read == 3);
  REQUIRE(g.pel.size() == 2);
  CHECK(g.pel.at({1, 0}).consumer == "c1");
  CHECK(g.pel.at({3, 0}).consumer == "c1");
  CHECK(g.pel.at({3, 0}).delivery_count == 2);
  CHECK(g.consumers.at("c2").pending.empty());
  CHECK(g.consumers.at("c1").pending.size() == 2);
  // The trim's journal value is a few bytes, not the stream.
  const auto batches = h.log.batches();
  const Change& trim = batches.back().back();
  CHECK(trim.kind == ChangeKind::elements);
  CHECK(trim.value.size() < 8);
}

TEST_CASE("an emptied stream still exists", "[store][stream]") {
  StoreHarness h;
  write(h.store, [](OpWriter& w) { stream_ops::gcreate(w, "g", {}, -1); });
  const Keys keys{"s"};
  CHECK(*h.store.exists(0, keys) == 1);
  write(h.store, [](OpWriter& w) { stream_ops::xadd(w, {1, 0}, pack_fields({"a", "b"})); });
  write(h.store, [](OpWriter& w) { stream_ops::xdel(w, {1, 0}); });
  std::string keep;
  const Stream* s = stream(h.store, keep);
  REQUIRE(s != nullptr);
  CHECK(s->entries.empty());
  CHECK(s->last_id == StreamId{1, 0});
}

TEST_CASE("recovery rebuilds a stream and its groups exactly", "[store][stream]") {
  StoreHarness h;
  build(h.store);
  SECTION("from the journal") {
    StoreHarness fresh;
    replay(h.log, fresh.store);
    CHECK(dump(fresh.store) == dump(h.store));
  }
  SECTION("from a snapshot copy") {
    persistence::SnapshotBuffer buf;
    for (std::size_t i = 0; i < h.store.shard_count(); ++i) h.store.copy_chunk(i, nullptr, 1000, buf);
    StoreHarness fresh;
    for (const auto& e : buf.entries()) {
      CHECK(e.type == 6);
      fresh.store.apply_recovered(persistence::ChangeRef(e.version, ChangeKind::elements, e.key, e.value,
                                                         e.expire_at_ms, e.db));
    }
    fresh.store.finish_recovery(0);
    CHECK(dump(fresh.store) == dump(h.store));
  }
}

TEST_CASE("the stream decoder refuses malformed operations", "[stream]") {
  Collection c(ValueType::stream);
  std::string ops(1, 6);
  ops += '\x14';  // xadd with no arguments
  CHECK_FALSE(c.apply(ops));
  OpWriter w(ValueType::stream);
  stream_ops::xadd(w, {1, 0}, pack_fields({"a", "b"}));
  stream_ops::xadd(w, {1, 0}, pack_fields({"a", "b"}));
  CHECK_FALSE(Collection(ValueType::stream).apply(w.bytes()));  // an id added twice
  std::vector<std::string_view> out;
  CHECK_FALSE(unpack_fields("\x05", out));
  CHECK(unpack_fields(pack_fields({"f", "v", "g", ""}), out));
  CHECK(out.size() == 4);
}

}  // namespace mnemo::server::test
