// Geohashes: the scores, cell centres and distances Redis 7.0.15 gives.
#include "server/geohash.h"

#include <catch2/catch.hpp>

#include <cmath>

#include "server/store_types.h"

using namespace mnemo::server;

TEST_CASE("a point's score is Redis's 52-bit geohash", "[server][geo]") {
  CHECK(geo::score_of(13.361389, 38.115556) == 3479099956230698ULL);  // GEOADD ... Palermo
  CHECK(geo::score_of(15.087269, 37.502669) == 3479447370796909ULL);  // ... Catania
}

TEST_CASE("a score decodes to its cell centre as Redis formats it", "[server][geo]") {
  double xy[2];
  REQUIRE(geo::decode_score(3479099956230698.0, xy));
  CHECK(format_redis_long_double(xy[0]) == "13.36138933897018433");  // GEOPOS g Palermo
  CHECK(format_redis_long_double(xy[1]) == "38.11555639549629859");
}

TEST_CASE("distances are Redis's haversine", "[server][geo]") {
  double a[2], b[2];
  REQUIRE(geo::decode_score(3479099956230698.0, a));
  REQUIRE(geo::decode_score(3479447370796909.0, b));
  // GEODIST g Palermo Catania: 166274.1516
  CHECK(std::llrint(geo::distance(a[0], a[1], b[0], b[1]) * 10000) == 1662741516LL);
  CHECK(geo::distance(a[0], a[1], a[0], a[1]) == 0.0);
}

TEST_CASE("a search covers its shape with the centre cell and its neighbours", "[server][geo]") {
  geo::Shape s;
  s.xy[0] = 15;
  s.xy[1] = 37;
  s.radius = 200;
  s.to_metres = 1000;
  const geo::SearchAreas areas = geo::search_areas(s);
  CHECK(areas.hash.step > 0);
  CHECK(areas.area.lon.min <= 15);
  CHECK(areas.area.lon.max >= 15);
  double dist = 0;
  CHECK(geo::within(s, 15.087269, 37.502669, dist));
  CHECK(std::llrint(dist / 1000 * 10000) == 564413);  // GEORADIUS ... WITHDIST: 56.4413 km
  CHECK_FALSE(geo::within(s, 13.361389, 40.5, dist));
}
