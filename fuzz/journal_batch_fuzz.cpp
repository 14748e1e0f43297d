// libFuzzer target for the on-disk record decoders (persistence/record_codec.h):
// a journal batch payload and a snapshot chunk payload, as recovery reads them
// from a database file that may be corrupt. Besides "no crash, no
// out-of-bounds read, no huge allocation" (ASan/UBSan, -rss_limit_mb), it
// checks that
//   - a payload whose stored CRC does not match is refused without decoding;
//   - a payload that decodes re-encodes to one that decodes to the same items
//     (the encoder and the decoder agree on the format);
//   - errors carry a message.
// The first input byte picks the record type and whether the stored CRC is
// the payload's (the interesting case: the decoder proper runs) or a wrong one.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "persistence/record_codec.h"

namespace {

using namespace mnemo::persistence;

void check(bool ok) {
  if (!ok) std::abort();
}

template <typename Decode, typename Encode>
void fuzz_record(std::string_view payload, bool good_crc, Decode decode, Encode encode) {
  const std::uint32_t crc = payload_crc32(payload);
  if (!good_crc) {
    auto r = decode(payload, crc ^ 0x5a5a5a5au);
    check(!r.ok());
    check(r.error().message.find("crc32 mismatch") != std::string::npos);
    return;
  }
  auto r = decode(payload, crc);
  if (!r.ok()) {
    check(!r.error().message.empty());
    return;
  }
  const std::string again = encode(*r);
  auto back = decode(again, payload_crc32(again));
  check(back.ok());
  check(*back == *r);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::uint8_t mode = data[0];
  const std::string_view payload(reinterpret_cast<const char*>(data + 1), size - 1);
  const bool good_crc = (mode & 0x0e) != 0;  // 1 in 8 inputs takes the mismatch path
  if ((mode & 1) == 0) {
    fuzz_record(payload, good_crc, decode_changes, [](const auto& v) { return encode_changes(v); });
  } else {
    fuzz_record(payload, good_crc, decode_entries, [](const auto& v) { return encode_entries(v); });
  }
  return 0;
}
