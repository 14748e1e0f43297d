// Wall-clock source, injectable so tests control time: the one clock of the
// server (expiry) and of persistence (row and snapshot timestamps, error
// times); server/clock.h names the same types. Intervals (flush interval,
// backoff) use std::chrono::steady_clock directly.
#pragma once

#include <chrono>
#include <cstdint>

namespace mnemo::persistence {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::int64_t now_ms() const = 0;  // Unix ms
};

class SystemClock final : public Clock {
 public:
  std::int64_t now_ms() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  // A process-wide instance for callers that take no clock.
  static const Clock& instance() {
    static const SystemClock clock;
    return clock;
  }
};

}  // namespace mnemo::persistence
