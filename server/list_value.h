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
#include <string_view>
#include <vector>

#include "server/pack.h"

namespace mnemo::server {

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

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // Estimated heap bytes, for MEMORY USAGE and --max-memory.
  std::size_t bytes() const { return node_bytes_ + nodes_.capacity() * sizeof(Pack); }
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
  // Adds the change of one node's footprint to node_bytes_.
  void account(std::size_t before, const Pack& after) { node_bytes_ = node_bytes_ - before + after.footprint(); }

  std::vector<Pack> nodes_;
  std::size_t size_ = 0;
  std::size_t node_bytes_ = 0;
};

}  // namespace mnemo::server
