// STATS (JSON), INFO (Redis text) and /metrics (Prometheus text) documents,
// all built from the same figures.
#include <cinttypes>
#include <cstdio>
#include <string>
#include <vector>

#include "server/executor.h"

namespace mnemo::server {
namespace {

// One figure in all three documents: section, name, value, help.
struct Figure {
  std::string section;
  std::string name;
  std::string value;  // already formatted (number, or quoted string for JSON)
  bool is_number = true;
  std::string help;
};

std::string num(std::uint64_t v) { return std::to_string(v); }
std::string num(std::int64_t v) { return std::to_string(v); }
std::string num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

std::string json_escape(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

// Collected in one place so the three formats never disagree.
static std::vector<Figure> collect(const Config& cfg, const Store& store, persistence::Persistence* p,
                                   const ServerStats& st, const pubsub::Registry* reg) {
  std::vector<Figure> f;
  auto add = [&f](std::string sec, std::string name, std::string v, std::string help) {
    f.push_back({std::move(sec), std::move(name), std::move(v), true, std::move(help)});
  };
  auto add_text = [&f](std::string sec, std::string name, std::string v, std::string help) {
    f.push_back({std::move(sec), std::move(name), std::move(v), false, std::move(help)});
  };
  const auto now = now_ms();
  add_text("server", "version", MNEMO_VERSION, "mnemo version");
  add("server", "uptime_seconds", num((now - st.started_at_ms) / 1000), "seconds since start");
  add("server", "tcp_port", num(std::uint64_t{cfg.port}), "native protocol port");
  add("server", "io_threads", num(std::uint64_t{cfg.threads}), "io threads");
  add_text("server", "io_backend", cfg.io_backend, "how connections reach the kernel: epoll or io_uring");

  const auto s = store.stats();
  add("store", "keys", num(s.keys), "keys in memory (including ephemeral)");
  add("store", "ephemeral_keys", num(s.ephemeral_keys), "keys written with EPHEMERAL (never journaled)");
  add("store", "keys_with_expiry", num(s.keys_with_expiry), "keys with a TTL");
  add("store", "memory_bytes", num(s.memory_bytes), "estimated store memory");
  add("store", "max_memory_bytes", num(cfg.store.max_memory_bytes), "--max-memory (0 = unlimited)");
  add("store", "expired_lazily", num(s.expired_lazily), "expired keys removed on access");
  add("store", "expired_by_sweep", num(s.expired_by_sweep), "expired keys removed by the sweep");
  add("store", "oom_rejects", num(s.oom_rejects), "writes refused by --max-memory");

  add("traffic", "ops_total", num(st.total_ops()), "requests executed");
  add("traffic", "commands_total", num(st.total_commands()), "commands of either protocol");
  add("traffic", "ops_per_sec", num(st.instantaneous_ops_per_sec()), "commands per second, last ~1.6 s");
  for (std::size_t op = 0; op < ServerStats::kOps; ++op) {
    auto n = st.ops(op);
    if (n == 0 || !protocol::is_known_opcode(static_cast<std::uint8_t>(op))) continue;
    std::string name(protocol::opcode_name(static_cast<protocol::Opcode>(op)));
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    add("traffic", "ops_" + name, num(n), "requests of this type");
  }
  add("traffic", "errors", num(st.errors()), "error replies");
  add("traffic", "connections_current", num(st.connections_current.load()), "open client connections");
  add("traffic", "connections_total", num(st.connections_total.load()), "connections accepted");
  add("traffic", "connections_rejected", num(st.connections_rejected.load()), "connections refused by --max-connections");
  add("traffic", "protocol_errors", num(st.protocol_errors.load()), "malformed frames or commands");
  add("traffic", "auth_failures", num(st.auth_failures.load()), "AUTH with a wrong token");
  add("traffic", "busy_rejects", num(st.busy_rejects.load()), "BUSY replies (journal queue full)");
  add("traffic", "read_only_rejects", num(st.read_only_rejects.load()), "writes refused while the disk fails");
  add("traffic", "durable_waits", num(st.durable_waits.load()), "DURABLE writes and SYNCs");
  add("traffic", "pressure_pauses", num(st.pressure_pauses.load()), "reads paused by journal backpressure");
  add("traffic", "output_pauses", num(st.output_pauses.load()), "reads paused for clients not reading replies");
  add("traffic", "idle_closes", num(st.idle_closes.load()), "connections closed by --idle-timeout-s");
  add("traffic", "bytes_in", num(st.bytes_in()), "bytes received");
  add("traffic", "bytes_out", num(st.bytes_out()), "bytes sent");
  add("pubsub", "channels", num(reg ? reg->channel_count() : 0), "channels with at least one subscriber");
  add("pubsub", "patterns", num(reg ? reg->numpat() : 0), "distinct patterns subscribed to");
  add("pubsub", "messages_published", num(reg ? reg->messages_published() : 0), "PUBLISH calls and keyspace events sent");
  add("pubsub", "messages_dropped", num(reg ? reg->messages_dropped() : 0), "deliveries refused by a subscriber's full output");
  add("pubsub", "limit_closes", num(st.pubsub_limit_closes.load()), "subscribers disconnected past --pubsub-output-limit");
  add("feed", "watches_total", num(st.feed_watches_total.load()), "change-feed WATCHes accepted");
  add("feed", "frames_sent", num(st.feed_frames_sent.load()), "pushes of change-feed events to watchers");
  add("feed", "replayed_changes", num(st.feed_replayed_changes.load()), "journal changes replayed to resuming watchers");
  add("feed", "limit_closes", num(st.feed_limit_closes.load()), "watchers disconnected past --pubsub-output-limit");

  if (!p) {
    add("journal", "enabled", "0", "1 when writes are journaled");
    return f;
  }
  const auto ps = p->stats();
  add("journal", "enabled", "1", "1 when writes are journaled");
  add("journal", "last_seq", num(ps.journal.last_seq), "last seq applied in memory");
  add("journal", "durable_seq", num(ps.journal.durable_seq), "every seq up to this is committed");
  add("journal", "lag_changes", num(ps.journal.last_seq - std::min(ps.journal.last_seq, ps.journal.durable_seq)), "seqs applied but not committed");
  add("journal", "queue_bytes", num(ps.journal.queue_bytes), "bytes waiting for the journal thread");
  add("journal", "queue_changes", num(ps.journal.queue_changes), "changes waiting for the journal thread");
  add("journal", "oldest_unflushed_age_ms", num(ps.journal.oldest_unflushed_age_ms), "age of the oldest uncommitted change");
  add("journal", "batches_written", num(ps.journal.batches_written), "journal rows committed");
  add("journal", "changes_written", num(ps.journal.changes_written), "changes committed");
  add("journal", "bytes_written", num(ps.journal.bytes_written), "journal payload bytes committed");
  add("journal", "commit_failures", num(ps.journal.commit_failures), "failed commits");
  add("journal", "failing", ps.journal.failing ? "1" : "0", "1 while writes are refused because commits fail");
  add_text("journal", "last_error", ps.journal.last_error, "last journal error");
  add("journal", "last_error_at_ms", num(ps.journal.last_error_at_ms), "when it happened (Unix ms)");
  add("journal", "db_file_bytes", num(ps.db_file_bytes), "database file plus its WAL, in bytes");

  add("disk", "file_bytes", num(ps.disk.file_bytes), "the database file");
  add("disk", "wal_bytes", num(ps.disk.wal_bytes), "its write-ahead log");
  add("disk", "snapshot_bytes", num(ps.disk.snapshot_bytes), "complete snapshots' chunks, as stored");
  add("disk", "journal_bytes", num(ps.disk.journal_bytes), "journal rows' payloads, as stored");
  add("disk", "reclaimed_bytes", num(ps.disk.reclaimed_bytes), "freed pages given back since start");

  add("snapshot", "running", ps.snapshot.running ? "1" : "0", "1 while a snapshot is being written");
  add("snapshot", "completed", num(ps.snapshot.completed), "snapshots completed since start");
  add("snapshot", "failures", num(ps.snapshot.failures), "snapshots failed since start");
  add("snapshot", "last_id", num(ps.snapshot.last.id), "id of the last complete snapshot (0 = none)");
  add("snapshot", "last_start_seq", num(ps.snapshot.last.start_seq), "its S0");
  add("snapshot", "last_entries", num(ps.snapshot.last.entries), "its entries");
  add("snapshot", "last_bytes", num(ps.snapshot.last.bytes), "its bytes, as stored");
  add("snapshot", "last_raw_bytes", num(ps.snapshot.last_raw_bytes), "its bytes before compression");
  add("snapshot", "last_compress_cpu_us", num(ps.snapshot.last_compress_cpu_us),
      "snapshot thread CPU spent compressing it");
  add("snapshot", "last_duration_ms", num(ps.snapshot.last.duration_ms), "how long it took");
  const std::int64_t age = ps.snapshot.last.id ? (now - ps.snapshot.last.started_at_ms) / 1000 : -1;
  add("snapshot", "last_age_seconds", num(age), "seconds since it started (-1 = none)");
  add_text("snapshot", "last_error", ps.snapshot.last_error, "last snapshot error");
  add("snapshot", "changes_until_auto", num(ps.snapshot.changes_until_auto),
      "journaled changes before the next automatic snapshot (-1 = by changes: off)");

  const auto& r = ps.recovery;
  add("recovery", "snapshot_id", num(r.snapshot_id), "snapshot loaded at start (0 = none)");
  add("recovery", "snapshot_entries", num(r.snapshot_entries), "entries loaded from it");
  add("recovery", "journal_rows", num(r.journal_rows), "journal rows replayed");
  add("recovery", "journal_changes", num(r.journal_changes), "changes replayed");
  add("recovery", "expired_dropped", num(r.expired_dropped), "expired entries dropped");
  add("recovery", "skipped_bad_rows", num(r.skipped_bad_rows), "rows skipped by --recover-truncated");
  add("recovery", "seconds", num(r.seconds), "recovery time");
  return f;
}

std::string Executor::stats_json() const {
  const auto figures = collect(cfg_, store_, persistence_, stats_, pubsub_);
  std::string out = "{";
  std::string section;
  for (const auto& fig : figures) {
    if (fig.section != section) {
      if (!section.empty()) out += "},";
      section = fig.section;
      out += '"';
      out += section;
      out += "\":{";
    } else {
      out += ",";
    }
    out += '"';
    out += fig.name;
    out += "\":";
    if (fig.is_number) {
      out += fig.value;
    } else {
      out += '"';
      out += json_escape(fig.value);
      out += '"';
    }
  }
  if (!section.empty()) out += "}";
  out += "}";
  return out;
}

std::string Executor::prometheus_text() const {
  const auto figures = collect(cfg_, store_, persistence_, stats_, pubsub_);
  std::string out;
  for (const auto& fig : figures) {
    if (!fig.is_number) continue;
    const std::string name = "mnemo_" + fig.section + "_" + fig.name;
    out += "# HELP " + name + " " + fig.help + "\n";
    out += "# TYPE " + name + " gauge\n";
    out += name + " " + fig.value + "\n";
  }
  return out;
}

}  // namespace mnemo::server

namespace mnemo::server {

namespace {

// Redis's bytesToHuman: "512B", "1.50K", "3.00M", ...
std::string bytes_to_human(std::uint64_t n) {
  const char* units[] = {"B", "K", "M", "G", "T", "P"};
  if (n < 1024) return std::to_string(n) + "B";
  double v = static_cast<double>(n);
  int u = 0;
  while (v >= 1024 && u < 5) {
    v /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f%s", v, units[u]);
  return buf;
}

}  // namespace

// Redis-style INFO, with the fields Redis tools commonly read.
std::string Executor::info_text(std::string_view section) const {
  std::string want(section);
  for (auto& c : want) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const bool all = want.empty() || want == "all" || want == "default" || want == "everything";
  const auto s = store_.stats();
  const auto ps = persistence_ ? persistence_->stats() : persistence::PersistenceStats{};
  const auto uptime = (now_ms() - stats_.started_at_ms) / 1000;
  std::string out;
  auto sec = [&](const char* name, const std::string& body) {
    std::string lower = name;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!all && want != lower) return;
    if (!out.empty()) out += "\r\n";
    out += std::string("# ") + name + "\r\n" + body;
  };
  auto kv = [](const std::string& k, const std::string& v) { return k + ":" + v + "\r\n"; };
  sec("Server", kv("redis_version", "7.0.0") + kv("mnemo_version", MNEMO_VERSION) + kv("redis_mode", "standalone") +
                    kv("os", "Linux") + kv("arch_bits", "64") + kv("tcp_port", num(static_cast<std::uint64_t>(cfg_.resp_port))) +
                    kv("uptime_in_seconds", num(uptime)) + kv("uptime_in_days", num(uptime / 86400)) +
                    kv("io_backend", cfg_.io_backend));
  const tracking::TrackingTable::Totals tracked = tracking_ ? tracking_->totals() : tracking::TrackingTable::Totals{};
  sec("Clients", kv("connected_clients", num(stats_.connections_current.load())) + kv("blocked_clients", num(blocking_ ? blocking_->blocked_clients() : 0)) +
                     kv("tracking_clients", num(tracked.clients)) +
                     kv("maxclients", num(std::uint64_t{cfg_.max_connections})));
  sec("Memory", kv("used_memory", num(s.memory_bytes)) + kv("used_memory_human", bytes_to_human(s.memory_bytes)) +
                    kv("maxmemory", num(cfg_.store.max_memory_bytes)) +
                    kv("maxmemory_policy", "noeviction"));
  const bool enabled = persistence_ != nullptr;
  sec("Persistence",
      kv("loading", "0") + kv("aof_enabled", enabled ? "1" : "0") + kv("rdb_bgsave_in_progress", ps.snapshot.running ? "1" : "0") +
          kv("rdb_changes_since_last_save", num(ps.journal.last_seq - std::min(ps.journal.last_seq, ps.snapshot.last.start_seq))) +
          // Redis reports its start time until the first save.
          kv("rdb_last_save_time", num((ps.snapshot.last.started_at_ms != 0 ? ps.snapshot.last.started_at_ms
                                                                            : stats_.started_at_ms) / 1000)) +
          kv("rdb_last_bgsave_status", ps.snapshot.last_error.empty() ? "ok" : "err") +
          kv("aof_last_write_status", ps.journal.failing ? "err" : "ok") + kv("mnemo_last_seq", num(ps.journal.last_seq)) +
          kv("mnemo_durable_seq", num(ps.journal.durable_seq)) + kv("mnemo_journal_queue_bytes", num(ps.journal.queue_bytes)) +
          kv("mnemo_disk_file_bytes", num(ps.disk.file_bytes)) + kv("mnemo_disk_wal_bytes", num(ps.disk.wal_bytes)) +
          kv("mnemo_disk_snapshot_bytes", num(ps.disk.snapshot_bytes)) +
          kv("mnemo_disk_journal_bytes", num(ps.disk.journal_bytes)));
  sec("Stats", kv("total_connections_received", num(stats_.connections_total.load())) +
                   kv("total_commands_processed", num(stats_.total_commands())) +
                   kv("instantaneous_ops_per_sec", num(stats_.instantaneous_ops_per_sec())) +
                   kv("rejected_connections", num(stats_.connections_rejected.load())) +
                   kv("expired_keys", num(s.expired_lazily + s.expired_by_sweep)) + kv("evicted_keys", "0") +
                   kv("keyspace_hits", num(s.keyspace_hits)) + kv("keyspace_misses", num(s.keyspace_misses)) +
                   kv("total_net_input_bytes", num(stats_.bytes_in())) +
                   kv("total_net_output_bytes", num(stats_.bytes_out())) +
                   kv("pubsub_channels", num(pubsub_ ? pubsub_->channel_count() : 0)) +
                   kv("pubsub_patterns", num(pubsub_ ? pubsub_->numpat() : 0)) +
                   kv("pubsubshard_channels", num(pubsub_ ? pubsub_->shard_channels("").size() : 0)) +
                   kv("client_output_buffer_limit_disconnections", num(stats_.pubsub_limit_closes.load())) +
                   kv("tracking_total_keys", num(tracked.keys)) + kv("tracking_total_items", num(tracked.items)) +
                   kv("tracking_total_prefixes", num(tracked.prefixes)));
  sec("Replication", kv("role", "master") + kv("connected_slaves", "0"));
  std::string keyspace;
  const std::vector<DbKeyspace> dbs = store_.keyspace();
  for (std::size_t i = 0; i < dbs.size(); ++i) {
    if (dbs[i].keys == 0) continue;
    keyspace += "db" + std::to_string(i) + ":keys=" + num(dbs[i].keys) + ",expires=" + num(dbs[i].expires) +
                ",avg_ttl=0\r\n";
  }
  sec("Keyspace", keyspace);
  return out;
}

}  // namespace mnemo::server
