// Server configuration: one struct, loaded once at start-up (defaults, then
// an optional config file, then command-line flags; the last one wins) and
// checked in one place. Each module gets its own options struct from it.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include <spdlog/common.h>

#include "persistence/options.h"
#include "protocol/native_codec.h"
#include "server/compact_limits.h"
#include "server/store.h"

namespace mnemo::server {

struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Config {
  std::string bind_address = "127.0.0.1";
  std::uint16_t port = 7070;                 // native protocol
  int resp_port = -1;                        // -1 = off, 0 = ephemeral
  int metrics_port = -1;                     // -1 = off, 0 = ephemeral
  std::string port_file;                     // if set: bound ports are written here once listening
  unsigned threads = 0;                      // io threads; 0 = hardware concurrency
  // auto | epoll | io_uring as asked; once the Server has started, the one
  // that runs ("epoll" or "io_uring"), for the log, STATS and INFO. epoll by
  // default: at depth 1 io_uring cost more CPU per request (docs/BENCHMARKS.md
  // section 21).
  std::string io_backend = "epoll";
  std::string auth_token;                    // empty = no auth
  std::string admin_token;                   // empty = admin operations refused
  bool insecure_open = false;                // allow a non-loopback bind without auth
  bool persistence_enabled = true;           // --no-persistence: memory only
  std::uint32_t max_connections = 10000;
  std::uint32_t idle_timeout_s = 0;          // 0 = never
  std::uint32_t lua_time_limit_ms = 5000;    // EVAL past it: -BUSY for others (Redis's lua-time-limit)
  std::uint64_t max_output_bytes = 64ull << 20;  // per connection: stop reading past it
  std::uint64_t pubsub_output_limit_bytes = 32ull << 20;  // a subscriber past it is closed
  std::uint32_t feed_progress_ms = 1000;  // a quiet change-feed watch gets a progress event this often
  int notify_keyspace_events = 0;            // pubsub::notify flags (Redis's letters on the CLI)
  std::uint64_t tracking_table_max_keys = 1'000'000;  // client-side caching: keys remembered (0 = no limit)
  std::uint32_t sweep_interval_ms = 100;
  std::uint32_t sweep_max_keys = 2000;       // per sweep tick
  protocol::native::Limits native_limits;
  std::uint32_t resp_max_array_len = 1u << 20;
  std::uint32_t resp_max_bulk_bytes = 32u << 20;
  StoreOptions store;
  CompactLimits compact;  // where small collections stop being packed (Redis's *-max-listpack-*)
  persistence::Options persistence;
  spdlog::level::level_enum log_level = spdlog::level::info;
  bool show_help = false;
  bool show_version = false;
};

// Parses argv (and the file named by --config, read first). Throws ConfigError
// with a message naming the bad flag or value.
Config load_config(int argc, char** argv);

// Checks cross-field rules (e.g. a non-loopback bind needs an auth token).
// Throws ConfigError.
void validate(const Config& cfg);

// The warning to log at start when the server listens beyond loopback without
// an auth token (allowed only by --insecure-open); empty when there is none.
std::string security_warning(const Config& cfg);

// The --help text.
std::string usage();

bool is_loopback_address(const std::string& address);

}  // namespace mnemo::server
