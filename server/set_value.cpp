#include "server/set_value.h"

#include <charconv>
#include <cstdint>

#include "server/compact_limits.h"

namespace mnemo::server {

namespace {
absl::string_view sv_av(std::string_view s) { return {s.data(), s.size()}; }
// A table slot: the string object and the control byte, roughly.
constexpr std::size_t kSetSlotBytes = 40;
std::size_t member_cost(std::string_view m) { return heap_string_bytes(m.size()) + kSetSlotBytes; }

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
  return small_ ? members_.find(m) != Pack::npos : big_->table.contains(sv_av(m));
}

bool Set::insert(std::string_view m) {
  if (!small_) {
    const bool added = big_->table.emplace(m).second;
    if (added) big_->bytes += member_cost(m);
    return added;
  }
  if (members_.find(m) != Pack::npos) return false;
  const CompactLimits& lim = compact_limits();
  all_integers_ = all_integers_ && set_member_is_integer(m);
  const std::size_t n = members_.count() + 1;
  const bool fits = all_integers_ ? n <= lim.set_intset_entries : n <= lim.set_entries && m.size() <= lim.set_value;
  if (!fits) {
    grow();
    return insert(m);
  }
  members_.push_back(m);
  return true;
}

bool Set::erase(std::string_view m) {
  if (!small_) {
    auto it = big_->table.find(sv_av(m));
    if (it == big_->table.end()) return false;
    big_->bytes -= member_cost(m);
    big_->table.erase(it);
    return true;
  }
  const std::size_t off = members_.find(m);
  if (off == Pack::npos) return false;
  members_.erase(off);
  return true;
}

void Set::grow() {
  big_ = std::make_unique<Big>();
  big_->table.reserve(members_.count() + 1);
  for (std::string_view m : members_) {
    big_->table.emplace(m);
    big_->bytes += member_cost(m);
  }
  members_ = Pack();
  small_ = false;
}

std::string_view Set::iterator::operator*() const {
  if (!small_) return *big_it_;
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
  it.small_ = small_;
  if (small_) it.off_ = 0;
  else it.big_it_ = big_->table.begin();
  return it;
}

Set::iterator Set::end() const {
  iterator it;
  it.s_ = this;
  it.small_ = small_;
  if (small_) it.off_ = members_.used();
  else it.big_it_ = big_->table.end();
  return it;
}

}  // namespace mnemo::server
