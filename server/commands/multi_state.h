// A connection's MULTI/EXEC/WATCH state (Redis's mstate and watched_keys).
// The RESP codec queues commands here while a transaction is open; EXEC
// (server/commands/multi.cpp) runs them as one store transaction.
//
// Threads: part of the connection's Session, used on its io thread only.
// Memory: bounded by kMaxQueuedCommands and kMaxQueuedBytes (the argv bytes
// a transaction may queue) and kMaxWatchedKeys.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "server/store.h"

namespace mnemo::server {

struct CommandSpec;

inline constexpr std::size_t kMaxQueuedCommands = 100'000;
inline constexpr std::size_t kMaxQueuedBytes = 64u << 20;
inline constexpr std::size_t kMaxWatchedKeys = 100'000;

// One queued command: its table entry and its argv, back to back in `bytes`.
struct QueuedCommand {
  const CommandSpec* spec = nullptr;
  std::string bytes;
  std::vector<std::uint32_t> ends;  // argv[i] is bytes[ends[i-1] .. ends[i])
  std::vector<std::string_view> argv() const {
    std::vector<std::string_view> out;
    out.reserve(ends.size());
    std::uint32_t begin = 0;
    for (std::uint32_t end : ends) {
      out.push_back(std::string_view(bytes).substr(begin, end - begin));
      begin = end;
    }
    return out;
  }
};

struct WatchedKey {
  std::uint32_t db = 0;
  std::string key;
  Store::WatchStamp stamp;
};

struct MultiState {
  bool active = false;  // between MULTI and EXEC/DISCARD
  bool dirty = false;   // a command was refused while queueing: EXEC answers EXECABORT
  std::vector<QueuedCommand> queue;
  std::size_t queued_bytes = 0;
  std::vector<WatchedKey> watched;

  // Leaves the transaction (EXEC, DISCARD): forgets the queue and the watches.
  void reset() {
    active = false;
    dirty = false;
    std::vector<QueuedCommand>().swap(queue);
    queued_bytes = 0;
    std::vector<WatchedKey>().swap(watched);
  }
};

}  // namespace mnemo::server
