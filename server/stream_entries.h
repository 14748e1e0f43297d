// A stream's entries, packed: an ordered map from each node's first id to a
// node of up to 100 entries in one buffer (stream_node.h: ids delta-coded,
// the first entry's field names shared by later entries with the same ones,
// XDEL as a flag), ending where Redis's node for the same entries would end.
// About 16 bytes per small entry where a map slot per entry took 60.
//
// It reads like the ordered map it replaced: iterators go over the live
// entries in id order, both ways, and yield (id, fields in pack_fields'
// encoding). An iterator owns the value it yields (decoded when it moves),
// so a view into ->second lasts only until the iterator moves or dies.
// Iterators are invalidated by any change.
//
// Threads: none of its own; it belongs to its Stream.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/btree_map.h"
#include "server/stream_id.h"
#include "server/stream_node.h"

namespace mnemo::server {

struct StreamNode {
  std::string bytes;          // stream_node.h's encoding
  StreamId last;              // its newest entry, deleted or not
  std::uint32_t count = 0;    // entries, deleted ones included
  std::uint32_t live = 0;     // entries not deleted
  std::uint32_t lp_bytes = 0; // Redis's listpack bytes for the same entries (saturates)
};

// A node as trimming sees it (Redis's XTRIM `~` removes whole nodes).
struct StreamNodeSpan {
  StreamId key;   // its first entry, deleted or not
  StreamId last;  // its last entry, deleted or not
  std::uint32_t live = 0;
};

class StreamEntries {
  using Nodes = absl::btree_map<StreamId, StreamNode>;

 public:
  class const_iterator {
   public:
    using iterator_category = std::bidirectional_iterator_tag;
    using value_type = std::pair<StreamId, std::string>;
    using difference_type = std::ptrdiff_t;
    using pointer = const value_type*;
    using reference = const value_type&;

    const_iterator() = default;
    reference operator*() const { return cur_; }
    pointer operator->() const { return &cur_; }
    const_iterator& operator++();
    const_iterator& operator--();
    bool operator==(const const_iterator& o) const { return node_ == o.node_ && i_ == o.i_; }

   private:
    friend class StreamEntries;
    const_iterator(const Nodes* nodes, Nodes::const_iterator node) : nodes_(nodes), node_(node) {}
    // Loads node_'s live entries (past the end: none) and points at entry i.
    void load(bool from_back);
    void settle();  // decodes the current entry into cur_

    const Nodes* nodes_ = nullptr;
    Nodes::const_iterator node_;
    std::vector<stream_node::Slot> slots_;  // node_'s live entries
    std::size_t i_ = 0;
    value_type cur_;
  };
  using iterator = const_iterator;

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // Heap bytes: node buffers (their capacity) and map slots.
  std::size_t heap_bytes() const { return heap_; }
  std::size_t node_count() const { return nodes_.size(); }

  const_iterator begin() const;
  const_iterator end() const { return const_iterator(&nodes_, nodes_.end()); }
  const_iterator lower_bound(StreamId id) const;  // first entry >= id
  const_iterator upper_bound(StreamId id) const;  // first entry > id
  const_iterator find(StreamId id) const;
  bool contains(StreamId id) const { return find(id) != end(); }
  // The first and last live ids ({} when empty).
  StreamId front_id() const;
  StreamId back_id() const;

  // Adds an entry (packed: pack_fields' encoding); false when id is present
  // or packed is malformed.
  bool insert(StreamId id, std::string_view packed);
  // Deletes an entry; false when absent.
  bool erase(StreamId id);
  // Deletes every entry below id.
  void erase_below(StreamId id);

  // The nodes from the first, at most `max` of them.
  std::vector<StreamNodeSpan> spans(std::size_t max) const;
  // Whether an entry with these fields, appended now, would start a node.
  bool opens_node(std::string_view packed) const;

 private:
  Nodes::iterator node_for(StreamId id);  // the node that holds or would hold id
  bool append(StreamId id, std::string_view packed);
  void rewrite(Nodes::iterator it, StreamId drop_below, const std::pair<StreamId, std::string_view>* add);
  void seal(StreamNode& n);
  static bool takes(const StreamNode& n, std::size_t raw);
  static void add_lp(StreamNode& n, std::size_t lp);
  void account(const StreamNode& n, bool add);

  Nodes nodes_;
  std::size_t size_ = 0;
  std::size_t heap_ = 0;
};

}  // namespace mnemo::server
