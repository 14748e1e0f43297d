// libFuzzer target for the native protocol decoders (protocol/native_codec.h).
// Besides "no crash, no out-of-bounds read, no huge allocation" (ASan/UBSan,
// -rss_limit_mb), it checks, for requests and for responses:
//   - a stream of frames decodes to the same results whether it arrives whole
//     or in pieces (split points taken from the first input bytes): a strict
//     prefix of a frame is always need_more, never a different verdict;
//   - every decoded message re-encodes to a frame that decodes to the same
//     message (requests: to the very same bytes, since their encoding is
//     canonical);
//   - `consumed` never exceeds the input and is never 0 for a decoded frame.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/native_codec.h"

namespace {

namespace native = mnemo::protocol::native;
using mnemo::protocol::Request;
using mnemo::protocol::Response;
using native::DecodeResult;
using native::DecodeState;

void check(bool ok) {
  if (!ok) std::abort();
}

bool same_request(const Request& a, const Request& b) {
  return a.op == b.op && a.flags == b.flags && a.id == b.id && a.key == b.key && a.value == b.value &&
         a.keys == b.keys && a.values == b.values && a.ttl_ms == b.ttl_ms && a.if_version == b.if_version &&
         a.delta == b.delta && a.count == b.count && a.version == b.version;
}

bool same_snapshots(const Response& a, const Response& b) {
  if (a.snapshots.size() != b.snapshots.size()) return false;
  for (std::size_t i = 0; i < a.snapshots.size(); ++i) {
    const auto& x = a.snapshots[i];
    const auto& y = b.snapshots[i];
    if (x.id != y.id || x.start_seq != y.start_seq || x.state != y.state || x.entries != y.entries ||
        x.bytes != y.bytes || x.duration_ms != y.duration_ms || x.started_at_ms != y.started_at_ms) {
      return false;
    }
  }
  return true;
}

bool same_response(const Response& a, const Response& b) {
  if (a.values.size() != b.values.size()) return false;
  for (std::size_t i = 0; i < a.values.size(); ++i) {
    if (a.values[i].found != b.values[i].found || a.values[i].value != b.values[i].value ||
        a.values[i].version != b.values[i].version) {
      return false;
    }
  }
  return a.op == b.op && a.status == b.status && a.id == b.id && a.message == b.message &&
         a.value == b.value && a.text == b.text && a.version == b.version &&
         a.expire_at_ms == b.expire_at_ms && a.integer == b.integer && a.changed == b.changed &&
         a.admin == b.admin && a.keys == b.keys && same_snapshots(a, b);
}

// What one decode step said, for comparing whole and split deliveries.
struct Step {
  DecodeState state;
  std::size_t consumed;
  std::uint64_t id;
  std::uint8_t op;
  int status;
  bool operator==(const Step&) const = default;
};

template <typename Message>
DecodeResult decode(std::string_view buf, Message& out, const native::Limits& limits) {
  if constexpr (std::is_same_v<Message, Request>) {
    return native::decode_request(buf, out, limits);
  } else {
    return native::decode_response(buf, out, limits);
  }
}

void check_round_trip(const Request& req, std::string_view frame, const native::Limits& limits) {
  std::string again;
  native::encode_request(req, again);
  check(again == frame);  // the request encoding is canonical
  Request back;
  const DecodeResult r = native::decode_request(again, back, limits);
  check(r.state == DecodeState::ok && r.consumed == again.size());
  check(same_request(req, back));
}

void check_round_trip(const Response& resp, std::string_view, const native::Limits& limits) {
  std::string again;
  native::encode_response(resp, again);
  Response back;
  const DecodeResult r = native::decode_response(again, back, limits);
  check(r.state == DecodeState::ok && r.consumed == again.size());
  check(same_response(resp, back));
}

// Decodes frames back to back from `in` until need_more or fatal.
template <typename Message>
std::vector<Step> decode_all(std::string_view in, const native::Limits& limits) {
  std::vector<Step> steps;
  Message msg;
  std::size_t pos = 0;
  while (true) {
    const std::string_view rest = in.substr(pos);
    const DecodeResult r = decode(rest, msg, limits);
    steps.push_back({r.state, r.consumed, r.id, r.op, static_cast<int>(r.status)});
    if (r.state == DecodeState::need_more) {
      check(r.consumed == 0);
      return steps;
    }
    check(r.consumed > 0 && r.consumed <= rest.size());
    if (r.state == DecodeState::fatal) {
      check(!r.message.empty());
      return steps;
    }
    if (r.state == DecodeState::bad_frame) check(!r.message.empty());
    if (r.state == DecodeState::ok) check_round_trip(msg, rest.substr(0, r.consumed), limits);
    pos += r.consumed;
  }
}

// The same stream delivered in growing pieces, as a connection sees it.
template <typename Message>
std::vector<Step> decode_split(std::string_view in, std::string_view splits, const native::Limits& limits) {
  std::vector<Step> steps;
  Message msg;
  std::size_t begin = 0, end = 0, split = 0;
  while (true) {
    const std::size_t step = split < splits.size() ? 1 + static_cast<unsigned char>(splits[split++]) % 32
                                                   : in.size();
    end = std::min(in.size(), std::max(end, begin) + step);
    const DecodeResult r = decode(in.substr(begin, end - begin), msg, limits);
    if (r.state == DecodeState::need_more && end < in.size()) continue;
    steps.push_back({r.state, r.consumed, r.id, r.op, static_cast<int>(r.status)});
    if (r.state == DecodeState::need_more || r.state == DecodeState::fatal) return steps;
    begin += r.consumed;
  }
}

template <typename Message>
void fuzz_one(std::string_view in, std::string_view splits, const native::Limits& limits) {
  const std::vector<Step> whole = decode_all<Message>(in, limits);
  std::vector<Step> pieces = decode_split<Message>(in, splits, limits);
  // A fatal verdict consumes "everything received so far" and reports the header
  // fields only when they had arrived, which depends on how much had; the verdict
  // and its status must not.
  if (!whole.empty() && !pieces.empty() && whole.back().state == DecodeState::fatal &&
      pieces.back().state == DecodeState::fatal) {
    pieces.back().consumed = whole.back().consumed;
    pieces.back().id = whole.back().id;
    pieces.back().op = whole.back().op;
  }
  check(whole == pieces);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  // First byte: how many following bytes choose split points; its top bit picks
  // the small or the default limits.
  const std::size_t n_splits = std::min<std::size_t>(data[0] % 32, size - 1);
  const std::string_view splits(reinterpret_cast<const char*>(data + 1), n_splits);
  const std::string_view in(reinterpret_cast<const char*>(data + 1 + n_splits), size - 1 - n_splits);
  native::Limits limits;
  if ((data[0] & 0x80) == 0) {  // small limits so the fuzzer reaches them
    limits.max_frame_bytes = 4096;
    limits.max_keys = 16;
  }
  fuzz_one<Request>(in, splits, limits);
  fuzz_one<Response>(in, splits, limits);
  // The prefetching peek sizes frames as the decoder does and finds their key.
  const native::PeekResult peek = native::peek_request(in, limits);
  check(peek.size <= in.size());
  if (peek.size > 0) {
    Request req;
    const DecodeResult r = native::decode_request(in, req, limits);
    check(r.state != DecodeState::need_more && r.state != DecodeState::fatal && r.consumed == peek.size);
    if (r.state == DecodeState::ok && !peek.key.empty()) check(req.key == peek.key);
  }
  return 0;
}
