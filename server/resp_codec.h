// RESP2 compatibility: lets redis-cli, redis-benchmark and Redis client
// libraries talk to mnemo's --resp-port. Each Redis command is either
// translated into a protocol::Request for the Executor (GET, SET, DEL, ...)
// or answered by the codec itself (ECHO, SELECT 0, INFO, CONFIG, CLIENT,
// COMMAND, HELLO, QUIT, WAIT); encode() turns the Response into the exact reply
// Redis would send. docs/RESP.md lists the supported commands and differences.
//
// Multi-key DEL/UNLINK: the store deletes one key per request, so next()
// returns one DEL request per key. Every step but the last reports
// consumed == 0 (the caller executes it, calls encode(), which appends
// nothing, and calls next() again on the same input); the last step consumes
// the command and its encode() appends the count of deleted keys. A failed
// step ends the command: the next next() replies with that error and skips the
// remaining keys. The keys are copied, so the input may move between steps.
//
// SET ... GET and EXPIRE ... NX|XX|GT|LT need the key's current value or
// expiry and a write that depends on it, which the store has no single request
// for. The codec reads the key (GET: value, version, expiry), decides, then
// writes on the condition that the key is still at the version it read (SET,
// EXPIRE or DEL with if_version); if the key changed in between, it reads
// again. The steps report consumed == 0 like DEL's; once the reply is in
// `out`, the next next() consumes the command without another request. Key
// and value are copied, so the input may move between steps.
//
// SCAN: mnemo's cursor is opaque bytes and Redis clients want an integer, so
// the codec keeps the last few native cursors per connection under small
// integer ids; "0" starts a scan and a reply cursor of "0" ends it. The store
// scans by prefix: a MATCH pattern narrows the scan to its literal prefix and
// the codec filters each page with the whole pattern, as Redis matches it.
//
// Threads: one codec per connection, used only on that connection's io thread.
// Calls alternate: next() returning a request, then encode() for it.
// Lifetime: the options' clock and stats (if set) must outlive the codec. A request
// returned by next() views the input, or the codec's own buffers until the
// next call of next().
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/resp_parser.h"
#include "server/clock.h"
#include "server/server_stats.h"
#include "server/wire_codec.h"

namespace mnemo::server {

struct RespCodecOptions {
  protocol::resp::RespLimits limits;
  bool auth_required = false;          // the server has an auth token: the codec's own answers
                                       // (ECHO, INFO, CONFIG, ...) also wait for AUTH
  std::uint64_t client_id = 0;         // CLIENT ID and HELLO's id
  std::uint64_t max_memory_bytes = 0;  // CONFIG GET maxmemory (0 = unlimited)
  const Clock* clock = nullptr;        // for EXAT/PXAT/EXPIREAT/PEXPIREAT; null = system clock
  ServerStats* stats = nullptr;        // counts protocol errors; may be null
};

// Returns the full INFO text (Redis format: "# Section\r\nkey:value\r\n...")
// for a section name as the client sent it ("" = default sections).
using InfoProvider = std::function<std::string(std::string_view section)>;

class RespCodec final : public WireCodec {
 public:
  RespCodec(RespCodecOptions opts, InfoProvider info);

  Next next(std::string_view in, protocol::Request& req, std::string& out) override;
  void encode(const protocol::Request& req, const protocol::Response& resp, std::string& out) override;
  void input_too_large(std::string& out) override;
  Peeked peek(std::string_view in) const override;

  // The lower-case names of the commands this codec understands (COMMAND LIST).
  static std::vector<std::string_view> command_names();

 private:
  using Args = std::span<const std::string_view>;
  using Handler = NextKind (RespCodec::*)(Args argv, protocol::Request& req, std::string& out);
  struct CommandSpec {
    std::string_view name;  // lower case, as in Redis's error texts
    int arity;              // Redis convention: n = exactly n words, -n = at least n
    Handler handler;
    bool answered_here;     // answered by the codec: needs AUTH first when auth is required
  };
  // What encode() must build from the Response of the pending request.
  enum class ReplyKind : std::uint8_t {
    ok, set, setnx, get, del, incr, mget, expire, persist, ttl_s, ttl_ms, exists, type,
    scan, integer, ping, ping_text, auth, hello_auth, bgsave, waitaof,
    set_past, set_past_xx, set_past_nx, cas,
  };

  static std::span<const CommandSpec> all_commands();
  static const CommandSpec* find_command(std::string_view name);
  NextKind dispatch(Args argv, protocol::Request& req, std::string& out);
  Next next_del_step(protocol::Request& req, std::string& out);
  NextKind want(ReplyKind kind, protocol::Opcode op, protocol::Request& req);
  NextKind reply_error(std::string& out, std::string_view message);
  std::int64_t now_ms() const;
  // The store's relative ttl for an absolute deadline after now (at least 1 ms).
  static std::uint64_t ttl_until(std::int64_t deadline_ms, std::int64_t now_ms);

  // -- translated into requests (resp_codec_commands.cpp) --
  NextKind cmd_get(Args argv, protocol::Request& req, std::string& out);
  NextKind cmd_set(Args argv, protocol::Request& req, std::string& out);
  NextKind set_in_the_past(std::uint8_t set_flags, protocol::Request& req);
  NextKind cmd_setnx(Args argv, protocol::Request& req, std::string& out);
  NextKind cmd_setex(Args argv, protocol::Request& req, std::string& out);
  NextKind cmd_del(Args argv, protocol::Request& req, std::string& out);
  NextKind cmd_incr(Args argv, protocol::Request& req, std::string& out);
  NextKind cmd_incrby(Args argv, protocol::Request& req, std::string& out);
  NextKind cmd_mget(Args argv, protocol::Request& req, std::string& out);
  NextKind cmd_mset(Args argv, protocol::Request& req, std::string& out);
  NextKind cmd_expire(Args argv, protocol::Request& req, std::string& out);
  NextKind cmd_ttl(Args argv, protocol::Request& req, std::string& out);
  NextKind cmd_persist(Args argv, protocol::Request& req, std::string& out);
  NextKind cmd_exists(Args argv, protocol::Request& req, std::string& out);
  NextKind cmd_dbsize(Args argv, protocol::Request& req, std::string& out);
  NextKind cmd_ping(Args argv, protocol::Request& req, std::string& out);
  NextKind cmd_auth(Args argv, protocol::Request& req, std::string& out);
  NextKind cmd_save(Args argv, protocol::Request& req, std::string& out);
  NextKind cmd_waitaof(Args argv, protocol::Request& req, std::string& out);
  // -- read, decide, write if unchanged (resp_codec_cas.cpp) --
  NextKind start_cas(protocol::Request& req);
  Next next_cas_step(protocol::Request& req, std::string& out);
  void encode_cas_step(const protocol::Response& resp, std::string& out);
  void decide_set_get(std::string& out);
  void decide_expire(std::string& out);
  void end_cas_with_old_value(std::string& out);
  // -- SCAN (resp_codec_scan.cpp) --
  NextKind cmd_scan(Args argv, protocol::Request& req, std::string& out);
  void encode_scan(const protocol::Response& resp, std::string& out);
  // -- answered by the codec (resp_codec_local.cpp) --
  NextKind cmd_echo(Args argv, protocol::Request& req, std::string& out);
  NextKind cmd_select(Args argv, protocol::Request& req, std::string& out);
  NextKind cmd_quit(Args argv, protocol::Request& req, std::string& out);
  NextKind cmd_info(Args argv, protocol::Request& req, std::string& out);
  NextKind cmd_hello(Args argv, protocol::Request& req, std::string& out);
  NextKind cmd_wait(Args argv, protocol::Request& req, std::string& out);
  void append_hello_map(std::string& out) const;
  // -- CONFIG, CLIENT, COMMAND (resp_codec_meta.cpp) --
  NextKind cmd_config(Args argv, protocol::Request& req, std::string& out);
  NextKind cmd_client(Args argv, protocol::Request& req, std::string& out);
  NextKind cmd_command(Args argv, protocol::Request& req, std::string& out);
  NextKind client_list(Args argv, std::string& out);
  NextKind command_list(Args argv, std::string& out);
  std::string client_info_line() const;
  // -- replies (resp_codec_reply.cpp) --
  bool encode_answer(const protocol::Request& req, const protocol::Response& resp, std::string& out);
  void encode_error(const protocol::Response& resp, std::string& out) const;
  void encode_del_step(const protocol::Response& resp, std::string& out);

  // The user name of AUTH user pass (HELLO ... AUTH user pass). mnemo has tokens,
  // not users, but a server without a token answers like Redis's passwordless
  // "default" user: that name is let in, any other is a wrong password.
  enum class AuthUser : std::uint8_t { none, default_user, other };
  static AuthUser user_kind(std::string_view name) {
    return name == "default" ? AuthUser::default_user : AuthUser::other;
  }

  RespCodecOptions opts_;
  InfoProvider info_;
  SystemClock system_clock_;
  protocol::resp::RespParser parser_;
  std::uint64_t next_request_id_ = 1;
  bool authenticated_ = false;
  AuthUser auth_user_ = AuthUser::none;  // of the pending AUTH or HELLO AUTH

  // -- the request between next() and encode() --
  ReplyKind reply_ = ReplyKind::ok;
  std::string_view command_name_;   // lower case, static storage
  bool hello_has_name_ = false;     // HELLO ... AUTH ... SETNAME name: applied once AUTH succeeds
  std::string hello_name_;

  // -- multi-key DEL/UNLINK in progress --
  struct MultiDel {
    bool active = false;
    std::size_t command_bytes = 0;  // consumed by the last step
    std::string keys;               // the keys, copied back to back
    std::vector<std::size_t> ends;  // key i is keys[ends[i], ends[i + 1])
    std::size_t next = 1;           // index of the next key to request (key 0 went first)
    std::int64_t deleted = 0;
    std::string error;              // reply of a failed step: the command ends with it
  } del_;

  // -- SET ... GET or EXPIRE with NX|XX|GT|LT in progress (see above) --
  struct Cas {
    enum class Step : std::uint8_t { read, set, del, done };
    static constexpr std::uint8_t kNx = 1, kXx = 2, kGt = 4, kLt = 8;  // EXPIRE's conditions
    bool active = false;
    Step step = Step::read;
    bool is_set = false;            // SET ... GET, else EXPIRE with options
    std::size_t command_bytes = 0;  // consumed once the reply is out
    int attempts = 0;               // reads so far; bounded under contention
    std::string key;
    std::string value;              // SET: the new value
    std::uint8_t set_flags = 0;     // SET: NX, XX, KEEPTTL as given
    std::uint64_t ttl_ms = 0;       // SET: relative expiry, 0 = none
    bool past = false;              // SET: EXAT/PXAT already past: the key goes away
    std::uint8_t conditions = 0;    // EXPIRE: kExpireNx | kExpireXx | kExpireGt | kExpireLt
    std::int64_t deadline_ms = 0;   // EXPIRE: the new absolute expiry
    // what the read saw
    bool found = false;
    std::string old_value;
    std::uint64_t version = 0;
    std::int64_t expire_at_ms = 0;  // 0 = no expiry
  } cas_;

  // -- SCAN cursors: integer id -> native cursor, oldest first --
  std::deque<std::pair<std::uint64_t, std::string>> cursors_;
  std::uint64_t next_cursor_id_ = 1;
  std::string scan_prefix_;         // literal prefix of the pending SCAN's MATCH pattern
  bool scan_filter_ = false;        // the pattern is more than prefix*: filter the keys
  std::string scan_pattern_;        // ... with this pattern

  // -- CLIENT SETNAME / SETINFO --
  std::string client_name_;
  std::string lib_name_;
  std::string lib_version_;
};

}  // namespace mnemo::server
