// A key's collection as text, for comparing two stores in tests: its type,
// then its elements (hash fields and set members sorted), "" when absent.
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
