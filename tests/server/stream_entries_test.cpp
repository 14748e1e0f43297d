// The packed entries of a stream (server/stream_entries.h, stream_node.h),
// checked against a std::map holding the same entries: round trips of the
// node encoding, XDEL of every position, trims and ranges across nodes,
// insertion below the newest id, huge and empty fields, and malformed nodes.
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include "server/stream.h"
#include "server/stream_entries.h"
#include "server/stream_node.h"

namespace mnemo::server::test {

namespace {

namespace sn = stream_node;
using Model = std::map<StreamId, std::string>;

std::string packed(std::vector<std::string_view> fv) { return pack_fields(fv); }

std::string entry(std::uint64_t i) {
  const std::string n = std::to_string(i);
  return packed({"a", n, "b", "x", "c", "yy"});
}

// Every way of reading the entries agrees with the model.
void same(const StreamEntries& e, const Model& m) {
  REQUIRE(e.size() == m.size());
  REQUIRE(e.empty() == m.empty());
  std::vector<std::pair<StreamId, std::string>> fwd(e.begin(), e.end());
  REQUIRE(fwd == std::vector<std::pair<StreamId, std::string>>(m.begin(), m.end()));
  std::vector<std::pair<StreamId, std::string>> back;
  for (auto it = e.end(); it != e.begin();) {
    --it;
    back.emplace_back(it->first, it->second);
  }
  REQUIRE(back == std::vector<std::pair<StreamId, std::string>>(m.rbegin(), m.rend()));
  REQUIRE(e.front_id() == (m.empty() ? StreamId{} : m.begin()->first));
  REQUIRE(e.back_id() == (m.empty() ? StreamId{} : m.rbegin()->first));
}

Model fill(StreamEntries& e, std::uint64_t n, std::uint64_t step = 1) {
  Model m;
  for (std::uint64_t i = 1; i <= n; ++i) {
    const StreamId id{i * step, i % 3};
    REQUIRE(e.insert(id, entry(i)));
    m[id] = entry(i);
  }
  return m;
}

}  // namespace

TEST_CASE("stream node: entries round trip, shared field names or not") {
  const StreamId key{1000, 5};
  std::string node;
  REQUIRE(sn::start(node, entry(1)));
  const std::vector<std::pair<StreamId, std::string>> in = {
      {key, entry(1)},
      {{1000, 6}, entry(2)},                                           // same ms: seq delta
      {{1001, 0}, packed({"other", "fields"})},                       // own field names
      {{1001, 1}, packed({"a", "", "b", "", "c", ""})},               // empty values
      {{UINT64_MAX - 1, UINT64_MAX}, packed({"", std::string(70000, 'h')})},  // wide delta, huge value
      {StreamId::max(), packed({})},                                   // no fields at all
  };
  StreamId prev = key;
  for (const auto& [id, p] : in) {
    REQUIRE(sn::append(node, prev, id, p));
    prev = id;
  }
  std::vector<sn::Slot> slots;
  REQUIRE(sn::index(node, key, slots));
  REQUIRE(slots.size() == in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    std::string out;
    REQUIRE(slots[i].id == in[i].first);
    REQUIRE_FALSE(slots[i].deleted);
    REQUIRE(sn::fields(node, slots[i].offset, out));
    REQUIRE(out == in[i].second);
  }
  // Shared names: the second entry costs its head, its seq and its values only.
  std::string two;
  REQUIRE(sn::start(two, entry(1)));
  REQUIRE(sn::append(two, key, key, entry(1)));
  const std::size_t one = two.size();
  REQUIRE(sn::append(two, key, {1000, 6}, entry(2)));
  REQUIRE(two.size() - one == 2 + 2 + 2 + 3);
}

TEST_CASE("stream node: malformed bytes are rejected, never read past") {
  std::string node;
  REQUIRE(sn::start(node, entry(1)));
  REQUIRE(sn::append(node, {5, 0}, {5, 0}, entry(1)));
  REQUIRE(sn::append(node, {5, 0}, {6, 0}, packed({"f", "v"})));
  std::vector<sn::Slot> slots;
  for (std::size_t cut = 0; cut < node.size(); ++cut) {
    const bool ok = sn::index(std::string_view(node).substr(0, cut), {5, 0}, slots);
    if (ok) {  // a cut between entries decodes to the entries before it
      for (const auto& s : slots) REQUIRE(s.id <= StreamId{6, 0});
    }
  }
  REQUIRE_FALSE(sn::index("\xff\xff\xff", {}, slots));
  REQUIRE_FALSE(sn::start(node, "\x05"));  // five pairs announced, none there
  std::string out;
  REQUIRE_FALSE(sn::fields(node, node.size() + 3, out));
}

TEST_CASE("stream entries: many nodes read like the map they replace") {
  StreamEntries e;
  Model m = fill(e, 1000);
  same(e, m);
  REQUIRE(e.node_count() == 10);  // 100 small entries a node, as Redis's stream-node-max-entries
  REQUIRE_FALSE(e.insert({5, 5 % 3}, entry(9)));  // present
  REQUIRE_FALSE(e.insert({2000, 0}, "\x07"));     // malformed
  // Ranges crossing nodes, both ways, from every kind of bound.
  for (std::uint64_t ms : {0ull, 1ull, 127ull, 128ull, 129ull, 500ull, 1000ull, 1001ull}) {
    for (std::uint64_t seq : {0ull, 1ull, 2ull}) {
      const StreamId id{ms, seq};
      auto lb = e.lower_bound(id);
      auto mlb = m.lower_bound(id);
      REQUIRE((lb == e.end()) == (mlb == m.end()));
      if (mlb != m.end()) REQUIRE(lb->first == mlb->first);
      auto ub = e.upper_bound(id);
      auto mub = m.upper_bound(id);
      REQUIRE((ub == e.end()) == (mub == m.end()));
      if (mub != m.end()) REQUIRE(ub->first == mub->first);
      REQUIRE(e.contains(id) == (m.count(id) == 1));
    }
  }
  REQUIRE(e.upper_bound(StreamId::max()) == e.end());
}

TEST_CASE("stream entries: XDEL of every position, and the nodes it empties go") {
  for (std::uint64_t pos = 1; pos <= 300; ++pos) {
    StreamEntries e;
    Model m = fill(e, 300);
    const StreamId id{pos, pos % 3};
    REQUIRE(e.erase(id));
    REQUIRE_FALSE(e.erase(id));
    m.erase(id);
    same(e, m);
    // Appends still follow a deleted newest entry.
    REQUIRE(e.insert({400, 0}, entry(400)));
    m[{400, 0}] = entry(400);
    same(e, m);
  }
  StreamEntries e;
  Model m = fill(e, 300);
  const std::size_t before = e.heap_bytes();
  for (std::uint64_t i = 1; i <= 128; ++i) REQUIRE(e.erase({i, i % 3}));
  REQUIRE(e.node_count() == 2);  // the first node is gone, with its bytes
  REQUIRE(e.heap_bytes() < before);
  for (std::uint64_t i = 129; i <= 300; ++i) REQUIRE(e.erase({i, i % 3}));
  same(e, {});
  REQUIRE(e.heap_bytes() == 0);
}

TEST_CASE("stream entries: trims across nodes keep what is at or above the point") {
  for (std::uint64_t cut : {0ull, 1ull, 2ull, 127ull, 128ull, 129ull, 256ull, 299ull, 300ull, 301ull, 5000ull}) {
    StreamEntries e;
    Model m = fill(e, 300);
    REQUIRE(e.erase({200, 200 % 3}));
    m.erase({200, 200 % 3});
    const StreamId point{cut, 1};
    e.erase_below(point);
    m.erase(m.begin(), m.lower_bound(point));
    same(e, m);
    REQUIRE(e.insert({9000, 0}, entry(9000)));
    m[{9000, 0}] = entry(9000);
    same(e, m);
  }
}

TEST_CASE("stream entries: an id below the newest goes in its place") {
  StreamEntries e;
  Model m = fill(e, 300, 10);
  for (std::uint64_t ms : {5ull, 15ull, 1275ull, 1285ull, 2995ull, 1ull}) {
    REQUIRE(e.insert({ms, 0}, packed({"late", std::to_string(ms)})));
    m[{ms, 0}] = packed({"late", std::to_string(ms)});
    same(e, m);
  }
  REQUIRE_FALSE(e.insert({15, 0}, entry(1)));
}

TEST_CASE("stream entries: a small entry costs far less than a map slot") {
  StreamEntries e;
  fill(e, 10000);
  REQUIRE(e.heap_bytes() / 10000 < 22);
}

TEST_CASE("stream node: Redis's listpack sizes decide where a node ends") {
  // A new node: 6 header bytes, the end byte, count 1, deleted 0, 1 field,
  // "name" (1 + 4 + 1 back length) and the zero terminator.
  REQUIRE(sn::lp_start_size(packed({"name", "v"})) == 7 + 2 + 2 + 2 + 6 + 2);
  std::string node;
  REQUIRE(sn::start(node, packed({"name", "v"})));
  // Same field names: flags, ms and seq differences, "v", the count.
  REQUIRE(sn::lp_entry_size(node, {5, 0}, {5, 0}, packed({"name", "v"})) == 2 + 2 + 2 + 3 + 2);
  // Integers as integers: 127 in one byte, 128 in two, -4097 in three, a
  // leading zero or a minus zero as strings; other names than the master's
  // add the count and the names; ms 70000 later in five, seq 0 - 3 in three.
  REQUIRE(sn::lp_entry_size(node, {5, 3}, {70005, 0}, packed({"name", "127"})) == 2 + 5 + 3 + 2 + 2);
  REQUIRE(sn::lp_entry_size(node, {5, 0}, {5, 1}, packed({"name", "128"})) == 2 + 2 + 2 + 3 + 2);
  REQUIRE(sn::lp_entry_size(node, {5, 0}, {5, 1}, packed({"name", "-4097"})) == 2 + 2 + 2 + 4 + 2);
  REQUIRE(sn::lp_entry_size(node, {5, 0}, {5, 1}, packed({"name", "007"})) == 2 + 2 + 2 + 5 + 2);
  REQUIRE(sn::lp_entry_size(node, {5, 0}, {5, 1}, packed({"name", "-0"})) == 2 + 2 + 2 + 4 + 2);
  REQUIRE(sn::lp_entry_size(node, {5, 0}, {5, 1}, packed({"x", "1", "y", "2"})) == 2 + 2 + 2 + 2 + (3 + 2 + 3 + 2) + 2);
  REQUIRE(sn::lp_entry_size(node, {5, 0}, {5, 1}, packed({"name", std::string(100, 'v')})) ==
          2 + 2 + 2 + (2 + 100 + 1) + 2);
  REQUIRE(sn::raw_size(packed({"name", "127", "x", ""})) == 8);

  // Entries of 200 bytes: a node ends once its listpack nears 4096 bytes.
  StreamEntries e;
  for (std::uint64_t i = 1; i <= 100; ++i) REQUIRE(e.insert({1, i}, packed({"name", std::string(200, 'v')})));
  REQUIRE(e.node_count() > 1);
  for (const auto& span : e.spans(100)) REQUIRE(span.live < 20);
  REQUIRE(e.opens_node(packed({"name", std::string(5000, 'v')})));
}

}  // namespace mnemo::server::test
