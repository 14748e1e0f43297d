// The pieces hll.cpp and hll_sparse.cpp share: opcode decoding and register
// access. Internal to the HLL code (hll.h is the interface).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mnemo::server::hll::detail {

// A byte of the value, 0 past its end (where Redis reads its sds terminator).
inline std::uint8_t byte_at(std::string_view v, std::size_t i) {
  return i < v.size() ? static_cast<std::uint8_t>(v[i]) : 0;
}

inline bool is_zero(std::uint8_t b) { return (b & 0xc0) == 0; }
inline bool is_xzero(std::uint8_t b) { return (b & 0xc0) == 0x40; }
inline bool is_val(std::uint8_t b) { return (b & 0x80) != 0; }
inline int zero_len(std::uint8_t b) { return (b & 0x3f) + 1; }
inline int xzero_len(std::uint8_t b, std::uint8_t next) { return (((b & 0x3f) << 8) | next) + 1; }
inline int val_value(std::uint8_t b) { return ((b >> 2) & 0x1f) + 1; }
inline int val_len(std::uint8_t b) { return (b & 0x3) + 1; }

// The register an element lands in, and its run of zeros plus one (1..51).
int pattern_length(std::string_view element, std::size_t& reg);

std::uint8_t dense_get(std::string_view v, std::size_t reg);
void dense_set(std::string& v, std::size_t reg, std::uint8_t val);
// Raises register `reg` to `count`; 1 when it changed.
int dense_raise(std::string& v, std::size_t reg, std::uint8_t count);

// Redis's hllSparseSet: raises register `reg` of a sparse value to `count`,
// splitting and merging opcodes in place, or turning the value dense; 1 when
// it changed, 0 when not, -1 when the opcodes are corrupt.
int sparse_set(std::string& v, std::size_t reg, std::uint8_t count);
// Redis's hllSparseToDense (a dense value is left alone); false when the
// opcodes do not cover exactly the 16384 registers (v is then unchanged).
bool to_dense(std::string& v);

}  // namespace mnemo::server::hll::detail
