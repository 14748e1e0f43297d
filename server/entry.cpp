#include "server/entry.h"

#include <cstdlib>
#include <cstring>
#include <new>

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
  e->~Entry();
  std::free(e);
}

}  // namespace mnemo::server
