// libFuzzer target for the on-disk record decoders (persistence/record_codec.h):
// a journal batch payload and a snapshot chunk payload, as recovery reads them
// from a database file that may be corrupt. Besides "no crash, no
// out-of-bounds read, no huge allocation" (ASan/UBSan, -rss_limit_mb), it
// checks that
//   - a payload whose stored CRC does not match is refused without decoding;
//   - a payload that decodes re-encodes to one that decodes to the same items
//     (the encoder and the decoder agree on the format);
//   - errors carry a message;
//   - the view decoders (what recovery uses) agree with the owning ones: the
//     same verdict, the same items, views inside their storage (the record's
//     body, decompressed if need be), none left on error;
//   - a decoded record re-encoded and compressed with each codec decodes to
//     the same items.
// The first input byte picks the record type and whether the stored CRC is
// the payload's (the interesting case: the decoder proper runs) or a wrong one.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "persistence/record_codec.h"

namespace {

using namespace mnemo::persistence;

void check(bool ok) {
  if (!ok) std::abort();
}

bool inside(std::string_view view, std::string_view payload) {
  return view.empty() ||
         (view.data() >= payload.data() && view.data() + view.size() <= payload.data() + payload.size());
}

template <typename Owning, typename View>
void check_views(std::string_view payload, std::uint32_t crc, const Owning& owning, View decode_views) {
  std::vector<typename View::Item> views;
  std::string storage;
  const Outcome r = decode_views.decode(payload, crc, views, storage);
  check(r.ok() == owning.ok());
  if (!r.ok()) {
    check(views.empty());
    check(r.error().message == owning.error().message);
    return;
  }
  check(views.size() == owning->size());
  for (std::size_t i = 0; i < views.size(); ++i) {
    check(inside(views[i].key, storage) && inside(views[i].value, storage));
    check(decode_views.same(views[i], (*owning)[i]));
  }
}

struct ChangeViews {
  using Item = ChangeRef;
  Outcome decode(std::string_view p, std::uint32_t crc, std::vector<Item>& out,
                 std::string& storage) const {
    return decode_change_views(p, crc, out, storage);
  }
  bool same(const ChangeRef& v, const Change& c) const {
    return v.seq == c.seq && v.kind == c.kind && v.key == c.key && v.value == c.value &&
           v.expire_at_ms == c.expire_at_ms && v.db == c.db;
  }
};

struct EntryViews {
  using Item = SnapshotEntryRef;
  Outcome decode(std::string_view p, std::uint32_t crc, std::vector<Item>& out,
                 std::string& storage) const {
    return decode_entry_views(p, crc, out, storage);
  }
  bool same(const SnapshotEntryRef& v, const SnapshotEntry& e) const {
    return v.key == e.key && v.value == e.value && v.version == e.version &&
           v.expire_at_ms == e.expire_at_ms && v.db == e.db;
  }
};

template <typename Decode, typename Encode, typename View>
void fuzz_record(std::string_view payload, bool good_crc, Decode decode, Encode encode, View views) {
  const std::uint32_t crc = payload_crc32(payload);
  if (!good_crc) {
    auto r = decode(payload, crc ^ 0x5a5a5a5au);
    check(!r.ok());
    check(r.error().message.find("crc32 mismatch") != std::string::npos);
    check_views(payload, crc ^ 0x5a5a5a5au, r, views);
    return;
  }
  auto r = decode(payload, crc);
  check_views(payload, crc, r, views);
  if (!r.ok()) {
    check(!r.error().message.empty());
    return;
  }
  const std::string again = encode(*r);
  for (Codec codec : {Codec::none, Codec::zstd, Codec::lz4}) {
    const std::string packed = compress_record(again, codec);
    auto back = decode(packed, payload_crc32(packed));
    check(back.ok());
    check(*back == *r);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::uint8_t mode = data[0];
  const std::string_view payload(reinterpret_cast<const char*>(data + 1), size - 1);
  const bool good_crc = (mode & 0x0e) != 0;  // 1 in 8 inputs takes the mismatch path
  if ((mode & 1) == 0) {
    fuzz_record(payload, good_crc, decode_changes, [](const auto& v) { return encode_changes(v); },
                ChangeViews{});
  } else {
    fuzz_record(payload, good_crc, decode_entries, [](const auto& v) { return encode_entries(v); },
                EntryViews{});
  }
  return 0;
}
