// Geohashes (geohash.h), step for step as Redis 7.0's geohash.c and
// geohash_helper.c, since every rounding shows in a score or a distance.
#include "server/geohash.h"

#include <cmath>

namespace mnemo::server::geo {

namespace {

constexpr double kEarthRadiusMetres = 6372797.560856;
constexpr double kMercatorMax = 20037726.37;
constexpr double kDegToRad = M_PI / 180.0;

double deg_rad(double a) { return a * kDegToRad; }
double rad_deg(double a) { return a / kDegToRad; }

// Spreads x's 32 bits to the even bit positions and y's to the odd ones.
std::uint64_t interleave(std::uint32_t xlo, std::uint32_t ylo) {
  constexpr std::uint64_t B[] = {0x5555555555555555ULL, 0x3333333333333333ULL, 0x0F0F0F0F0F0F0F0FULL,
                                 0x00FF00FF00FF00FFULL, 0x0000FFFF0000FFFFULL};
  constexpr unsigned S[] = {1, 2, 4, 8, 16};
  std::uint64_t x = xlo, y = ylo;
  for (int i = 4; i >= 0; --i) {
    x = (x | (x << S[i])) & B[i];
    y = (y | (y << S[i])) & B[i];
  }
  return x | (y << 1);
}

// The inverse: even bits to the low word, odd bits to the high word.
std::uint64_t deinterleave(std::uint64_t v) {
  constexpr std::uint64_t B[] = {0x5555555555555555ULL, 0x3333333333333333ULL, 0x0F0F0F0F0F0F0F0FULL,
                                 0x00FF00FF00FF00FFULL, 0x0000FFFF0000FFFFULL, 0x00000000FFFFFFFFULL};
  constexpr unsigned S[] = {0, 1, 2, 4, 8, 16};
  std::uint64_t x = v, y = v >> 1;
  for (int i = 0; i < 6; ++i) {
    x = (x | (x >> S[i])) & B[i];
    y = (y | (y >> S[i])) & B[i];
  }
  return x | (y << 32);
}

constexpr Range kLonRange{kLonMin, kLonMax};
constexpr Range kLatRange{kLatMin, kLatMax};

bool range_zero(Range r) { return r.max == 0 && r.min == 0; }

void move_x(HashBits& h, int d) {
  if (d == 0) return;
  std::uint64_t x = h.bits & 0xaaaaaaaaaaaaaaaaULL;
  const std::uint64_t y = h.bits & 0x5555555555555555ULL;
  const std::uint64_t zz = 0x5555555555555555ULL >> (64 - h.step * 2);
  if (d > 0) {
    x = x + (zz + 1);
  } else {
    x = x | zz;
    x = x - (zz + 1);
  }
  x &= (0xaaaaaaaaaaaaaaaaULL >> (64 - h.step * 2));
  h.bits = x | y;
}

void move_y(HashBits& h, int d) {
  if (d == 0) return;
  const std::uint64_t x = h.bits & 0xaaaaaaaaaaaaaaaaULL;
  std::uint64_t y = h.bits & 0x5555555555555555ULL;
  const std::uint64_t zz = 0xaaaaaaaaaaaaaaaaULL >> (64 - h.step * 2);
  if (d > 0) {
    y = y + (zz + 1);
  } else {
    y = y | zz;
    y = y - (zz + 1);
  }
  y &= (0x5555555555555555ULL >> (64 - h.step * 2));
  h.bits = x | y;
}

HashBits moved(HashBits h, int dx, int dy) {
  move_x(h, dx);
  move_y(h, dy);
  return h;
}

std::uint8_t steps_for_radius(double range_metres, double lat) {
  if (range_metres == 0) return 26;
  int step = 1;
  while (range_metres < kMercatorMax) {
    range_metres *= 2;
    step++;
  }
  step -= 2;  // so that the range is inside the cell in most cases
  if (lat > 66 || lat < -66) {  // cells narrow towards the poles
    step--;
    if (lat > 80 || lat < -80) step--;
  }
  if (step < 1) step = 1;
  if (step > 26) step = 26;
  return static_cast<std::uint8_t>(step);
}

// min lon, min lat, max lon, max lat of the shape.
void bounding_box(const Shape& s, double bounds[4]) {
  const double lon = s.xy[0], lat = s.xy[1];
  const bool circle = s.kind == Shape::Kind::circle;
  const double height = s.to_metres * (circle ? s.radius : s.height / 2);
  const double width = s.to_metres * (circle ? s.radius : s.width / 2);
  const double lat_delta = rad_deg(height / kEarthRadiusMetres);
  const double lon_delta_top = rad_deg(width / kEarthRadiusMetres / std::cos(deg_rad(lat + lat_delta)));
  const double lon_delta_bottom = rad_deg(width / kEarthRadiusMetres / std::cos(deg_rad(lat - lat_delta)));
  const bool south = lat < 0;  // the wider edge is the one nearer the equator
  bounds[0] = south ? lon - lon_delta_bottom : lon - lon_delta_top;
  bounds[2] = south ? lon + lon_delta_bottom : lon + lon_delta_top;
  bounds[1] = lat - lat_delta;
  bounds[3] = lat + lat_delta;
}

double lat_distance(double lat1, double lat2) { return kEarthRadiusMetres * std::fabs(deg_rad(lat2) - deg_rad(lat1)); }

}  // namespace

bool encode(Range lon_range, Range lat_range, double lon, double lat, std::uint8_t step, HashBits& out) {
  if (step > 32 || step == 0 || range_zero(lat_range) || range_zero(lon_range)) return false;
  if (lon > kLonMax || lon < kLonMin || lat > kLatMax || lat < kLatMin) return false;
  out.bits = 0;
  out.step = step;
  if (lat < lat_range.min || lat > lat_range.max || lon < lon_range.min || lon > lon_range.max) return false;
  double lat_offset = (lat - lat_range.min) / (lat_range.max - lat_range.min);
  double lon_offset = (lon - lon_range.min) / (lon_range.max - lon_range.min);
  lat_offset *= static_cast<double>(1ULL << step);
  lon_offset *= static_cast<double>(1ULL << step);
  out.bits = interleave(static_cast<std::uint32_t>(lat_offset), static_cast<std::uint32_t>(lon_offset));
  return true;
}

bool encode_wgs84(double lon, double lat, std::uint8_t step, HashBits& out) {
  return encode(kLonRange, kLatRange, lon, lat, step, out);
}

bool decode(Range lon_range, Range lat_range, HashBits hash, Area& out) {
  if (hash.zero() || range_zero(lat_range) || range_zero(lon_range)) return false;
  out.hash = hash;
  const std::uint64_t sep = deinterleave(hash.bits);  // lat in the low word, lon in the high one
  const double lat_scale = lat_range.max - lat_range.min;
  const double lon_scale = lon_range.max - lon_range.min;
  const auto ilat = static_cast<std::uint32_t>(sep);
  const auto ilon = static_cast<std::uint32_t>(sep >> 32);
  const double cells = static_cast<double>(1ULL << hash.step);
  out.lat.min = lat_range.min + (ilat * 1.0 / cells) * lat_scale;
  out.lat.max = lat_range.min + ((ilat + 1) * 1.0 / cells) * lat_scale;
  out.lon.min = lon_range.min + (ilon * 1.0 / cells) * lon_scale;
  out.lon.max = lon_range.min + ((ilon + 1) * 1.0 / cells) * lon_scale;
  return true;
}

bool decode_score(double score, double xy[2]) {
  // Redis casts the score to uint64_t; scores of a geo set are 0..2^52.
  const auto bits = score >= 0 && score < 18446744073709551616.0 ? static_cast<std::uint64_t>(score)
                    : score < 0 && score >= -9223372036854775808.0
                        ? static_cast<std::uint64_t>(static_cast<std::int64_t>(score))
                        : std::uint64_t{0};
  Area area;
  if (!decode(kLonRange, kLatRange, HashBits{bits, kStepMax}, area)) return false;
  xy[0] = (area.lon.min + area.lon.max) / 2;
  if (xy[0] > kLonMax) xy[0] = kLonMax;
  if (xy[0] < kLonMin) xy[0] = kLonMin;
  xy[1] = (area.lat.min + area.lat.max) / 2;
  if (xy[1] > kLatMax) xy[1] = kLatMax;
  if (xy[1] < kLatMin) xy[1] = kLatMin;
  return true;
}

std::uint64_t align52(HashBits hash) { return hash.bits << (52 - hash.step * 2); }

std::uint64_t score_of(double lon, double lat) {
  HashBits h;
  encode_wgs84(lon, lat, kStepMax, h);
  return align52(h);
}

Neighbors neighbors(HashBits h) {
  Neighbors n;
  n.east = moved(h, 1, 0);
  n.west = moved(h, -1, 0);
  n.south = moved(h, 0, -1);
  n.north = moved(h, 0, 1);
  n.north_west = moved(h, -1, 1);
  n.north_east = moved(h, 1, 1);
  n.south_east = moved(h, 1, -1);
  n.south_west = moved(h, -1, -1);
  return n;
}

double distance(double lon1, double lat1, double lon2, double lat2) {
  const double lon1r = deg_rad(lon1), lon2r = deg_rad(lon2);
  const double v = std::sin((lon2r - lon1r) / 2);
  if (v == 0.0) return lat_distance(lat1, lat2);  // same meridian: skip the trigonometry
  const double lat1r = deg_rad(lat1), lat2r = deg_rad(lat2);
  const double u = std::sin((lat2r - lat1r) / 2);
  const double a = u * u + std::cos(lat1r) * std::cos(lat2r) * v * v;
  return 2.0 * kEarthRadiusMetres * std::asin(std::sqrt(a));
}

SearchAreas search_areas(const Shape& s) {
  double b[4];
  bounding_box(s, b);
  const double min_lon = b[0], min_lat = b[1], max_lon = b[2], max_lat = b[3];
  const double lon = s.xy[0], lat = s.xy[1];
  double radius = s.kind == Shape::Kind::circle
                      ? s.radius
                      : std::sqrt((s.width / 2) * (s.width / 2) + (s.height / 2) * (s.height / 2));
  radius *= s.to_metres;
  std::uint8_t steps = steps_for_radius(radius, lat);
  SearchAreas r;
  encode(kLonRange, kLatRange, lon, lat, steps, r.hash);
  r.neighbors = neighbors(r.hash);
  decode(kLonRange, kLatRange, r.hash, r.area);
  // Near a cell's edge the estimated step can be one too fine for a
  // neighbour to reach the shape's edge: then use the coarser one.
  Area north, south, east, west;
  decode(kLonRange, kLatRange, r.neighbors.north, north);
  decode(kLonRange, kLatRange, r.neighbors.south, south);
  decode(kLonRange, kLatRange, r.neighbors.east, east);
  decode(kLonRange, kLatRange, r.neighbors.west, west);
  const bool coarser = north.lat.max < max_lat || south.lat.min > min_lat || east.lon.max < max_lon ||
                       west.lon.min > min_lon;
  if (steps > 1 && coarser) {
    steps--;
    encode(kLonRange, kLatRange, lon, lat, steps, r.hash);
    r.neighbors = neighbors(r.hash);
    decode(kLonRange, kLatRange, r.hash, r.area);
  }
  if (steps >= 2) {  // drop the neighbours the shape cannot reach
    Neighbors& n = r.neighbors;
    if (r.area.lat.min < min_lat) n.south = n.south_west = n.south_east = HashBits{};
    if (r.area.lat.max > max_lat) n.north = n.north_east = n.north_west = HashBits{};
    if (r.area.lon.min < min_lon) n.west = n.south_west = n.north_west = HashBits{};
    if (r.area.lon.max > max_lon) n.east = n.south_east = n.north_east = HashBits{};
  }
  return r;
}

bool within(const Shape& s, double lon, double lat, double& dist) {
  if (s.kind == Shape::Kind::circle) {
    dist = distance(s.xy[0], s.xy[1], lon, lat);
    return dist <= s.radius * s.to_metres;
  }
  const double width = s.width * s.to_metres, height = s.height * s.to_metres;
  if (lat_distance(lat, s.xy[1]) > height / 2) return false;  // the cheaper test first
  if (distance(lon, lat, s.xy[0], lat) > width / 2) return false;
  dist = distance(s.xy[0], s.xy[1], lon, lat);
  return true;
}

}  // namespace mnemo::server::geo
