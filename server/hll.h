// HyperLogLog values in Redis 7.0's exact representation (hyperloglog.c), so
// that a PFADD'ed key's bytes (GET, DUMP to a replica, a value SET from
// Redis) are interchangeable with Redis's:
//
//   "HYLL" | u8 encoding (0 dense, 1 sparse) | 3 zero bytes
//   | 8 bytes cached cardinality, little endian; bit 7 of the last byte set
//     = the cache is stale | registers
//
// 16384 registers of 6 bits. Dense: 12288 bytes, register i at bit 6i, least
// significant bits first. Sparse: run-length opcodes, ZERO 00xxxxxx (1..64
// zero registers), XZERO 01xxxxxx yyyyyyyy (1..16384), VAL 1vvvvvxx (1..4
// registers of value 1..32). An HLL starts sparse and becomes dense when a
// register needs more than 32 or the value would pass 3000 bytes (Redis's
// hll-sparse-max-bytes default). Elements hash with MurmurHash64A, seed
// 0xadc83b19; the estimate is Ertl's (Redis 4.0 and later).
//
// The value is an ordinary string: the store keeps and journals it as one.
// Every function here is pure (no locks, no store) and safe on any bytes:
// a corrupt value gives an error result, never a read outside the string.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mnemo::server::hll {

inline constexpr std::size_t kHeaderBytes = 16;
inline constexpr std::size_t kRegisters = 16384;
inline constexpr std::size_t kDenseBytes = kHeaderBytes + kRegisters * 6 / 8;
inline constexpr std::size_t kSparseMaxBytes = 3000;

// One byte per register, for merging (PFCOUNT of several keys, PFMERGE).
using Registers = std::array<std::uint8_t, kRegisters>;

// Redis's isHLLObjectOrReply checks: the magic, a known encoding, and the
// exact length for a dense value. A sparse value's opcodes are checked only
// when they are walked (a corrupt one then gives nullopt / -1 below).
bool is_hll(std::string_view value);

// A new, empty HLL (sparse, cached cardinality 0).
std::string create();

// MurmurHash64A as Redis uses it (endian-neutral), exposed for tests.
std::uint64_t murmur64a(std::string_view data, std::uint64_t seed);

// Adds an element to a value that passed is_hll(): 1 when a register
// changed (the cache is then marked stale), 0 when not, -1 when the sparse
// opcodes are corrupt (the value is then unspecified; do not store it).
int add(std::string& value, std::string_view element);

// The cached cardinality, when the cache is valid.
std::optional<std::uint64_t> cached_count(std::string_view value);
// The estimate from the registers; nullopt for a corrupt sparse value.
std::optional<std::uint64_t> count(std::string_view value);
// Writes `card` into the cache (and marks it valid).
void store_count(std::string& value, std::uint64_t card);
void invalidate_count(std::string& value);

// max[i] = max(max[i], register i); false for a corrupt sparse value.
bool merge_into(Registers& max, std::string_view value);
// The estimate for merged registers (PFCOUNT of several keys).
std::uint64_t count_registers(const Registers& regs);
// PFMERGE's write into its destination (a value that passed is_hll()):
// converted to dense first when `dense`, then every non-zero register raised
// as Redis does, one by one (a sparse value may turn dense on the way); the
// cache is marked stale. False when the destination is corrupt.
bool write_registers(std::string& value, const Registers& regs, bool dense);

}  // namespace mnemo::server::hll
