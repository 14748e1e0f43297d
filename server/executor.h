// Runs one decoded request for a connection of either protocol: checks auth
// and admin rights, sends data operations to the store, and turns durable
// writes, SYNC, snapshots and backups into asynchronous completions.
//
// Threads: one Executor per server, shared by all io threads; execute() is
// thread-safe. Per-connection state lives in SessionState, owned by the
// connection and touched only on its io thread.
// Lifetime: the store, persistence (may be null), stats and config must
// outlive the executor; the executor must outlive every connection.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "persistence/persistence.h"
#include "protocol/message.h"
#include "server/commands/command_table.h"
#include "server/config.h"
#include "server/blocking/waiters.h"
#include "server/pubsub/registry.h"
#include "server/server_stats.h"
#include "server/store.h"
#include "server/tracking/tracking_table.h"

namespace mnemo::server {

struct SessionState {
  bool authenticated = false;  // true from the start when no auth token is configured
  bool admin = false;
  // Snapshots may be started without admin rights while the server has no
  // admin token (the RESP layer's choice: Redis tools send SAVE and BGSAVE freely).
  bool snapshot_without_admin_token = false;
  std::uint16_t protocol_version = protocol::kProtocolVersion;
};

// How an asynchronous request finishes. The connection implements it: complete()
// may be called from any thread, exactly once per pending request; `fill` is
// then applied to the held response on the connection's io thread.
class AsyncReply {
 public:
  virtual ~AsyncReply() = default;
  virtual void complete(std::function<void(protocol::Response&)> fill) = 0;
};

class Executor {
 public:
  Executor(const Config& cfg, Store& store, persistence::Persistence* persistence, ServerStats& stats,
           std::function<void()> request_shutdown);

  // `snapshot_without_admin_token`: see SessionState.
  SessionState new_session(bool snapshot_without_admin_token) const;

  // Fills resp (op and id included). Returns true when resp is final; false
  // when the request is pending and `async->complete()` will be called later.
  // Store::prefetch for a request that comes later in a pipeline.
  void prefetch(std::string_view key, Store::Prefetch stage) const { store_.prefetch(key, stage); }
  bool prefetch_pays() const { return store_.prefetch_pays(); }
  bool execute(SessionState& session, const protocol::Request& req, protocol::Response& resp,
               const std::shared_ptr<AsyncReply>& async);

  // The STATS document (JSON) and the RESP INFO text.
  std::string stats_json() const;
  std::string info_text(std::string_view section) const;
  std::string prometheus_text() const;
  // Pub/sub figures for the documents above; set once before serving.
  void attach_pubsub(const pubsub::Registry* registry) { pubsub_ = registry; }
  // Client-side caching figures for INFO; set once before serving.
  void attach_tracking(const tracking::TrackingTable* table) { tracking_ = table; }
  void attach_blocking(const blocking::Registry* registry) { blocking_ = registry; }  // INFO blocked_clients

 private:
  bool check_access(SessionState& session, const protocol::Request& req, protocol::Response& resp);
  void do_hello(const protocol::Request& req, protocol::Response& resp);
  void do_auth(SessionState& session, const protocol::Request& req, protocol::Response& resp);
  bool wait_durable(std::uint64_t seq, protocol::Response& resp, const std::shared_ptr<AsyncReply>& async);
  bool do_admin(const protocol::Request& req, protocol::Response& resp, const std::shared_ptr<AsyncReply>& async);
  bool do_snapshot(const protocol::Request& req, protocol::Response& resp, const std::shared_ptr<AsyncReply>& async);
  void count_result(const protocol::Response& resp);
  bool writes(protocol::Opcode op) const;  // by the command table
  bool needs_admin(protocol::Opcode op) const;

  const Config& cfg_;
  Store& store_;
  persistence::Persistence* persistence_;
  ServerStats& stats_;
  std::function<void()> request_shutdown_;
  const CommandTable& commands_ = builtin_commands();
  const pubsub::Registry* pubsub_ = nullptr;
  const tracking::TrackingTable* tracking_ = nullptr;
  const blocking::Registry* blocking_ = nullptr;
};

// Compares in time independent of where the first difference is.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace mnemo::server
