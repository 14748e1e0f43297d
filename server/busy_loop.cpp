#include "server/busy_loop.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <utility>
#include <vector>

namespace mnemo::server::busy_loop {

namespace {

constexpr auto kEvery = std::chrono::milliseconds(10);

struct ThreadState {
  asio::io_context* loop = nullptr;
  bool serving = false;
  std::chrono::steady_clock::time_point last{};
  std::vector<std::function<void()>> deferred;
};

thread_local ThreadState t_state;

}  // namespace

void bind(asio::io_context* loop) { t_state.loop = loop; }

bool serving() { return t_state.serving; }

void defer(std::function<void()> fn) { t_state.deferred.push_back(std::move(fn)); }

void serve_others() {
  ThreadState& s = t_state;
  if (s.loop == nullptr || s.serving || s.loop->stopped()) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - s.last < kEvery) return;
  s.last = now;
  s.serving = true;
  try {
    s.loop->poll();
  } catch (const std::exception& e) {
    // Here a handler's exception must not end the script's frame.
    spdlog::error("a handler failed while a busy script ran ({}); the loop goes on", e.what());
  }
  s.serving = false;
  // A loop made for one thread counts the work of what the outer handler
  // posted in that handler's own tally, which reaches the loop's total only
  // when the handler returns; a nested poll() that completes such work can
  // see the total reach zero and stop the loop. Nothing else stops a loop
  // while a script is busy (the server's stop ends the process then, see
  // Server::stop_past_busy_script), so undo it: the tally is whole again once
  // the script's handler returns.
  if (s.loop->stopped()) s.loop->restart();
}

void release_deferred() {
  ThreadState& s = t_state;
  if (s.deferred.empty() || s.loop == nullptr) return;
  std::vector<std::function<void()>> later;
  later.swap(s.deferred);
  for (auto& fn : later) asio::post(*s.loop, std::move(fn));
}

}  // namespace mnemo::server::busy_loop
