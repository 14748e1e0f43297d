// libFuzzer target for the glob matching behind RESP SCAN MATCH and CONFIG GET
// (server/resp_text.cpp): patterns and keys come from clients. Besides "no
// crash, no undefined behaviour", it checks what SCAN relies on: every key a
// case-sensitive pattern matches starts with the pattern's literal prefix,
// because SCAN narrows the store walk to that prefix before it filters; and a
// prefix-only pattern ("abc*") matches exactly the non-empty keys with that
// prefix.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "server/resp_text.h"

using mnemo::server::glob_is_prefix_only;
using mnemo::server::glob_literal_prefix;
using mnemo::server::glob_match;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  // First byte: the pattern's length; the pattern, then the text, follow.
  const std::size_t n = std::min<std::size_t>(data[0], size - 1);
  const std::string_view pattern(reinterpret_cast<const char*>(data + 1), n);
  const std::string_view text(reinterpret_cast<const char*>(data + 1 + n), size - 1 - n);
  const bool matched = glob_match(pattern, text, false);
  (void)glob_match(pattern, text, true);
  const std::string prefix = glob_literal_prefix(pattern);
  if (matched) check(text.starts_with(prefix));
  // (Redis's matcher never matches an empty text, not even with "*"; SCAN MATCH *
  // is answered without the matcher, as in Redis.)
  if (glob_is_prefix_only(pattern) && !text.empty()) check(matched == text.starts_with(prefix));
  return 0;
}
