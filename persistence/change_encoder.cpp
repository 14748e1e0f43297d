#include "persistence/change_encoder.h"

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
// change count as a size tag. The same record type name and version as
// record_codec.cpp's batch, so the bytes agree.
constexpr std::size_t kHeaderBytes = 1 + 4 + 8;

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

struct ChangeBatchEncoder::Stream {
  StringSink buf;
  std::ostream os{&buf};
  // Writes its endianness byte into buf on construction: the payload's first byte.
  cereal::PortableBinaryOutputArchive ar{os};
};

ChangeBatchEncoder::ChangeBatchEncoder() = default;
ChangeBatchEncoder::~ChangeBatchEncoder() = default;
ChangeBatchEncoder::ChangeBatchEncoder(ChangeBatchEncoder&&) noexcept = default;
ChangeBatchEncoder& ChangeBatchEncoder::operator=(ChangeBatchEncoder&&) noexcept = default;

void ChangeBatchEncoder::begin(std::string buffer) {
  buffer.clear();
  stream_ = std::make_unique<Stream>();
  std::string& out = stream_->buf.str();
  // The archive's constructor has written the endianness byte into the fresh
  // buffer; move it into the reused one, then reserve the rest of the header.
  buffer.append(out);
  out.swap(buffer);
  out.resize(kHeaderBytes, '\0');
  count_ = 0;
}

void ChangeBatchEncoder::add(std::uint64_t seq, std::span<const ChangeRef> changes) {
  auto& ar = stream_->ar;
  for (const ChangeRef& c : changes) {
    ar(seq, static_cast<std::uint8_t>(c.kind));
    ar(cereal::make_size_tag(static_cast<cereal::size_type>(c.key.size())));
    if (!c.key.empty()) ar(cereal::binary_data(c.key.data(), c.key.size()));
    ar(cereal::make_size_tag(static_cast<cereal::size_type>(c.value.size())));
    if (!c.value.empty()) ar(cereal::binary_data(c.value.data(), c.value.size()));
    ar(c.expire_at_ms);
  }
  count_ += static_cast<std::uint32_t>(changes.size());
}

std::size_t ChangeBatchEncoder::size() const { return stream_ ? stream_->buf.str().size() : 0; }

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
  std::string payload = std::move(stream_->buf.str());
  std::memcpy(payload.data(), header.str().data(), kHeaderBytes);
  stream_.reset();
  count_ = 0;
  return payload;
}

}  // namespace mnemo::persistence
