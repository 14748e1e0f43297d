#include "server/tools/cli_watch.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "protocol/byte_io.h"

namespace mnemo::tools {

namespace pf = protocol::feed;

namespace {

bool send_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// The WATCH answer: prints where the feed starts; false (after printing the
// error) when the server refused.
bool handle_answer(std::string_view frame) {
  protocol::byte_io::Reader in(frame.substr(4));
  std::uint8_t status = 0, op = 0;
  std::uint16_t reserved = 0;
  std::uint64_t id = 0, watch_id = 0, start = 0;
  in.get(status);
  in.get(op);
  in.get(reserved);
  in.get(id);
  if (status == 0 && in.get(watch_id) && in.get(start)) {
    std::cerr << "watching (watch " << watch_id << ") after version " << start << "\n";
    return true;
  }
  std::string_view message;
  in.bytes(message);
  std::cerr << "error: " << (status == pf::kStatusCompacted ? std::string("COMPACTED")
                                                           : std::string(protocol::status_name(
                                                                 static_cast<protocol::Status>(status))))
            << ": " << message << "\n";
  return false;
}

}  // namespace

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c >= 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string format_event(const pf::Event& e, bool json) {
  std::string line;
  if (json) {
    line = "{\"watch\":" + std::to_string(e.watch_id) + ",\"kind\":\"" + std::string(pf::event_kind_name(e.kind)) +
           "\",\"db\":" + std::to_string(e.db) + ",\"version\":" + std::to_string(e.version) +
           ",\"key\":" + json_string(e.key) + ",\"value\":" + json_string(e.value) +
           ",\"expire_at_ms\":" + std::to_string(e.expire_at_ms) + "}\n";
    return line;
  }
  line = std::to_string(e.version) + " " + std::string(pf::event_kind_name(e.kind));
  if (e.kind == pf::EventKind::progress || e.kind == pf::EventKind::flush) {
    if (e.kind == pf::EventKind::flush) line += " db=" + std::to_string(e.db);
    return line + "\n";
  }
  line += " ";
  line.append(e.key);
  if (e.kind == pf::EventKind::set && !e.value.empty()) {
    line += " ";
    line.append(e.value);
  }
  if (e.expire_at_ms != 0 && e.kind != pf::EventKind::del && e.kind != pf::EventKind::expired)
    line += " expire_at_ms=" + std::to_string(e.expire_at_ms);
  return line + "\n";
}

int run_watch(int fd, const WatchArgs& args) {
  pf::WatchRequest req;
  req.id = 1;
  req.prefix = args.prefix;
  req.from_version = args.from_version;
  req.options = static_cast<std::uint8_t>((args.has_from ? pf::kFrom : 0) | (args.committed ? pf::kCommitted : 0) |
                                          (args.keys_only ? pf::kKeysOnly : 0));
  std::string out;
  pf::encode_watch(req, out);
  if (!send_all(fd, out)) {
    std::cerr << "error: cannot send WATCH: " << std::strerror(errno) << "\n";
    return 2;
  }
  std::string in;
  bool answered = false;
  char buf[64 * 1024];
  for (;;) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      std::cerr << "error: the server closed the connection\n";
      return 2;
    }
    in.append(buf, static_cast<std::size_t>(n));
    std::size_t pos = 0;
    while (in.size() - pos >= 4) {
      const std::uint32_t len = protocol::byte_io::load_le<std::uint32_t>(in.data() + pos);
      if (in.size() - pos < 4 + static_cast<std::size_t>(len)) break;
      const std::string_view frame(in.data() + pos, 4 + static_cast<std::size_t>(len));
      pos += frame.size();
      pf::Event e;
      if (pf::decode_event(frame, e).state == protocol::native::DecodeState::ok) {
        const std::string line = format_event(e, args.json);
        std::fwrite(line.data(), 1, line.size(), stdout);
        std::fflush(stdout);
      } else if (!answered) {
        answered = true;
        if (!handle_answer(frame)) return 2;
      }
    }
    in.erase(0, pos);
  }
}

}  // namespace mnemo::tools
