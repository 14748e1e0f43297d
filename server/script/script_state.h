// Process-wide scripting state: the script cache (EVAL, SCRIPT LOAD/EXISTS/
// FLUSH, EVALSHA) and the running scripts (the time limit, -BUSY, SCRIPT KILL).
//
// The cache lives in memory only, as in Redis: after a restart EVALSHA
// answers NOSCRIPT and clients send EVAL again.
//
// Threads: every method may be called from any io thread; the cache has a
// mutex, the running scripts a mutex and an atomic that the RESP codec reads
// once per command (busy()).
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"

namespace mnemo::server::script {

class ScriptCache {
 public:
  static ScriptCache& instance();
  // Adds body; returns its sha1 (lowercase hex).
  std::string add(std::string_view body);
  // The body of a sha1 (any case), if cached.
  std::optional<std::string> find(std::string_view sha) const;
  void flush();

 private:
  mutable std::mutex mu_;
  absl::flat_hash_map<std::string, std::string> scripts_;  // guarded by mu_
};

// One script being run, registered with the watchdog for its duration.
struct ScriptRun {
  std::int64_t started_ms = 0;
  std::atomic<bool> kill{false};    // SCRIPT KILL asked: the script's hook raises an error
  std::atomic<bool> wrote{false};   // it ran a write command: SCRIPT KILL refuses (UNKILLABLE)
  bool past_limit = false;          // the running thread's own: counted in busy_ once
};

class ScriptWatchdog {
 public:
  static ScriptWatchdog& instance();
  void set_time_limit_ms(std::uint32_t ms) { limit_ms_.store(ms, std::memory_order_relaxed); }
  std::uint32_t time_limit_ms() const { return limit_ms_.load(std::memory_order_relaxed); }

  void begin(ScriptRun& run);
  void end(ScriptRun& run);
  // Called by the running script's hook: true once past the limit (then
  // other clients get -BUSY until it ends).
  void note_past_limit(ScriptRun& run);
  // Whether a script has run past the time limit (commands without
  // allow-busy get -BUSY meanwhile).
  bool busy() const { return busy_.load(std::memory_order_relaxed) > 0; }

  enum class Kill : std::uint8_t { killed, not_busy, unkillable };
  Kill kill();

 private:
  std::atomic<std::uint32_t> limit_ms_{5000};
  std::atomic<int> busy_{0};
  std::mutex mu_;
  std::vector<ScriptRun*> running_;  // guarded by mu_
};

}  // namespace mnemo::server::script
