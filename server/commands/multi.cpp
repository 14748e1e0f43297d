// MULTI, EXEC, DISCARD, WATCH, UNWATCH with Redis 7's semantics and replies
// (src/multi.c): commands queue with +QUEUED; a queue-time error makes EXEC
// answer EXECABORT; a run-time error fails that command alone; a watched
// key that changed (by anyone, by expiry, by a flush) makes EXEC answer nil.
//
// EXEC runs the queue as one store transaction (Store::run_atomically):
// the shards of every key the queued commands name (by their key specs) and
// of every watched key are locked first, so the watch check and the commands
// are atomic and isolated, and all their writes are one journal unit. A
// command whose keys the table cannot name (FLUSHDB, KEYS, SCAN, DBSIZE,
// INFO, COPY ... DB, ...) makes the transaction lock every shard.
#include <algorithm>
#include <cctype>

#include "server/commands/command_table.h"
#include "server/commands/helpers.h"
#include "server/commands/multi.h"
#include "server/shard_mutex.h"

namespace mnemo::server::commands {

using protocol::Opcode;
using protocol::Request;
using protocol::Response;
using protocol::Status;

namespace {

constexpr std::string_view kExecAbort = "EXECABORT Transaction discarded because of previous errors.";

bool is_named(const CommandSpec& spec, std::string_view name) { return spec.name == name; }

// The commands a transaction does not queue (Redis's processCommand).
bool runs_in_multi(const CommandSpec& spec) {
  return is_named(spec, "exec") || is_named(spec, "discard") || is_named(spec, "multi") ||
         is_named(spec, "watch") || is_named(spec, "quit") || is_named(spec, "reset");
}

// Whether the key specs name every shard the command may touch: false for
// keyless commands that read or write the keyspace, commands that reach
// another database, and incomplete or movable key specs.
bool keys_are_exact(const CommandSpec& spec) {
  if (spec.flags & cmd::kMovableKeys) return false;
  if (is_named(spec, "copy") || is_named(spec, "move") || is_named(spec, "swapdb")) return false;
  for (const KeySpec& k : spec.keys) {
    if (k.begin <= 0 || (k.flags & cmd::kKeyIncomplete)) return false;
  }
  if (!spec.keys.empty()) return true;
  // Keyless: only the connection family (PING, ECHO, SELECT, CLIENT ...) leaves the store alone.
  return (spec.acl & (cmd::kAclConnection | cmd::kAclTransaction)) != 0;
}

struct LockPlan {
  std::vector<Store::TxnKey> keys;
  bool all_shards = false;
};

// The keys EXEC locks: every queued command's keys in the database it will
// run in (SELECT inside the transaction moves the later ones), and the watched keys.
LockPlan plan_locks(const MultiState& m, std::uint32_t db, std::uint32_t databases,
                    std::vector<std::vector<std::string_view>>& argvs) {
  LockPlan plan;
  for (const WatchedKey& w : m.watched) plan.keys.push_back({w.db, w.key});
  for (std::size_t i = 0; i < m.queue.size(); ++i) {
    const CommandSpec& spec = *m.queue[i].spec;
    const std::vector<std::string_view>& argv = argvs[i];
    if (is_named(spec, "select")) {
      std::int64_t to = 0;
      if (parse_int64(argv[1], to) && to >= 0 && to < static_cast<std::int64_t>(databases)) {
        db = static_cast<std::uint32_t>(to);
      }
      continue;
    }
    if (!keys_are_exact(spec)) {
      plan.all_shards = true;
      continue;
    }
    for (std::size_t pos : spec.key_positions(argv.size())) plan.keys.push_back({db, argv[pos]});
  }
  return plan;
}

// What the Executor would do with a request a queued command submitted:
// inside a transaction only the store's data operations run.
void run_request(CommandContext& ctx, const Request& req, Response& resp) {
  resp.clear();
  resp.op = req.op;
  resp.id = req.id;
  switch (req.op) {
    case Opcode::hello: case Opcode::auth: case Opcode::sync: case Opcode::snapshot:
    case Opcode::snapshots: case Opcode::stats: case Opcode::backup: case Opcode::shutdown:
      resp.fail(Status::bad_request, "this command cannot run inside a transaction in mnemo");
      return;
    default:
      if (ctx.env().store == nullptr) {
        resp.fail(Status::bad_request, "this command needs the store");
        return;
      }
      ctx.env().store->execute(req, resp);
  }
}

// Runs one queued command to its reply: its handler, then every step it submits.
void run_steps(CommandContext& ctx, const CommandSpec& spec, ArgList argv, ReplyBuilder& reply) {
  Request steps[2];
  int cur = 0;
  steps[cur].clear();
  steps[cur].db = ctx.session().db;
  ctx.begin(&spec, &steps[cur]);
  spec.handler(ctx, argv, reply);
  Response resp;
  while (ReplyFn then = ctx.take_then()) {
    run_request(ctx, steps[cur], resp);
    ctx.set_answered(&steps[cur]);  // what `then` answers (keyspace events name its key)
    cur ^= 1;
    steps[cur].clear();
    steps[cur].db = ctx.session().db;
    ctx.set_request(&steps[cur]);
    then(ctx, resp, reply);
  }
}

}  // namespace

void run_command_now(CommandContext& ctx, const CommandSpec& spec, ArgList argv, ReplyBuilder& reply) {
  try {
    run_steps(ctx, spec, argv, reply);
  } catch (const UndeclaredShardBusy& e) {  // thrown as the store operation starts: nothing replied yet
    ctx.take_then();
    reply.error(std::string("ERR ") + e.what());
  }
}

namespace {

void run_exec(CommandContext& ctx, ReplyBuilder& reply) {
  MultiState& m = ctx.session().multi;
  std::vector<std::vector<std::string_view>> argvs;
  argvs.reserve(m.queue.size());
  for (const QueuedCommand& q : m.queue) argvs.push_back(q.argv());
  const LockPlan plan = plan_locks(m, ctx.session().db, ctx.env().databases, argvs);
  const CommandSpec& exec_spec = ctx.command();
  Request* exec_req = &ctx.request();
  bool ran = false;
  auto body = [&] {
    ran = true;
    Store* store = ctx.env().store;
    for (const WatchedKey& w : m.watched) {
      if (store != nullptr && !store->watch_unchanged(w.db, w.key, w.stamp)) return reply.null_array();
    }
    reply.array(m.queue.size());
    for (std::size_t i = 0; i < m.queue.size(); ++i) run_command_now(ctx, *m.queue[i].spec, argvs[i], reply);
  };
  if (ctx.env().store == nullptr) {
    body();
  } else {
    const auto r = ctx.env().store->run_atomically(plan.keys, plan.all_shards, body);
    if (!r && !ran) {
      Response failed;  // the journal refused before anything ran (a failing disk, a shutdown)
      failed.fail(r.error().status, r.error().message);
      reply_status_error(ctx, failed, reply);
    }
    // Clients blocked on keys the transaction made ready are served now, after it (as in Redis).
    if (ctx.env().blocking != nullptr) ctx.env().blocking->flush_deferred();
  }
  ctx.begin(&exec_spec, exec_req);
}

}  // namespace

bool queue_in_multi(CommandContext& ctx, const CommandSpec& spec, ArgList argv, ReplyBuilder& reply) {
  MultiState& m = ctx.session().multi;
  if (!m.active || runs_in_multi(spec)) return false;
  if (spec.flags & cmd::kNoMulti) {
    m.dirty = true;
    reply.error("ERR Command not allowed inside a transaction");
    return true;
  }
  if (m.dirty) {  // EXEC will abort: queueing would only cost memory (as Redis)
    reply.simple("QUEUED");
    return true;
  }
  std::size_t bytes = 0;
  for (std::string_view a : argv) bytes += a.size();
  if (m.queue.size() >= kMaxQueuedCommands || m.queued_bytes + bytes > kMaxQueuedBytes) {
    m.dirty = true;
    std::vector<QueuedCommand>().swap(m.queue);
    m.queued_bytes = 0;
    reply.error("ERR MULTI queue is full (at most " + std::to_string(kMaxQueuedCommands) + " commands and " +
                std::to_string(kMaxQueuedBytes >> 20) + " MB of arguments); the transaction is discarded");
    return true;
  }
  QueuedCommand& q = m.queue.emplace_back();
  q.spec = &spec;
  q.bytes.reserve(bytes);
  for (std::string_view a : argv) {
    q.bytes.append(a);
    q.ends.push_back(static_cast<std::uint32_t>(q.bytes.size()));
  }
  m.queued_bytes += bytes;
  reply.simple("QUEUED");
  return true;
}

void flag_multi_error(Session& session) {
  if (session.multi.active) session.multi.dirty = true;
}

std::string reject_command(Session& session, const CommandSpec& spec, std::string_view error) {
  if (!is_named(spec, "exec")) {
    flag_multi_error(session);
    return std::string(error);
  }
  // Redis's execCommandAbort: the transaction (if any) is discarded, and the
  // reason follows without its "ERR ".
  session.multi.reset();
  if (error.starts_with("ERR ")) error.remove_prefix(4);
  return "EXECABORT Transaction discarded because of: " + std::string(error);
}

void cmd_multi(CommandContext& ctx, ArgList, ReplyBuilder& reply) {
  MultiState& m = ctx.session().multi;
  if (m.active) return reply.error("ERR MULTI calls can not be nested");
  m.active = true;
  reply.ok();
}

void cmd_exec(CommandContext& ctx, ArgList, ReplyBuilder& reply) {
  MultiState& m = ctx.session().multi;
  if (!m.active) return reply.error("ERR EXEC without MULTI");
  if (m.dirty) {
    m.reset();
    return reply.error(kExecAbort);
  }
  m.active = false;  // the queued commands run outside MULTI (they are not queued again)
  run_exec(ctx, reply);
  m.reset();
}

void cmd_discard(CommandContext& ctx, ArgList, ReplyBuilder& reply) {
  MultiState& m = ctx.session().multi;
  if (!m.active) return reply.error("ERR DISCARD without MULTI");
  m.reset();
  reply.ok();
}

void cmd_watch(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  MultiState& m = ctx.session().multi;
  if (m.active) return reply.error("ERR WATCH inside MULTI is not allowed");
  const std::uint32_t db = ctx.session().db;
  for (std::string_view key : argv.subspan(1)) {
    const bool known = std::any_of(m.watched.begin(), m.watched.end(),
                                   [&](const WatchedKey& w) { return w.db == db && w.key == key; });
    if (known) continue;
    if (m.watched.size() >= kMaxWatchedKeys) {
      return reply.error("ERR too many watched keys (at most " + std::to_string(kMaxWatchedKeys) + ")");
    }
    Store::WatchStamp stamp;
    if (ctx.env().store != nullptr) stamp = ctx.env().store->watch_stamp(db, key);
    m.watched.push_back({db, std::string(key), stamp});
  }
  reply.ok();
}

void cmd_unwatch(CommandContext& ctx, ArgList, ReplyBuilder& reply) {
  std::vector<WatchedKey>().swap(ctx.session().multi.watched);
  reply.ok();
}

}  // namespace mnemo::server::commands
