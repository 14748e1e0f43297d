// CLIENT TRACKING / CACHING / GETREDIR / TRACKINGINFO and the per-command
// tracking hooks (tracking.h); Redis 7.0's networking.c replies and errors.
#include "server/commands/tracking.h"

#include <algorithm>

#include "server/commands/helpers.h"

namespace mnemo::server::commands {

namespace {

using tracking::Mode;

bool prefixes_overlap(std::string_view a, std::string_view b) {
  const std::size_t n = std::min(a.size(), b.size());
  return a.substr(0, n) == b.substr(0, n);
}

// Redis's checkPrefixCollisionsOrReply: an error text, or empty.
std::string prefix_collision(const std::vector<std::string>& mine, const std::vector<std::string>& given) {
  for (std::size_t i = 0; i < given.size(); ++i) {
    for (const std::string& old : mine) {
      if (prefixes_overlap(old, given[i])) {
        return "ERR Prefix '" + given[i] + "' overlaps with an existing prefix '" + old +
               "'. Prefixes for a single client must not overlap.";
      }
    }
    for (std::size_t j = i + 1; j < given.size(); ++j) {
      if (prefixes_overlap(given[i], given[j])) {
        return "ERR Prefix '" + given[i] + "' overlaps with another provided prefix '" + given[j] +
               "'. Prefixes for a single client must not overlap.";
      }
    }
  }
  return {};
}

// The options after ON|OFF; an error text, or empty.
std::string parse_mode(CommandContext& ctx, ArgList argv, Mode& m) {
  for (std::size_t j = 3; j < argv.size(); ++j) {
    const bool more = j + 1 < argv.size();
    if (iequals(argv[j], "redirect") && more) {
      if (m.redirect != 0) return "ERR A client can only redirect to a single other client";
      std::int64_t id = 0;
      if (!parse_int64(argv[++j], id)) return std::string(kNotInteger);
      const bool self = static_cast<std::uint64_t>(id) == ctx.env().client_id;
      if (id <= 0 || (!self && !ctx.env().tracking->connected(static_cast<std::uint64_t>(id)))) {
        return "ERR The client ID you want redirect to does not exist";
      }
      m.redirect = static_cast<std::uint64_t>(id);
    } else if (iequals(argv[j], "bcast")) {
      m.bcast = true;
    } else if (iequals(argv[j], "optin")) {
      m.optin = true;
    } else if (iequals(argv[j], "optout")) {
      m.optout = true;
    } else if (iequals(argv[j], "noloop")) {
      m.noloop = true;
    } else if (iequals(argv[j], "prefix") && more) {
      m.prefixes.emplace_back(argv[++j]);
    } else {
      return std::string(kSyntax);
    }
  }
  return {};
}

// CLIENT TRACKING ON's checks against the options and the current state.
std::string check_on(const Session& s, const Mode& m) {
  const Mode& cur = s.tracking.mode;
  if (!m.bcast && !m.prefixes.empty()) return "ERR PREFIX option requires BCAST mode to be enabled";
  if (s.tracking.on && cur.bcast != m.bcast) {
    return "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then "
           "re-enabling it with a different mode.";
  }
  if (m.bcast && (m.optin || m.optout)) return "ERR OPTIN and OPTOUT are not compatible with BCAST";
  if (m.optin && m.optout) return "ERR You can't specify both OPTIN mode and OPTOUT mode";
  if (s.tracking.on && ((m.optin && cur.optout) || (m.optout && cur.optin))) {
    return "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then "
           "re-enabling it with a different mode.";
  }
  if (m.bcast) return prefix_collision(cur.prefixes, m.prefixes);
  return {};
}

// Whether a read by this session is cached: OPTIN needs CACHING YES, OPTOUT stops at CACHING NO.
bool caches_reads(const Session& s) {
  const auto& t = s.tracking;
  if (!t.on || t.mode.bcast) return false;
  if (t.mode.optin) return t.caching;
  if (t.mode.optout) return !t.caching;
  return true;
}

std::vector<std::string_view> views(const std::vector<std::string>& keys) {
  return {keys.begin(), keys.end()};
}

}  // namespace

void tracking_before(CommandContext& ctx, const CommandSpec& spec, ArgList argv, TrackedCommand& t) {
  t.clear();
  tracking::TrackingTable* table = ctx.env().tracking;
  if (table == nullptr) return;
  t.clears_caching = !spec.name.starts_with("client");
  t.read = spec.readonly() && (spec.flags & cmd::kPubSub) == 0 && caches_reads(ctx.session());
  t.write = spec.write() && table->active();
  if (!t.read && !t.write) return;
  for (std::size_t i : spec.key_positions(argv)) t.keys.emplace_back(argv[i]);
  if (t.read && !t.keys.empty()) table->remember(ctx.env().client_id, views(t.keys));
}

void tracking_after(CommandContext& ctx, TrackedCommand& t, bool top_level) {
  Session& s = ctx.session();
  if (top_level && t.clears_caching && !s.multi.active) s.tracking.caching = false;
  tracking::TrackingTable* table = ctx.env().tracking;
  if (table == nullptr || t.keys.empty()) return;
  if (t.read) table->remember(ctx.env().client_id, views(t.keys));
  if (t.write) table->invalidate(views(t.keys), ctx.env().client_id);
  t.keys.clear();
}

// CLIENT TRACKING ON|OFF [REDIRECT id] [PREFIX p ...] [BCAST] [OPTIN] [OPTOUT] [NOLOOP]
void cmd_client_tracking(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  if (ctx.env().tracking == nullptr) return reply.error("ERR client tracking is not available on this connection");
  Session& s = ctx.session();
  Mode m;
  if (std::string err = parse_mode(ctx, argv, m); !err.empty()) return reply.error(err);
  if (iequals(argv[2], "on")) {
    if (std::string err = check_on(s, m); !err.empty()) return reply.error(err);
    ctx.env().tracking->enable(ctx.env().client_id, m);
    std::vector<std::string> prefixes = std::move(s.tracking.mode.prefixes);
    if (m.bcast && m.prefixes.empty() && prefixes.empty()) prefixes.emplace_back();
    for (std::string& p : m.prefixes) {
      if (std::find(prefixes.begin(), prefixes.end(), p) == prefixes.end()) prefixes.push_back(std::move(p));
    }
    s.tracking.mode = m;
    s.tracking.mode.prefixes = std::move(prefixes);
    s.tracking.on = true;
  } else if (iequals(argv[2], "off")) {
    ctx.env().tracking->disable(ctx.env().client_id);
    s.tracking = {};
  } else {
    return reply.error(kSyntax);
  }
  reply.ok();
}

// CLIENT CACHING YES|NO: whether the next command's reads are cached (OPTIN / OPTOUT).
void cmd_client_caching(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  auto& t = ctx.session().tracking;
  if (!t.on) {
    return reply.error("ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or "
                       "OPTOUT mode enabled");
  }
  if (iequals(argv[2], "yes")) {
    if (!t.mode.optin) return reply.error("ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.");
  } else if (iequals(argv[2], "no")) {
    if (!t.mode.optout) return reply.error("ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.");
  } else {
    return reply.error(kSyntax);
  }
  t.caching = true;
  reply.ok();
}

void cmd_client_getredir(CommandContext& ctx, ArgList, ReplyBuilder& reply) {
  const auto& t = ctx.session().tracking;
  reply.integer(t.on ? static_cast<std::int64_t>(t.mode.redirect) : -1);
}

void cmd_client_trackinginfo(CommandContext& ctx, ArgList, ReplyBuilder& reply) {
  const auto& t = ctx.session().tracking;
  std::vector<std::string_view> flags{t.on ? "on" : "off"};
  if (t.mode.bcast) flags.push_back("bcast");
  if (t.mode.optin) flags.push_back("optin");
  if (t.mode.optin && t.caching) flags.push_back("caching-yes");
  if (t.mode.optout) flags.push_back("optout");
  if (t.mode.optout && t.caching) flags.push_back("caching-no");
  if (t.mode.noloop) flags.push_back("noloop");
  if (t.on && ctx.env().tracking != nullptr && ctx.env().tracking->redirect_broken(ctx.env().client_id)) {
    flags.push_back("broken_redirect");
  }
  reply.map(3);
  reply.bulk("flags");
  reply.set(flags.size());
  for (std::string_view f : flags) reply.bulk(f);
  reply.bulk("redirect");
  reply.integer(t.on ? static_cast<std::int64_t>(t.mode.redirect) : -1);
  reply.bulk("prefixes");
  std::vector<std::string_view> prefixes(t.mode.prefixes.begin(), t.mode.prefixes.end());
  std::sort(prefixes.begin(), prefixes.end());  // Redis lists them in its radix tree's order
  reply.array(prefixes.size());
  for (std::string_view p : prefixes) reply.bulk(p);
}

}  // namespace mnemo::server::commands
