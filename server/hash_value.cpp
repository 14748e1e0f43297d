#include "server/hash_value.h"

#include "server/compact_limits.h"

namespace mnemo::server {

std::optional<std::string_view> Hash::find(std::string_view field) const {
  if (!small()) {
    BlobTable::Item item;
    if (big_->find(field, item) == nullptr) return std::nullopt;
    return item.value;
  }
  const std::size_t off = fields_.find(field, 2);
  if (off == Pack::npos) return std::nullopt;
  std::size_t next = 0;
  return fields_.at(fields_.next(off), &next);
}

bool Hash::set(std::string_view field, std::string_view value) {
  const CompactLimits& lim = compact_limits();
  if (small() && (field.size() > lim.hash_value || value.size() > lim.hash_value)) grow();
  if (!small()) return big_->set(field, value);
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
  if (!small()) return big_->erase(field);
  const std::size_t off = fields_.find(field, 2);
  if (off == Pack::npos) return false;
  fields_.erase(off, 2);  // keeps the order of the rest, as a listpack does
  return true;
}

void Hash::grow() {
  big_ = std::make_unique<BlobTable>();
  big_->reserve(fields_.count() / 2 + 1);
  for (auto it = fields_.begin(); it != fields_.end(); ++it) {
    const std::string_view f = *it;
    big_->set(f, *++it);
  }
  fields_ = Pack();
}

Hash::Field Hash::iterator::operator*() const {
  if (!small_) {
    const BlobTable::Item item = *big_it_;
    return {item.key, item.value};
  }
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
  it.small_ = small();
  if (small()) it.off_ = 0;
  else it.big_it_ = big_->begin();
  return it;
}

Hash::iterator Hash::end() const {
  iterator it;
  it.h_ = this;
  it.small_ = small();
  if (small()) it.off_ = fields_.used();
  else it.big_it_ = big_->end();
  return it;
}

}  // namespace mnemo::server
