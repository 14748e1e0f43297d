#include "server/blob_table.h"

#include <cstdlib>
#include <cstring>
#include <new>

namespace mnemo::server {

namespace {

std::size_t blob_size(std::string_view k, std::string_view v) {
  return packed::varint_size(k.size()) + k.size() + packed::varint_size(v.size()) + v.size();
}

// What malloc really holds for n bytes (glibc: 16-byte chunks with an 8-byte header, at least 32).
std::size_t blob_chunk(std::size_t n) { return n + 8 <= 32 ? 32 : (n + 8 + 15) & ~std::size_t{15}; }

char* make_blob(std::string_view k, std::string_view v) {
  char* b = static_cast<char*>(std::malloc(blob_size(k, v)));
  if (b == nullptr) throw std::bad_alloc();
  char* p = packed::put_varint(b, k.size());
  if (!k.empty()) std::memcpy(p, k.data(), k.size());
  p = packed::put_varint(p + k.size(), v.size());
  if (!v.empty()) std::memcpy(p, v.data(), v.size());
  return b;
}

}  // namespace

BlobTable::Item BlobTable::read(const char* blob) {
  std::size_t kn = 0, vn = 0;
  const char* k = packed::get_varint(blob, kn);
  const char* v = packed::get_varint(k + kn, vn);
  return {{k, kn}, {v, vn}};
}

BlobTable::BlobTable(const BlobTable& o) : bytes_(o.bytes_) {
  table_.reserve(o.table_.size());
  for (const Ref& r : o.table_) {
    const Item it = read(r.p);
    table_.insert(Ref{make_blob(it.key, it.value)});
  }
}

BlobTable::~BlobTable() {
  for (const Ref& r : table_) std::free(r.p);
}

const BlobTable::Item* BlobTable::find(std::string_view key, Item& out) const {
  auto it = table_.find(key);
  if (it == table_.end()) return nullptr;
  out = read(it->p);
  return &out;
}

bool BlobTable::set(std::string_view key, std::string_view value) {
  auto it = table_.find(key);
  if (it != table_.end()) {
    const Item old = read(it->p);
    bytes_ -= blob_chunk(blob_size(old.key, old.value));
    char* b = make_blob(key, value);
    std::free(it->p);
    it->p = b;
    bytes_ += blob_chunk(blob_size(key, value));
    return false;
  }
  table_.insert(Ref{make_blob(key, value)});
  bytes_ += blob_chunk(blob_size(key, value));
  return true;
}

bool BlobTable::erase(std::string_view key) {
  auto it = table_.find(key);
  if (it == table_.end()) return false;
  const Item old = read(it->p);
  bytes_ -= blob_chunk(blob_size(old.key, old.value));
  char* b = it->p;
  table_.erase(it);
  std::free(b);
  return true;
}

BlobTable::iterator BlobTable::begin() const {
  iterator i;
  i.it_ = table_.begin();
  return i;
}

BlobTable::iterator BlobTable::end() const {
  iterator i;
  i.it_ = table_.end();
  return i;
}

}  // namespace mnemo::server
