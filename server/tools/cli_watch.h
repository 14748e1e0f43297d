// `mnemo watch PREFIX [--from V] [--committed] [--keys-only] [--json]`: follows
// the change feed (docs/PROTOCOL.md, "Change feed") and prints one line per
// event until the connection closes or the process is stopped.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/feed_frame.h"

namespace mnemo::tools {

struct WatchArgs {
  std::string prefix;
  bool has_from = false;
  std::uint64_t from_version = 0;
  bool committed = false;
  bool keys_only = false;
  bool json = false;
};

// `s` as a JSON string: quotes and backslashes escaped, bytes outside
// printable ASCII as \u00XX.
std::string json_string(std::string_view s);

// One event as a line (with its '\n'): "VERSION KIND KEY [VALUE] [expire_at_ms=MS]"
// for people (progress: "VERSION progress"), or one JSON object per line with
// watch, kind, db, version, key, value and expire_at_ms (bytes as JSON strings,
// non-UTF-8 bytes escaped as \u00XX).
std::string format_event(const protocol::feed::Event& e, bool json);

// Reads frames from the connected socket `fd` after sending the WATCH; returns
// the CLI exit code (2 on any error, printed to stderr).
int run_watch(int fd, const WatchArgs& args);

}  // namespace mnemo::tools
