#include "server/pubsub/outbox.h"

#include <asio/post.hpp>

namespace mnemo::server::pubsub {

Outbox::Outbox(asio::any_io_executor executor, std::uint64_t limit_bytes)
    : executor_(std::move(executor)), limit_bytes_(limit_bytes) {}

void Outbox::attach(std::weak_ptr<Sink> sink) { sink_ = std::move(sink); }

bool Outbox::push(std::string_view bytes) {
  if (overflowed()) return false;
  bool post_ready = false;
  bool overflow_now = false;
  {
    std::lock_guard lock(mu_);
    if (pending_.size() + bytes.size() > limit_bytes_) {
      // exchange under the lock: exactly one pusher reports the overflow
      if (overflowed_.exchange(true, std::memory_order_acq_rel)) return false;
      overflow_now = true;
    } else {
      pending_.append(bytes);
      pending_bytes_.store(pending_.size(), std::memory_order_relaxed);
      post_ready = !ready_posted_;
      ready_posted_ = true;
    }
  }
  if (overflow_now) {
    schedule_overflow();
    return false;
  }
  if (post_ready) schedule_ready();
  return true;
}

void Outbox::deliver_unblocked(std::string_view reply) {
  {
    std::lock_guard lock(mu_);
    pending_.append(reply);
    pending_bytes_.store(pending_.size(), std::memory_order_relaxed);
  }
  asio::post(executor_, [sink = sink_] {
    if (auto s = sink.lock()) s->on_unblocked();
  });
}

void Outbox::take(std::string& out) {
  std::lock_guard lock(mu_);
  ready_posted_ = false;
  if (pending_.empty()) return;
  if (out.empty()) out.swap(pending_);
  else out.append(pending_);
  pending_.clear();
  pending_bytes_.store(0, std::memory_order_relaxed);
}

void Outbox::post(std::function<void()> task) {
  asio::post(executor_, [sink = sink_, task = std::move(task)] {
    if (sink.lock()) task();
  });
}

void Outbox::schedule_ready() {
  asio::post(executor_, [sink = sink_] {
    if (auto s = sink.lock()) s->on_outbox_ready();
  });
}

void Outbox::schedule_overflow() {
  asio::post(executor_, [sink = sink_] {
    if (auto s = sink.lock()) s->on_outbox_overflow();
  });
}

}  // namespace mnemo::server::pubsub
