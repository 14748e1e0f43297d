#include "server/tools/resp_stream_ids.h"

#include <charconv>
#include <string>

namespace mnemo::tools {

namespace {

// A RESP2 value reader over one buffer; `incomplete` and `bad` say why it stopped.
struct IdReader {
  std::string_view in;
  std::size_t pos = 0;
  bool incomplete = false;
  bool bad = false;
  StreamIds* out = nullptr;

  enum class Role : std::uint8_t { none, key, id };

  bool line(std::string_view& l) {
    const std::size_t end = in.find("\r\n", pos);
    if (end == std::string_view::npos) {
      incomplete = true;
      return false;
    }
    l = in.substr(pos, end - pos);
    pos = end + 2;
    return true;
  }

  bool length(std::string_view l, std::int64_t& n) {
    const auto r = std::from_chars(l.data() + 1, l.data() + l.size(), n);
    if (r.ec != std::errc() || r.ptr != l.data() + l.size()) bad = true;
    return !bad;
  }

  // One value; depth 0 is the reply itself. Streams are at depth 1, their
  // entry lists at 2, entries at 3: a stream's first element is its key, an
  // entry's its id.
  bool value(int depth, Role role) {
    std::string_view l;
    if (!line(l)) return false;
    if (l.empty()) return !(bad = true);
    std::int64_t n = 0;
    switch (l[0]) {
      case '+': case '-': case ':': case '_': return true;
      case '$': {
        if (!length(l, n)) return false;
        if (n < 0) return true;
        if (in.size() - pos < static_cast<std::size_t>(n) + 2) return !(incomplete = true);
        const std::string_view text = in.substr(pos, static_cast<std::size_t>(n));
        pos += static_cast<std::size_t>(n) + 2;
        if (role == Role::id) out->ids.push_back(text);
        if (role == Role::key && out->key.empty()) out->key = text;
        return true;
      }
      case '*': {
        if (!length(l, n)) return false;
        for (std::int64_t i = 0; i < n; ++i) {
          const Role r = i != 0 ? Role::none : depth == 1 ? Role::key : depth == 3 ? Role::id : Role::none;
          if (!value(depth + 1, r)) return false;
        }
        return true;
      }
      default: return !(bad = true);
    }
  }
};

}  // namespace

std::size_t parse_stream_reply(std::string_view in, StreamIds& out) {
  StreamIds found;
  IdReader r{in, 0, false, false, &found};
  if (!r.value(0, IdReader::Role::none)) return r.bad ? kReplyMalformed : kReplyIncomplete;
  out = std::move(found);
  return r.pos;
}

void append_xack(std::string_view key, std::string_view group, const std::vector<std::string_view>& ids,
                 std::string& out) {
  const auto bulk = [&out](std::string_view s) {
    out += '$';
    out += std::to_string(s.size());
    out += "\r\n";
    out.append(s);
    out += "\r\n";
  };
  out += '*';
  out += std::to_string(3 + ids.size());
  out += "\r\n";
  bulk("XACK");
  bulk(key);
  bulk(group);
  for (std::string_view id : ids) bulk(id);
}

}  // namespace mnemo::tools
