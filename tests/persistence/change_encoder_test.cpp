#include "persistence/change_encoder.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "persistence/record_codec.h"

using mnemo::persistence::Change;
using mnemo::persistence::ChangeBatchEncoder;
using mnemo::persistence::ChangeKind;
using mnemo::persistence::ChangeRef;

namespace {

// Encodes `units` (each one append, stamped with its own seq) incrementally.
std::string encode_incrementally(const std::vector<std::vector<Change>>& units, std::string buffer = {}) {
  ChangeBatchEncoder enc;
  enc.begin(std::move(buffer));
  for (const auto& unit : units) {
    const std::vector<ChangeRef> refs(unit.begin(), unit.end());
    enc.add(unit.front().seq, refs);
  }
  return enc.finish();
}

std::vector<Change> flatten(const std::vector<std::vector<Change>>& units) {
  std::vector<Change> all;
  for (const auto& u : units) all.insert(all.end(), u.begin(), u.end());
  return all;
}

}  // namespace

TEST_CASE("change batch encoder writes the bytes encode_changes writes", "[persistence]") {
  const std::string binary("\0\x01\xff\r\n", 5);
  const std::vector<std::vector<Change>> units = {
      {{7, ChangeKind::put, "a", "1", 0}},
      {{8, ChangeKind::put, "k2", std::string(300, 'x'), 1'700'000'000'123},
       {8, ChangeKind::del, "gone", "", 0},
       {8, ChangeKind::put, binary, binary, -5}},
      {{9, ChangeKind::put, "", "", 0}},
  };
  const std::string incremental = encode_incrementally(units);
  CHECK(incremental == mnemo::persistence::encode_changes(flatten(units)));

  auto decoded = mnemo::persistence::decode_changes(incremental, mnemo::persistence::payload_crc32(incremental));
  REQUIRE(decoded.ok());
  CHECK(*decoded == flatten(units));
}

TEST_CASE("change batch encoder reuses a buffer and reports its size and count", "[persistence]") {
  std::string used = "left over from the last batch";
  used.reserve(4096);
  const std::vector<std::vector<Change>> units = {{{1, ChangeKind::put, "key", "value", 0}}};
  ChangeBatchEncoder enc;
  enc.begin(std::move(used));
  CHECK(enc.count() == 0);
  const std::vector<ChangeRef> refs(units[0].begin(), units[0].end());
  enc.add(1, refs);
  CHECK(enc.count() == 1);
  // The header, seq 1 as a one-byte delta, the change.
  CHECK(enc.size() == 10 + 1 + ChangeBatchEncoder::encoded_size(refs[0]));
  const std::string payload = enc.finish();
  CHECK(payload == mnemo::persistence::encode_changes(units[0]));
  CHECK(payload.capacity() >= 4096);
}

TEST_CASE("change batch encoder encodes an empty batch like encode_changes", "[persistence]") {
  ChangeBatchEncoder enc;
  enc.begin({});
  CHECK(enc.finish() == mnemo::persistence::encode_changes({}));
}

TEST_CASE("change batch encoder's unit encoding reuses buffers without carrying bytes over", "[persistence]") {
  const std::string big_value(3 << 20, 'v');  // past the buffer size a thread keeps
  const std::vector<ChangeRef> big = {ChangeRef(0, ChangeKind::put, "big", big_value, 0)};
  const std::vector<ChangeRef> small = {ChangeRef(0, ChangeKind::put, "k", "v", 7),
                                        ChangeRef(0, ChangeKind::del, "gone", "", 0)};
  std::string fresh;
  ChangeBatchEncoder::encode_unit(small, fresh);
  std::string reused;
  for (int round = 0; round < 3; ++round) {
    ChangeBatchEncoder::encode_unit(big, reused);
    CHECK(reused.size() == ChangeBatchEncoder::encoded_size(big[0]));
    ChangeBatchEncoder::encode_unit(small, reused);
    CHECK(reused == fresh);
  }
  CHECK(fresh.size() == ChangeBatchEncoder::encoded_size(small[0]) + ChangeBatchEncoder::encoded_size(small[1]));
}
