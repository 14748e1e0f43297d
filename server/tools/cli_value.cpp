#include "server/tools/cli_value.h"

#include "protocol/byte_io.h"

namespace mnemo::tools {

namespace {

constexpr int kMaxDepth = 256;

bool format(protocol::byte_io::Reader& in, std::string& out, const std::string& indent, int depth) {
  std::uint8_t tag = 0;
  if (!in.get(tag) || depth > kMaxDepth) return false;
  std::string_view text;
  std::int64_t n = 0;
  std::uint32_t count = 0;
  switch (tag) {
    case 0: out += "(nil)\n"; return true;
    case 1:
      if (!in.get(n)) return false;
      out += "(integer) " + std::to_string(n) + "\n";
      return true;
    case 2: case 3: case 4:
      if (!in.bytes(text)) return false;
      if (tag == 4) out += "(error) ";
      out.append(text);
      out += '\n';
      return true;
    case 5:
      if (!in.get(count)) return false;
      if (count == 0) {
        out += "(empty array)\n";
        return true;
      }
      for (std::uint32_t i = 0; i < count; ++i) {
        const std::string label = std::to_string(i + 1) + ") ";
        if (i > 0) out += indent;
        out += label;
        if (!format(in, out, indent + std::string(label.size(), ' '), depth + 1)) return false;
      }
      return true;
    default:
      return false;
  }
}

}  // namespace

std::optional<std::string> format_value(std::string_view value) {
  protocol::byte_io::Reader in(value);
  std::string out;
  if (!format(in, out, "", 0) || !in.at_end()) return std::nullopt;
  return out;
}

}  // namespace mnemo::tools
