// mnemo: command-line client for the native protocol.
// Exit codes: 0 success, 1 key not found, 2 any other error (usage,
// connection, or an error status from the server, printed with its name).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "server/tools/cli_args.h"
#include "server/tools/cli_stream.h"
#include "server/tools/cli_txn.h"
#include "server/tools/cli_value.h"
#include "server/tools/cli_watch.h"
#include "server/tools/client.h"
#include "server/tools/json_lines.h"

namespace {

using mnemo::protocol::Opcode;
using mnemo::protocol::Request;
using mnemo::protocol::Response;
using mnemo::protocol::Status;
using mnemo::tools::CliArgs;
using mnemo::tools::Client;
namespace flags = mnemo::protocol::flags;

constexpr int kExitNotFound = 1;
constexpr int kExitError = 2;

const char* const kUsage = R"(usage: mnemo [-H host] [-p port] [-n db] [--auth-token T] [--admin-token T]
             [--timeout-ms N] COMMAND [ARGS...]

-n/--db N works in database N (as redis-cli -n; default 0).

Tokens may also come from $MNEMO_AUTH_TOKEN and $MNEMO_ADMIN_TOKEN.
Default server: 127.0.0.1:7070.

Commands:
  ping                              PONG
  get KEY                           print the value (exit 1 if missing)
  set KEY VALUE [--ttl-ms N] [--durable|--ephemeral] [--nx|--xx] [--keepttl]
                [--if-version V]    print the new version
  del KEY [--if-version V]          print the version of the deletion
  incr KEY [BY]                     add BY (default 1), print the new value
  mget KEY...                       one line per key, (nil) if missing
  mset KEY VALUE [KEY VALUE...] [--ttl-ms N] [--durable|--ephemeral]
  expire KEY MS                     set a TTL in milliseconds
  persist KEY                       remove the TTL; print 1 if one was removed
  ttl KEY                           remaining ms, -1 without expiry
  exists KEY...                     count of keys present
  scan PREFIX [--count N]           every key with the prefix, one per line
  dbsize                            number of keys
  sync                              wait until every acked write is durable
  call NAME [ARG...] [--durable]    any command by name (HSET, LPUSH, ZRANGE,
                                    EVAL ...), printed as redis-cli does; the
                                    call is optional: mnemo hset h f v
  txn [if KEY version V|exists|missing]... then (set KEY VALUE [ttl MS]|del KEY)...
      [--durable]                   all writes or none, only if every condition
                                    holds: prints "applied VERSION", or "not
                                    applied" and each condition key's version
                                    (0 = absent) and exits 1
  watch PREFIX [--from V] [--committed] [--keys-only] [--json]
                                    follow the change feed of PREFIX: one line
                                    per change ("VERSION KIND KEY [VALUE]"), from
                                    now, or resuming after version V; --committed
                                    only shows changes the journal has committed
  xadd KEY ID|* FIELD VALUE...      append an entry (any stream command runs
                                    by name, as XRANGE KEY - +)
  xread --follow KEY [ID|$] [--group G --consumer C [--ack] [--noack]]
        [--count N] [--json]        print each entry of the stream as it is
                                    added ("ID FIELD VALUE ..." or JSON lines),
                                    after ID or from now ($, the default); with
                                    a group, XREADGROUP as consumer C (its
                                    pending history after ID first, if given),
                                    --ack acknowledges each entry printed;
                                    ends with SIGINT or when the server closes;
  xread KEY [ID|$] --block MS [--group G --consumer C [--noack]] [--count N]
        [--json]                    one blocking read (MS 0: wait for ever):
                                    prints what came, exits 1 if nothing did
  snapshot [--wait]                 start a snapshot (admin)
  snapshots                         list snapshots (admin)
  stats [--json]                    server statistics (admin)
  backup PATH                       copy the database file to PATH (admin)
  shutdown                          stop the server cleanly (admin)

Exit status: 0 ok, 1 key not found (or a txn condition failed), 2 error (printed with its status name).
)";

struct UsageError {
  std::string message;
};

int report(const Response& resp) {
  std::cerr << "error: " << mnemo::protocol::status_name(resp.status);
  if (!resp.message.empty()) std::cerr << ": " << resp.message;
  std::cerr << "\n";
  return resp.status == Status::not_found ? kExitNotFound : kExitError;
}

void need_words(const CliArgs& a, std::size_t min, std::size_t max = 0) {
  const std::size_t n = a.words.size();
  if (n < min || (max != 0 && n > max)) throw UsageError{"wrong number of arguments for " + a.command};
}

std::uint64_t u64_option(const CliArgs& a, const std::string& name) {
  auto it = a.options.find(name);
  if (it == a.options.end()) return 0;
  std::uint64_t v = 0;
  if (!mnemo::tools::parse_u64(it->second, v)) throw UsageError{"bad number for " + name + ": " + it->second};
  return v;
}

std::uint8_t write_flags(const CliArgs& a) {
  std::uint8_t f = 0;
  if (a.has("--durable")) f |= flags::kDurable;
  if (a.has("--ephemeral")) f |= flags::kEphemeral;
  if (a.has("--nx")) f |= flags::kNx;
  if (a.has("--xx")) f |= flags::kXx;
  if (a.has("--keepttl")) f |= flags::kKeepTtl;
  if (a.has("--wait")) f |= flags::kWait;
  return f;
}

void print_value(const std::string& v) {
  std::fwrite(v.data(), 1, v.size(), stdout);
  std::fputc('\n', stdout);
}

const char* state_name(std::uint8_t s) {
  switch (s) {
    case 0: return "running";
    case 1: return "complete";
    case 2: return "failed";
    default: return "unknown";
  }
}

void print_snapshot(const mnemo::protocol::SnapshotInfo& s) {
  std::printf("id=%llu start_seq=%llu state=%s entries=%llu bytes=%llu duration_ms=%llu started_at_ms=%lld\n",
              static_cast<unsigned long long>(s.id), static_cast<unsigned long long>(s.start_seq),
              state_name(s.state), static_cast<unsigned long long>(s.entries),
              static_cast<unsigned long long>(s.bytes), static_cast<unsigned long long>(s.duration_ms),
              static_cast<long long>(s.started_at_ms));
}

// Runs one request; returns false (after printing the error) when it failed.
bool run(Client& c, Request& req, Response& resp, int& exit_code) {
  if (auto r = c.call(req, resp); !r) {
    std::cerr << "error: " << r.error().message << "\n";
    exit_code = kExitError;
    return false;
  }
  if (resp.status != Status::ok) {
    // A missing key is an answer for GET: it prints nothing and exits 1.
    exit_code = req.op == Opcode::get && resp.status == Status::not_found ? kExitNotFound : report(resp);
    return false;
  }
  return true;
}

// Follows the cursor to the end; `req` is a prepared SCAN request.
int cmd_scan(Client& c, Request& req) {
  std::string cursor;
  Response resp;
  int code = 0;
  do {
    req.value = cursor;
    if (!run(c, req, resp, code)) return code;
    for (const auto& k : resp.keys) print_value(k);
    cursor = resp.text;
  } while (!cursor.empty());
  return 0;
}

// Builds the request for a simple command; returns false for an unknown one.
bool build(const CliArgs& a, Request& req) {
  const std::string& cmd = a.command;
  const auto& w = a.words;
  req.flags = write_flags(a);
  req.ttl_ms = u64_option(a, "--ttl-ms");
  req.if_version = u64_option(a, "--if-version");
  auto one_key = [&](Opcode op) { need_words(a, 1, 1); req.op = op; req.key = w[0]; };
  if (cmd == "ping") { need_words(a, 0, 1); req.op = Opcode::ping; if (!w.empty()) req.key = w[0]; }
  else if (cmd == "get") one_key(Opcode::get);
  else if (cmd == "set") { need_words(a, 2, 2); req.op = Opcode::set; req.key = w[0]; req.value = w[1]; }
  else if (cmd == "del") one_key(Opcode::del);
  else if (cmd == "incr") {
    need_words(a, 1, 2);
    req.op = Opcode::incrby;
    req.key = w[0];
    req.delta = 1;
    if (w.size() == 2 && !mnemo::tools::parse_i64(w[1], req.delta)) throw UsageError{"bad increment: " + w[1]};
  }
  else if (cmd == "mget" || cmd == "exists") {
    need_words(a, 1);
    req.op = cmd == "mget" ? Opcode::mget : Opcode::exists;
    req.keys.assign(w.begin(), w.end());
  }
  else if (cmd == "mset") {
    need_words(a, 2);
    if (w.size() % 2 != 0) throw UsageError{"mset needs KEY VALUE pairs"};
    req.op = Opcode::mset;
    for (std::size_t i = 0; i < w.size(); i += 2) { req.keys.push_back(w[i]); req.values.push_back(w[i + 1]); }
  }
  else if (cmd == "expire") {
    need_words(a, 2, 2);
    req.op = Opcode::expire;
    req.key = w[0];
    if (!mnemo::tools::parse_u64(w[1], req.ttl_ms)) throw UsageError{"bad milliseconds: " + w[1]};
  }
  else if (cmd == "scan") {
    one_key(Opcode::scan);
    req.count = static_cast<std::uint32_t>(std::min<std::uint64_t>(u64_option(a, "--count"), UINT32_MAX));
  }
  else if (cmd == "call") {
    need_words(a, 1);
    req.op = Opcode::command;
    req.keys.assign(w.begin(), w.end());
  }
  else if (cmd == "txn") {
    if (auto err = mnemo::tools::parse_txn(w, req)) throw UsageError{*err};
  }
  else if (cmd == "persist") one_key(Opcode::persist);
  else if (cmd == "ttl") one_key(Opcode::ttl);
  else if (cmd == "backup") one_key(Opcode::backup);
  else if (cmd == "dbsize" || cmd == "sync" || cmd == "snapshot" || cmd == "snapshots" ||
           cmd == "stats" || cmd == "shutdown") {
    need_words(a, 0, 0);
    static const std::map<std::string, Opcode> ops = {
        {"dbsize", Opcode::dbsize}, {"sync", Opcode::sync}, {"snapshot", Opcode::snapshot},
        {"snapshots", Opcode::snapshots}, {"stats", Opcode::stats}, {"shutdown", Opcode::shutdown}};
    req.op = ops.at(cmd);
  }
  else if (cmd != "help") {  // any other command of the server's table: a COMMAND frame
    req.op = Opcode::command;
    req.keys.push_back(cmd);
    req.keys.insert(req.keys.end(), w.begin(), w.end());
  }
  else return false;
  return true;
}

void print_txn(const Request& req, const Response& resp) {
  if (resp.changed) {
    std::printf("applied %llu\n", static_cast<unsigned long long>(resp.version));
    return;
  }
  std::printf("not applied\n");
  for (std::size_t i = 0; i < resp.versions.size() && i < req.conditions.size(); ++i) {
    const std::string key(req.conditions[i].key);
    std::printf("%s %llu\n", key.c_str(), static_cast<unsigned long long>(resp.versions[i]));
  }
}

void print_result(const CliArgs& a, const Request& req, const Response& resp) {
  switch (resp.op) {
    case Opcode::ping: std::printf("%s\n", resp.text.c_str()); break;
    case Opcode::get: print_value(resp.value); break;
    case Opcode::set: case Opcode::del: case Opcode::mset: case Opcode::expire: case Opcode::sync:
      std::printf("%llu\n", static_cast<unsigned long long>(resp.version));
      break;
    case Opcode::persist: std::printf("%d\n", resp.changed ? 1 : 0); break;
    case Opcode::incrby: case Opcode::ttl: case Opcode::exists: case Opcode::dbsize:
      std::printf("%lld\n", static_cast<long long>(resp.integer));
      break;
    case Opcode::mget:
      for (const auto& v : resp.values) v.found ? print_value(v.value) : (void)std::printf("(nil)\n");
      break;
    case Opcode::snapshot: case Opcode::snapshots:
      for (const auto& s : resp.snapshots) print_snapshot(s);
      break;
    case Opcode::stats: {
      auto lines = a.has("--json") ? std::nullopt : mnemo::tools::json_to_lines(resp.text);
      std::fputs(lines ? lines->c_str() : (resp.text + "\n").c_str(), stdout);
      break;
    }
    case Opcode::txn: print_txn(req, resp); break;
    case Opcode::command: {
      const auto text = mnemo::tools::format_value(resp.value);
      std::fputs(text ? text->c_str() : "(a reply this client cannot read)\n", stdout);
      break;
    }
    default: std::printf("OK\n"); break;
  }
}

mnemo::tools::WatchArgs watch_args(const CliArgs& a) {
  need_words(a, 1, 1);
  mnemo::tools::WatchArgs w;
  w.prefix = a.words[0];
  w.has_from = a.has("--from");
  w.from_version = u64_option(a, "--from");
  w.committed = a.has("--committed");
  w.keys_only = a.has("--keys-only");
  w.json = a.has("--json");
  return w;
}

// Connects, authenticates and selects the database; 0, or the exit code
// after printing the error.
int open_client(const CliArgs& a, Client& c) {
  if (auto r = c.connect(a.host, a.port, a.timeout_ms); !r) {
    std::cerr << "error: " << r.error().message << "\n";
    return kExitError;
  }
  const std::string& token = a.admin_token.empty() ? a.auth_token : a.admin_token;
  if (!token.empty()) {
    if (auto r = c.auth(token); !r) {
      std::cerr << "error: AUTH failed: " << mnemo::protocol::status_name(r.error().status) << ": "
                << r.error().message << "\n";
      return kExitError;
    }
  }
  Response resp;
  int code = 0;
  if (a.db != 0) {
    Request select;
    select.op = Opcode::select;
    select.db = a.db;
    if (!run(c, select, resp, code)) return code;
  }
  return 0;
}

mnemo::tools::FollowArgs follow_args(const CliArgs& a) {
  if (a.has("--follow") == a.has("--block")) {
    throw UsageError{"xread needs --follow or --block MS (or use: mnemo call XREAD ...)"};
  }
  if (a.has("--block") && a.has("--ack")) throw UsageError{"--ack goes with --follow"};
  need_words(a, 1, 2);
  mnemo::tools::FollowArgs f;
  f.key = a.words[0];
  if (a.words.size() == 2) f.start = a.words[1];
  if (a.has("--group") != a.has("--consumer")) throw UsageError{"--group and --consumer go together"};
  if (a.has("--group")) {
    f.group = a.options.at("--group");
    f.consumer = a.options.at("--consumer");
  } else if (a.has("--ack") || a.has("--noack")) {
    throw UsageError{"--ack and --noack need --group"};
  }
  f.ack = a.has("--ack");
  f.noack = a.has("--noack");
  f.json = a.has("--json");
  if (a.has("--count")) {
    const std::uint64_t n = u64_option(a, "--count");
    if (n == 0 || n > UINT32_MAX) throw UsageError{"bad --count"};
    f.count = static_cast<std::uint32_t>(n);
  }
  return f;
}

int follow(const CliArgs& a) {
  const auto f = follow_args(a);
  Client reads, feed;
  if (int code = open_client(a, reads); code != 0) return code;
  if (int code = open_client(a, feed); code != 0) return code;
  return mnemo::tools::run_follow(reads, feed, f);
}

int read_once(const CliArgs& a) {
  const auto f = follow_args(a);
  const std::uint64_t block_ms = u64_option(a, "--block");
  Client c;
  if (int code = open_client(a, c); code != 0) return code;
  return mnemo::tools::run_read_once(c, f, block_ms);
}

int connect_and_run(const CliArgs& a) {
  if (a.command == "xread" && a.has("--follow")) return follow(a);
  if (a.command == "xread" && a.has("--block")) return read_once(a);
  Request req;
  const bool watch = a.command == "watch";
  if (!watch && !build(a, req)) throw UsageError{"unknown command: " + a.command};
  Client c;
  if (int code = open_client(a, c); code != 0) return code;
  if (watch) {
    const auto w = watch_args(a);
    return mnemo::tools::run_watch(c.release(), w);
  }
  Response resp;
  int code = 0;
  if (req.op == Opcode::scan) return cmd_scan(c, req);
  if (!run(c, req, resp, code)) return code;
  print_result(a, req, resp);
  return req.op == Opcode::txn && !resp.changed ? kExitNotFound : 0;
}

}  // namespace

int main(int argc, char** argv) {
  CliArgs args;
  if (auto err = mnemo::tools::parse_cli(std::vector<std::string>(argv + 1, argv + argc), args)) {
    std::cerr << "mnemo: " << *err << "\n" << kUsage;
    return kExitError;
  }
  if (args.help || args.command.empty() || args.command == "help") {
    std::cout << kUsage;
    return args.command.empty() && !args.help ? kExitError : 0;
  }
  try {
    return connect_and_run(args);
  } catch (const UsageError& e) {
    std::cerr << "mnemo: " << e.message << "\n" << kUsage;
    return kExitError;
  }
}
