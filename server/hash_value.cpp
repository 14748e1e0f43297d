#include "server/hash_value.h"

#include <algorithm>

namespace mnemo::server {

namespace {
// Abseil's heterogeneous lookup takes its own string_view type.
absl::string_view av(std::string_view s) { return {s.data(), s.size()}; }
}  // namespace

const std::string* Hash::find(std::string_view field) const {
  if (!small_) {
    auto it = table_.find(av(field));
    return it == table_.end() ? nullptr : &it->second;
  }
  for (const auto& [f, v] : fields_) {
    if (f == field) return &v;
  }
  return nullptr;
}

std::size_t Hash::set(std::string_view field, std::string_view value) {
  if (small_ && (field.size() > kListpackValue || value.size() > kListpackValue)) grow();
  if (!small_) {
    auto [it, added] = table_.try_emplace(av(field));
    const std::size_t old = added ? 0 : it->second.size() + 1;
    it->second.assign(value);
    return old;
  }
  for (auto& [f, v] : fields_) {
    if (f != field) continue;
    const std::size_t old = v.size() + 1;
    v.assign(value);
    return old;
  }
  fields_.emplace_back(std::string(field), std::string(value));
  if (fields_.size() > kListpackEntries) grow();
  return 0;
}

std::size_t Hash::erase(std::string_view field) {
  if (!small_) {
    auto it = table_.find(av(field));
    if (it == table_.end()) return 0;
    const std::size_t old = it->second.size() + 1;
    table_.erase(it);
    return old;
  }
  auto it = std::find_if(fields_.begin(), fields_.end(), [&](const auto& kv) { return kv.first == field; });
  if (it == fields_.end()) return 0;
  const std::size_t old = it->second.size() + 1;
  fields_.erase(it);  // keeps the order of the rest, as a listpack does
  return old;
}

void Hash::grow() {
  table_.reserve(fields_.size() + 1);
  for (auto& [f, v] : fields_) table_.emplace(std::move(f), std::move(v));
  std::vector<std::pair<std::string, std::string>>().swap(fields_);
  small_ = false;
}

Hash::iterator Hash::begin() const {
  iterator it;
  it.small_ = small_;
  if (small_) it.small_it_ = fields_.begin();
  else it.big_it_ = table_.begin();
  return it;
}

Hash::iterator Hash::end() const {
  iterator it;
  it.small_ = small_;
  if (small_) it.small_it_ = fields_.end();
  else it.big_it_ = table_.end();
  return it;
}

}  // namespace mnemo::server
