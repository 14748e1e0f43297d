// libFuzzer target for the RESP3 reply builder (protocol/resp3_reply_builder.h)
// and its RESP2 twin: the input is a script of builder calls (one byte picks
// the call, the next bytes its argument). Besides "no crash, no undefined
// behaviour", it checks what a client relies on: the bytes of both versions
// parse as exactly as many well-formed frames as top-level replies were
// built (a strict RESP3 reader below), whatever strings, numbers and doubles
// (inf, nan, denormals) the handlers pass; and a map, set or pair spelled in
// RESP3 holds the same leaves as its RESP2 spelling.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/resp3_reply_builder.h"

namespace resp = mnemo::protocol::resp;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

// A strict reader of one frame at `pos`: returns the offset past it, and
// counts its leaves (scalars). Aborts on anything malformed.
struct Reader {
  std::string_view in;
  std::size_t leaves = 0;

  std::size_t line_end(std::size_t pos) const {
    const std::size_t e = in.find("\r\n", pos);
    check(e != std::string_view::npos);
    return e;
  }
  long long number(std::size_t from, std::size_t to) const {
    check(to > from && to - from < 21);
    const std::string s(in.substr(from, to - from));
    char* end = nullptr;
    const long long v = std::strtoll(s.c_str(), &end, 10);
    check(end == s.c_str() + s.size());
    return v;
  }
  std::size_t frame(std::size_t pos) {
    check(pos < in.size());
    const char kind = in[pos];
    const std::size_t e = line_end(pos);
    switch (kind) {
      case '+': case '-': case '_': case '#': case ',': case ':': case '(':
        if (kind == ':') (void)number(pos + 1, e);
        if (kind == '_') check(e == pos + 1);
        if (kind == '#') check(e == pos + 2 && (in[pos + 1] == 't' || in[pos + 1] == 'f'));
        ++leaves;
        return e + 2;
      case '$': case '=': {
        const long long n = number(pos + 1, e);
        ++leaves;
        if (n < 0) return check(kind == '$' && n == -1), e + 2;
        check(e + 2 + static_cast<std::size_t>(n) + 2 <= in.size());
        check(in.substr(e + 2 + n, 2) == "\r\n");
        if (kind == '=') check(n >= 4 && in[e + 2 + 3] == ':');
        return e + 2 + n + 2;
      }
      case '*': case '~': case '%': case '>': {
        const long long n = number(pos + 1, e);
        if (n < 0) return check(kind == '*' && n == -1), ++leaves, e + 2;
        std::size_t p = e + 2;
        for (long long i = 0; i < n * (kind == '%' ? 2 : 1); ++i) p = frame(p);
        return p;
      }
      default:
        check(false);
        return 0;
    }
  }
};

struct Input {
  const std::uint8_t* data;
  std::size_t size;
  std::size_t pos = 0;
  bool done() const { return pos >= size; }
  std::uint8_t byte() { return done() ? 0 : data[pos++]; }
  std::string_view bytes() {
    const std::size_t n = std::min<std::size_t>(byte() % 16, size - std::min(pos, size));
    const std::string_view s(reinterpret_cast<const char*>(data + pos), n);
    pos += n;
    return s;
  }
  double dbl() {
    std::uint64_t bits = 0;
    for (int i = 0; i < 8; ++i) bits = bits << 8 | byte();
    double d;
    std::memcpy(&d, &bits, sizeof d);
    return d;
  }
};

// Builds one reply (maybe nested) from the script, on both builders at once.
void build(Input& in, resp::Resp2ReplyBuilder& a, resp::Resp3ReplyBuilder& b, int depth) {
  const std::uint8_t op = in.byte();
  const std::size_t n = depth < 4 ? in.byte() % 4 : 0;
  switch (op % 14) {
    case 0: a.integer(static_cast<std::int8_t>(op)); b.integer(static_cast<std::int8_t>(op)); return;
    case 1: { auto s = in.bytes(); a.bulk(s); b.bulk(s); return; }
    case 2: a.null(); b.null(); return;
    case 3: a.null_array(); b.null_array(); return;
    case 4: { const double d = in.dbl(); a.dbl(d); b.dbl(d); return; }
    case 5: { auto s = in.bytes(); a.verbatim(s); b.verbatim(s); return; }
    case 6: { auto s = in.bytes(); a.simple(s); b.simple(s); return; }
    case 7: a.boolean(op & 128); b.boolean(op & 128); return;
    case 8: a.map(n); b.map(n); for (std::size_t i = 0; i < 2 * n; ++i) build(in, a, b, depth + 1); return;
    case 9: a.set(n); b.set(n); for (std::size_t i = 0; i < n; ++i) build(in, a, b, depth + 1); return;
    case 10:
      a.pairs(n); b.pairs(n);
      for (std::size_t i = 0; i < n; ++i) {
        a.pair(); b.pair();
        build(in, a, b, depth + 1);
        build(in, a, b, depth + 1);
      }
      return;
    case 11: { auto t = in.bytes(); a.big_number(t); b.big_number(t); return; }
    case 12: { auto f = in.bytes(), t = in.bytes(); a.verbatim_as(f, t); b.verbatim_as(f, t); return; }
    default: a.push(n); b.push(n); for (std::size_t i = 0; i < n; ++i) build(in, a, b, depth + 1); return;
  }
}

std::size_t count_frames(std::string_view bytes, std::size_t& leaves) {
  Reader r{bytes};
  std::size_t pos = 0, frames = 0;
  while (pos < bytes.size()) {
    pos = r.frame(pos);
    ++frames;
  }
  leaves = r.leaves;
  return frames;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string two, three;
  resp::Resp2ReplyBuilder a(two);
  resp::Resp3ReplyBuilder b(three);
  Input in{data, size};
  std::size_t replies = 0;
  while (!in.done() && replies < 64) {
    build(in, a, b, 0);
    ++replies;
  }
  std::size_t leaves2 = 0, leaves3 = 0;
  check(count_frames(two, leaves2) == replies);
  check(count_frames(three, leaves3) == replies);
  check(leaves2 == leaves3);
  return 0;
}
