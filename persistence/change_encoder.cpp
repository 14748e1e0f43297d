#include "persistence/change_encoder.h"

#include "persistence/record_v2.h"
#include "persistence/varint.h"

namespace mnemo::persistence {

namespace {

// encode_unit keeps a spare buffer per thread up to this size.
constexpr std::size_t kMaxKeptBytes = 1 << 20;

}  // namespace

std::size_t ChangeBatchEncoder::encoded_size(const ChangeRef& c) {
  return v2::change_unit_size(c);
}

void ChangeBatchEncoder::encode_unit(std::span<const ChangeRef> changes, std::string& out) {
  thread_local std::string spare;
  std::string bytes;
  bytes.swap(spare);
  bytes.clear();
  for (const ChangeRef& c : changes) v2::append_change_unit(bytes, c);
  bytes.swap(out);
  // `bytes` now holds the caller's previous buffer: keep it for next time
  // unless a huge unit left it large.
  if (bytes.capacity() <= kMaxKeptBytes) bytes.swap(spare);
}

void ChangeBatchEncoder::begin(std::string buffer) {
  buffer_ = std::move(buffer);
  buffer_.assign(v2::kHeaderBytes, '\0');  // written by finish()
  count_ = 0;
  prev_seq_ = 0;
  has_elements_ = false;
}

void ChangeBatchEncoder::add_encoded(std::uint64_t seq, std::string_view unit,
                                     std::span<const ChangeRef> changes) {
  std::size_t at = 0;
  for (const ChangeRef& c : changes) {
    if (c.kind == ChangeKind::elements) has_elements_ = true;
    put_varint(buffer_, zigzag(static_cast<std::int64_t>(seq - prev_seq_)));
    prev_seq_ = seq;
    const std::size_t n = encoded_size(c);
    buffer_.append(unit.substr(at, n));
    at += n;
  }
  count_ += static_cast<std::uint32_t>(changes.size());
}

void ChangeBatchEncoder::add(std::uint64_t seq, std::span<const ChangeRef> changes) {
  std::string unit;
  encode_unit(changes, unit);
  add_encoded(seq, unit, changes);
}

std::string ChangeBatchEncoder::finish() {
  v2::write_header(buffer_.data(), Codec::none, count_, has_elements_ ? 3 : 2);
  has_elements_ = false;
  count_ = 0;
  prev_seq_ = 0;
  return std::move(buffer_);
}

}  // namespace mnemo::persistence
