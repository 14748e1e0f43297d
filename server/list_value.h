// The value of a list key: a sequence of packed nodes (pack.h) of at most
// --list-max-compact-bytes bytes (8 KB, Redis's list-max-listpack-size -2)
// and 128 entries each, Redis 7.0's quicklist of listpacks: a list of any
// length costs a few bytes of overhead per element, pushes and pops at both
// ends touch one node, and an index walks the nodes' counts (from the nearer
// end) and then one node. OBJECT ENCODING answers "quicklist", as Redis 7.0.
//
// Threads: no synchronisation; a List belongs to its collection (collection.h).
#pragma once

#include <cstddef>
#include <iterator>
#include <cstdint>
#include <string_view>
#include <utility>

#include "server/pack.h"

namespace mnemo::server {

// A list's nodes and its two counts in one heap block (none while the list
// has no node), so that a list is one word and a key's Collection stays
// small. A Pack is one owning pointer, so nodes move as bytes when the block
// grows or a node is inserted or erased.
class ListNodes {
 public:
  ListNodes() = default;
  ListNodes(const ListNodes& o);
  ListNodes(ListNodes&& o) noexcept : b_(o.b_) { o.b_ = nullptr; }
  ListNodes& operator=(ListNodes o) noexcept {
    std::swap(b_, o.b_);
    return *this;
  }
  ~ListNodes();

  std::size_t size() const { return b_ == nullptr ? 0 : b_->count; }
  bool empty() const { return size() == 0; }
  // Heap bytes of the block itself (its header and node slots).
  std::size_t block_bytes() const { return b_ == nullptr ? 0 : sizeof(Block) + b_->cap * sizeof(Pack); }
  Pack& operator[](std::size_t i) { return b_->nodes()[i]; }
  const Pack& operator[](std::size_t i) const { return b_->nodes()[i]; }
  Pack& front() { return (*this)[0]; }
  const Pack& front() const { return (*this)[0]; }
  Pack& back() { return (*this)[size() - 1]; }
  const Pack& back() const { return (*this)[size() - 1]; }

  // Inserts p before node i (i == size() appends).
  void insert(std::size_t i, Pack p);
  // Removes node i, and gives slack back when few nodes are left.
  void erase(std::size_t i);

  // The list's element count and its nodes' footprint (0 while there is no block;
  // the setters need a block, i.e. at least one node inserted).
  std::size_t elements() const { return b_ == nullptr ? 0 : b_->elements; }
  std::size_t node_bytes() const { return b_ == nullptr ? 0 : b_->node_bytes; }
  void set_elements(std::size_t n) { b_->elements = n; }
  void set_node_bytes(std::size_t n) { b_->node_bytes = n; }

 private:
  struct Block {
    std::uint32_t count;
    std::uint32_t cap;
    std::uint64_t elements;
    std::uint64_t node_bytes;
    Pack* nodes() { return reinterpret_cast<Pack*>(this + 1); }
  };
  void reserve(std::size_t cap);

  Block* b_ = nullptr;
};

class List {
 public:
  static constexpr std::size_t kNodeEntries = 128;

  // Forward iteration: `for (std::string_view e : list)`, or from at(i).
  class iterator : public ForwardViews<std::string_view> {
   public:
    std::string_view operator*() const;
    iterator& operator++();
    bool operator==(const iterator& o) const { return node_ == o.node_ && off_ == o.off_; }

   private:
    friend class List;
    const List* l_ = nullptr;
    std::size_t node_ = 0;
    std::size_t off_ = 0;
  };

  std::size_t size() const { return nodes_.elements(); }
  bool empty() const { return size() == 0; }
  // Estimated heap bytes, for MEMORY USAGE and --max-memory.
  std::size_t bytes() const { return nodes_.node_bytes() + nodes_.block_bytes(); }
  // The number of nodes (for tests of the node bounds).
  std::size_t nodes() const { return nodes_.size(); }

  std::string_view operator[](std::size_t i) const { return *at(i); }
  std::string_view front() const { return *begin(); }
  std::string_view back() const;

  void push_front(std::string_view e);
  void push_back(std::string_view e);
  void pop_front();
  void pop_back();
  // The element at i (< size()) becomes e.
  void set(std::size_t i, std::string_view e);
  // Inserts e before index i (i == size() appends).
  void insert(std::size_t i, std::string_view e);
  // Removes the element at i (< size()).
  void erase(std::size_t i);
  // Keeps `count` elements from `start` (start + count <= size()).
  void trim(std::size_t start, std::size_t count);

  iterator begin() const;
  iterator end() const;
  // An iterator at index i (end() when i >= size()).
  iterator at(std::size_t i) const;

 private:
  struct Place {
    std::size_t node;
    std::size_t off;
  };
  Place locate(std::size_t i) const;
  bool full(const Pack& n, std::string_view e) const;
  void split(std::size_t node);
  void drop_if_empty(std::size_t node);
  // Adds the change of one node's footprint to the nodes' total.
  void account(std::size_t before, const Pack& after) {
    nodes_.set_node_bytes(nodes_.node_bytes() - before + after.footprint());
  }
  void add_elements(std::ptrdiff_t d) { nodes_.set_elements(nodes_.elements() + d); }

  ListNodes nodes_;
};

}  // namespace mnemo::server
