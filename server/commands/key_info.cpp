// OBJECT and MEMORY: what a key's value looks like inside. mnemo stores every
// value as bytes, so the encoding is the one Redis would pick for the same
// string, the reference count is Redis's (shared small integers count as
// INT_MAX), and the memory figure is mnemo's own estimate of the entry.
#include "server/commands/helpers.h"
#include "server/commands/keys.h"

namespace mnemo::server::commands {

using protocol::Opcode;
using protocol::Response;
using protocol::Status;

namespace {

// Redis's object encoding of a string value: "int" when it is a decimal
// integer of at most 20 characters (as string2l accepts it), "embstr" up to
// 44 bytes, else "raw".
bool redis_int(std::string_view v, std::int64_t& out) {
  if (v.empty() || v.size() > 20) return false;
  if (v.size() > 1 && (v[0] == '0' || (v[0] == '-' && v[1] == '0'))) return false;
  if (v == "-") return false;
  return parse_int64(v, out);
}

std::string_view encoding(std::string_view v) {
  std::int64_t n = 0;
  if (redis_int(v, n)) return "int";
  return v.size() <= 44 ? "embstr" : "raw";
}

// Bytes an entry costs beyond its key and value: mnemo's Entry header and
// its slot in the shard table, rounded.
constexpr std::int64_t kEntryOverhead = 48;

void reply_encoding(CommandContext& ctx, const Response& resp, ReplyBuilder& reply) {
  if (resp.status == Status::not_found) reply.null();
  else if (!replied_failure(ctx, resp, reply)) reply.bulk(encoding(resp.value));
}

void reply_refcount(CommandContext& ctx, const Response& resp, ReplyBuilder& reply) {
  if (resp.status == Status::not_found) return reply.null();
  if (replied_failure(ctx, resp, reply)) return;
  std::int64_t n = 0;
  const bool shared = redis_int(resp.value, n) && n >= 0 && n < 10000;
  reply.integer(shared ? 2147483647 : 1);
}

void reply_idletime(CommandContext& ctx, const Response& resp, ReplyBuilder& reply) {
  if (resp.status == Status::not_found) reply.null();
  else if (!replied_failure(ctx, resp, reply)) reply.integer(0);  // mnemo keeps no access time
}

void reply_freq(CommandContext& ctx, const Response& resp, ReplyBuilder& reply) {
  if (resp.status == Status::not_found) reply.null();
  else if (!replied_failure(ctx, resp, reply))
    reply.error("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when "
                "switching between policies at runtime LRU and LFU data will take some time to adjust.");
}

void reply_usage(CommandContext& ctx, const Response& resp, ReplyBuilder& reply) {
  if (resp.status == Status::not_found) return reply.null();
  if (replied_failure(ctx, resp, reply)) return;
  reply.integer(static_cast<std::int64_t>(ctx.scratch().number + resp.value.size()) + kEntryOverhead);
}

// A collection is answered here from the store's key_info (GET, which the
// string paths use, answers WRONGTYPE for it); true when it replied.
bool replied_collection(CommandContext& ctx, std::string_view key, ReplyFn then, ReplyBuilder& reply) {
  Store* store = ctx.env().store;
  if (store == nullptr) return false;
  const auto r = store->key_info(ctx.session().db, key);
  if (!r || !*r || (*r)->type == ValueType::string) return false;
  const KeyInfo& info = **r;
  if (then == reply_encoding) reply.bulk(info.encoding);
  else if (then == reply_refcount) reply.integer(1);
  else if (then == reply_usage) reply.integer(static_cast<std::int64_t>(info.memory_bytes));
  else then(ctx, protocol::Response{}, reply);  // IDLETIME, FREQ: the same answer for every type
  return true;
}

void get_key(CommandContext& ctx, std::string_view key, ReplyFn then, ReplyBuilder& reply) {
  if (replied_collection(ctx, key, then, reply)) return;
  ctx.request().key = key;
  ctx.submit(Opcode::get, then);
}

void help(ReplyBuilder& reply, std::string_view command, std::initializer_list<std::string_view> lines) {
  reply.array(lines.size() + 3);
  reply.simple(std::string(command) + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  for (std::string_view line : lines) reply.simple(line);
  reply.simple("HELP");
  reply.simple("    Prints this help.");
}

}  // namespace

void cmd_object_encoding(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) { get_key(ctx, argv[2], reply_encoding, reply); }
void cmd_object_refcount(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) { get_key(ctx, argv[2], reply_refcount, reply); }
void cmd_object_idletime(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) { get_key(ctx, argv[2], reply_idletime, reply); }
void cmd_object_freq(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) { get_key(ctx, argv[2], reply_freq, reply); }

void cmd_object_help(CommandContext&, ArgList, ReplyBuilder& reply) {
  help(reply, "OBJECT",
       {"ENCODING <key>",
        "    Return the kind of internal representation used in order to store the value",
        "    associated with a <key>.",
        "FREQ <key>",
        "    Return the access frequency index of the <key>. The returned integer is",
        "    proportional to the logarithm of the recent access frequency of the key.",
        "IDLETIME <key>",
        "    Return the idle time of the <key>, that is the approximated number of",
        "    seconds elapsed since the last access to the key.",
        "REFCOUNT <key>",
        "    Return the number of references of the value associated with the specified",
        "    <key>."});
}

// MEMORY USAGE key [SAMPLES count]: SAMPLES is checked, then irrelevant (no nested values).
void cmd_memory_usage(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  for (std::size_t i = 3; i < argv.size(); ++i) {
    std::int64_t n = 0;
    if (iequals(argv[i], "samples") && i + 1 < argv.size()) {
      if (!parse_int64(argv[++i], n)) return reply.error(kNotInteger);
      if (n < 0) return reply.error(kSyntax);
    } else {
      return reply.error(kSyntax);
    }
  }
  ctx.scratch().number = static_cast<std::int64_t>(argv[2].size());
  get_key(ctx, argv[2], reply_usage, reply);
}

void cmd_memory_help(CommandContext&, ArgList, ReplyBuilder& reply) {
  help(reply, "MEMORY",
       {"USAGE <key> [SAMPLES <count>]",
        "    Return memory in bytes used by <key> and its value. Nested values are",
        "    sampled up to <count> times (default: 5, 0 means sample all)."});
}

}  // namespace mnemo::server::commands
