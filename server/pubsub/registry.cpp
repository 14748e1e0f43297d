#include "server/pubsub/registry.h"

#include <mutex>

#include "protocol/resp_writer.h"
#include "server/resp_text.h"

namespace mnemo::server::pubsub {

namespace resp = protocol::resp;

void append_message(std::string& out, std::string_view channel, std::string_view message) {
  out.append("*3\r\n$7\r\nmessage\r\n");
  resp::append_bulk(out, channel);
  resp::append_bulk(out, message);
}

void append_pmessage(std::string& out, std::string_view pattern, std::string_view channel, std::string_view message) {
  out.append("*4\r\n$8\r\npmessage\r\n");
  resp::append_bulk(out, pattern);
  resp::append_bulk(out, channel);
  resp::append_bulk(out, message);
}

bool Registry::add(std::unordered_map<std::string, Receivers>& map, std::string_view name,
                   const std::shared_ptr<Outbox>& who) {
  auto it = map.find(std::string(name));
  if (it == map.end()) it = map.emplace(std::string(name), Receivers{}).first;
  return it->second.emplace(who.get(), who).second;
}

bool Registry::remove(std::unordered_map<std::string, Receivers>& map, std::string_view name, const Outbox* who) {
  auto it = map.find(std::string(name));
  if (it == map.end() || it->second.erase(who) == 0) return false;
  if (it->second.empty()) map.erase(it);  // PUBSUB CHANNELS lists only channels someone listens to
  return true;
}

bool Registry::subscribe(std::string_view channel, const std::shared_ptr<Outbox>& who) {
  std::unique_lock lock(mu_);
  if (!add(channels_, channel, who)) return false;
  subscriptions_.fetch_add(1, std::memory_order_relaxed);
  return true;
}

bool Registry::unsubscribe(std::string_view channel, const Outbox* who) {
  std::unique_lock lock(mu_);
  if (!remove(channels_, channel, who)) return false;
  subscriptions_.fetch_sub(1, std::memory_order_relaxed);
  return true;
}

bool Registry::psubscribe(std::string_view pattern, const std::shared_ptr<Outbox>& who) {
  std::unique_lock lock(mu_);
  if (!add(patterns_, pattern, who)) return false;
  subscriptions_.fetch_add(1, std::memory_order_relaxed);
  return true;
}

bool Registry::punsubscribe(std::string_view pattern, const Outbox* who) {
  std::unique_lock lock(mu_);
  if (!remove(patterns_, pattern, who)) return false;
  subscriptions_.fetch_sub(1, std::memory_order_relaxed);
  return true;
}

void Registry::forget(Subscriber& s) {
  if (s.total() == 0) return;
  std::unique_lock lock(mu_);
  for (const std::string& c : s.channels)
    if (remove(channels_, c, s.outbox.get())) subscriptions_.fetch_sub(1, std::memory_order_relaxed);
  for (const std::string& p : s.patterns)
    if (remove(patterns_, p, s.outbox.get())) subscriptions_.fetch_sub(1, std::memory_order_relaxed);
  for (const std::string& c : s.shard_channels)
    if (remove(shards_, c, s.outbox.get())) subscriptions_.fetch_sub(1, std::memory_order_relaxed);
  s.channels.clear();
  s.patterns.clear();
  s.shard_channels.clear();
}

void Registry::deliver(const Receivers& receivers, std::string_view bytes) {
  for (const auto& [raw, outbox] : receivers) {
    if (!outbox->push_frame(bytes)) dropped_.fetch_add(1, std::memory_order_relaxed);
  }
}

std::uint64_t Registry::publish(std::string_view channel, std::string_view message) {
  published_.fetch_add(1, std::memory_order_relaxed);
  if (idle()) return 0;
  std::uint64_t receivers = 0;
  std::string bytes;
  std::shared_lock lock(mu_);
  if (auto it = channels_.find(std::string(channel)); it != channels_.end()) {
    append_message(bytes, channel, message);
    deliver(it->second, bytes);
    receivers += it->second.size();
  }
  for (const auto& [pattern, who] : patterns_) {
    if (!glob_match(pattern, channel, false)) continue;
    bytes.clear();
    append_pmessage(bytes, pattern, channel, message);
    deliver(who, bytes);
    receivers += who.size();
  }
  return receivers;
}

std::vector<std::string> Registry::channels(std::string_view pattern) const {
  std::shared_lock lock(mu_);
  return names(channels_, pattern);
}

std::vector<std::string> Registry::names(const std::unordered_map<std::string, Receivers>& map,
                                         std::string_view pattern) {
  std::vector<std::string> out;
  for (const auto& [name, who] : map) {
    if (pattern.empty() || glob_match(pattern, name, false)) out.push_back(name);
  }
  return out;
}

bool Registry::ssubscribe(std::string_view channel, const std::shared_ptr<Outbox>& who) {
  std::unique_lock lock(mu_);
  if (!add(shards_, channel, who)) return false;
  subscriptions_.fetch_add(1, std::memory_order_relaxed);
  return true;
}

bool Registry::sunsubscribe(std::string_view channel, const Outbox* who) {
  std::unique_lock lock(mu_);
  if (!remove(shards_, channel, who)) return false;
  subscriptions_.fetch_sub(1, std::memory_order_relaxed);
  return true;
}

std::uint64_t Registry::spublish(std::string_view channel, std::string_view message) {
  published_.fetch_add(1, std::memory_order_relaxed);
  if (idle()) return 0;
  std::shared_lock lock(mu_);
  auto it = shards_.find(std::string(channel));
  if (it == shards_.end()) return 0;
  std::string bytes("*3\r\n$8\r\nsmessage\r\n");
  resp::append_bulk(bytes, channel);
  resp::append_bulk(bytes, message);
  deliver(it->second, bytes);
  return it->second.size();
}

std::vector<std::string> Registry::shard_channels(std::string_view pattern) const {
  std::shared_lock lock(mu_);
  return names(shards_, pattern);
}

std::uint64_t Registry::shard_numsub(std::string_view channel) const {
  std::shared_lock lock(mu_);
  auto it = shards_.find(std::string(channel));
  return it == shards_.end() ? 0 : it->second.size();
}

std::uint64_t Registry::numsub(std::string_view channel) const {
  std::shared_lock lock(mu_);
  auto it = channels_.find(std::string(channel));
  return it == channels_.end() ? 0 : it->second.size();
}

std::uint64_t Registry::numpat() const {
  std::shared_lock lock(mu_);
  return patterns_.size();
}

std::uint64_t Registry::channel_count() const {
  std::shared_lock lock(mu_);
  return channels_.size();
}

}  // namespace mnemo::server::pubsub
