#include "server/config.h"
#include "server/pubsub/keyspace_events.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <sstream>

namespace mnemo::server {
namespace {

using Setter = std::function<void(Config&, const std::string&)>;

struct Flag {
  std::string name;       // without the leading "--"
  std::string value_hint; // empty for a boolean switch
  std::string help;
  Setter set;
};

std::uint64_t parse_uint(const std::string& flag, const std::string& text, std::uint64_t max) {
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || v > max) {
    throw ConfigError("--" + flag + ": expected an integer between 0 and " + std::to_string(max) +
                      ", got '" + text + "'");
  }
  return v;
}

// Accepts plain bytes or a K/M/G suffix (binary units): "64M" = 64 MiB.
std::uint64_t parse_bytes(const std::string& flag, const std::string& text) {
  if (text.empty()) throw ConfigError("--" + flag + ": empty value");
  std::uint64_t mult = 1;
  std::string digits = text;
  switch (std::toupper(static_cast<unsigned char>(text.back()))) {
    case 'K': mult = 1ull << 10; break;
    case 'M': mult = 1ull << 20; break;
    case 'G': mult = 1ull << 30; break;
    default: break;
  }
  if (mult != 1) digits.pop_back();
  std::uint64_t v = parse_uint(flag, digits, std::numeric_limits<std::uint64_t>::max() / mult);
  return v * mult;
}

std::vector<Flag> flags() {
  using persistence::SyncMode;
  auto u = [](const std::string& name, const std::string& v, std::uint64_t max) {
    return parse_uint(name, v, max);
  };
  return {
      {"config", "FILE", "read options from FILE first (lines: name = value, # comments)", nullptr},
      {"bind", "ADDR", "address to listen on (default 127.0.0.1; non-loopback needs --auth-token)",
       [](Config& c, const std::string& v) { c.bind_address = v; }},
      {"port", "N", "native protocol port (default 7070; 0 = any free port)",
       [u](Config& c, const std::string& v) { c.port = static_cast<std::uint16_t>(u("port", v, 65535)); }},
      {"resp-port", "N", "also serve RESP2 (Redis protocol) on N (default off; 0 = any free port)",
       [u](Config& c, const std::string& v) { c.resp_port = static_cast<int>(u("resp-port", v, 65535)); }},
      {"metrics-port", "N", "serve Prometheus /metrics over HTTP on N (default off)",
       [u](Config& c, const std::string& v) { c.metrics_port = static_cast<int>(u("metrics-port", v, 65535)); }},
      {"port-file", "FILE", "write the bound ports (\"native N\", \"resp N\", \"metrics N\") to FILE once listening",
       [](Config& c, const std::string& v) { c.port_file = v; }},
      {"threads", "N", "io threads, one event loop each; connections are spread over them (default: number of cores)",
       [u](Config& c, const std::string& v) { c.threads = static_cast<unsigned>(u("threads", v, 256)); }},
      {"io-backend", "auto|epoll|io_uring",
       "how connections reach the kernel: io_uring batches each loop turn's receives and sends into one "
       "system call; auto uses it when the kernel allows, else epoll; default epoll (env MNEMO_IO_BACKEND sets the default)",
       [](Config& c, const std::string& v) { c.io_backend = v; }},
      {"data-dir", "DIR", "directory of the SQLite database (default ./data)",
       [](Config& c, const std::string& v) { c.persistence.data_dir = v; }},
      {"journal", "URL", "keep the journal and snapshots in PostgreSQL (postgresql://...) instead of SQLite in --data-dir (docs/SCALING.md)",
       [](Config& c, const std::string& v) {
         if (v.rfind("postgresql://", 0) != 0 && v.rfind("postgres://", 0) != 0) {
           throw ConfigError("--journal: expected a postgresql:// URL, got '" + v + "'");
         }
         c.persistence.journal_url = v;
       }},
      {"node-name", "NAME", "this server's name in a shared --journal database; one server per name (default \"default\")",
       [](Config& c, const std::string& v) {
         if (v.empty()) throw ConfigError("--node-name must not be empty");
         c.persistence.node_name = v;
       }},
      {"durable-timeout-ms", "N", "with --journal: how long DURABLE writes and SYNC wait through a database outage before failing (default 5000)",
       [u](Config& c, const std::string& v) {
         c.persistence.journal.durable_timeout_ms = static_cast<std::uint32_t>(u("durable-timeout-ms", v, 3600000));
       }},
      {"no-persistence", "", "keep everything in memory only: nothing is journaled (default off)",
       [](Config& c, const std::string&) { c.persistence_enabled = false; }},
      {"flush-interval-ms", "N", "journal commit interval for write-behind writes (default 10)",
       [u](Config& c, const std::string& v) {
         c.persistence.journal.flush_interval_ms = static_cast<std::uint32_t>(u("flush-interval-ms", v, 60000));
       }},
      {"journal-sync", "MODE", "full|normal|off: SQLite synchronous level (default full; see docs/DURABILITY.md)",
       [](Config& c, const std::string& v) {
         if (v == "full") c.persistence.sync = SyncMode::full;
         else if (v == "normal") c.persistence.sync = SyncMode::normal;
         else if (v == "off") c.persistence.sync = SyncMode::off;
         else throw ConfigError("--journal-sync: expected full, normal or off, got '" + v + "'");
       }},
      {"journal-queue-bytes", "BYTES", "journal queue limit; past 3/4 of it clients are paused, past it writes get BUSY (default 256M)",
       [](Config& c, const std::string& v) {
         c.persistence.journal.queue_limit_bytes = parse_bytes("journal-queue-bytes", v);
         c.persistence.journal.queue_high_water_bytes = c.persistence.journal.queue_limit_bytes / 4 * 3;
       }},
      {"max-db-pages", "N", "cap the database file at N SQLite pages (4 KiB each); past it commits fail as on a full disk and writes get READ_ONLY until pages are freed (default 0 = no cap)",
       [u](Config& c, const std::string& v) { c.persistence.max_page_count = u("max-db-pages", v, UINT32_MAX); }},
      {"recover-truncated", "", "start from the last good journal row when a row is corrupt (default: refuse to start)",
       [](Config& c, const std::string&) { c.persistence.recover_truncated = true; }},
      {"snapshots-keep", "N", "complete snapshots to keep (default 1)",
       [u](Config& c, const std::string& v) { c.persistence.snapshot.keep = static_cast<std::uint32_t>(u("snapshots-keep", v, 1000)); }},
      {"snapshot-every-changes", "N", "take a snapshot after N journaled changes (default 1000000; 0 = off)",
       [u](Config& c, const std::string& v) { c.persistence.snapshot.every_changes = u("snapshot-every-changes", v, UINT64_MAX); }},
      {"snapshot-growth-percent", "P", "wait instead for P% of the last snapshot's entries in changes when that is more than --snapshot-every-changes (default 100; 0 = off)",
       [u](Config& c, const std::string& v) {
         c.persistence.snapshot.growth_percent = static_cast<std::uint32_t>(u("snapshot-growth-percent", v, 100000));
       }},
      {"snapshot-every-seconds", "S", "take a snapshot every S seconds if anything changed (default 3600; 0 = off)",
       [u](Config& c, const std::string& v) {
         c.persistence.snapshot.every_seconds = static_cast<std::uint32_t>(u("snapshot-every-seconds", v, UINT32_MAX));
       }},
      {"auth-token", "TOKEN", "require AUTH with TOKEN on every connection (also MNEMO_AUTH_TOKEN)",
       [](Config& c, const std::string& v) { c.auth_token = v; }},
      {"admin-token", "TOKEN", "token for admin operations: SNAPSHOT, STATS, BACKUP, SHUTDOWN (also MNEMO_ADMIN_TOKEN)",
       [](Config& c, const std::string& v) { c.admin_token = v; }},
      {"insecure-open", "", "allow a non-loopback bind without --auth-token (logs a warning)",
       [](Config& c, const std::string&) { c.insecure_open = true; }},
      {"max-connections", "N", "concurrent client connections (default 10000)",
       [u](Config& c, const std::string& v) { c.max_connections = static_cast<std::uint32_t>(u("max-connections", v, 1000000)); }},
      {"idle-timeout-s", "S", "close connections idle for S seconds (default 0 = never)",
       [u](Config& c, const std::string& v) { c.idle_timeout_s = static_cast<std::uint32_t>(u("idle-timeout-s", v, 86400 * 365)); }},
      {"lua-time-limit-ms", "MS", "a script running longer makes other RESP clients get -BUSY until it ends or SCRIPT KILL stops it (default 5000)",
       [u](Config& c, const std::string& v) { c.lua_time_limit_ms = static_cast<std::uint32_t>(u("lua-time-limit-ms", v, 86400000)); }},
      {"max-output-bytes", "BYTES", "per-connection unsent reply bytes before the server stops reading its requests (default 64M)",
       [](Config& c, const std::string& v) { c.max_output_bytes = parse_bytes("max-output-bytes", v); }},
      {"pubsub-output-limit", "BYTES", "a pub/sub subscriber with more unsent output than this is disconnected (default 32M, as Redis's client-output-buffer-limit pubsub)",
       [](Config& c, const std::string& v) { c.pubsub_output_limit_bytes = parse_bytes("pubsub-output-limit", v); }},
      {"feed-progress-ms", "MS", "a change-feed watch quiet for MS gets a progress event with its version (default 1000)",
       [u](Config& c, const std::string& v) { c.feed_progress_ms = static_cast<std::uint32_t>(u("feed-progress-ms", v, 86400000)); }},
      {"tracking-table-max-keys", "N", "client-side caching: keys the tracking table remembers before it invalidates early (default 1000000, as Redis; 0 = no limit)",
       [u](Config& c, const std::string& v) { c.tracking_table_max_keys = u("tracking-table-max-keys", v, 1ull << 40); }},
      {"notify-keyspace-events", "FLAGS", "keyspace notifications, in Redis's letters (K E g $ l s h z x e t m n A; default \"\" = off)",
       [](Config& c, const std::string& v) {
         const auto flags = pubsub::parse_event_flags(v);
         if (!flags) throw ConfigError("--notify-keyspace-events: unknown letter in '" + v + "' (use K E g $ l s h z x e t m d n A)");
         c.notify_keyspace_events = *flags;
       }},
      {"max-memory", "BYTES", "past this store size writes get OUT_OF_MEMORY; nothing is evicted (default 0 = unlimited)",
       [](Config& c, const std::string& v) { c.store.max_memory_bytes = parse_bytes("max-memory", v); }},
      {"hash-max-compact-entries", "N", "a hash of more fields becomes a hash table (default 512, Redis's hash-max-listpack-entries)",
       [u](Config& c, const std::string& v) { c.compact.hash_entries = u("hash-max-compact-entries", v, 1u << 20); }},
      {"hash-max-compact-value", "BYTES", "a hash with a longer field or value becomes a hash table (default 64, hash-max-listpack-value)",
       [u](Config& c, const std::string& v) { c.compact.hash_value = u("hash-max-compact-value", v, 1u << 20); }},
      {"set-max-compact-entries", "N", "a set of strings (not all integers) with more members becomes a hash table (default 128)",
       [u](Config& c, const std::string& v) { c.compact.set_entries = u("set-max-compact-entries", v, 1u << 20); }},
      {"set-max-compact-value", "BYTES", "a set with a longer member becomes a hash table (default 64)",
       [u](Config& c, const std::string& v) { c.compact.set_value = u("set-max-compact-value", v, 1u << 20); }},
      {"set-max-intset-entries", "N", "a set of integers with more members becomes a hash table (default 512, as Redis)",
       [u](Config& c, const std::string& v) { c.compact.set_intset_entries = u("set-max-intset-entries", v, 1u << 20); }},
      {"zset-max-compact-entries", "N", "a sorted set of more members becomes a hash table and a B-tree (default 128, zset-max-listpack-entries)",
       [u](Config& c, const std::string& v) { c.compact.zset_entries = u("zset-max-compact-entries", v, 1u << 20); }},
      {"zset-max-compact-value", "BYTES", "a sorted set with a longer member becomes a hash table and a B-tree (default 64, zset-max-listpack-value)",
       [u](Config& c, const std::string& v) { c.compact.zset_value = u("zset-max-compact-value", v, 1u << 20); }},
      {"list-max-compact-bytes", "BYTES", "bytes per packed node of a list (default 8192, list-max-listpack-size -2)",
       [u](Config& c, const std::string& v) { c.compact.list_node_bytes = u("list-max-compact-bytes", v, 1u << 30); }},
      {"max-key-bytes", "BYTES", "largest key (default 64K)",
       [](Config& c, const std::string& v) { c.store.max_key_bytes = static_cast<std::uint32_t>(std::min<std::uint64_t>(parse_bytes("max-key-bytes", v), UINT32_MAX)); }},
      {"max-reply-bytes", "BYTES", "largest MGET reply (bytes of values) and SCAN page (bytes of keys); past it MGET gets TOO_LARGE and SCAN ends the page early (default 64M)",
       [](Config& c, const std::string& v) { c.store.max_reply_bytes = parse_bytes("max-reply-bytes", v); }},
      {"max-value-bytes", "BYTES", "largest value (default 16M)",
       [](Config& c, const std::string& v) { c.store.max_value_bytes = static_cast<std::uint32_t>(std::min<std::uint64_t>(parse_bytes("max-value-bytes", v), UINT32_MAX)); }},
      {"max-frame-bytes", "BYTES", "largest native frame (default 32M)",
       [](Config& c, const std::string& v) {
         c.native_limits.max_frame_bytes = static_cast<std::uint32_t>(std::min<std::uint64_t>(parse_bytes("max-frame-bytes", v), UINT32_MAX));
       }},
      {"resp-max-array-len", "N", "largest RESP command (elements) (default 1048576)",
       [u](Config& c, const std::string& v) { c.resp_max_array_len = static_cast<std::uint32_t>(u("resp-max-array-len", v, UINT32_MAX)); }},
      {"resp-max-bulk-bytes", "BYTES", "largest RESP bulk string (default 32M)",
       [](Config& c, const std::string& v) {
         c.resp_max_bulk_bytes = static_cast<std::uint32_t>(std::min<std::uint64_t>(parse_bytes("resp-max-bulk-bytes", v), UINT32_MAX));
       }},
      {"log-level", "LEVEL", "trace|debug|info|warn|error|critical|off (default info)",
       [](Config& c, const std::string& v) {
         auto lvl = spdlog::level::from_str(v);
         if (lvl == spdlog::level::off && v != "off") throw ConfigError("--log-level: unknown level '" + v + "'");
         c.log_level = lvl;
       }},
      {"help", "", "print this help and exit", [](Config& c, const std::string&) { c.show_help = true; }},
      {"version", "", "print the version and exit", [](Config& c, const std::string&) { c.show_version = true; }},
  };
}

const Flag* find_flag(const std::vector<Flag>& all, const std::string& name) {
  for (const auto& f : all)
    if (f.name == name) return &f;
  return nullptr;
}

void apply(Config& cfg, const std::vector<Flag>& all, const std::string& name, const std::string& value,
           const std::string& where) {
  const Flag* f = find_flag(all, name);
  if (!f || !f->set) throw ConfigError(where + "unknown option '" + name + "' (see --help)");
  try {
    f->set(cfg, value);
  } catch (const ConfigError& e) {
    std::string msg = e.what();
    if (msg.rfind("--:", 0) == 0) msg = "--" + name + msg.substr(2);
    throw ConfigError(where + msg);
  }
}

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

void load_file(Config& cfg, const std::vector<Flag>& all, const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ConfigError("cannot read config file '" + path + "'");
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    line = trim(line.substr(0, line.find('#')));
    if (line.empty()) continue;
    auto eq = line.find('=');
    std::string name = trim(line.substr(0, eq));
    std::string value = eq == std::string::npos ? "" : trim(line.substr(eq + 1));
    const Flag* f = find_flag(all, name);
    if (f && f->value_hint.empty() && (value == "false" || value == "no" || value == "0")) continue;
    apply(cfg, all, name, value, path + ":" + std::to_string(lineno) + ": ");
  }
}

}  // namespace

Config load_config(int argc, char** argv) {
  Config cfg;
  // Automatic snapshots keep the journal short and restarts fast; both can be turned off.
  cfg.persistence.snapshot.every_changes = 1'000'000;
  cfg.persistence.snapshot.growth_percent = 100;
  cfg.persistence.snapshot.every_seconds = 3600;
  const auto all = flags();
  if (const char* t = std::getenv("MNEMO_AUTH_TOKEN")) cfg.auth_token = t;
  if (const char* t = std::getenv("MNEMO_ADMIN_TOKEN")) cfg.admin_token = t;
  // The default of --io-backend, so a test suite can run on either backend.
  if (const char* t = std::getenv("MNEMO_IO_BACKEND"); t && *t) cfg.io_backend = t;
  // Pair up "--name value" / "--name=value" first so --config can be applied before the rest.
  std::vector<std::pair<std::string, std::string>> given;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--", 0) != 0) throw ConfigError("unexpected argument '" + arg + "' (see --help)");
    std::string name = arg.substr(2), value;
    auto eq = name.find('=');
    if (eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    } else if (const Flag* f = find_flag(all, name); f && !f->value_hint.empty()) {
      if (i + 1 >= argc) throw ConfigError("--" + name + " needs a value (" + f->value_hint + ")");
      value = argv[++i];
    }
    given.emplace_back(name, value);
  }
  for (const auto& [name, value] : given)
    if (name == "config") load_file(cfg, all, value);
  for (const auto& [name, value] : given)
    if (name != "config") apply(cfg, all, name, value, "");
  return cfg;
}

bool is_loopback_address(const std::string& a) {
  return a == "localhost" || a == "::1" || a.rfind("127.", 0) == 0;
}

void validate(const Config& cfg) {
  if (!is_loopback_address(cfg.bind_address) && cfg.auth_token.empty() && !cfg.insecure_open) {
    throw ConfigError("refusing to listen on " + cfg.bind_address +
                      " without authentication: set --auth-token TOKEN (or MNEMO_AUTH_TOKEN), "
                      "or pass --insecure-open to accept connections from anyone");
  }
  if (cfg.persistence.journal.flush_interval_ms == 0) throw ConfigError("--flush-interval-ms must be at least 1");
  if (cfg.native_limits.max_frame_bytes < 64) throw ConfigError("--max-frame-bytes is too small");
  if (cfg.store.max_reply_bytes < cfg.store.max_value_bytes || cfg.store.max_reply_bytes > (2ull << 30))
    throw ConfigError("--max-reply-bytes must be between --max-value-bytes and 2G");
  if (cfg.store.max_value_bytes > cfg.native_limits.max_frame_bytes)
    throw ConfigError("--max-value-bytes cannot exceed --max-frame-bytes");
  if (cfg.max_connections == 0) throw ConfigError("--max-connections must be at least 1");
  if (cfg.io_backend != "auto" && cfg.io_backend != "epoll" && cfg.io_backend != "io_uring")
    throw ConfigError("--io-backend must be auto, epoll or io_uring (not '" + cfg.io_backend + "')");
}

std::string security_warning(const Config& cfg) {
  if (is_loopback_address(cfg.bind_address) || !cfg.auth_token.empty()) return "";
  return "--insecure-open: listening on " + cfg.bind_address +
         " with no authentication; anyone who can reach it can read and change every key";
}

std::string usage() {
  std::ostringstream out;
  out << "usage: mnemo-server [options]\n\n"
         "mnemo keeps every key in memory and journals writes to SQLite in the background.\n"
         "Options (also accepted as `name = value` lines in a --config file):\n";
  for (const auto& f : flags()) {
    std::string left = "  --" + f.name + (f.value_hint.empty() ? "" : " " + f.value_hint);
    out << left << std::string(left.size() < 32 ? 32 - left.size() : 1, ' ') << f.help << "\n";
  }
  return out.str();
}

}  // namespace mnemo::server
