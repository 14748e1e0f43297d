#include "server/set_value.h"

#include <charconv>
#include <cstdint>

#include "server/compact_limits.h"

namespace mnemo::server {

namespace {
// Whether m reads as a 64-bit integer in canonical form (Redis's intset test).
bool set_member_is_integer(std::string_view m) {
  if (m.empty() || m.size() > 20 || m == "-0") return false;
  const std::size_t digits = m[0] == '-' ? 1 : 0;
  if (m.size() == digits || (m[digits] == '0' && m.size() > digits + 1)) return false;
  std::int64_t v = 0;
  const auto r = std::from_chars(m.data(), m.data() + m.size(), v);
  return r.ec == std::errc() && r.ptr == m.data() + m.size();
}
}  // namespace

bool Set::contains(std::string_view m) const {
  BlobTable::Item item;
  return small() ? members_.find(m) != Pack::npos : big_->find(m, item) != nullptr;
}

bool Set::insert(std::string_view m) {
  if (!small()) return !contains(m) && big_->set(m, {});
  if (members_.find(m) != Pack::npos) return false;
  const CompactLimits& lim = compact_limits();
  const bool ints = !members_.flag() && set_member_is_integer(m);
  const std::size_t n = members_.count() + 1;
  const bool fits = ints ? n <= lim.set_intset_entries : n <= lim.set_entries && m.size() <= lim.set_value;
  if (!fits) {
    grow();
    return insert(m);
  }
  members_.push_back(m);
  if (!ints) members_.set_flag();
  return true;
}

bool Set::erase(std::string_view m) {
  if (!small()) return big_->erase(m);
  const std::size_t off = members_.find(m);
  if (off == Pack::npos) return false;
  members_.erase(off);
  return true;
}

void Set::grow() {
  big_ = std::make_unique<BlobTable>();
  big_->reserve(members_.count() + 1);
  for (std::string_view m : members_) big_->set(m, {});
  members_ = Pack();
}

std::string_view Set::iterator::operator*() const {
  if (!small_) return (*big_it_).key;
  std::size_t next = 0;
  return s_->members_.at(off_, &next);
}

Set::iterator& Set::iterator::operator++() {
  if (small_) off_ = s_->members_.next(off_);
  else ++big_it_;
  return *this;
}

Set::iterator Set::begin() const {
  iterator it;
  it.s_ = this;
  it.small_ = small();
  if (small()) it.off_ = 0;
  else it.big_it_ = big_->begin();
  return it;
}

Set::iterator Set::end() const {
  iterator it;
  it.s_ = this;
  it.small_ = small();
  if (small()) it.off_ = members_.used();
  else it.big_it_ = big_->end();
  return it;
}

}  // namespace mnemo::server
