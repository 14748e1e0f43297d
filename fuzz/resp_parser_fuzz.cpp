// libFuzzer target for the RESP request parser. Besides "no crash, no
// out-of-bounds read" (ASan/UBSan), it checks that parsing the input whole and
// parsing it delivered in pieces (split points taken from the first bytes)
// yield the same commands, the same errors and the same consumed counts.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/resp_parser.h"
#include "protocol/resp_peek.h"

namespace {

using mnemo::protocol::resp::ParseState;
using mnemo::protocol::resp::RespLimits;
using mnemo::protocol::resp::RespParser;

struct Outcome {
  std::vector<std::vector<std::string>> commands;
  std::string error;  // empty: the input ended (need_more or fully consumed)
};

void check(bool ok) {
  if (!ok) std::abort();
}

// Parses `in`, handing the parser growing prefixes whose ends come from `splits`.
Outcome parse(std::string_view in, std::string_view splits, const RespLimits& limits) {
  RespParser p(limits);
  Outcome o;
  std::size_t begin = 0, end = 0, split = 0;
  while (begin < in.size()) {
    const std::size_t step = split < splits.size() ? 1 + static_cast<unsigned char>(splits[split++]) % 16 : in.size();
    end = std::min(in.size(), std::max(end, begin) + step);
    const auto r = p.parse(in.substr(begin, end - begin));
    if (r.state == ParseState::error) {
      check(r.fatal && !r.message.empty());
      o.error.assign(r.message);
      return o;
    }
    if (r.state == ParseState::need_more) {
      if (end == in.size()) return o;
      continue;
    }
    check(r.consumed > 0 && r.consumed <= end - begin);
    std::vector<std::string> argv;
    for (std::string_view a : p.argv()) argv.emplace_back(a);
    o.commands.push_back(std::move(argv));
    begin += r.consumed;
  }
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  // First byte: how many following bytes choose split points.
  const std::size_t n_splits = std::min<std::size_t>(data[0] % 32, size - 1);
  const std::string_view splits(reinterpret_cast<const char*>(data + 1), n_splits);
  const std::string_view in(reinterpret_cast<const char*>(data + 1 + n_splits), size - 1 - n_splits);
  RespLimits limits;  // small limits so the fuzzer reaches them
  limits.max_array_len = 64;
  limits.max_bulk_bytes = 256;
  limits.max_inline_bytes = 128;
  const Outcome whole = parse(in, {}, limits);
  const Outcome pieces = parse(in, splits, limits);
  check(whole.commands == pieces.commands);
  // How the bytes arrive never changes which error is found.
  check(whole.error == pieces.error);
  // The prefetching peek agrees with the parser on every command it sizes.
  const auto peek = mnemo::protocol::resp::peek_command(in, limits);
  check(peek.size <= in.size());
  if (peek.size > 0) {
    RespParser p(limits);
    const auto r = p.parse(in);
    check(r.state == ParseState::ok && r.consumed == peek.size);
    check(p.argv().size() < 2 ? peek.key.empty() : peek.key == p.argv()[1]);
  }
  return 0;
}
