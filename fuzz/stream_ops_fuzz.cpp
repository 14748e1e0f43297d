// Fuzzes the stream's operation decoder (server/stream.h, the bytes a
// journal's `elements` change or a snapshot entry of type 6 holds): any
// bytes are applied to an empty stream without crashing, and whatever they
// built encodes to operations that rebuild the same stream.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "server/collection.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using mnemo::server::Collection;
  using mnemo::server::ValueType;
  std::string ops(1, static_cast<char>(ValueType::stream));
  ops.append(reinterpret_cast<const char*>(data), size);
  Collection c(ValueType::stream);
  if (!c.apply(ops)) return 0;
  const std::string whole = c.encode();
  Collection again(ValueType::stream);
  if (!again.apply(whole)) __builtin_trap();
  if (again.encode() != whole || again.size() != c.size()) __builtin_trap();
  return 0;
}
