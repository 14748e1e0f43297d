// SCAN and snapshot copies: walks over a shard in key order.
//
// A hash table has no stable order (it rehashes as it grows), so a cursor
// names a shard and the last key returned from it; the next page takes the
// smallest keys of that shard that sort after it. Every key present for the
// whole scan is therefore returned exactly once, whatever else is inserted or
// deleted meanwhile. Cost: each page reads every entry of the shards it visits.
#include <algorithm>
#include <charconv>
#include <optional>
#include <shared_mutex>
#include <string>

#include "server/collection_slice.h"
#include "server/store_impl.h"

namespace mnemo::server {

namespace {

// Entries examined before a SCAN page returns early (possibly with fewer keys
// than asked, like Redis) so that a sparse prefix cannot stall an io thread.
constexpr std::size_t kScanPageWorkBudget = 1u << 16;

struct Cursor {
  std::size_t shard = 0;
  std::optional<std::string> after;  // last key returned from `shard`
};

constexpr char kHex[] = "0123456789abcdef";

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Text form: "<shard>" (start of that shard) or "<shard>:<hex of last key>".
std::string encode_cursor(std::size_t shard, const std::string_view* after) {
  std::string out = std::to_string(shard);
  if (after != nullptr) {
    out.push_back(':');
    for (unsigned char c : *after) {
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::optional<Cursor> decode_cursor(std::string_view text, std::size_t shard_count) {
  Cursor cur;
  const std::size_t colon = text.find(':');
  const std::string_view num = text.substr(0, colon);
  auto [ptr, ec] = std::from_chars(num.data(), num.data() + num.size(), cur.shard);
  if (num.empty() || ec != std::errc() || ptr != num.data() + num.size()) return std::nullopt;
  if (cur.shard >= shard_count) return std::nullopt;
  if (colon == std::string_view::npos) return cur;
  const std::string_view hex = text.substr(colon + 1);
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string key;
  key.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int hi = hex_digit(hex[i]);
    const int lo = hex_digit(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    key.push_back(static_cast<char>(hi * 16 + lo));
  }
  cur.after = std::move(key);
  return cur;
}

// Keeps the n smallest keys of `v`, sorted.
void keep_smallest(std::vector<const Entry*>& v, std::size_t n) {
  auto by_key = [](const Entry* a, const Entry* b) { return a->key() < b->key(); };
  if (v.size() > n) {
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(n), v.end(), by_key);
    v.resize(n);
  }
  std::sort(v.begin(), v.end(), by_key);
}

// Cuts the sorted keys of `v` where the page would pass `max` bytes of keys
// (`used` counts those already on it; a page always gets at least one key).
// Returns false when it cut some.
bool within_reply_budget(std::vector<const Entry*>& v, std::uint64_t& used, std::uint64_t max) {
  for (std::size_t i = 0; i < v.size(); ++i) {
    const bool first_of_page = used == 0;
    used += v[i]->key_len;
    if (used > max && !first_of_page) {
      v.resize(i);
      return false;
    }
  }
  return true;
}

}  // namespace

void Store::Impl::scan(const Request& req, Response& resp) {
  const std::uint32_t want = req.count == 0 ? opts.scan_default_count
                                            : std::min(req.count, opts.scan_max_count);
  Cursor cur;
  if (!req.value.empty()) {
    auto parsed = decode_cursor(req.value, shards_per_db());
    if (!parsed) return resp.fail(Status::bad_request, "malformed SCAN cursor");
    cur = std::move(*parsed);
  }
  resp.keys.clear();
  resp.text.clear();
  const std::string_view prefix = req.key;
  std::vector<const Entry*> found;
  std::size_t examined = 0;
  std::uint64_t reply_bytes = 0;
  const std::size_t base = static_cast<std::size_t>(req.db) << shard_bits;
  for (std::size_t s = cur.shard; s < shards_per_db(); ++s) {
    const Shard& sh = *shards[base + s];
    const std::string* after = s == cur.shard && cur.after ? &*cur.after : nullptr;
    std::shared_lock lock(sh.mutex());
    const std::int64_t now = clock.now_ms();
    found.clear();
    sh.for_each([&](const Entry& e) {
      const std::string_view key = e.key();
      if (key.starts_with(prefix) && (after == nullptr || key > *after) && !e.expired_at(now)) found.push_back(&e);
    });
    examined += sh.size();
    const std::size_t room = want - resp.keys.size();
    bool shard_done = found.size() <= room;
    keep_smallest(found, room);
    if (!within_reply_budget(found, reply_bytes, opts.max_reply_bytes)) shard_done = false;
    for (const Entry* e : found) resp.keys.emplace_back(e->key());
    if (!shard_done) {
      // Resume after the last key taken from this shard, or where this shard began.
      const std::string_view start = after ? std::string_view(*after) : std::string_view();
      const std::string_view last = found.empty() ? start : resp.keys.back();
      resp.text = encode_cursor(s, found.empty() && after == nullptr ? nullptr : &last);
      return;
    }
    const bool more_shards = s + 1 < shards_per_db();
    if (more_shards && (resp.keys.size() == want || examined >= kScanPageWorkBudget)) {
      resp.text = encode_cursor(s + 1, nullptr);
      return;
    }
  }
}

bool Store::copy_chunk(std::size_t shard, const std::string* after, std::size_t max_entries,
                       persistence::SnapshotBuffer& out) {
  Impl& impl = *impl_;
  if (shard >= impl.shards.size() || max_entries == 0) return false;
  const Shard& sh = *impl.shards[shard];
  std::shared_lock lock(sh.mutex());
  const std::int64_t now = impl.clock.now_ms();
  const std::size_t before = out.size();
  // A walk over a big collection goes on where the caller resumes: after its
  // key, in its shard (else a new snapshot began: the old walk is dropped).
  Impl::SnapshotWalk& walk = impl.snapshot_walk;
  if (walk.active && (walk.shard != shard || after == nullptr || *after != walk.key)) walk.active = false;
  if (walk.active && !impl.continue_snapshot_walk(sh, now, out)) {
    out.mark_cut();
    return true;
  }
  std::vector<const Entry*> found;
  bool big = false;
  sh.for_each([&](const Entry& e) {
    if (e.ephemeral || e.expired_at(now)) return;
    if (after != nullptr && e.key() <= std::string_view(*after)) return;
    found.push_back(&e);
    big = big || (!e.is_string() && CollectionSlicer::sliced(*e.collection()));
  });
  if (found.empty()) return out.size() > before;
  // Fewer than asked means these are all the shard has left: the caller moves
  // on to the next shard, so their order does not matter and sorting (a fifth
  // of a snapshot's CPU) is skipped. A full chunk is the smallest keys, in
  // order, so that the caller can resume after its last key; so is one with
  // a big collection, whose copy may stop after its first slice.
  if (found.size() >= max_entries || big) keep_smallest(found, max_entries);
  out.reserve(out.size() + found.size());
  for (const Entry* e : found) {
    if (!impl.copy_snapshot_entry(*e, shard, out)) {
      out.mark_cut();
      return true;
    }
  }
  return true;
}

}  // namespace mnemo::server
