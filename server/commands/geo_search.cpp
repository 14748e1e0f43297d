// GEOSEARCH, GEOSEARCHSTORE, GEORADIUS, GEORADIUSBYMEMBER and the _RO forms:
// Redis 7.0's georadiusGeneric, with its order of checks and errors. The
// search reads the cell of the centre and its neighbours as score ranges of
// the sorted set (server/geohash.h), keeps the points inside the shape, and
// sorts or stores them. With STORE the source and the destination are one
// store collection operation, so the write is atomic with the read.
#include <algorithm>
#include <vector>

#include "server/commands/families_hll_geo.h"
#include "server/commands/geo_cmd.h"
#include "server/commands/geo_sort.h"
#include "server/geohash.h"
#include "server/pubsub/keyspace_events.h"
#include "server/tracking/tracking_table.h"

namespace mnemo::server::commands {

namespace {

constexpr unsigned kCoords = 1;     // GEORADIUS: centre given as lon lat
constexpr unsigned kMember = 2;     // GEORADIUSBYMEMBER: centre at a member
constexpr unsigned kReadOnlyForm = 4;    // the _RO forms
constexpr unsigned kSearch = 8;     // GEOSEARCH's arguments
constexpr unsigned kSearchStore = 16;

enum class Sort : std::uint8_t { none, asc, desc };

struct Point {
  double xy[2];
  double dist;
  double score;
  std::string_view member;  // in the sorted set: valid only while the store call runs
};

// What the arguments asked for.
struct Query {
  geo::Shape shape;
  bool with_dist = false, with_hash = false, with_coord = false, any = false;
  Sort sort = Sort::none;
  long long count = 0;  // 0: all
  std::size_t store_arg = 0;  // argv index of the destination; 0: none
  bool store_dist = false;
};

// The result, answered after the store call.
struct Outcome {
  std::vector<Point> points;
  std::vector<std::string> members;  // of the points returned, copied out of the store
  std::size_t returned = 0;
  bool source_found = false;
  bool dest_existed = false;
};

bool decode_member(const ZSet* z, std::string_view member, double xy[2]) {
  if (z == nullptr) return false;
  const auto score = z->score(member);
  return score && geo::decode_score(*score, xy);
}

// extractDistanceOrReply / extractBoxOrReply.
bool parse_radius(ArgList a, std::size_t i, geo::Shape& s, ReplyBuilder& reply) {
  if (!parse_double(a[i], s.radius)) return reply.error("ERR need numeric radius"), false;
  if (s.radius < 0) return reply.error("ERR radius cannot be negative"), false;
  s.to_metres = geo_cmd::parse_unit(a[i + 1], reply);
  return s.to_metres != 0;
}

bool parse_box(ArgList a, std::size_t i, geo::Shape& s, ReplyBuilder& reply) {
  if (!parse_double(a[i], s.width)) return reply.error("ERR need numeric width"), false;
  if (!parse_double(a[i + 1], s.height)) return reply.error("ERR need numeric height"), false;
  if (s.height < 0 || s.width < 0) return reply.error("ERR height or width cannot be negative"), false;
  s.to_metres = geo_cmd::parse_unit(a[i + 2], reply);
  return s.to_metres != 0;
}

// The options after base: false after replying an error. z is the source
// (FROMMEMBER reads it; null when absent).
bool parse_options(ArgList a, std::size_t base, unsigned flags, const ZSet* z, Query& q, ReplyBuilder& reply) {
  bool from_member = false, from_lonlat = false, by_radius = false, by_box = false;
  const bool search = (flags & kSearch) != 0;
  const bool may_store = !(flags & kReadOnlyForm) && !search;
  for (std::size_t i = base; i < a.size(); ++i) {
    const std::string_view arg = a[i];
    const std::size_t left = a.size() - i - 1;  // words after this one
    if (iequals(arg, "withdist")) q.with_dist = true;
    else if (iequals(arg, "withhash")) q.with_hash = true;
    else if (iequals(arg, "withcoord")) q.with_coord = true;
    else if (iequals(arg, "any")) q.any = true;
    else if (iequals(arg, "asc")) q.sort = Sort::asc;
    else if (iequals(arg, "desc")) q.sort = Sort::desc;
    else if (iequals(arg, "count") && left >= 1) {
      std::int64_t n = 0;
      if (!parse_int64(a[++i], n)) return reply.error(kNotInteger), false;
      if (n <= 0) return reply.error("ERR COUNT must be > 0"), false;
      q.count = n;
    } else if ((iequals(arg, "store") || iequals(arg, "storedist")) && left >= 1 && may_store) {
      q.store_dist = arg.size() == 9;
      q.store_arg = ++i;
    } else if (iequals(arg, "storedist") && (flags & kSearchStore)) {
      q.store_dist = true;
    } else if (iequals(arg, "frommember") && left >= 1 && search && !from_lonlat) {
      ++i;
      if (z != nullptr && !decode_member(z, a[i], q.shape.xy)) {
        return reply.error("ERR could not decode requested zset member"), false;
      }
      from_member = true;
    } else if (iequals(arg, "fromlonlat") && left >= 2 && search && !from_member) {
      if (!geo_cmd::parse_lon_lat(a[i + 1], a[i + 2], q.shape.xy, reply)) return false;
      from_lonlat = true;
      i += 2;
    } else if (iequals(arg, "byradius") && left >= 2 && search && !by_box) {
      if (!parse_radius(a, i + 1, q.shape, reply)) return false;
      q.shape.kind = geo::Shape::Kind::circle;
      by_radius = true;
      i += 2;
    } else if (iequals(arg, "bybox") && left >= 3 && search && !by_radius) {
      if (!parse_box(a, i + 1, q.shape, reply)) return false;
      q.shape.kind = geo::Shape::Kind::box;
      by_box = true;
      i += 3;
    } else {
      return reply.error(kSyntax), false;
    }
  }
  if (q.store_arg != 0 && (q.with_dist || q.with_hash || q.with_coord)) {
    reply.error(std::string("ERR ") + ((flags & kSearchStore) ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS") +
                " is not compatible with WITHDIST, WITHHASH and WITHCOORD options");
    return false;
  }
  if (search && !(from_member || from_lonlat)) {
    reply.error("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for " + std::string(a[0]));
    return false;
  }
  if (search && !(by_radius || by_box)) {
    reply.error("ERR exactly one of BYRADIUS and BYBOX can be specified for " + std::string(a[0]));
    return false;
  }
  if (q.any && q.count == 0) return reply.error("ERR the ANY argument requires COUNT argument"), false;
  return true;
}

// Redis's membersOfAllNeighbors: each cell is a score range [min, max) read in
// score order; with ANY, it stops once `limit` points are found.
void collect(const ZSet& z, const geo::Shape& shape, std::size_t limit, std::vector<Point>& out) {
  const geo::SearchAreas areas = geo::search_areas(shape);
  const geo::Neighbors& n = areas.neighbors;
  const geo::HashBits cells[9] = {areas.hash,   n.north,      n.south,      n.east,      n.west,
                                  n.north_east, n.north_west, n.south_east, n.south_west};
  std::size_t last = 0;
  for (std::size_t i = 0; i < 9; ++i) {
    if (cells[i].zero()) continue;
    // With a huge radius neighbours can be the same cell: read it once.
    if (last != 0 && cells[i].bits == cells[last].bits && cells[i].step == cells[last].step) continue;
    if (!out.empty() && limit != 0 && out.size() >= limit) break;
    geo::HashBits h = cells[i];
    const auto min = static_cast<double>(geo::align52(h));
    ++h.bits;
    const auto max = static_cast<double>(geo::align52(h));
    for (auto it = z.lower_bound(min, {}); it != z.end() && (*it).score < max; ++it) {
      const ZSet::Entry e = *it;
      Point p{{0, 0}, 0, e.score, e.member};
      if (geo::decode_score(e.score, p.xy) && geo::within(shape, p.xy[0], p.xy[1], p.dist)) out.push_back(p);
      if (!out.empty() && limit != 0 && out.size() >= limit) break;
    }
    last = i;
  }
}

// The sort Redis does: qsort for all (glibc's is a stable merge sort), its
// own partial quicksort when fewer are returned (geo_sort.h).
void sort_points(std::vector<Point>& pts, Sort sort, std::size_t returned) {
  if (sort == Sort::none) return;
  if (returned == pts.size()) {
    auto less = [sort](const Point& a, const Point& b) { return sort == Sort::asc ? a.dist < b.dist : a.dist > b.dist; };
    std::stable_sort(pts.begin(), pts.end(), less);
    return;
  }
  auto cmp = [sort](const Point& a, const Point& b) {
    const int asc = a.dist > b.dist ? 1 : a.dist == b.dist ? 0 : -1;
    return sort == Sort::asc ? asc : -asc;
  };
  geo_sort::partial_sort(pts, cmp, 0, returned - 1);
}

void reply_points(const Query& q, const Outcome& o, ReplyBuilder& reply) {
  const std::size_t options = (q.with_dist ? 1 : 0) + (q.with_hash ? 1 : 0) + (q.with_coord ? 1 : 0);
  reply.array(o.returned);
  for (std::size_t i = 0; i < o.returned; ++i) {
    const Point& p = o.points[i];
    if (options > 0) reply.array(options + 1);
    reply.bulk(o.members[i]);
    if (q.with_dist) geo_cmd::reply_distance(reply, p.dist / q.shape.to_metres);
    if (q.with_hash) reply.integer(static_cast<std::int64_t>(p.score));
    if (q.with_coord) geo_cmd::reply_coordinates(reply, p.xy);
  }
}

// GEORADIUS's and GEORADIUSBYMEMBER's centre and radius (before the
// options); the index of the first option, or 0 after replying an error.
std::size_t parse_centre(ArgList argv, unsigned flags, const ZSet* z, Query& q, ReplyBuilder& reply) {
  if (flags & kCoords) {
    const bool ok = geo_cmd::parse_lon_lat(argv[2], argv[3], q.shape.xy, reply) && parse_radius(argv, 4, q.shape, reply);
    return ok ? 6 : 0;
  }
  if (flags & kMember) {
    if (z == nullptr) return 5;  // no source: the options are still parsed, for the reply's kind
    if (!decode_member(z, argv[2], q.shape.xy)) return reply.error("ERR could not decode requested zset member"), 0;
    return parse_radius(argv, 3, q.shape, reply) ? 5 : 0;
  }
  return (flags & kSearchStore) ? 3 : 2;
}

void search(const ZSet& z, Query& q, Outcome& o) {
  if (q.count != 0 && q.sort == Sort::none && !q.any) q.sort = Sort::asc;  // COUNT means the nearest
  collect(z, q.shape, q.any ? static_cast<std::size_t>(q.count) : 0, o.points);
  const auto total = o.points.size();
  o.returned = q.count == 0 || total < static_cast<std::size_t>(q.count) ? total : static_cast<std::size_t>(q.count);
  sort_points(o.points, q.sort, o.returned);
  if (q.store_arg != 0) return;
  for (std::size_t i = 0; i < o.returned; ++i) o.members.push_back(std::string(o.points[i].member));
}

// The destination (key `dest` of the store call) holds exactly the points
// returned, or nothing.
void store_points(CollectionTxn& t, std::size_t dest, const Query& q, Outcome& o) {
  o.dest_existed = t.type(dest).has_value();
  if (o.returned == 0) return t.remove(dest);
  OpWriter& w = t.replace(dest, ValueType::zset);
  for (std::size_t i = 0; i < o.returned; ++i) {
    const Point& p = o.points[i];
    w.zadd(p.member, q.store_dist ? p.dist / q.shape.to_metres : p.score);
  }
}

void reply_stored(CommandContext& ctx, std::string_view dest, unsigned flags, const Outcome& o, ReplyBuilder& reply) {
  if (o.returned > 0) ctx.notify(pubsub::notify::kZset, (flags & kSearch) ? "geosearchstore" : "georadiusstore", dest);
  else if (o.dest_existed) ctx.notify(pubsub::notify::kGeneric, "del", dest);
  tracking::TrackingTable* tracking = ctx.env().tracking;
  if (!(flags & kSearch) && (o.returned > 0 || o.dest_existed) && tracking != nullptr && tracking->active()) {
    // A keyword key is not among the table's key positions, which is how
    // the command path invalidates what a write changed.
    const std::string_view changed[] = {dest};
    tracking->invalidate(changed, ctx.env().client_id);
  }
  reply.integer(static_cast<std::int64_t>(o.returned));
}

// The words that may name GEORADIUS's destination: those after STORE or
// STOREDIST (the options are parsed under the store's locks, so every
// candidate is locked), or GEOSEARCHSTORE's first key.
std::vector<std::size_t> destination_candidates(ArgList argv, unsigned flags) {
  std::vector<std::size_t> out;
  if (flags & kSearchStore) out.push_back(1);
  if (flags & (kReadOnlyForm | kSearch)) return out;
  for (std::size_t i = 2; i + 1 < argv.size(); ++i) {
    if (iequals(argv[i], "store") || iequals(argv[i], "storedist")) out.push_back(i + 1);
  }
  return out;
}

// The source is key 0 of one store call, the destination candidates keys 1..
void search_generic(CommandContext& ctx, ArgList argv, std::size_t src_arg, unsigned flags, ReplyBuilder& reply) {
  const std::vector<std::size_t> dest_args = destination_candidates(argv, flags);
  std::vector<std::string_view> keys{argv[src_arg]};
  for (std::size_t i : dest_args) keys.push_back(argv[i]);
  Query q;
  if (flags & kSearchStore) q.store_arg = 1;
  Outcome o;
  bool replied = false;  // an argument error, answered under the locks
  const auto ran = run(ctx, reply, keys, !dest_args.empty(), [&](CollectionTxn& t) -> Fault {
    if (t.wrong_type(0, ValueType::zset)) return wrong_type();
    const ZSet* z = t.get(0) ? &t.get(0)->zset() : nullptr;
    const std::size_t base = parse_centre(argv, flags, z, q, reply);
    if (base == 0 || !parse_options(argv, base, flags, z, q, reply)) return replied = true, Fault{};
    o.source_found = z != nullptr;
    if (z != nullptr) search(*z, q, o);
    if (q.store_arg == 0) return {};
    const auto at = std::find(dest_args.begin(), dest_args.end(), q.store_arg) - dest_args.begin();
    store_points(t, 1 + static_cast<std::size_t>(at), q, o);
    return {};
  });
  if (!ran || replied) return;
  if (q.store_arg != 0) return reply_stored(ctx, argv[q.store_arg], flags, o, reply);
  if (!o.source_found || o.returned == 0) return reply.array(0);
  reply_points(q, o, reply);
}

bool read_only_form(std::string_view name) { return name.size() > 3 && iequals(name.substr(name.size() - 3), "_ro"); }

}  // namespace

void cmd_georadius(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  search_generic(ctx, argv, 1, kCoords | (read_only_form(argv[0]) ? kReadOnlyForm : 0), reply);
}

void cmd_georadiusbymember(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  search_generic(ctx, argv, 1, kMember | (read_only_form(argv[0]) ? kReadOnlyForm : 0), reply);
}

void cmd_geosearch(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) { search_generic(ctx, argv, 1, kSearch, reply); }

void cmd_geosearchstore(CommandContext& ctx, ArgList argv, ReplyBuilder& reply) {
  search_generic(ctx, argv, 2, kSearch | kSearchStore, reply);
}

}  // namespace mnemo::server::commands
