// Reads an operation list's arguments (collection.h); every read is checked.
// Threads: none; a reader lives on the stack of one apply().
#pragma once

#include <bit>
#include <cstdint>
#include <string_view>

#include "persistence/varint.h"

namespace mnemo::server {

class OpReader {
 public:
  explicit OpReader(std::string_view b) : r_(b) {}
  bool more() const { return r_.remaining() > 0 && !r_.failed(); }
  std::uint8_t code() { return r_.byte("op"); }
  std::uint64_t num() { return r_.varint("op number"); }
  std::string_view str() { return r_.bytes("op string"); }
  double f64() {
    std::uint64_t bits = 0;
    for (int i = 0; i < 8; ++i) bits |= std::uint64_t{r_.byte("score")} << (8 * i);
    return std::bit_cast<double>(bits);
  }
  bool failed() const { return r_.failed(); }

 private:
  persistence::ByteReader r_;
};

}  // namespace mnemo::server
