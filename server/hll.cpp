// HyperLogLog values (hll.h): the header, the hash, the dense registers and
// the estimate. The sparse opcodes' edits are in hll_sparse.cpp.
#include "server/hll.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

#include "server/hll_detail.h"

namespace mnemo::server::hll {

namespace {

constexpr std::uint8_t kDense = 0;
constexpr std::uint8_t kSparse = 1;
constexpr std::uint64_t kSeed = 0xadc83b19ULL;
constexpr double kAlphaInf = 0.721347520444481703680;  // 0.5 / ln(2)
constexpr int kQ = 64 - 14;                             // hash bits left after the register index

std::uint64_t load64(const unsigned char* p) {
  std::uint64_t k = 0;
  for (int i = 7; i >= 0; --i) k = (k << 8) | p[i];  // little endian whatever the host
  return k;
}

// Ertl's sigma and tau ("New cardinality estimation algorithms for
// HyperLogLog sketches", arXiv:1702.01284), with Redis's exact iteration so
// the estimate agrees to the last unit.
double sigma(double x) {
  if (x == 1.) return INFINITY;
  double y = 1;
  double z = x;
  double prev = 0;
  do {
    x *= x;
    prev = z;
    z += x * y;
    y += y;
  } while (prev != z);
  return z;
}

double tau(double x) {
  if (x == 0. || x == 1.) return 0.;
  double y = 1.0;
  double z = 1 - x;
  double prev = 0;
  do {
    x = std::sqrt(x);
    prev = z;
    y *= 0.5;
    z -= std::pow(1 - x, 2) * y;
  } while (prev != z);
  return z / 3;
}

using Histogram = std::array<std::int64_t, 64>;

std::uint64_t estimate(const Histogram& h) {
  const double m = kRegisters;
  double z = m * tau((m - static_cast<double>(h[kQ + 1])) / m);
  for (int j = kQ; j >= 1; --j) {
    z += static_cast<double>(h[static_cast<std::size_t>(j)]);
    z *= 0.5;
  }
  z += m * sigma(static_cast<double>(h[0]) / m);
  return static_cast<std::uint64_t>(std::llroundl(kAlphaInf * m * m / z));
}

// The histogram of a sparse value's opcodes; false when they do not cover
// exactly the 16384 registers.
bool sparse_histogram(std::string_view v, Histogram& h) {
  std::int64_t idx = 0;
  for (std::size_t p = kHeaderBytes; p < v.size();) {
    const auto b = static_cast<std::uint8_t>(v[p]);
    if (detail::is_zero(b)) {
      idx += detail::zero_len(b);
      h[0] += detail::zero_len(b);
      ++p;
    } else if (detail::is_xzero(b)) {
      const int len = detail::xzero_len(b, detail::byte_at(v, p + 1));
      idx += len;
      h[0] += len;
      p += 2;
    } else {
      idx += detail::val_len(b);
      h[static_cast<std::size_t>(detail::val_value(b))] += detail::val_len(b);
      ++p;
    }
  }
  return idx == static_cast<std::int64_t>(kRegisters);
}

}  // namespace

bool is_hll(std::string_view v) {
  if (v.size() < kHeaderBytes || v.substr(0, 4) != "HYLL") return false;
  const auto enc = static_cast<std::uint8_t>(v[4]);
  if (enc > kSparse) return false;
  return enc != kDense || v.size() == kDenseBytes;
}

std::string create() {
  std::string v(kHeaderBytes, '\0');
  v.replace(0, 4, "HYLL");
  v[4] = static_cast<char>(kSparse);
  // One XZERO covers all 16384 registers.
  v.push_back(static_cast<char>(0x40 | ((kRegisters - 1) >> 8)));
  v.push_back(static_cast<char>((kRegisters - 1) & 0xff));
  return v;
}

std::uint64_t murmur64a(std::string_view data, std::uint64_t seed) {
  constexpr std::uint64_t m = 0xc6a4a7935bd1e995ULL;
  constexpr int r = 47;
  const auto len = data.size();
  // Redis passes the length as an int and multiplies it in 64 bits.
  std::uint64_t h = seed ^ (static_cast<std::uint64_t>(static_cast<std::int64_t>(static_cast<int>(len))) * m);
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  const auto* end = p + (len - (len & 7));
  for (; p != end; p += 8) {
    std::uint64_t k = load64(p);
    k *= m;
    k ^= k >> r;
    k *= m;
    h ^= k;
    h *= m;
  }
  const std::size_t tail = len & 7;
  if (tail > 0) {
    for (std::size_t i = tail; i-- > 0;) h ^= static_cast<std::uint64_t>(p[i]) << (8 * i);
    h *= m;
  }
  h ^= h >> r;
  h *= m;
  h ^= h >> r;
  return h;
}

namespace detail {

int pattern_length(std::string_view element, std::size_t& reg) {
  std::uint64_t hash = murmur64a(element, kSeed);
  reg = static_cast<std::size_t>(hash & (kRegisters - 1));
  hash >>= 14;
  hash |= std::uint64_t{1} << kQ;  // the run ends by bit Q at the latest
  return std::countr_zero(hash) + 1;
}

std::uint8_t dense_get(std::string_view v, std::size_t reg) {
  const std::size_t byte = kHeaderBytes + reg * 6 / 8;
  const unsigned fb = (reg * 6) & 7;
  const unsigned b0 = byte_at(v, byte);
  const unsigned b1 = byte_at(v, byte + 1);  // past the last register: Redis's sds terminator, 0
  return static_cast<std::uint8_t>(((b0 >> fb) | (b1 << (8 - fb))) & 63);
}

void dense_set(std::string& v, std::size_t reg, std::uint8_t val) {
  const std::size_t byte = kHeaderBytes + reg * 6 / 8;
  const unsigned fb = (reg * 6) & 7;
  auto& b0 = reinterpret_cast<unsigned char&>(v[byte]);
  b0 = static_cast<unsigned char>((b0 & ~(63u << fb)) | (static_cast<unsigned>(val) << fb));
  if (byte + 1 >= v.size()) return;
  auto& b1 = reinterpret_cast<unsigned char&>(v[byte + 1]);
  b1 = static_cast<unsigned char>((b1 & ~(63u >> (8 - fb))) | (static_cast<unsigned>(val) >> (8 - fb)));
}

int dense_raise(std::string& v, std::size_t reg, std::uint8_t count) {
  if (count <= dense_get(v, reg)) return 0;
  dense_set(v, reg, count);
  return 1;
}

}  // namespace detail

int add(std::string& v, std::string_view element) {
  std::size_t reg = 0;
  const int count = detail::pattern_length(element, reg);
  if (static_cast<std::uint8_t>(v[4]) == kDense) return detail::dense_raise(v, reg, static_cast<std::uint8_t>(count));
  return detail::sparse_set(v, reg, static_cast<std::uint8_t>(count));
}

std::optional<std::uint64_t> cached_count(std::string_view v) {
  if ((static_cast<std::uint8_t>(v[15]) & 0x80) != 0) return std::nullopt;
  return load64(reinterpret_cast<const unsigned char*>(v.data()) + 8);
}

std::optional<std::uint64_t> count(std::string_view v) {
  Histogram h{};
  if (static_cast<std::uint8_t>(v[4]) == kDense) {
    for (std::size_t i = 0; i < kRegisters; ++i) ++h[detail::dense_get(v, i)];
  } else if (!sparse_histogram(v, h)) {
    return std::nullopt;
  }
  return estimate(h);
}

void store_count(std::string& v, std::uint64_t card) {
  for (int i = 0; i < 8; ++i) v[static_cast<std::size_t>(8 + i)] = static_cast<char>((card >> (8 * i)) & 0xff);
}

void invalidate_count(std::string& v) { v[15] = static_cast<char>(static_cast<std::uint8_t>(v[15]) | 0x80); }

bool merge_into(Registers& max, std::string_view v) {
  if (static_cast<std::uint8_t>(v[4]) == kDense) {
    for (std::size_t i = 0; i < kRegisters; ++i) max[i] = std::max(max[i], detail::dense_get(v, i));
    return true;
  }
  std::size_t i = 0;
  for (std::size_t p = kHeaderBytes; p < v.size();) {
    const auto b = static_cast<std::uint8_t>(v[p]);
    if (detail::is_zero(b)) {
      i += static_cast<std::size_t>(detail::zero_len(b));
      ++p;
    } else if (detail::is_xzero(b)) {
      i += static_cast<std::size_t>(detail::xzero_len(b, detail::byte_at(v, p + 1)));
      p += 2;
    } else {
      const auto len = static_cast<std::size_t>(detail::val_len(b));
      const auto val = static_cast<std::uint8_t>(detail::val_value(b));
      if (i + len > kRegisters) break;
      for (std::size_t k = 0; k < len; ++k, ++i) max[i] = std::max(max[i], val);
      ++p;
    }
  }
  return i == kRegisters;
}

std::uint64_t count_registers(const Registers& regs) {
  Histogram h{};
  for (const std::uint8_t r : regs) ++h[r & 63];
  return estimate(h);
}

bool write_registers(std::string& v, const Registers& regs, bool dense) {
  if (dense && !detail::to_dense(v)) return false;
  for (std::size_t j = 0; j < kRegisters; ++j) {
    if (regs[j] == 0) continue;
    if (static_cast<std::uint8_t>(v[4]) == kDense) detail::dense_raise(v, j, regs[j]);
    else detail::sparse_set(v, j, regs[j]);  // as Redis, a corrupt destination's -1 is not checked here
  }
  invalidate_count(v);
  return true;
}

}  // namespace mnemo::server::hll
