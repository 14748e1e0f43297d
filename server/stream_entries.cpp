#include "server/stream_entries.h"

#include <algorithm>

namespace mnemo::server {

namespace {

// A map slot: the key, the StreamNode, and the btree's share around it.
constexpr std::size_t kSlotCost = 96;

}  // namespace

// ---- iterator ------------------------------------------------------------------

void StreamEntries::const_iterator::load(bool from_back) {
  slots_.clear();
  i_ = 0;
  if (node_ == nodes_->end()) return;
  stream_node::index(node_->second.bytes, node_->first, slots_);
  slots_.erase(std::remove_if(slots_.begin(), slots_.end(), [](const auto& s) { return s.deleted; }),
               slots_.end());
  if (from_back && !slots_.empty()) i_ = slots_.size() - 1;
}

void StreamEntries::const_iterator::settle() {
  if (node_ == nodes_->end() || i_ >= slots_.size()) {
    cur_.first = StreamId{};
    cur_.second.clear();
    return;
  }
  cur_.first = slots_[i_].id;
  stream_node::fields(node_->second.bytes, slots_[i_].offset, cur_.second);
}

StreamEntries::const_iterator& StreamEntries::const_iterator::operator++() {
  if (++i_ >= slots_.size()) {
    ++node_;
    load(false);
  }
  settle();
  return *this;
}

StreamEntries::const_iterator& StreamEntries::const_iterator::operator--() {
  if (node_ == nodes_->end() || i_ == 0) {
    --node_;
    load(true);
  } else {
    --i_;
  }
  settle();
  return *this;
}

// ---- lookups ---------------------------------------------------------------------

StreamEntries::const_iterator StreamEntries::begin() const {
  const_iterator it(&nodes_, nodes_.begin());
  it.load(false);
  it.settle();
  return it;
}

StreamEntries::const_iterator StreamEntries::lower_bound(StreamId id) const {
  auto n = nodes_.upper_bound(id);
  if (n != nodes_.begin()) --n;
  const_iterator it(&nodes_, n);
  it.load(false);
  while (it.node_ != nodes_.end()) {
    auto s = std::find_if(it.slots_.begin(), it.slots_.end(), [&](const auto& x) { return x.id >= id; });
    if (s != it.slots_.end()) {
      it.i_ = static_cast<std::size_t>(s - it.slots_.begin());
      break;
    }
    ++it.node_;
    it.load(false);
  }
  it.settle();
  return it;
}

StreamEntries::const_iterator StreamEntries::upper_bound(StreamId id) const {
  if (id == StreamId::max()) return end();
  return lower_bound(id.seq == UINT64_MAX ? StreamId{id.ms + 1, 0} : StreamId{id.ms, id.seq + 1});
}

StreamEntries::const_iterator StreamEntries::find(StreamId id) const {
  auto it = lower_bound(id);
  return it != end() && it->first == id ? it : end();
}

StreamId StreamEntries::front_id() const {
  if (nodes_.empty()) return {};
  std::vector<stream_node::Slot> slots;
  stream_node::index(nodes_.begin()->second.bytes, nodes_.begin()->first, slots);
  for (const auto& s : slots) {
    if (!s.deleted) return s.id;
  }
  return {};
}

StreamId StreamEntries::back_id() const {
  if (nodes_.empty()) return {};
  const auto& [key, node] = *std::prev(nodes_.end());
  std::vector<stream_node::Slot> slots;
  stream_node::index(node.bytes, key, slots);
  for (auto s = slots.rbegin(); s != slots.rend(); ++s) {
    if (!s->deleted) return s->id;
  }
  return {};
}

// ---- changes ---------------------------------------------------------------------

void StreamEntries::account(const StreamNode& n, bool add) {
  const std::size_t cost = kSlotCost + n.bytes.capacity();
  heap_ = add ? heap_ + cost : heap_ - cost;
}

void StreamEntries::seal(StreamNode& n) {
  account(n, false);
  n.bytes.shrink_to_fit();
  account(n, true);
}

StreamEntries::Nodes::iterator StreamEntries::node_for(StreamId id) {
  auto it = nodes_.upper_bound(id);
  if (it == nodes_.begin()) return nodes_.end();
  return std::prev(it);
}

// t_stream.c's streamAppendItem: a node takes an entry while it holds fewer
// than 100 (deleted ones count) and its listpack plus the entry's raw fields
// and values stays under 4096 bytes.
bool StreamEntries::takes(const StreamNode& n, std::size_t raw) {
  return n.count < stream_node::kRedisEntries && n.lp_bytes + raw < stream_node::kRedisBytes;
}

void StreamEntries::add_lp(StreamNode& n, std::size_t lp) {
  const std::size_t sum = n.lp_bytes + lp;
  n.lp_bytes = static_cast<std::uint32_t>(std::min<std::size_t>(sum, UINT32_MAX));
}

bool StreamEntries::opens_node(std::string_view packed) const {
  return nodes_.empty() || !takes(std::prev(nodes_.end())->second, stream_node::raw_size(packed));
}

bool StreamEntries::append(StreamId id, std::string_view packed) {
  auto last = nodes_.empty() ? nodes_.end() : std::prev(nodes_.end());
  StreamNode* n = last == nodes_.end() ? nullptr : &last->second;
  std::size_t lp = 0;
  if (n == nullptr || !takes(*n, stream_node::raw_size(packed))) {
    std::string bytes;
    if (!stream_node::start(bytes, packed) || !stream_node::append_sized(bytes, id, id, id, packed, lp)) {
      return false;
    }
    if (n != nullptr) seal(*n);
    n = &nodes_.try_emplace(nodes_.end(), id)->second;
    n->bytes = std::move(bytes);
    lp += stream_node::lp_start_size(packed);
  } else {
    account(*n, false);
    const bool ok = stream_node::append_sized(n->bytes, last->first, n->last, id, packed, lp);
    account(*n, true);
    if (!ok) return false;
  }
  add_lp(*n, lp);
  if (n->count == 0) account(*n, true);
  n->last = id;
  ++n->count;
  ++n->live;
  ++size_;
  return true;
}

bool StreamEntries::insert(StreamId id, std::string_view packed) {
  if (nodes_.empty() || id > std::prev(nodes_.end())->second.last) return append(id, packed);
  auto it = node_for(id);
  if (it == nodes_.end()) it = nodes_.begin();  // below every node: the first one takes it
  std::string probe;
  if (!stream_node::start(probe, packed)) return false;  // malformed
  std::vector<stream_node::Slot> slots;
  stream_node::index(it->second.bytes, it->first, slots);
  for (const auto& s : slots) {
    if (s.id == id && !s.deleted) return false;
  }
  const std::pair<StreamId, std::string_view> add{id, packed};
  rewrite(it, StreamId{}, &add);
  return true;
}

bool StreamEntries::erase(StreamId id) {
  auto it = node_for(id);
  if (it == nodes_.end()) return false;
  std::vector<stream_node::Slot> slots;
  stream_node::index(it->second.bytes, it->first, slots);
  for (const auto& s : slots) {
    if (s.id != id || s.deleted) continue;
    stream_node::mark_deleted(it->second.bytes, s.offset);
    --size_;
    if (--it->second.live == 0) {
      account(it->second, false);
      nodes_.erase(it);
    }
    return true;
  }
  return false;
}

void StreamEntries::erase_below(StreamId id) {
  while (!nodes_.empty() && nodes_.begin()->second.last < id) {
    size_ -= nodes_.begin()->second.live;
    account(nodes_.begin()->second, false);
    nodes_.erase(nodes_.begin());
  }
  if (nodes_.empty() || nodes_.begin()->first >= id) return;
  // The first node keeps its bytes, its entries below id marked deleted as
  // XDEL marks them: a trim on every XADD (MAXLEN) costs one node walk.
  auto first = nodes_.begin();
  std::vector<stream_node::Slot> slots;
  stream_node::index(first->second.bytes, first->first, slots);
  for (const auto& s : slots) {
    if (s.id >= id) break;
    if (s.deleted) continue;
    stream_node::mark_deleted(first->second.bytes, s.offset);
    --first->second.live;
    --size_;
  }
  if (first->second.live == 0) {
    account(first->second, false);
    nodes_.erase(first);
  }
}

// Replaces node `it` by nodes holding its live entries from drop_below on,
// plus `add`; deleted entries are left out.
void StreamEntries::rewrite(Nodes::iterator it, StreamId drop_below,
                            const std::pair<StreamId, std::string_view>* add) {
  std::vector<stream_node::Slot> slots;
  stream_node::index(it->second.bytes, it->first, slots);
  std::vector<std::pair<StreamId, std::string>> keep;
  for (const auto& s : slots) {
    if (s.deleted || s.id < drop_below) continue;
    stream_node::fields(it->second.bytes, s.offset, keep.emplace_back(s.id, std::string()).second);
  }
  if (add != nullptr) {
    auto at = std::lower_bound(keep.begin(), keep.end(), add->first,
                               [](const auto& e, StreamId id) { return e.first < id; });
    keep.emplace(at, add->first, std::string(add->second));
  }
  const bool was_last = std::next(it) == nodes_.end();
  size_ -= it->second.live;
  account(it->second, false);
  nodes_.erase(it);
  std::size_t i = 0;
  while (i < keep.size()) {
    const StreamId key = keep[i].first;
    StreamNode n;
    stream_node::start(n.bytes, keep[i].second);
    add_lp(n, stream_node::lp_start_size(keep[i].second));
    n.last = key;
    for (; i < keep.size() && (n.count == 0 || takes(n, stream_node::raw_size(keep[i].second))); ++i) {
      std::size_t lp = 0;
      stream_node::append_sized(n.bytes, key, n.last, keep[i].first, keep[i].second, lp);
      add_lp(n, lp);
      n.last = keep[i].first;
      ++n.count;
    }
    n.live = n.count;
    size_ += n.live;
    if (!(was_last && i == keep.size())) n.bytes.shrink_to_fit();
    account(n, true);
    nodes_.try_emplace(key, std::move(n));
  }
}

std::vector<StreamNodeSpan> StreamEntries::spans(std::size_t max) const {
  std::vector<StreamNodeSpan> out;
  for (auto it = nodes_.begin(); it != nodes_.end() && out.size() < max; ++it) {
    out.push_back({it->first, it->second.last, it->second.live});
  }
  return out;
}

}  // namespace mnemo::server
