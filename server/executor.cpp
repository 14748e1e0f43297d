#include "server/executor.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>

namespace mnemo::server {

using protocol::Opcode;
using protocol::Request;
using protocol::Response;
using protocol::Status;

bool constant_time_equal(std::string_view a, std::string_view b) {
  // Walk the longer input whatever happens, so timing leaks neither content nor length.
  const std::size_t n = std::max(a.size(), b.size());
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < n; ++i) {
    unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff |= static_cast<unsigned char>(x ^ y);
  }
  return diff == 0;
}

Executor::Executor(const Config& cfg, Store& store, persistence::Persistence* persistence,
                   ServerStats& stats, std::function<void()> request_shutdown)
    : cfg_(cfg),
      store_(store),
      persistence_(persistence),
      stats_(stats),
      request_shutdown_(std::move(request_shutdown)) {}

SessionState Executor::new_session(bool snapshot_without_admin_token) const {
  SessionState s;
  s.authenticated = cfg_.auth_token.empty();
  s.snapshot_without_admin_token = snapshot_without_admin_token;
  return s;
}

bool Executor::writes(Opcode op) const {
  const CommandSpec* spec = commands_.find_native(op);
  return spec != nullptr && spec->write();
}

bool Executor::needs_admin(Opcode op) const {
  const CommandSpec* spec = commands_.find_native(op);
  return spec != nullptr && spec->admin();
}

bool Executor::execute(SessionState& session, const Request& req, Response& resp,
                       const std::shared_ptr<AsyncReply>& async) {
  resp.clear();
  resp.op = req.op;
  resp.id = req.id;
  stats_.count_op(req.op);
  if (!check_access(session, req, resp)) {
    count_result(resp);
    return true;
  }
  bool done = true;
  switch (req.op) {
    case Opcode::hello: do_hello(req, resp); break;
    case Opcode::auth: do_auth(session, req, resp); break;
    case Opcode::select:
      // The codec keeps the connection's database; this only checks the number.
      if (req.db >= cfg_.store.databases) {
        resp.fail(Status::bad_request, "database " + std::to_string(req.db) + " does not exist: this server has " +
                                           std::to_string(cfg_.store.databases) + " (0 to " +
                                           std::to_string(cfg_.store.databases - 1) + ", --databases)");
      }
      break;
    case Opcode::sync:
      if (!persistence_) {
        resp.version = 0;
        break;
      }
      done = wait_durable(persistence_->last_seq(), resp, async);
      break;
    case Opcode::snapshot: case Opcode::snapshots: case Opcode::stats:
    case Opcode::backup: case Opcode::shutdown:
      done = do_admin(req, resp, async);
      break;
    default:
      if (req.has(protocol::flags::kDurable) && req.has(protocol::flags::kEphemeral)) {
        resp.fail(Status::bad_request, "DURABLE and EPHEMERAL exclude each other");
        break;
      }
      if (req.has(protocol::flags::kDurable) && !persistence_ && writes(req.op)) {
        resp.fail(Status::bad_request, "DURABLE needs persistence, which this server runs without");
        break;
      }
      store_.execute(req, resp);
      if (resp.status == Status::ok && req.has(protocol::flags::kDurable) && writes(req.op)) {
        done = wait_durable(resp.version, resp, async);
      }
      break;
  }
  if (done) count_result(resp);
  return done;
}

bool Executor::check_access(SessionState& session, const Request& req, Response& resp) {
  if (req.op == Opcode::hello || req.op == Opcode::auth) return true;
  if (!session.authenticated) {
    resp.fail(Status::unauthorized, "authentication required: send AUTH with the server's token");
    return false;
  }
  if (!needs_admin(req.op) || session.admin) return true;
  if (session.snapshot_without_admin_token && req.op == Opcode::snapshot && cfg_.admin_token.empty()) return true;
  if (cfg_.admin_token.empty()) {
    resp.fail(Status::forbidden, "admin operations are disabled: start the server with --admin-token");
  } else {
    resp.fail(Status::forbidden, "admin operation: AUTH with the admin token first");
  }
  return false;
}

void Executor::do_hello(const Request& req, Response& resp) {
  if (req.version == 0) {
    resp.fail(Status::unsupported_version, "protocol version 0 does not exist; this server speaks 1.." +
                                               std::to_string(protocol::kProtocolVersion));
    return;
  }
  resp.version = std::min<std::uint16_t>(req.version, protocol::kProtocolVersion);
  resp.text = "mnemo " MNEMO_VERSION;
}

void Executor::do_auth(SessionState& session, const Request& req, Response& resp) {
  if (cfg_.auth_token.empty() && cfg_.admin_token.empty()) {
    resp.fail(Status::bad_request, "this server has no token configured: AUTH is not needed");
    return;
  }
  if (!cfg_.admin_token.empty() && constant_time_equal(req.key, cfg_.admin_token)) {
    session.authenticated = true;
    session.admin = true;
  } else if (!cfg_.auth_token.empty() && constant_time_equal(req.key, cfg_.auth_token)) {
    session.authenticated = true;
  } else {
    stats_.auth_failures.fetch_add(1, std::memory_order_relaxed);
    // Rate-limited; never logs the token that was tried.
    static std::atomic<std::int64_t> last_log_s{0};
    const auto now_s = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::steady_clock::now().time_since_epoch()).count();
    if (last_log_s.exchange(now_s) != now_s) spdlog::warn("AUTH failed (wrong token)");
    resp.fail(Status::unauthorized, "invalid token");
    return;
  }
  resp.admin = session.admin;
}

bool Executor::wait_durable(std::uint64_t seq, Response& resp, const std::shared_ptr<AsyncReply>& async) {
  stats_.durable_waits.fetch_add(1, std::memory_order_relaxed);
  if (persistence_->durable_seq() >= seq) {
    if (resp.op == Opcode::sync) resp.version = persistence_->durable_seq();
    return true;
  }
  persistence_->wait_durable(seq, [async, seq, this](Status s) {
    std::uint64_t durable = persistence_->durable_seq();
    async->complete([s, seq, durable, this](Response& r) {
      if (s != Status::ok && r.op == Opcode::sync) {
        r.fail(s, "the journal could not commit up to seq " + std::to_string(seq) +
                      ": writes acknowledged before this SYNC are in memory but NOT durable; "
                      "see STATS last_error");
      } else if (s != Status::ok) {
        r.fail(s, "the journal could not commit this write (seq " + std::to_string(seq) +
                      "): it is applied in memory but NOT durable; see STATS last_error");
      } else if (r.op == Opcode::sync) {
        r.version = durable;
      }
      count_result(r);
    });
  });
  return false;
}

bool Executor::do_admin(const Request& req, Response& resp, const std::shared_ptr<AsyncReply>& async) {
  switch (req.op) {
    case Opcode::stats:
      resp.text = stats_json();
      return true;
    case Opcode::shutdown:
      spdlog::info("SHUTDOWN requested by a client");
      request_shutdown_();
      return true;
    default:
      break;
  }
  if (!persistence_) {
    resp.fail(Status::bad_request, "this server runs without persistence (--no-persistence)");
    return true;
  }
  if (req.op == Opcode::snapshots) {
    resp.snapshots = persistence_->snapshots();
    return true;
  }
  if (req.op == Opcode::snapshot) return do_snapshot(req, resp, async);
  // BACKUP
  if (req.key.empty()) {
    resp.fail(Status::bad_request, "BACKUP needs a destination path");
    return true;
  }
  // A backup holds every write acknowledged before it: wait for those to commit, then copy.
  auto finish = [async, this](Status s, std::string message) {
    async->complete([s, message = std::move(message), this](Response& r) {
      if (s != Status::ok) r.fail(s, message);
      count_result(r);
    });
  };
  persistence_->wait_durable(persistence_->last_seq(), [this, path = std::string(req.key), finish](Status s) {
    if (s != Status::ok) {
      finish(s, "the journal could not commit the writes before the backup; see STATS last_error");
      return;
    }
    persistence_->backup(path, finish);
  });
  return false;
}

bool Executor::do_snapshot(const Request& req, Response& resp, const std::shared_ptr<AsyncReply>& async) {
  const bool wait = req.has(protocol::flags::kWait);
  std::function<void(const protocol::SnapshotInfo&, Status)> done;
  if (wait) {
    done = [async, this](const protocol::SnapshotInfo& info, Status s) {
      async->complete([info, s, this](Response& r) {
        r.snapshots.assign(1, info);
        if (s != Status::ok) r.fail(s, "snapshot " + std::to_string(info.id) + " failed; see STATS");
        count_result(r);
      });
    };
  }
  auto started = persistence_->start_snapshot(std::move(done));
  if (!started.ok()) {
    resp.fail(started.error().status, started.error().message);
    return true;
  }
  resp.snapshots.assign(1, *started);
  return !wait;
}

void Executor::count_result(const Response& resp) {
  // A missing key or a failed condition is an answer, not an error.
  if (resp.status == Status::ok || resp.status == Status::not_found || resp.status == Status::exists ||
      resp.status == Status::version_mismatch) {
    return;
  }
  stats_.count_error();
  if (resp.status == Status::busy) stats_.busy_rejects.fetch_add(1, std::memory_order_relaxed);
  if (resp.status == Status::read_only) stats_.read_only_rejects.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace mnemo::server
