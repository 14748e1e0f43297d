// What a command handler sees besides its arguments: the connection's session
// (auth, client name, selected database), the server-wide environment (clock,
// stats, config values, INFO), and the way to run a store or executor
// operation. A handler that needs the store fills request() and calls
// submit(op, then): the connection runs the request through the Executor
// (auth, durability waits, asynchronous SAVE/WAITAOF completions) and `then`
// writes the reply from the response. `then` may submit again: a command of
// several steps keeps what it needs in scratch(), since its arguments are gone
// after the first step. A handler may instead call the store's typed
// operations (env().store) and reply at once.
//
// Threads: one context per connection, used on its io thread only.
// Lifetime: env's clock, stats and info provider outlive every context.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/message.h"
#include "protocol/reply_builder.h"
#include "server/blocking/waiters.h"
#include "server/clock.h"
#include "server/commands/command_table.h"
#include "server/pubsub/keyspace_events.h"
#include "server/pubsub/registry.h"
#include "server/commands/multi_state.h"
#include "server/server_stats.h"
#include "server/store.h"
#include "server/tracking/tracking_table.h"

namespace mnemo::server {

namespace script {
class LuaVm;  // server/script/lua_vm.h
}

// Returns the full INFO text (Redis format: "# Section\r\nkey:value\r\n...")
// for a section name as the client sent it ("" = default sections).
using InfoProvider = std::function<std::string(std::string_view section)>;

// Server-wide values the commands read (CONFIG GET, HELLO, CLIENT ID ...).
struct CommandEnv {
  bool auth_required = false;          // the server has a token: commands wait for AUTH
  std::uint64_t client_id = 0;         // CLIENT ID and HELLO's id
  std::uint64_t max_memory_bytes = 0;  // CONFIG GET maxmemory (0 = unlimited)
  std::uint32_t idle_timeout_s = 0;    // CONFIG GET timeout
  std::uint32_t databases = 1;         // CONFIG GET databases; SELECT accepts 0..databases-1
  std::uint64_t max_value_bytes = 16u << 20;  // the store's limit: APPEND/SETRANGE check it first
  bool journal = true;                 // CONFIG GET appendonly
  const Clock* clock = nullptr;        // null = the system clock
  ServerStats* stats = nullptr;        // may be null
  InfoProvider info;                   // may be empty: INFO answers ""
  // The store, for commands that run one of its typed operations directly
  // (atomic multi-key DEL, RENAME, COPY, FLUSHDB, KEYS, SCAN ...). Null in
  // codec tests without a store: those commands then answer an error.
  Store* store = nullptr;
  // Pub/sub and keyspace notifications; null in codec tests without them
  // (SUBSCRIBE then answers an error, notify() does nothing).
  pubsub::Registry* pubsub = nullptr;
  pubsub::KeyspaceEvents* events = nullptr;
  // Client-side caching (CLIENT TRACKING); null in codec tests without it.
  tracking::TrackingTable* tracking = nullptr;
  // Clients blocked on keys (BLPOP ...); null in codec tests without it
  // (the blocking commands then answer as on a timeout).
  blocking::Registry* blocking = nullptr;
};

// One connection's state, as Redis keeps it per client.
struct Session {
  bool authenticated = false;
  // The user name of AUTH user pass (HELLO ... AUTH user pass). mnemo has
  // tokens, not users, but a server without a token answers like Redis's
  // passwordless "default" user: that name is let in, any other is refused.
  enum class AuthUser : std::uint8_t { none, default_user, other };
  AuthUser auth_user = AuthUser::none;
  std::uint32_t db = 0;
  std::string client_name;
  std::string lib_name;
  std::string lib_version;
  bool hello_has_name = false;  // HELLO ... AUTH ... SETNAME: applied once AUTH succeeds
  std::string hello_name;
  int hello_proto = 0;          // HELLO n AUTH ...: the version to switch to once AUTH succeeds (0: keep)
  int resp = 2;                 // the RESP version HELLO chose: replies use its types (2 or 3)
  // SCAN: integer cursor id -> the store's opaque cursor, oldest first.
  std::deque<std::pair<std::uint64_t, std::string>> scan_cursors;
  std::uint64_t next_cursor_id = 1;
  // Channels and patterns this connection listens to; subscribed mode while any.
  pubsub::Subscriber subscriber;
  bool subscribed() const { return subscriber.total() > 0; }
  MultiState multi;  // MULTI/EXEC/WATCH (multi.cpp)
  // CLIENT TRACKING's state on this connection (commands/tracking.cpp); the
  // table has its own copy for the writers' threads.
  struct Tracking {
    bool on = false;
    tracking::Mode mode;   // prefixes: every one given so far
    bool caching = false;  // CLIENT CACHING YES/NO for the next command
  } tracking;
  std::shared_ptr<script::LuaVm> lua;  // made by the first EVAL (script.cpp)
  // A Lua script of this connection is running (its redis.call commands):
  // SORT then sorts a set even BY nosort, as Redis does for scripts.
  bool in_script = false;
  // The wait of a blocked command (blocking.cpp), until its reply is delivered.
  std::shared_ptr<blocking::Waiter> waiter;
  // A native connection's COMMAND frames (native_wire_codec.h): a blocked
  // command's later reply goes to this outbox, turned by `frame` into the
  // answer frame of request `frame_id` (any thread may run `frame`).
  struct NativeBlocking {
    std::shared_ptr<pubsub::Outbox> outbox;
    std::function<std::string(std::uint64_t frame_id, std::string_view resp2)> frame;
    std::uint64_t frame_id = 0;
  } native;
};

// Buffers of a command that runs in several steps (see the header comment).
struct StepScratch {
  std::string key;
  std::string value;
  std::string old_value;
  std::string arg;                // an argument kept across steps
  std::string keys;               // several keys back to back ...
  std::vector<std::size_t> ends;  // ... key i is keys[ends[i], ends[i + 1])
  std::size_t next = 0;
  std::int64_t count = 0;
  std::int64_t number = 0;        // a deadline, an offset ...
  std::uint64_t ttl_ms = 0;
  std::uint64_t version = 0;
  std::int64_t expire_at_ms = 0;
  std::uint8_t options = 0;
  std::uint8_t kind = 0;
  bool found = false;
  int attempts = 0;
  int step = 0;
  std::string_view key_at(std::size_t i) const {
    return std::string_view(keys).substr(ends[i], ends[i + 1] - ends[i]);
  }
};

class CommandContext;
// Writes the reply of a submitted request (or submits the next step).
using ReplyFn = void (*)(CommandContext& ctx, const protocol::Response& resp, protocol::ReplyBuilder& reply);

class CommandContext {
 public:
  CommandContext(CommandEnv& env, Session& session) : env_(env), session_(session) {}

  CommandEnv& env() { return env_; }
  const CommandEnv& env() const { return env_; }
  Session& session() { return session_; }
  const CommandSpec& command() const { return *command_; }
  std::int64_t now_ms() const { return env_.clock != nullptr ? env_.clock->now_ms() : system_clock_.now_ms(); }
  StepScratch& scratch() { return scratch_; }

  // In a continuation: the request whose response it is handed (its key, keys, ttl).
  const protocol::Request& answered() const { return *answered_; }
  // The request submit() sends: cleared, with its id set, before the handler runs.
  protocol::Request& request() { return *req_; }
  // Runs request() with opcode `op`; `then` writes the reply from its response.
  void submit(protocol::Opcode op, ReplyFn then) {
    req_->op = op;
    then_ = then;
  }
  // A keyspace notification for a key of the session's database (see
  // pubsub/keyspace_events.h): write handlers call it once their write succeeded.
  // Every notification also tells the blocked clients (server/blocking/)
  // that the key may be ready: a write that notifies nothing wakes nobody.
  void notify(int type, std::string_view event, std::string_view key) { notify(type, event, session_.db, key); }
  void notify(int type, std::string_view event, std::uint32_t db, std::string_view key) {
    if (env_.events != nullptr) env_.events->notify(type, event, db, key);
    if (env_.blocking != nullptr) env_.blocking->signal(db, key);
  }
  // A blocking command that waits (session().waiter is set): no reply now.
  void set_blocked() { blocked_ = true; }
  bool blocked() const { return blocked_; }
  // QUIT: flush the reply, then close the connection.
  void close_after_reply() { close_ = true; }

  // -- for the codec --
  void begin(const CommandSpec* spec, protocol::Request* req) {
    command_ = spec;
    req_ = req;
    then_ = nullptr;
    close_ = false;
    blocked_ = false;
  }
  void set_request(protocol::Request* req) { req_ = req; }
  void set_answered(const protocol::Request* req) { answered_ = req; }
  ReplyFn take_then() {
    ReplyFn f = then_;
    then_ = nullptr;
    return f;
  }
  bool submitted() const { return then_ != nullptr; }
  bool closing() const { return close_; }

 private:
  CommandEnv& env_;
  Session& session_;
  SystemClock system_clock_;
  const CommandSpec* command_ = nullptr;
  protocol::Request* req_ = nullptr;
  const protocol::Request* answered_ = nullptr;
  ReplyFn then_ = nullptr;
  bool close_ = false;
  bool blocked_ = false;
  StepScratch scratch_;
};

// Redis's error text for a failed response (NOAUTH, WRONGTYPE, OOM, BUSY, ...).
void reply_status_error(const CommandContext& ctx, const protocol::Response& resp, protocol::ReplyBuilder& reply);
// The same for a typed store operation's error (store_types.h lists them):
// Redis's fixed texts ("ERR value is not a valid float", "ERR no such key", ...)
// where the store names one, else as reply_status_error.
void reply_store_error(const CommandContext& ctx, const protocol::Error& e, protocol::ReplyBuilder& reply);

}  // namespace mnemo::server
