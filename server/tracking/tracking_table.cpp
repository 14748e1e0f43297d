#include "server/tracking/tracking_table.h"

#include <algorithm>

#include "protocol/feed_frame.h"
#include "server/tracking/invalidation.h"

namespace mnemo::server::tracking {

void TrackingTable::connect(std::uint64_t id, std::shared_ptr<pubsub::Outbox> outbox) {
  std::lock_guard lock(mu_);
  clients_[id].outbox = std::move(outbox);
}

void TrackingTable::disconnect(std::uint64_t id) {
  disable(id);
  std::lock_guard lock(mu_);
  clients_.erase(id);  // its ids left in keys_ are skipped, then dropped with their key (as Redis)
}

bool TrackingTable::connected(std::uint64_t id) const {
  std::lock_guard lock(mu_);
  auto it = clients_.find(id);
  return it != clients_.end() && !it->second.native;  // RESP bytes must never reach a native socket
}

void TrackingTable::track_native(std::uint64_t id, const std::shared_ptr<pubsub::Outbox>& outbox,
                                 std::span<const std::string_view> keys) {
  std::lock_guard lock(mu_);
  Client& c = clients_[id];
  if (!c.tracking) {
    c.outbox = outbox;
    c.native = true;
    c.tracking = true;
    tracking_clients_.fetch_add(1, std::memory_order_acq_rel);
  }
  for (std::string_view k : keys) {
    auto& ids = keys_[std::string(k)];
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  }
  enforce_limit();
}

void TrackingTable::enable(std::uint64_t id, const Mode& mode) {
  std::lock_guard lock(mu_);
  Client& c = clients_[id];
  if (!c.tracking) tracking_clients_.fetch_add(1, std::memory_order_acq_rel);
  c.tracking = true;
  c.broken_redirect = false;
  c.mode.bcast = mode.bcast;
  c.mode.optin = mode.optin;
  c.mode.optout = mode.optout;
  c.mode.noloop = mode.noloop;
  c.mode.redirect = mode.redirect;
  if (!mode.bcast) return;
  // Prefixes add up over several CLIENT TRACKING ON ... BCAST, as in Redis.
  std::vector<std::string> wanted = mode.prefixes;
  if (wanted.empty()) wanted.emplace_back();
  for (std::string& p : wanted) {
    if (std::find(c.mode.prefixes.begin(), c.mode.prefixes.end(), p) != c.mode.prefixes.end()) continue;
    prefixes_.emplace_back(p, id);
    c.mode.prefixes.push_back(std::move(p));
  }
}

void TrackingTable::disable(std::uint64_t id) {
  std::lock_guard lock(mu_);
  auto it = clients_.find(id);
  if (it == clients_.end() || !it->second.tracking) return;
  std::erase_if(prefixes_, [id](const auto& p) { return p.second == id; });
  it->second.tracking = false;
  it->second.broken_redirect = false;
  it->second.mode = Mode{};
  tracking_clients_.fetch_sub(1, std::memory_order_acq_rel);
}

bool TrackingTable::redirect_broken(std::uint64_t id) const {
  std::lock_guard lock(mu_);
  auto it = clients_.find(id);
  return it != clients_.end() && it->second.broken_redirect;
}

void TrackingTable::remember(std::uint64_t id, std::span<const std::string_view> keys) {
  std::lock_guard lock(mu_);
  for (std::string_view k : keys) {
    auto& ids = keys_[std::string(k)];
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  }
  enforce_limit();
}

std::size_t TrackingTable::tracked_keys() const {
  std::lock_guard lock(mu_);
  return keys_.size();
}

TrackingTable::Totals TrackingTable::totals() const {
  std::lock_guard lock(mu_);
  Totals t;
  t.clients = tracking_clients_.load(std::memory_order_relaxed);
  t.keys = keys_.size();
  for (const auto& [key, ids] : keys_) t.items += ids.size();
  std::vector<std::string_view> distinct;  // Redis counts a prefix once, whoever listens to it
  for (const auto& [prefix, id] : prefixes_) distinct.push_back(prefix);
  std::sort(distinct.begin(), distinct.end());
  t.prefixes = static_cast<std::uint64_t>(std::unique(distinct.begin(), distinct.end()) - distinct.begin());
  return t;
}

void TrackingTable::add(Batches& b, std::uint64_t id, std::string_view key) {
  for (Batch& x : b) {
    if (x.id == id) {
      x.keys.push_back(key);
      return;
    }
  }
  b.push_back({id, {key}});
}

// Who must hear that `key` changed: BCAST prefixes, then the connections that
// read it (whose entry goes: they read again to be tracked again).
void TrackingTable::collect(std::string_view key, std::uint64_t writer, Batches& out) {
  for (const auto& [prefix, id] : prefixes_) {
    if (!key.starts_with(prefix)) continue;
    auto c = clients_.find(id);
    if (c != clients_.end() && !(c->second.mode.noloop && id == writer)) add(out, id, key);
  }
  auto it = keys_.find(std::string(key));
  if (it == keys_.end()) return;
  for (std::uint64_t id : it->second) {
    auto c = clients_.find(id);
    if (c == clients_.end() || !c->second.tracking || c->second.mode.bcast) continue;
    if (c->second.mode.noloop && id == writer) continue;
    add(out, id, key);  // the caller's view: it->first goes below
  }
  keys_.erase(it);
}

void TrackingTable::invalidate(std::span<const std::string_view> keys, std::uint64_t writer,
                               std::uint64_t version) {
  if (!active()) return;
  std::lock_guard lock(mu_);
  Batches batches;
  for (std::string_view k : keys) collect(k, writer, batches);
  for (Batch& b : batches) {
    auto c = clients_.find(b.id);
    if (c != clients_.end()) send(c->second, b.id, &b.keys, version);
  }
}

void TrackingTable::invalidate_all() {
  std::lock_guard lock(mu_);
  keys_.clear();
  for (auto& [id, c] : clients_) {
    if (c.tracking) send(c, id, nullptr);
  }
}

// EVENT frames, one per key (keys null: a flush). The version never goes
// back on one connection, so a client may compare it with a read's version.
void TrackingTable::send_native(Client& c, const std::vector<std::string_view>* keys, std::uint64_t version) {
  if (c.outbox == nullptr) return;
  if (version == 0 && latest_version_) version = latest_version_();
  version = std::max(version, c.last_version);
  c.last_version = version;
  std::string frame;
  if (keys == nullptr) {
    protocol::feed::encode_flush_invalidation(version, frame);
  } else {
    for (std::string_view k : *keys) protocol::feed::encode_invalidation(k, version, frame);
  }
  c.outbox->push(frame);
}

// One frame to `c` (or its REDIRECT target); keys null = a flush.
void TrackingTable::send(Client& c, std::uint64_t id, const std::vector<std::string_view>* keys,
                         std::uint64_t version) {
  if (c.native) return send_native(c, keys, version);
  Client* to = &c;
  if (c.mode.redirect != 0 && c.mode.redirect != id) {
    auto t = clients_.find(c.mode.redirect);
    if (t == clients_.end()) {
      c.broken_redirect = true;
      if (c.outbox != nullptr && c.outbox->resp3()) {
        std::string frame;
        append_redirect_broken(frame, c.mode.redirect);
        c.outbox->push(frame);
      }
      return;
    }
    to = &t->second;
    if (to->native) return;  // connected() keeps REDIRECT off native ids; a reused id is skipped
  }
  if (to->outbox == nullptr) return;
  const std::span<const std::string_view> span = keys != nullptr ? std::span<const std::string_view>(*keys)
                                                                 : std::span<const std::string_view>();
  std::string frame;
  if (to->outbox->resp3()) {
    append_push_invalidation(frame, keys != nullptr ? &span : nullptr);
  } else if (to != &c && to->outbox->subscribed()) {
    append_message_invalidation(frame, keys != nullptr ? &span : nullptr);
  } else {
    return;  // RESP2 without a subscribed REDIRECT target: nowhere to send it (as Redis)
  }
  to->outbox->push(frame);
}

// Past max_keys, drop keys in the map's order, telling their readers as if
// the keys had changed (Redis picks them at random; any order is as correct).
void TrackingTable::enforce_limit() {
  const std::size_t max = max_keys();
  if (max == 0) return;
  while (keys_.size() > max) {
    const std::string key = keys_.begin()->first;
    Batches batches;
    collect(key, 0, batches);
    for (Batch& b : batches) {
      auto c = clients_.find(b.id);
      if (c != clients_.end()) send(c->second, b.id, &b.keys);
    }
  }
}

}  // namespace mnemo::server::tracking
