#include "server/tracking/invalidation.h"

#include "protocol/resp3_writer.h"
#include "protocol/resp_writer.h"

namespace mnemo::server::tracking {

namespace resp = protocol::resp;

namespace {

void append_keys(std::string& out, std::span<const std::string_view> keys) {
  resp::append_array_header(out, keys.size());
  for (std::string_view k : keys) resp::append_bulk(out, k);
}

}  // namespace

void append_push_invalidation(std::string& out, const std::span<const std::string_view>* keys) {
  out.append(">2\r\n$10\r\ninvalidate\r\n");
  if (keys == nullptr) protocol::resp3::append_null(out);
  else append_keys(out, *keys);
}

void append_message_invalidation(std::string& out, const std::span<const std::string_view>* keys) {
  out.append("*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n");
  if (keys == nullptr) resp::append_null_bulk(out);
  else append_keys(out, *keys);
}

void append_redirect_broken(std::string& out, std::uint64_t target) {
  out.append(">2\r\n$21\r\ntracking-redir-broken\r\n");
  resp::append_integer(out, static_cast<std::int64_t>(target));
}

}  // namespace mnemo::server::tracking
