// Fuzzes the packed collection values (server/pack.h and the hash, set and
// list built on it): the input is a list of operations that fuzz/compact_model.h
// applies to a value and to a plain model, trapping at the first difference.
#include <cstddef>
#include <cstdint>

#include "fuzz/compact_model.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (!mnemo::compact_model::check(data, size)) __builtin_trap();
  return 0;
}
