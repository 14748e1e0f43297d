#include "server/tools/cli_stream.h"

#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "protocol/byte_io.h"
#include "protocol/feed_frame.h"
#include "server/tools/cli_watch.h"

namespace mnemo::tools {

namespace pf = protocol::feed;
using protocol::byte_io::Reader;

namespace {

constexpr int kExitError = 2;
constexpr int kMaxReplyDepth = 8;

// A reply value as a tree; views point into the reply.
struct Val {
  std::uint8_t tag = 0;
  std::string_view text;
  std::vector<Val> items;
};

bool decode(Reader& in, Val& v, int depth) {
  if (!in.get(v.tag) || depth > kMaxReplyDepth) return false;
  std::int64_t n = 0;
  std::uint32_t count = 0;
  switch (v.tag) {
    case 0: return true;
    case 1: return in.get(n);
    case 2: case 3: case 4: return in.bytes(v.text);
    case 5:
      if (!in.get(count) || count > in.left()) return false;
      v.items.resize(count);
      for (Val& item : v.items) {
        if (!decode(in, item, depth + 1)) return false;
      }
      return true;
    default: return false;
  }
}

bool entry_of(const Val& v, StreamEntry& e) {
  if (v.tag != 5 || v.items.size() != 2 || v.items[0].tag != 2) return false;
  e.id = std::string(v.items[0].text);
  const Val& f = v.items[1];
  if (f.tag == 0) {
    e.deleted = true;
    return true;
  }
  if (f.tag != 5) return false;
  for (const Val& s : f.items) {
    if (s.tag != 2) return false;
    e.fields.emplace_back(s.text);
  }
  return true;
}

volatile sig_atomic_t g_stop = 0;
void on_stop(int) { g_stop = 1; }

// Blocks SIGINT and SIGTERM (they are taken only inside wait_readable) and
// returns the mask to wait with.
sigset_t block_stop_signals() {
  struct sigaction sa {};
  sa.sa_handler = on_stop;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  sigset_t stop, old;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  sigprocmask(SIG_BLOCK, &stop, &old);
  sigdelset(&old, SIGINT);
  sigdelset(&old, SIGTERM);
  return old;
}

// The feed connection: frames in, with the stop signals taken while waiting.
class Feed {
 public:
  Feed(int fd, sigset_t wait_mask) : fd_(fd), mask_(wait_mask) {}
  ~Feed() { ::close(fd_); }
  Feed(const Feed&) = delete;
  Feed& operator=(const Feed&) = delete;

  bool send(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }
  // Waits for more bytes: false when stopped (g_stop) or the connection closed.
  bool read_more() {
    pollfd p{fd_, POLLIN, 0};
    while (g_stop == 0) {
      if (::ppoll(&p, 1, nullptr, &mask_) < 0) {
        if (errno == EINTR) continue;
        return false;
      }
      char buf[64 * 1024];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n <= 0) return false;
      in_.append(buf, static_cast<std::size_t>(n));
      return true;
    }
    return false;
  }
  // The next complete frame already received, if any.
  bool next_frame(std::string& frame) {
    if (in_.size() < 4) return false;
    const auto len = protocol::byte_io::load_le<std::uint32_t>(in_.data());
    if (in_.size() < 4 + static_cast<std::size_t>(len)) return false;
    frame.assign(in_, 0, 4 + static_cast<std::size_t>(len));
    in_.erase(0, frame.size());
    return true;
  }

 private:
  int fd_;
  sigset_t mask_;
  std::string in_;
};

// Runs one COMMAND frame; the reply value, or nullopt after printing the
// error (closed: the connection is gone, not the command refused).
std::optional<std::string> command(Client& c, const std::vector<std::string>& words, bool* closed = nullptr) {
  protocol::Request req;
  req.op = protocol::Opcode::command;
  for (const auto& w : words) req.keys.push_back(w);
  protocol::Response resp;
  if (auto r = c.call(req, resp); !r) {
    if (closed != nullptr) *closed = true;
    else std::cerr << "error: " << r.error().message << "\n";
    return std::nullopt;
  }
  if (resp.status != protocol::Status::ok) {
    std::cerr << "error: " << protocol::status_name(resp.status) << ": " << resp.message << "\n";
    return std::nullopt;
  }
  return resp.value;
}

// XREAD / XREADGROUP of args.key after `after`, with BLOCK when block_ms >= 0.
std::vector<std::string> stream_read_words(const FollowArgs& a, const std::string& after, std::int64_t block_ms) {
  std::vector<std::string> w{"XREAD"};
  if (!a.group.empty()) w = {"XREADGROUP", "GROUP", a.group, a.consumer};
  w.insert(w.end(), {"COUNT", std::to_string(a.count)});
  if (block_ms >= 0) w.insert(w.end(), {"BLOCK", std::to_string(block_ms)});
  if (a.noack) w.emplace_back("NOACK");
  w.insert(w.end(), {"STREAMS", a.key, after});
  return w;
}

void print_entries(std::string_view key, const std::vector<StreamEntry>& entries, bool json) {
  for (const StreamEntry& e : entries) {
    const std::string line = format_entry(key, e, json);
    std::fwrite(line.data(), 1, line.size(), stdout);
  }
  std::fflush(stdout);
}

class Follower {
 public:
  Follower(Client& c, const FollowArgs& a) : c_(c), a_(a) {}

  // Where reading starts: "$" becomes the newest entry's id (ids after it
  // are exactly what XREAD BLOCK $ would wait for), a group reads its
  // consumer's history after the id given first, then new entries (">").
  bool resolve_start() {
    if (!a_.group.empty()) {
      after_ = a_.start == "$" ? ">" : a_.start;
      return true;
    }
    if (a_.start != "$") {
      after_ = a_.start;
      return true;
    }
    const auto v = command(c_, {"XREVRANGE", a_.key, "+", "-", "COUNT", "1"});
    if (!v) return false;
    const auto top = parse_entries(*v);
    if (!top) return false;
    after_ = top->empty() ? "0-0" : top->front().id;
    return true;
  }

  const std::string& after() const { return after_; }
  bool closed() const { return closed_; }

  // Reads and prints until a read comes back empty; false on an error.
  bool drain() {
    for (;;) {
      const auto v = command(c_, read_words(), &closed_);
      if (!v) return false;
      const auto entries = parse_read_reply(*v);
      if (!entries) {
        std::cerr << "error: a read reply this client cannot read\n";
        return false;
      }
      if (entries->empty()) {
        if (after_ == ">" || a_.group.empty()) return true;
        after_.assign(1, '>');  // the consumer's history is done: new entries now
        continue;
      }
      print_entries(a_.key, *entries, a_.json);
      if (after_ != ">") after_ = entries->back().id;
      if (a_.ack && !ack(*entries)) return false;
    }
  }

 private:
  static std::optional<std::vector<StreamEntry>> parse_entries(std::string_view value) {
    Reader in(value);
    Val v;
    if (!decode(in, v, 0) || !in.at_end() || v.tag != 5) return std::nullopt;
    std::vector<StreamEntry> out(v.items.size());
    for (std::size_t i = 0; i < out.size(); ++i) {
      if (!entry_of(v.items[i], out[i])) return std::nullopt;
    }
    return out;
  }

  std::vector<std::string> read_words() const { return stream_read_words(a_, after_, -1); }

  bool ack(const std::vector<StreamEntry>& entries) {
    std::vector<std::string> w{"XACK", a_.key, a_.group};
    for (const auto& e : entries) w.push_back(e.id);
    return command(c_, w).has_value();
  }

  Client& c_;
  const FollowArgs& a_;
  std::string after_;
  bool closed_ = false;  // the reads' connection is gone
};

// The WATCH answer; false (printed) when refused.
bool watch_answered(std::string_view frame) {
  Reader in(frame.substr(4));
  std::uint8_t status = 1, op = 0;
  std::uint16_t reserved = 0;
  std::uint64_t id = 0;
  if (in.get(status) && in.get(op) && in.get(reserved) && in.get(id) && status == 0) return true;
  std::string_view message;
  in.bytes(message);
  std::cerr << "error: WATCH refused: " << protocol::status_name(static_cast<protocol::Status>(status)) << ": "
            << message << "\n";
  return false;
}

}  // namespace

std::optional<std::vector<StreamEntry>> parse_read_reply(std::string_view value) {
  Reader in(value);
  Val v;
  if (!decode(in, v, 0) || !in.at_end()) return std::nullopt;
  std::vector<StreamEntry> out;
  if (v.tag == 0) return out;
  if (v.tag != 5) return std::nullopt;
  for (const Val& stream : v.items) {
    if (stream.tag != 5 || stream.items.size() != 2 || stream.items[1].tag != 5) return std::nullopt;
    for (const Val& item : stream.items[1].items) {
      if (!entry_of(item, out.emplace_back())) return std::nullopt;
    }
  }
  return out;
}

std::string format_entry(std::string_view key, const StreamEntry& e, bool json) {
  if (json) {
    std::string line = "{\"key\":";
    line += json_string(key);
    line += ",\"id\":";
    line += json_string(e.id);
    line += ",\"fields\":";
    if (e.deleted) return line + "null}\n";
    line += '[';
    for (std::size_t i = 0; i < e.fields.size(); ++i) {
      if (i > 0) line += ',';
      line += json_string(e.fields[i]);
    }
    return line + "]}\n";
  }
  std::string line = e.id;
  if (e.deleted) line += " (deleted)";
  for (const auto& f : e.fields) {
    line += ' ';
    line += f;
  }
  return line + "\n";
}

int run_read_once(Client& c, const FollowArgs& args, std::uint64_t block_ms) {
  const std::string after = args.start == "$" && !args.group.empty() ? ">" : args.start;
  const auto v = command(c, stream_read_words(args, after, static_cast<std::int64_t>(block_ms)));
  if (!v) return kExitError;
  const auto entries = parse_read_reply(*v);
  if (!entries) {
    std::cerr << "error: a read reply this client cannot read\n";
    return kExitError;
  }
  print_entries(args.key, *entries, args.json);
  return entries->empty() ? 1 : 0;
}

int run_follow(Client& reads, Client& feed_client, const FollowArgs& args) {
  Feed feed(feed_client.release(), block_stop_signals());
  pf::WatchRequest w;
  w.id = 1;
  w.prefix = args.key;
  w.options = pf::kKeysOnly;
  std::string out;
  pf::encode_watch(w, out);
  std::string frame;
  if (!feed.send(out)) {
    std::cerr << "error: cannot send WATCH: " << std::strerror(errno) << "\n";
    return kExitError;
  }
  while (!feed.next_frame(frame)) {
    if (!feed.read_more()) return g_stop != 0 ? 0 : kExitError;
  }
  if (!watch_answered(frame)) return kExitError;
  Follower f(reads, args);
  if (!f.resolve_start()) return kExitError;
  // Said once the watch is open: anything added from here on is printed.
  std::cerr << "following " << args.key << " after " << f.after();
  if (!args.group.empty()) std::cerr << " as " << args.group << "/" << args.consumer;
  std::cerr << std::endl;
  bool ok = f.drain();
  while (ok && feed.read_more()) {
    bool changed = false;
    while (feed.next_frame(frame)) {
      pf::Event e;
      if (pf::decode_event(frame, e).state != protocol::native::DecodeState::ok) continue;
      changed |= e.key == args.key || e.kind == pf::EventKind::flush;
    }
    ok = !changed || f.drain();
  }
  if (!ok && !f.closed()) return kExitError;
  if (g_stop == 0) std::cerr << "mnemo: the server closed the connection\n";
  return 0;
}

}  // namespace mnemo::tools
