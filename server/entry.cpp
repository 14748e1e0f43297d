#include "server/entry.h"

#include <cstdlib>
#include <cstring>
#include <new>

#include "server/collection.h"

namespace mnemo::server {

Entry* make_entry(std::string_view key, std::string_view value, std::uint64_t version,
                  std::int64_t expire_at_ms, bool ephemeral) {
  // malloc rather than new: a failed allocation must become a Status, not an exception.
  void* mem = std::malloc(sizeof(Entry) + key.size() + value.size());
  if (mem == nullptr) return nullptr;
  auto* e = new (mem) Entry;
  e->version = version;
  e->expire_at_ms = expire_at_ms;
  e->key_len = static_cast<std::uint32_t>(key.size());
  e->ephemeral = ephemeral ? 1 : 0;
  e->value_len = static_cast<std::uint32_t>(value.size());
  if (!key.empty()) std::memcpy(e->data(), key.data(), key.size());
  if (!value.empty()) std::memcpy(e->data() + key.size(), value.data(), value.size());
  return e;
}

void free_entry(Entry* e) {
  if (e == nullptr) return;
  if (!e->is_string()) delete e->collection();
  e->~Entry();
  std::free(e);
}

Entry* make_collection_entry(std::string_view key, Collection* c, std::uint64_t version,
                             std::int64_t expire_at_ms) {
  char ptr[sizeof c];
  std::memcpy(ptr, &c, sizeof c);
  Entry* e = make_entry(key, std::string_view(ptr, sizeof ptr), version, expire_at_ms, false);
  if (e == nullptr) {
    delete c;
    return nullptr;
  }
  e->type = static_cast<std::uint32_t>(c->type());
  return e;
}

std::size_t collection_bytes(const Entry& e) { return e.collection()->bytes() + sizeof(Collection); }
std::size_t collection_size(const Entry& e) { return e.collection()->size(); }

}  // namespace mnemo::server
