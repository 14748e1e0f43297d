// Fuzzes the decoder of a stream's packed entry nodes (server/stream_node.h):
// the input is a 16-byte key (the node's first id, ms and seq little-endian)
// then the node's bytes. Any bytes decode without crashing or reading past
// the buffer, and whatever decodes encodes again to a node that decodes to
// the same entries.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "server/stream_node.h"

namespace sn = mnemo::server::stream_node;
using mnemo::server::StreamId;

namespace {

struct Decoded {
  std::vector<sn::Slot> slots;
  std::vector<std::string> fields;
};

bool decode(std::string_view node, StreamId key, Decoded& out) {
  if (!sn::index(node, key, out.slots)) return false;
  for (const auto& s : out.slots) {
    if (!sn::fields(node, s.offset, out.fields.emplace_back())) __builtin_trap();  // indexed, so readable
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 16) return 0;
  StreamId key;
  std::memcpy(&key.ms, data, 8);
  std::memcpy(&key.seq, data + 8, 8);
  const std::string node(reinterpret_cast<const char*>(data) + 16, size - 16);
  Decoded d;
  if (!decode(node, key, d) || d.slots.empty()) return 0;
  std::string again;
  if (!sn::start(again, d.fields[0])) __builtin_trap();
  StreamId prev = d.slots[0].id;
  for (std::size_t i = 0; i < d.slots.size(); ++i) {
    if (!sn::append(again, prev, d.slots[i].id, d.fields[i], d.slots[i].deleted)) __builtin_trap();
    prev = d.slots[i].id;
  }
  Decoded e;
  if (!decode(again, d.slots[0].id, e) || e.fields != d.fields || e.slots.size() != d.slots.size()) __builtin_trap();
  for (std::size_t i = 0; i < e.slots.size(); ++i) {
    if (e.slots[i].id != d.slots[i].id || e.slots[i].deleted != d.slots[i].deleted) __builtin_trap();
  }
  return 0;
}
