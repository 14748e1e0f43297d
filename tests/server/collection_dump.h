// A key's collection as text, for comparing two stores in tests: its type,
// then its elements (hash fields and set members sorted; a stream's
// entries, counters and groups), "" when absent.
// Threads: as Store::collections (a read).
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/collection.h"
#include "server/store.h"
#include "server/store_types.h"

namespace mnemo::server::test {

// A stream's entries, counters, groups, consumers and pending entries.
inline void dump_stream(const Stream& st, std::vector<std::string>& items) {
  for (const auto& [id, packed] : st.entries) items.push_back(id.str() + ":" + packed);
  items.push_back("last=" + st.last_id.str() + " added=" + std::to_string(st.entries_added) +
                  " maxdel=" + st.max_deleted.str());
  for (const auto& [name, g] : st.groups) {
    items.push_back("group " + name + " " + g.last_id.str() + " read=" + std::to_string(g.entries_read));
    for (const auto& [cname, con] : g.consumers) {
      std::string line = "consumer " + cname + " seen=" + std::to_string(con.seen_time);
      for (StreamId id : con.pending) line += " " + id.str();
      items.push_back(line);
    }
    for (const auto& [id, n] : g.pel) {
      items.push_back("pel " + id.str() + " " + n.consumer + " t=" + std::to_string(n.delivery_time) +
                      " n=" + std::to_string(n.delivery_count));
    }
  }
}

inline std::string dump(Store& s, std::string_view key) {
  const std::vector<std::string_view> keys{key};
  std::vector<std::string> items;
  REQUIRE(s.collections(0, keys, false, [&](CollectionTxn& t) -> std::optional<protocol::Error> {
            const Collection* c = t.get(0);
            if (c == nullptr) return {};
            items.push_back(std::string(type_name(c->type())));
            if (c->type() == ValueType::hash) {
              for (const auto& [f, v] : c->hash()) items.push_back(std::string(f) + "=" + std::string(v));
            } else if (c->type() == ValueType::set) {
              for (std::string_view m : c->set()) items.emplace_back(m);
            } else if (c->type() == ValueType::zset) {
              for (const ZSet::Entry e : c->zset()) items.push_back(std::string(e.member) + "@" + std::to_string(e.score));
            } else if (c->type() == ValueType::stream) {
              dump_stream(c->stream(), items);
            } else {
              for (std::string_view e : c->list()) items.emplace_back(e);
            }
            return {};
          }).ok());
  if (!items.empty() && (items[0] == "hash" || items[0] == "set")) std::sort(items.begin() + 1, items.end());
  std::string out;
  for (const auto& i : items) out += i + ",";
  return out;
}

}  // namespace mnemo::server::test
