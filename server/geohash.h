// Geohashes as Redis 7.0 computes them (geohash.c, geohash_helper.c): a
// point is a 52-bit interleaved hash of its longitude (-180..180) and
// latitude (-85.05112878..85.05112878, Web Mercator's limits), stored as a
// sorted-set score; a search covers its area with the cell of the centre and
// its eight neighbours at a precision chosen from the radius, and then
// filters by haversine distance on a sphere of radius 6372797.560856 m.
// Every step keeps Redis's arithmetic, so scores, coordinates and distances
// agree with Redis's to the last bit.
//
// Pure functions; no state.
#pragma once

#include <cstdint>

namespace mnemo::server::geo {

inline constexpr double kLatMin = -85.05112878;
inline constexpr double kLatMax = 85.05112878;
inline constexpr double kLonMin = -180;
inline constexpr double kLonMax = 180;
inline constexpr std::uint8_t kStepMax = 26;  // 52 bits

struct HashBits {
  std::uint64_t bits = 0;
  std::uint8_t step = 0;
  bool zero() const { return bits == 0 && step == 0; }
};

struct Range {
  double min = 0;
  double max = 0;
};

struct Area {
  HashBits hash;
  Range lon;
  Range lat;
};

struct Neighbors {
  HashBits north, east, west, south, north_east, south_east, north_west, south_west;
};

// false when out of the ranges (nothing is encoded).
bool encode(Range lon_range, Range lat_range, double lon, double lat, std::uint8_t step, HashBits& out);
bool encode_wgs84(double lon, double lat, std::uint8_t step, HashBits& out);
bool decode(Range lon_range, Range lat_range, HashBits hash, Area& out);
// A sorted-set score (a 52-bit hash) to the centre of its cell: xy = {lon, lat}.
bool decode_score(double score, double xy[2]);
// The sorted-set score of a point (in range).
std::uint64_t score_of(double lon, double lat);
std::uint64_t align52(HashBits hash);
Neighbors neighbors(HashBits hash);

// The haversine distance in metres (lon, lat in degrees).
double distance(double lon1, double lat1, double lon2, double lat2);

// A search area: a circle (radius) or an axis-aligned box (width, height),
// in the unit `to_metres` converts to metres.
struct Shape {
  enum class Kind : std::uint8_t { circle, box } kind = Kind::circle;
  double xy[2] = {0, 0};  // centre: lon, lat
  double to_metres = 1;
  double radius = 0;
  double width = 0;
  double height = 0;
};

// The cell of the centre and its neighbours covering the shape; a
// neighbour that cannot hold a match is zero.
struct SearchAreas {
  HashBits hash;
  Neighbors neighbors;
  Area area;
};
SearchAreas search_areas(const Shape& shape);

// Whether the point is inside the shape; its distance from the centre (m).
bool within(const Shape& shape, double lon, double lat, double& dist_metres);

}  // namespace mnemo::server::geo
