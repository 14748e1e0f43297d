#include "server/list_value.h"

#include "server/compact_limits.h"

namespace mnemo::server {

std::string_view List::iterator::operator*() const {
  std::size_t next = 0;
  return l_->nodes_[node_].at(off_, &next);
}

List::iterator& List::iterator::operator++() {
  off_ = l_->nodes_[node_].next(off_);
  if (off_ == l_->nodes_[node_].used()) {
    ++node_;
    off_ = 0;
  }
  return *this;
}

List::iterator List::begin() const {
  iterator it;
  it.l_ = this;
  return it;
}

List::iterator List::end() const {
  iterator it;
  it.l_ = this;
  it.node_ = nodes_.size();
  return it;
}

List::iterator List::at(std::size_t i) const {
  if (i >= size_) return end();
  const Place p = locate(i);
  iterator it;
  it.l_ = this;
  it.node_ = p.node;
  it.off_ = p.off;
  return it;
}

std::string_view List::back() const {
  const Pack& n = nodes_.back();
  std::size_t next = 0;
  return n.at(n.last(), &next);
}

List::Place List::locate(std::size_t i) const {
  if (i < size_ / 2) {
    std::size_t node = 0;
    for (; i >= nodes_[node].count(); ++node) i -= nodes_[node].count();
    return {node, nodes_[node].offset_of(i)};
  }
  std::size_t from_end = size_ - i;  // >= 1
  std::size_t node = nodes_.size() - 1;
  for (; from_end > nodes_[node].count(); --node) from_end -= nodes_[node].count();
  return {node, nodes_[node].offset_of(nodes_[node].count() - from_end)};
}

bool List::full(const Pack& n, std::string_view e) const {
  return n.count() >= kNodeEntries || (n.count() > 0 && n.used() + e.size() + 2 > compact_limits().list_node_bytes);
}

void List::push_front(std::string_view e) {
  if (nodes_.empty() || full(nodes_.front(), e)) nodes_.insert(nodes_.begin(), Pack());
  const std::size_t before = nodes_.front().footprint();
  nodes_.front().push_front(e);
  account(before, nodes_.front());
  ++size_;
}

void List::push_back(std::string_view e) {
  if (nodes_.empty() || full(nodes_.back(), e)) nodes_.emplace_back();
  const std::size_t before = nodes_.back().footprint();
  nodes_.back().push_back(e);
  account(before, nodes_.back());
  ++size_;
}

void List::drop_if_empty(std::size_t node) {
  if (!nodes_[node].empty()) return;
  nodes_.erase(nodes_.begin() + static_cast<std::ptrdiff_t>(node));
  if (nodes_.capacity() > 4 && nodes_.size() < nodes_.capacity() / 4) nodes_.shrink_to_fit();
}

void List::pop_front() {
  const std::size_t before = nodes_.front().footprint();
  nodes_.front().erase(0);
  account(before, nodes_.front());
  --size_;
  drop_if_empty(0);
}

void List::pop_back() {
  Pack& n = nodes_.back();
  const std::size_t before = n.footprint();
  n.erase(n.last());
  account(before, n);
  --size_;
  drop_if_empty(nodes_.size() - 1);
}

void List::set(std::size_t i, std::string_view e) {
  const Place p = locate(i);
  Pack& n = nodes_[p.node];
  const std::size_t before = n.footprint();
  n.replace(p.off, e);
  account(before, n);
}

void List::insert(std::size_t i, std::string_view e) {
  if (i == size_) return push_back(e);
  const Place p = locate(i);
  Pack& n = nodes_[p.node];
  const std::size_t before = n.footprint();
  n.insert(p.off, e);
  account(before, n);
  ++size_;
  if (n.count() > kNodeEntries || (n.count() > 1 && n.used() > compact_limits().list_node_bytes)) split(p.node);
}

// Moves the second half of a node into a new node after it.
void List::split(std::size_t node) {
  Pack second;
  Pack& n = nodes_[node];
  const std::size_t half = n.count() / 2;
  const std::size_t cut = n.offset_of(half);
  for (auto it = Pack::iterator(n.begin()); it != n.end(); ++it) {
    if (it.offset() >= cut) second.push_back(*it);
  }
  const std::size_t before = n.footprint();
  n.erase(cut, n.count() - half);
  account(before, n);
  account(0, second);
  nodes_.insert(nodes_.begin() + static_cast<std::ptrdiff_t>(node) + 1, std::move(second));
}

void List::erase(std::size_t i) {
  const Place p = locate(i);
  Pack& n = nodes_[p.node];
  const std::size_t before = n.footprint();
  n.erase(p.off);
  account(before, n);
  --size_;
  drop_if_empty(p.node);
}

void List::trim(std::size_t start, std::size_t count) {
  if (start == 0 && count == size_) return;
  List kept;
  auto it = at(start);
  for (std::size_t i = 0; i < count; ++i, ++it) kept.push_back(*it);
  *this = std::move(kept);
}

}  // namespace mnemo::server
