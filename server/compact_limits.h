// Where a collection stops being packed (pack.h) and becomes a hash table or
// an ordered index, as Redis 7.0's *-max-listpack-* settings decide; the
// defaults are Redis 7.0's. Set once from the command line (config.cpp,
// --hash-max-compact-entries and friends) before any collection exists;
// conversion is one way, as in Redis, so a later change only affects
// collections that grow past the new limit.
//
// Threads: written at startup only, read by every shard's thread after.
#pragma once

#include <cstddef>

namespace mnemo::server {

struct CompactLimits {
  std::size_t hash_entries = 512;      // hash-max-listpack-entries
  std::size_t hash_value = 64;         // hash-max-listpack-value
  std::size_t set_entries = 128;       // packed non-integer sets (Redis 7.2's set-max-listpack-entries)
  std::size_t set_value = 64;          // set-max-listpack-value
  std::size_t set_intset_entries = 512;  // set-max-intset-entries (all-integer sets)
  std::size_t zset_entries = 128;      // zset-max-listpack-entries
  std::size_t zset_value = 64;         // zset-max-listpack-value
  std::size_t list_node_bytes = 8192;  // list-max-listpack-size -2 (8 KB nodes)
};

inline CompactLimits& compact_limits() {
  static CompactLimits limits;
  return limits;
}

}  // namespace mnemo::server
