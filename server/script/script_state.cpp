#include "server/script/script_state.h"

#include <algorithm>
#include <cctype>

#include "server/busy_loop.h"
#include "server/script/sha1.h"

namespace mnemo::server::script {

namespace {
std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}
}  // namespace

ScriptCache& ScriptCache::instance() {
  static ScriptCache cache;
  return cache;
}

std::string ScriptCache::add(std::string_view body) {
  std::string sha = sha1_hex(body);
  std::lock_guard lock(mu_);
  scripts_.try_emplace(sha, body);
  return sha;
}

std::optional<std::string> ScriptCache::find(std::string_view sha) const {
  if (sha.size() != 40) return std::nullopt;
  const std::string key = lower(sha);
  std::lock_guard lock(mu_);
  auto it = scripts_.find(key);
  if (it == scripts_.end()) return std::nullopt;
  return it->second;
}

void ScriptCache::flush() {
  std::lock_guard lock(mu_);
  scripts_.clear();
}

ScriptWatchdog& ScriptWatchdog::instance() {
  static ScriptWatchdog watchdog;
  return watchdog;
}

void ScriptWatchdog::begin(ScriptRun& run) {
  std::lock_guard lock(mu_);
  running_.push_back(&run);
}

void ScriptWatchdog::end(ScriptRun& run) {
  {
    std::lock_guard lock(mu_);
    running_.erase(std::remove(running_.begin(), running_.end(), &run), running_.end());
    if (run.past_limit) busy_.fetch_sub(1, std::memory_order_relaxed);
  }
  // What waited while this thread served others from inside the script.
  if (run.past_limit) busy_loop::release_deferred();
}

void ScriptWatchdog::note_past_limit(ScriptRun& run) {
  if (run.past_limit) return;
  std::lock_guard lock(mu_);
  run.past_limit = true;
  busy_.fetch_add(1, std::memory_order_relaxed);
}

ScriptWatchdog::Kill ScriptWatchdog::kill() {
  std::lock_guard lock(mu_);
  bool any = false;
  for (ScriptRun* run : running_) {
    if (!run->past_limit) continue;  // only a script that made others wait, as Redis
    if (run->wrote.load()) return Kill::unkillable;
    any = true;
  }
  if (!any) return Kill::not_busy;
  for (ScriptRun* run : running_) {
    if (run->past_limit) run->kill.store(true);
  }
  return Kill::killed;
}

}  // namespace mnemo::server::script
