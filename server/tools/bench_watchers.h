// mnemo-bench --watchers N: N change-feed watchers (docs/PROTOCOL.md 6b) read
// by one thread while the load runs, so a benchmark measures the writers with
// their watchers on the same machine. Watcher i watches the prefix
// "key:" + i's share of the key space (mnemo-bench's keys are key:%012d), so
// every write reaches exactly one watcher when N divides the key space.
//
// Threads: start() and stop() from the controlling thread; one reader thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

namespace mnemo::tools {

class WatcherDrain {
 public:
  ~WatcherDrain();
  // Opens n connections, sends each WATCH, waits for every answer. Returns an
  // error message, or empty.
  std::string start(const std::string& host, std::uint16_t port, unsigned n, std::uint64_t keys);
  void stop();
  std::uint64_t bytes() const { return bytes_.load(); }
  unsigned closed() const { return closed_.load(); }

 private:
  void run();
  std::vector<int> fds_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> bytes_{0};
  std::atomic<unsigned> closed_{0};
};

// The prefix watcher i of n watches: the keys key:%012d whose index falls in
// the i-th of n equal parts of [0, keys) (n must divide a power of ten >= keys
// for the parts to be prefixes; otherwise the parts are approximate).
std::string watcher_prefix(unsigned i, unsigned n, std::uint64_t keys);

}  // namespace mnemo::tools
