// The geo family's table entries, as Redis 7 declares them. GEORADIUS and
// GEORADIUSBYMEMBER find their STORE/STOREDIST key by a keyword search
// (movablekeys).
#include "server/commands/command_table.h"
#include "server/commands/families_hll_geo.h"

namespace mnemo::server {

using namespace commands;  // NOLINT: the handlers

namespace {

constexpr std::uint32_t kRead = cmd::kKeyRO | cmd::kKeyAccess;
constexpr std::string_view kSearchComplexity =
    "O(N+log(M)) where N is the number of elements in the grid-aligned bounding box area around the shape provided "
    "as the filter and M is the number of items inside the shape";
constexpr std::string_view kRadiusComplexity =
    "O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center "
    "and radius and M is the number of items inside the index.";

// The source key, then the keys after STORE and STOREDIST, searched from argv[from].
std::vector<KeySpec> radius_keys(int from) {
  constexpr std::uint32_t kDest = cmd::kKeyOW | cmd::kKeyUpdate;
  return {key(kRead), KeySpec{.flags = kDest, .begin = from, .keyword = "STORE"},
          KeySpec{.flags = kDest, .begin = from, .keyword = "STOREDIST"}};
}

CommandSpec geo_cmd(std::string_view name, int arity, std::uint32_t flags, std::vector<KeySpec> keys,
                    CommandHandler h, std::string_view summary, std::string_view since, std::string_view complexity) {
  return {.name = name, .arity = arity, .flags = flags, .acl = cmd::kAclGeo, .keys = std::move(keys),
          .doc = {summary, since, "geo", complexity}, .handler = h};
}

}  // namespace

void register_geo_commands(CommandTable& t) {
  const std::uint32_t w = cmd::kWrite | cmd::kDenyOom;
  const std::uint32_t r = cmd::kReadOnly;
  t.add(geo_cmd("geoadd", -5, w, {key(cmd::kKeyRW | cmd::kKeyUpdate)}, cmd_geoadd,
                "Add one or more geospatial items in the geospatial index represented using a sorted set", "3.2.0",
                "O(log(N)) for each item added, where N is the number of elements in the sorted set."));
  t.add(geo_cmd("geopos", -2, r, {key(kRead)}, cmd_geopos, "Returns longitude and latitude of members of a geospatial index",
                "3.2.0", "O(N) where N is the number of members requested."));
  t.add(geo_cmd("geodist", -4, r, {key(kRead)}, cmd_geodist, "Returns the distance between two members of a geospatial index",
                "3.2.0", "O(log(N))"));
  t.add(geo_cmd("geohash", -2, r, {key(kRead)}, cmd_geohash,
                "Returns members of a geospatial index as standard geohash strings", "3.2.0",
                "O(log(N)) for each member requested, where N is the number of elements in the sorted set."));
  t.add(geo_cmd("geosearch", -7, r, {key(kRead)}, cmd_geosearch,
                "Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle.",
                "6.2.0", kSearchComplexity));
  t.add(geo_cmd("geosearchstore", -8, w, {key(cmd::kKeyOW | cmd::kKeyUpdate, 1), key(kRead, 2)}, cmd_geosearchstore,
                "Query a sorted set representing a geospatial index to fetch members inside an area of a box or a "
                "circle, and store the result in another key.",
                "6.2.0", kSearchComplexity));
  t.add(geo_cmd("georadius", -6, w | cmd::kMovableKeys, radius_keys(6), cmd_georadius,
                "Query a sorted set representing a geospatial index to fetch members matching a given maximum "
                "distance from a point",
                "3.2.0", kRadiusComplexity));
  t.add(geo_cmd("georadius_ro", -6, r, {key(kRead)}, cmd_georadius, "A read-only variant for GEORADIUS", "3.2.10",
                kRadiusComplexity));
  t.add(geo_cmd("georadiusbymember", -5, w | cmd::kMovableKeys, radius_keys(5), cmd_georadiusbymember,
                "Query a sorted set representing a geospatial index to fetch members matching a given maximum "
                "distance from a member",
                "3.2.0", kRadiusComplexity));
  t.add(geo_cmd("georadiusbymember_ro", -5, r, {key(kRead)}, cmd_georadiusbymember,
                "A read-only variant for GEORADIUSBYMEMBER", "3.2.10", kRadiusComplexity));
}

}  // namespace mnemo::server
