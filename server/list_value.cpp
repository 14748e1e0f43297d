#include "server/list_value.h"

#include <cstdlib>
#include <cstring>
#include <new>

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
  if (i >= size()) return end();
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
  const std::size_t n_elems = size();
  if (i < n_elems / 2) {
    std::size_t node = 0;
    for (; i >= nodes_[node].count(); ++node) i -= nodes_[node].count();
    return {node, nodes_[node].offset_of(i)};
  }
  std::size_t from_end = n_elems - i;  // >= 1
  std::size_t node = nodes_.size() - 1;
  for (; from_end > nodes_[node].count(); --node) from_end -= nodes_[node].count();
  return {node, nodes_[node].offset_of(nodes_[node].count() - from_end)};
}

bool List::full(const Pack& n, std::string_view e) const {
  return n.count() >= kNodeEntries || (n.count() > 0 && n.used() + e.size() + 2 > compact_limits().list_node_bytes);
}

void List::push_front(std::string_view e) {
  if (nodes_.empty() || full(nodes_.front(), e)) nodes_.insert(0, Pack());
  const std::size_t before = nodes_.front().footprint();
  nodes_.front().push_front(e);
  account(before, nodes_.front());
  add_elements(1);
}

void List::push_back(std::string_view e) {
  if (nodes_.empty() || full(nodes_.back(), e)) nodes_.insert(nodes_.size(), Pack());
  const std::size_t before = nodes_.back().footprint();
  nodes_.back().push_back(e);
  account(before, nodes_.back());
  add_elements(1);
}

void List::drop_if_empty(std::size_t node) {
  if (!nodes_[node].empty()) return;
  nodes_.erase(node);
}

void List::pop_front() {
  const std::size_t before = nodes_.front().footprint();
  nodes_.front().erase(0);
  account(before, nodes_.front());
  add_elements(-1);
  drop_if_empty(0);
}

void List::pop_back() {
  Pack& n = nodes_.back();
  const std::size_t before = n.footprint();
  n.erase(n.last());
  account(before, n);
  add_elements(-1);
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
  if (i == size()) return push_back(e);
  const Place p = locate(i);
  Pack& n = nodes_[p.node];
  const std::size_t before = n.footprint();
  n.insert(p.off, e);
  account(before, n);
  add_elements(1);
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
  nodes_.insert(node + 1, std::move(second));
}

void List::erase(std::size_t i) {
  const Place p = locate(i);
  Pack& n = nodes_[p.node];
  const std::size_t before = n.footprint();
  n.erase(p.off);
  account(before, n);
  add_elements(-1);
  drop_if_empty(p.node);
}

void List::trim(std::size_t start, std::size_t count) {
  if (start == 0 && count == size()) return;
  List kept;
  auto it = at(start);
  for (std::size_t i = 0; i < count; ++i, ++it) kept.push_back(*it);
  *this = std::move(kept);
}

ListNodes::ListNodes(const ListNodes& o) {
  if (o.b_ == nullptr) return;
  reserve(o.b_->count);
  b_->elements = o.b_->elements;
  b_->node_bytes = o.b_->node_bytes;
  for (std::uint32_t i = 0; i < o.b_->count; ++i) {
    new (b_->nodes() + i) Pack(o.b_->nodes()[i]);
    ++b_->count;
  }
}

ListNodes::~ListNodes() {
  if (b_ == nullptr) return;
  for (std::uint32_t i = 0; i < b_->count; ++i) b_->nodes()[i].~Pack();
  std::free(b_);
}

void ListNodes::reserve(std::size_t cap) {
  if (cap == 0) cap = 1;
  void* q = std::realloc(b_, sizeof(Block) + cap * sizeof(Pack));
  if (q == nullptr) throw std::bad_alloc();
  if (b_ == nullptr) std::memset(q, 0, sizeof(Block));
  b_ = static_cast<Block*>(q);
  b_->cap = static_cast<std::uint32_t>(cap);
}

void ListNodes::insert(std::size_t i, Pack p) {
  const std::size_t n = size();
  if (b_ == nullptr || n == b_->cap) reserve(n < 4 ? n + 1 : n + n / 2);
  Pack* at = b_->nodes() + i;
  std::memmove(static_cast<void*>(at + 1), static_cast<const void*>(at), (n - i) * sizeof(Pack));
  new (at) Pack(std::move(p));
  ++b_->count;
}

void ListNodes::erase(std::size_t i) {
  Pack* at = b_->nodes() + i;
  at->~Pack();
  std::memmove(static_cast<void*>(at), static_cast<const void*>(at + 1), (b_->count - i - 1) * sizeof(Pack));
  --b_->count;
  if (b_->cap > 4 && b_->count < b_->cap / 4) reserve(b_->count);
}

}  // namespace mnemo::server
