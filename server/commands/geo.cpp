// GEOADD, GEOPOS, GEODIST and GEOHASH (Redis 7.0's geo.c). A geo set is a
// sorted set whose scores are 52-bit geohashes (server/geohash.h), so GEOADD
// is a ZADD (same journal records, same "zadd" event) and every other
// sorted-set command works on it. The searches are in geo_search.cpp.
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <vector>

#include "server/commands/families_hll_geo.h"
#include "server/commands/geo_cmd.h"
#include "server/geohash.h"
#include "server/pubsub/keyspace_events.h"
#include "server/store_types.h"

namespace mnemo::server::commands {

namespace geo_cmd {

bool parse_lon_lat(std::string_view lon, std::string_view lat, double xy[2], ReplyBuilder& reply) {
  if (!parse_double(lon, xy[0]) || !parse_double(lat, xy[1])) return reply.error(kNotFloat), false;
  if (xy[0] < geo::kLonMin || xy[0] > geo::kLonMax || xy[1] < geo::kLatMin || xy[1] > geo::kLatMax) {
    char buf[256];
    std::snprintf(buf, sizeof buf, "ERR invalid longitude,latitude pair %f,%f", xy[0], xy[1]);
    return reply.error(buf), false;
  }
  return true;
}

double parse_unit(std::string_view u, ReplyBuilder& reply) {
  if (iequals(u, "m")) return 1;
  if (iequals(u, "km")) return 1000;
  if (iequals(u, "ft")) return 0.3048;
  if (iequals(u, "mi")) return 1609.34;
  reply.error("ERR unsupported unit provided. please use M, KM, FT, MI");
  return 0;
}

// Redis's fixedpoint_d2string with four digits: the value rounded (llrint)
// to ten-thousandths.
void reply_distance(ReplyBuilder& reply, double d) {
  const long long v = std::llrint(d * 10000.0);
  const unsigned long long a = v < 0 ? 0ULL - static_cast<unsigned long long>(v) : static_cast<unsigned long long>(v);
  char buf[64];
  const int n = std::snprintf(buf, sizeof buf, "%s%llu.%04llu", v < 0 ? "-" : "", a / 10000, a % 10000);
  reply.bulk(std::string_view(buf, static_cast<std::size_t>(n)));
}

void reply_coordinates(ReplyBuilder& reply, const double xy[2]) {
  reply.array(2);
  reply.dbl_text(format_redis_long_double(xy[0]));
  reply.dbl_text(format_redis_long_double(xy[1]));
}

}  // namespace geo_cmd

namespace {

const ZSet* zset_of(CollectionTxn& t, std::size_t i) { return t.get(i) ? &t.get(i)->zset() : nullptr; }

std::optional<double> score_of(const ZSet* z, std::string_view member) {
  return z == nullptr ? std::nullopt : z->score(member);
}

}  // namespace

// GEOADD key [NX|XX] [CH] lon lat member ...: Redis turns it into ZADD with
// the geohashes as scores, so its replies and events are ZADD's.
void cmd_geoadd(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  bool nx = false, xx = false, ch = false;
  std::size_t first = 2;
  for (; first < argv.size(); ++first) {
    if (iequals(argv[first], "nx")) nx = true;
    else if (iequals(argv[first], "xx")) xx = true;
    else if (iequals(argv[first], "ch")) ch = true;
    else break;
  }
  const std::size_t words = argv.size() - first;
  if (words % 3 != 0 || (xx && nx) || words == 0) return reply.error(kSyntax);
  std::vector<double> scores;
  for (std::size_t i = first; i < argv.size(); i += 3) {
    double xy[2];
    if (!geo_cmd::parse_lon_lat(argv[i], argv[i + 1], xy, reply)) return;
    scores.push_back(static_cast<double>(geo::score_of(xy[0], xy[1])));
  }
  std::int64_t added = 0, changed = 0;
  if (!run(ctx, reply, argv.subspan(1, 1), true, [&](CollectionTxn& t) -> Fault {
        if (t.wrong_type(0, ValueType::zset)) return wrong_type();
        const ZSet* z = zset_of(t, 0);
        if (z == nullptr && xx) return {};
        absl::flat_hash_map<std::string_view, double> pending;  // members set earlier in this command
        for (std::size_t j = 0; j < scores.size(); ++j) {
          const std::string_view m = argv[first + 3 * j + 2];
          std::optional<double> cur;
          if (auto p = pending.find(m); p != pending.end()) cur = p->second;
          else cur = score_of(z, m);
          if (cur ? nx || *cur == scores[j] : xx) continue;
          ++(cur ? changed : added);
          pending[m] = scores[j];
          t.ops(0, ValueType::zset).zadd(m, scores[j]);
        }
        return {};
      })) return;
  if (added + changed > 0) ctx.notify(pubsub::notify::kZset, "zadd", argv[1]);
  reply.integer(ch ? added + changed : added);
}

void cmd_geopos(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  std::vector<std::optional<double>> scores;
  if (!run(ctx, reply, argv.subspan(1, 1), false, [&](CollectionTxn& t) -> Fault {
        if (t.wrong_type(0, ValueType::zset)) return wrong_type();
        for (std::size_t i = 2; i < argv.size(); ++i) scores.push_back(score_of(zset_of(t, 0), argv[i]));
        return {};
      })) return;
  reply.array(scores.size());
  for (const auto& s : scores) {
    double xy[2];
    if (!s || !geo::decode_score(*s, xy)) {
      reply.null_array();
      continue;
    }
    geo_cmd::reply_coordinates(reply, xy);
  }
}

void cmd_geodist(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  double to_metres = 1;
  if (argv.size() == 5) {
    to_metres = geo_cmd::parse_unit(argv[4], reply);
    if (to_metres == 0) return;
  } else if (argv.size() > 5) {
    return reply.error(kSyntax);
  }
  std::optional<double> a, b;
  if (!run(ctx, reply, argv.subspan(1, 1), false, [&](CollectionTxn& t) -> Fault {
        if (t.wrong_type(0, ValueType::zset)) return wrong_type();
        a = score_of(zset_of(t, 0), argv[2]);
        b = score_of(zset_of(t, 0), argv[3]);
        return {};
      })) return;
  double xy1[2], xy2[2];
  if (!a || !b || !geo::decode_score(*a, xy1) || !geo::decode_score(*b, xy2)) return reply.null();
  geo_cmd::reply_distance(reply, geo::distance(xy1[0], xy1[1], xy2[0], xy2[1]) / to_metres);
}

// The standard geohash (latitude -90..90), re-encoded from the cell centre,
// as 11 characters: 52 bits give 10, the 11th is always '0'.
void cmd_geohash(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  constexpr std::string_view kAlphabet = "0123456789bcdefghjkmnpqrstuvwxyz";
  std::vector<std::optional<double>> scores;
  if (!run(ctx, reply, argv.subspan(1, 1), false, [&](CollectionTxn& t) -> Fault {
        if (t.wrong_type(0, ValueType::zset)) return wrong_type();
        for (std::size_t i = 2; i < argv.size(); ++i) scores.push_back(score_of(zset_of(t, 0), argv[i]));
        return {};
      })) return;
  reply.array(scores.size());
  for (const auto& s : scores) {
    double xy[2];
    if (!s || !geo::decode_score(*s, xy)) {
      reply.null();
      continue;
    }
    geo::HashBits h;
    geo::encode({-180, 180}, {-90, 90}, xy[0], xy[1], geo::kStepMax, h);
    char buf[11];
    for (int i = 0; i < 11; ++i) {
      const std::uint64_t idx = i == 10 ? 0 : (h.bits >> (52 - (i + 1) * 5)) & 0x1f;
      buf[i] = kAlphabet[idx];
    }
    reply.bulk(std::string_view(buf, 11));
  }
}

}  // namespace mnemo::server::commands
