// Fuzzes the HyperLogLog decoder (server/hll.h) with the values a client can
// SET and then hand to PFADD, PFCOUNT or PFMERGE: any bytes are checked,
// counted, merged and added to without crashing or reading outside the
// value. The first byte picks the shape: the raw bytes, a sparse header
// followed by them (opcodes), or a dense header followed by them (registers,
// padded to the dense length). Where the opcodes are sound, an add must
// leave them sound, and the count must not depend on the encoding (a merge
// into a fresh value counts the same). A sparse value whose last opcode is an
// XZERO cut short counts (as in Redis, the missing byte reads as the zero
// that ends every value) but is corrupt: an add may leave it uncountable.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "server/hll.h"
#include "server/hll_detail.h"

namespace hll = mnemo::server::hll;

namespace {

std::string value_from(const std::uint8_t* data, std::size_t size) {
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
    case 0: return std::string(rest);
    case 1: return std::string("HYLL\x01", 5) + std::string(11, '\0') + std::string(rest);
    default: {
      std::string v = std::string("HYLL", 4) + std::string(12, '\0') + std::string(rest);
      v.resize(hll::kDenseBytes, '\0');
      return v;
    }
  }
}

// True when the opcodes of sparse value v end inside a two-byte XZERO.
bool ends_in_cut_xzero(std::string_view v) {
  if (v.size() < hll::kHeaderBytes || v[4] == 0) return false;
  std::size_t p = hll::kHeaderBytes;
  while (p < v.size()) p += hll::detail::is_xzero(static_cast<std::uint8_t>(v[p])) ? 2 : 1;
  return p > v.size();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string v = value_from(data, size);
  if (!hll::is_hll(v)) return 0;
  (void)hll::cached_count(v);
  const auto before = hll::count(v);
  hll::Registers max{};
  const bool merged = hll::merge_into(max, v);
  // A count walks the opcodes strictly; a merge, as Redis's, stops at a run
  // that would pass the last register. Sound for one is sound for the other.
  if (before && !merged) __builtin_trap();
  if (before && hll::count_registers(max) != *before) __builtin_trap();
  std::string dest = hll::create();
  if (merged && !hll::write_registers(dest, max, v[4] == 0)) __builtin_trap();
  if (before && hll::count(dest) != *before) __builtin_trap();
  const bool sound = before && !ends_in_cut_xzero(v);
  for (std::size_t i = 0; i < 8 && i < size; ++i) {
    const int r = hll::add(v, std::string_view(reinterpret_cast<const char*>(data) + i, size - i));
    if (r < 0) return 0;
    if (sound && (!hll::is_hll(v) || !hll::count(v).has_value())) __builtin_trap();
  }
  return 0;
}
