// CONFIG GET/SET/RESETSTAT/REWRITE/HELP: the parameters clients and tools
// read, with mnemo's true values; SET accepts only persistence knobs whose
// Redis meaning mnemo's journal already covers.
#include <optional>

#include "server/commands/helpers.h"
#include "server/commands/server.h"

namespace mnemo::server::commands {

namespace {

bool has_glob(std::string_view pattern) { return pattern.find_first_of("[*?") != std::string_view::npos; }

struct Param {
  std::string_view name;
  std::string value;
};

std::vector<Param> parameters(const CommandEnv& env) {
  return {
      {"save", ""},
      {"appendonly", env.journal ? "yes" : "no"},
      {"databases", std::to_string(env.databases)},
      // in the order Redis 7.0 lists them for "maxmemory*"
      {"maxmemory-clients", "0"},
      {"maxmemory", std::to_string(env.max_memory_bytes)},
      {"maxmemory-samples", "5"},
      {"maxmemory-eviction-tenacity", "10"},
      {"maxmemory-policy", "noeviction"},
      {"timeout", std::to_string(env.idle_timeout_s)},
      {"notify-keyspace-events",
       env.events != nullptr ? pubsub::format_event_flags(env.events->flags()) : std::string()},
      {"tracking-table-max-keys",
       std::to_string(env.tracking != nullptr ? env.tracking->max_keys() : tracking::kDefaultMaxKeys)},
  };
}

}  // namespace

// CONFIG GET as Redis 7.0 answers it: each parameter once, a plain name echoed as
// the client spelled it, a glob matched case-insensitively against the names.
void cmd_config_get(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  const std::vector<Param> params = parameters(ctx.env());
  std::vector<bool> sent(params.size());
  std::vector<std::pair<std::string_view, std::string_view>> out;
  for (std::string_view pattern : argv.subspan(2)) {
    for (std::size_t i = 0; i < params.size(); ++i) {
      const std::string_view name = params[i].name;
      const bool hit = has_glob(pattern) ? glob_match(pattern, name, true) : iequals(pattern, name);
      if (sent[i] || !hit) continue;
      sent[i] = true;
      out.emplace_back(has_glob(pattern) ? name : pattern, params[i].value);
    }
  }
  reply.map(out.size());
  for (const auto& [name, value] : out) {
    reply.bulk(name);
    reply.bulk(value);
  }
}

// All or nothing, as in Redis: every pair is checked before any is applied.
void cmd_config_set(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  if (argv.size() % 2 != 0) return reply.error(kSyntax);
  std::optional<int> events;
  for (std::size_t i = 2; i < argv.size(); i += 2) {
    if (iequals(argv[i], "notify-keyspace-events")) {
      events = pubsub::parse_event_flags(argv[i + 1]);
      if (!events) {
        return reply.error("ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - "
                           "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
      }
      continue;
    }
    if (!iequals(argv[i], "save") && !iequals(argv[i], "appendonly") && !iequals(argv[i], "appendfsync")) {
      return reply.error("ERR Unknown option or number of arguments for CONFIG SET - '" + std::string(argv[i]) + "'");
    }
  }
  if (events && ctx.env().events != nullptr) ctx.env().events->set_flags(*events);
  reply.ok();
}

void cmd_config_resetstat(CommandContext&, ArgList, ReplyBuilder& reply) { reply.ok(); }

void cmd_config_rewrite(CommandContext&, ArgList, ReplyBuilder& reply) {
  reply.error("ERR The server is running without a config file");
}

void cmd_config_help(CommandContext&, ArgList, ReplyBuilder& reply) {
  reply_help(reply, "CONFIG",
             {"GET <pattern>",
              "    Return parameters matching the glob-like <pattern> and their values.",
              "SET <directive> <value>",
              "    Set the configuration <directive> to <value>.",
              "RESETSTAT",
              "    Reset statistics reported by the INFO command.",
              "REWRITE",
              "    Rewrite the configuration file."});
}

}  // namespace mnemo::server::commands
