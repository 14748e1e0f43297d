#include "persistence/change_encoder.h"

#include <bit>
#include <cereal/archives/portable_binary.hpp>
#include <cereal/cereal.hpp>
#include <cstring>
#include <ostream>
#include <stdexcept>

#include "persistence/record_codec.h"
#include "persistence/string_sink.h"

namespace mnemo::persistence {

namespace {

// The batch record's header as cereal writes it: the archive's endianness
// byte, the class version (written the first time the type is saved), the
// change count as a size tag; the same version as record_codec.cpp's batch,
// so the bytes agree.
constexpr std::size_t kHeaderBytes = 1 + 4 + 8;

// cereal's portable binary archive writes integers little-endian; the seq
// stamped into an encoded record must be written the same way.
static_assert(std::endian::native == std::endian::little,
              "add_encoded stamps seqs in the archive's little-endian layout");

// encode_unit keeps a spare buffer per thread up to this size.
constexpr std::size_t kMaxKeptBytes = 1 << 20;

// A cereal archive kept per thread, so encoding a unit does not construct a
// stream and an archive each time. Its endianness byte went into the sink at
// construction and is dropped with the first clear().
struct UnitArchive {
  StringSink sink;
  std::ostream os{&sink};
  cereal::PortableBinaryOutputArchive ar{os};
};

}  // namespace

struct ChangeBatchHeader {
  std::uint64_t count = 0;
  template <class Archive>
  void save(Archive& ar, std::uint32_t const /*version*/) const {
    ar(cereal::make_size_tag(static_cast<cereal::size_type>(count)));
  }
};

}  // namespace mnemo::persistence

CEREAL_CLASS_VERSION(mnemo::persistence::ChangeBatchHeader, mnemo::persistence::kRecordVersion)

namespace mnemo::persistence {

void ChangeBatchEncoder::encode_unit(std::span<const ChangeRef> changes, std::string& out) {
  thread_local UnitArchive unit;
  std::string& bytes = unit.sink.str();
  bytes.swap(out);
  bytes.clear();
  auto& ar = unit.ar;
  const std::uint64_t no_seq = 0;
  for (const ChangeRef& c : changes) {
    ar(no_seq, static_cast<std::uint8_t>(c.kind));
    ar(cereal::make_size_tag(static_cast<cereal::size_type>(c.key.size())));
    if (!c.key.empty()) ar(cereal::binary_data(c.key.data(), c.key.size()));
    ar(cereal::make_size_tag(static_cast<cereal::size_type>(c.value.size())));
    if (!c.value.empty()) ar(cereal::binary_data(c.value.data(), c.value.size()));
    ar(c.expire_at_ms);
  }
  bytes.swap(out);
  // `bytes` now holds the caller's previous buffer: keep it for next time
  // unless a huge unit left it large.
  if (bytes.capacity() > kMaxKeptBytes) std::string().swap(bytes);
}

void ChangeBatchEncoder::begin(std::string buffer) {
  buffer_ = std::move(buffer);
  buffer_.assign(kHeaderBytes, '\0');  // written by finish()
  count_ = 0;
}

void ChangeBatchEncoder::add_encoded(std::uint64_t seq, std::string_view unit,
                                     std::span<const ChangeRef> changes) {
  std::size_t at = buffer_.size();
  buffer_.append(unit);
  for (const ChangeRef& c : changes) {
    std::memcpy(buffer_.data() + at, &seq, sizeof seq);
    at += encoded_size(c);
  }
  count_ += static_cast<std::uint32_t>(changes.size());
}

void ChangeBatchEncoder::add(std::uint64_t seq, std::span<const ChangeRef> changes) {
  std::string unit;
  encode_unit(changes, unit);
  add_encoded(seq, unit, changes);
}

std::string ChangeBatchEncoder::finish() {
  StringSink header;
  {
    std::ostream os(&header);
    cereal::PortableBinaryOutputArchive ar(os);
    ar(ChangeBatchHeader{count_});
  }
  if (header.str().size() != kHeaderBytes) {
    throw std::logic_error("journal batch header is " + std::to_string(header.str().size()) +
                           " bytes, expected " + std::to_string(kHeaderBytes));
  }
  std::memcpy(buffer_.data(), header.str().data(), kHeaderBytes);
  count_ = 0;
  return std::move(buffer_);
}

}  // namespace mnemo::persistence
