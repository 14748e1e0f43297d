#include "server/hash_value.h"

#include "server/compact_limits.h"

namespace mnemo::server {

namespace {
// Abseil's heterogeneous lookup takes its own string_view type.
absl::string_view hv_av(std::string_view s) { return {s.data(), s.size()}; }
// A table slot: the two strings' objects and the control byte, roughly.
constexpr std::size_t kHashSlotBytes = 72;
std::size_t field_cost(std::string_view f, std::string_view v) {
  return heap_string_bytes(f.size()) + heap_string_bytes(v.size()) + kHashSlotBytes;
}
}  // namespace

std::optional<std::string_view> Hash::find(std::string_view field) const {
  if (!small_) {
    auto it = big_->table.find(hv_av(field));
    if (it == big_->table.end()) return std::nullopt;
    return std::string_view(it->second);
  }
  const std::size_t off = fields_.find(field, 2);
  if (off == Pack::npos) return std::nullopt;
  std::size_t next = 0;
  return fields_.at(fields_.next(off), &next);
}

bool Hash::set(std::string_view field, std::string_view value) {
  const CompactLimits& lim = compact_limits();
  if (small_ && (field.size() > lim.hash_value || value.size() > lim.hash_value)) grow();
  if (!small_) {
    auto [it, added] = big_->table.try_emplace(hv_av(field));
    if (!added) big_->bytes -= field_cost(it->first, it->second);
    it->second.assign(value);
    big_->bytes += field_cost(it->first, it->second);
    return added;
  }
  const std::size_t off = fields_.find(field, 2);
  if (off != Pack::npos) {
    fields_.replace(fields_.next(off), value);
    return false;
  }
  fields_.push_back(field);
  fields_.push_back(value);
  if (fields_.count() / 2 > lim.hash_entries) grow();
  return true;
}

bool Hash::erase(std::string_view field) {
  if (!small_) {
    auto it = big_->table.find(hv_av(field));
    if (it == big_->table.end()) return false;
    big_->bytes -= field_cost(it->first, it->second);
    big_->table.erase(it);
    return true;
  }
  const std::size_t off = fields_.find(field, 2);
  if (off == Pack::npos) return false;
  fields_.erase(off, 2);  // keeps the order of the rest, as a listpack does
  return true;
}

void Hash::grow() {
  big_ = std::make_unique<Big>();
  big_->table.reserve(fields_.count() / 2 + 1);
  for (auto it = fields_.begin(); it != fields_.end(); ++it) {
    const std::string_view f = *it;
    const std::string_view v = *++it;
    big_->table.emplace(f, v);
    big_->bytes += field_cost(f, v);
  }
  fields_ = Pack();
  small_ = false;
}

Hash::Field Hash::iterator::operator*() const {
  if (!small_) return {big_it_->first, big_it_->second};
  std::size_t next = 0;
  const std::string_view f = h_->fields_.at(off_, &next);
  return {f, h_->fields_.at(next, &next)};
}

Hash::iterator& Hash::iterator::operator++() {
  if (small_) off_ = h_->fields_.next(h_->fields_.next(off_));
  else ++big_it_;
  return *this;
}

Hash::iterator Hash::begin() const {
  iterator it;
  it.h_ = this;
  it.small_ = small_;
  if (small_) it.off_ = 0;
  else it.big_it_ = big_->table.begin();
  return it;
}

Hash::iterator Hash::end() const {
  iterator it;
  it.h_ = this;
  it.small_ = small_;
  if (small_) it.off_ = fields_.used();
  else it.big_it_ = big_->table.end();
  return it;
}

}  // namespace mnemo::server
