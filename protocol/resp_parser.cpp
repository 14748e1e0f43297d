#include "protocol/resp_parser.h"

#include <algorithm>
#include <cstring>
#include <limits>

namespace mnemo::protocol::resp {

namespace {

constexpr std::string_view kTooBigMbulk = "Protocol error: too big mbulk count string";
constexpr std::string_view kTooBigBulk = "Protocol error: too big bulk count string";
constexpr std::string_view kBadMbulkLength = "Protocol error: invalid multibulk length";
constexpr std::string_view kBadBulkLength = "Protocol error: invalid bulk length";
constexpr std::string_view kNoBulkCrlf = "Protocol error: expected CRLF after bulk string";
constexpr std::string_view kTooBigInline = "Protocol error: too big inline request";
constexpr std::string_view kUnbalanced = "Protocol error: unbalanced quotes in request";

// The smallest encoded element, "$0\r\n\r\n": bounds what an array header may reserve.
constexpr std::size_t kMinElementBytes = 6;

// Blanks skipped before a word (C isspace) and the bytes that end an unquoted
// word, as in Redis's sdssplitargs; NUL also separates, since lines are binary here.
bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r' || c == '\0';
}
bool ends_word(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\0'; }

// A closing quote must be followed by a blank or the end of the line.
bool close_quote(std::string_view line, std::size_t& i) {
  if (i + 1 < line.size() && !is_blank(line[i + 1])) return false;
  ++i;  // past the quote; the caller skips the blank
  return true;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

enum class LineScan : std::uint8_t { found, need_more, too_big, bad_end };

// Finds the "\r\n" ending the header line that starts at `from`; `cr` is the index of '\r'.
LineScan scan_header_line(std::string_view in, std::size_t from, std::size_t max_bytes, std::size_t& cr) {
  const std::size_t avail = in.size() - from;
  const std::size_t window = std::min(avail, max_bytes);
  const void* hit = std::memchr(in.data() + from, '\r', window);
  if (hit == nullptr) return avail > max_bytes ? LineScan::too_big : LineScan::need_more;
  cr = static_cast<std::size_t>(static_cast<const char*>(hit) - in.data());
  if (cr + 1 >= in.size()) return LineScan::need_more;
  return in[cr + 1] == '\n' ? LineScan::found : LineScan::bad_end;
}

// Reads the decimal digits of a header at in[p] up to "\r\n" and leaves p after
// them. Accepts only what parse_int64 accepts as a non-negative number of at
// most `max_digits` digits ("0", or no leading zero); false for anything else.
inline bool read_header_number(std::string_view in, std::size_t& p, std::size_t max_digits, std::size_t& value) {
  const std::size_t start = p;
  const std::size_t limit = std::min(in.size(), start + max_digits);
  std::size_t v = 0;
  while (p < limit && in[p] >= '0' && in[p] <= '9') v = v * 10 + static_cast<std::size_t>(in[p++] - '0');
  const std::size_t digits = p - start;
  if (digits == 0 || (digits > 1 && in[start] == '0')) return false;
  if (p + 1 >= in.size() || in[p] != '\r' || in[p + 1] != '\n') return false;
  p += 2;
  value = v;
  return true;
}

}  // namespace

bool parse_int64(std::string_view s, std::int64_t& out) {
  if (s.empty() || s.size() > 20) return false;
  if (s.size() == 1 && s[0] == '0') {
    out = 0;
    return true;
  }
  std::size_t i = 0;
  const bool negative = s[0] == '-';
  if (negative && s.size() == 1) return false;
  if (negative) i = 1;
  if (s[i] < '1' || s[i] > '9') return false;
  std::uint64_t v = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    const auto digit = static_cast<std::uint64_t>(s[i] - '0');
    if (v > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) return false;
    v = v * 10 + digit;
  }
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (negative) {
    if (v > kMax + 1) return false;
    out = v == kMax + 1 ? std::numeric_limits<std::int64_t>::min() : -static_cast<std::int64_t>(v);
  } else {
    if (v > kMax) return false;
    out = static_cast<std::int64_t>(v);
  }
  return true;
}

RespParser::RespParser(const RespLimits& limits) : limits_(limits) {}

void RespParser::reset() {
  mode_ = Mode::idle;
  pos_ = 0;
  elements_left_ = 0;
  bulk_length_ = -1;
  slices_.clear();
}

ParseResult RespParser::parse(std::string_view in) {
  if (mode_ == Mode::idle && !in.empty() && in[0] == '*') {
    ParseResult r;
    if (parse_complete(in, r)) return r;
  }
  // A caller that broke the streaming contract gets a fresh parse, never an out-of-range read.
  if (pos_ > in.size()) reset();
  if (mode_ == Mode::idle) {
    if (in.empty()) return {};
    reset();
    mode_ = in[0] == '*' ? Mode::multibulk : Mode::inline_line;
  }
  return mode_ == Mode::multibulk ? parse_multibulk(in) : parse_inline(in);
}

ParseResult RespParser::fail(std::string_view message) {
  reset();
  error_.assign(message);
  ParseResult r;
  r.state = ParseState::error;
  r.message = error_;
  r.fatal = true;
  return r;
}

ParseResult RespParser::finish(std::string_view base, std::size_t consumed) {
  argv_.clear();
  for (const Slice& s : slices_) argv_.push_back(base.substr(s.offset, s.length));
  reset();
  ParseResult r;
  r.state = ParseState::ok;
  r.consumed = consumed;
  return r;
}

bool RespParser::parse_complete(std::string_view in, ParseResult& result) {
  constexpr std::size_t kMaxCountDigits = 7;   // arrays up to 9,999,999 elements
  constexpr std::size_t kMaxLengthDigits = 9;  // arguments up to 999,999,999 bytes
  std::size_t p = 1;
  std::size_t n = 0;
  if (!read_header_number(in, p, kMaxCountDigits, n) || n == 0 || n > limits_.max_array_len) return false;
  if ((in.size() - p) / kMinElementBytes < n) return false;  // cannot be complete
  argv_.clear();
  for (std::size_t i = 0; i < n; ++i) {
    if (p >= in.size() || in[p] != '$') return false;
    ++p;
    std::size_t length = 0;
    if (!read_header_number(in, p, kMaxLengthDigits, length) || length > limits_.max_bulk_bytes) return false;
    if (in.size() - p < length + 2 || in[p + length] != '\r' || in[p + length + 1] != '\n') return false;
    argv_.emplace_back(in.data() + p, length);
    p += length + 2;
  }
  result.state = ParseState::ok;
  result.consumed = p;
  return true;
}

ParseResult RespParser::parse_multibulk(std::string_view in) {
  if (pos_ == 0) {
    ParseResult header = read_array_header(in);
    if (header.state != ParseState::need_more || pos_ == 0) return header;
  }
  ParseResult r;
  while (elements_left_ > 0) {
    if (!read_bulk(in, r)) return r;
  }
  return finish(in, pos_);
}

// Returns need_more with pos_ > 0 once the header is read and elements follow.
ParseResult RespParser::read_array_header(std::string_view in) {
  std::size_t cr = 0;
  switch (scan_header_line(in, 1, limits_.max_inline_bytes, cr)) {
    case LineScan::need_more: return {};
    case LineScan::too_big: return fail(kTooBigMbulk);
    case LineScan::bad_end: return fail(kBadMbulkLength);
    case LineScan::found: break;
  }
  std::int64_t n = 0;
  if (!parse_int64(in.substr(1, cr - 1), n) || n > static_cast<std::int64_t>(limits_.max_array_len)) {
    return fail(kBadMbulkLength);
  }
  if (n <= 0) return finish(in, cr + 2);  // Redis ignores `*0` and `*-1`
  elements_left_ = static_cast<std::size_t>(n);
  pos_ = cr + 2;
  const std::size_t could_hold = (in.size() - pos_) / kMinElementBytes + 1;
  slices_.reserve(std::min(elements_left_, could_hold));
  return {};
}

bool RespParser::read_bulk(std::string_view in, ParseResult& result) {
  result = {};
  if (bulk_length_ < 0) {
    if (pos_ >= in.size()) return false;
    if (in[pos_] != '$') {
      std::string message = "Protocol error: expected '$', got '";
      message += in[pos_] == '\r' || in[pos_] == '\n' ? ' ' : in[pos_];
      message += '\'';
      result = fail(message);
      return false;
    }
    std::size_t cr = 0;
    switch (scan_header_line(in, pos_ + 1, limits_.max_inline_bytes, cr)) {
      case LineScan::need_more: return false;
      case LineScan::too_big: result = fail(kTooBigBulk); return false;
      case LineScan::bad_end: result = fail(kBadBulkLength); return false;
      case LineScan::found: break;
    }
    std::int64_t n = 0;
    if (!parse_int64(in.substr(pos_ + 1, cr - pos_ - 1), n) || n < 0 ||
        static_cast<std::uint64_t>(n) > limits_.max_bulk_bytes) {
      result = fail(kBadBulkLength);
      return false;
    }
    bulk_length_ = n;
    pos_ = cr + 2;
  }
  const auto length = static_cast<std::size_t>(bulk_length_);
  if (in.size() - pos_ < length + 2) return false;
  if (in[pos_ + length] != '\r' || in[pos_ + length + 1] != '\n') {
    result = fail(kNoBulkCrlf);
    return false;
  }
  slices_.push_back({pos_, length});
  pos_ += length + 2;
  bulk_length_ = -1;
  --elements_left_;
  return true;
}

ParseResult RespParser::parse_inline(std::string_view in) {
  // pos_ remembers how far the newline search got, so a slow line is scanned once.
  const std::size_t window_end = std::min(in.size(), limits_.max_inline_bytes + 1);
  const void* hit = pos_ < window_end ? std::memchr(in.data() + pos_, '\n', window_end - pos_) : nullptr;
  if (hit == nullptr) {
    if (in.size() > limits_.max_inline_bytes) return fail(kTooBigInline);
    pos_ = in.size();
    return {};
  }
  const auto nl = static_cast<std::size_t>(static_cast<const char*>(hit) - in.data());
  std::size_t line_end = nl;
  if (line_end > 0 && in[line_end - 1] == '\r') --line_end;
  const std::string_view line = in.substr(0, line_end);
  const bool quoted = line.find_first_of("\"'") != std::string_view::npos;
  return quoted ? split_quoted(line, nl + 1) : split_inline(line, nl + 1);
}

ParseResult RespParser::split_inline(std::string_view line, std::size_t consumed) {
  slices_.clear();
  std::size_t i = 0;
  while (true) {
    while (i < line.size() && is_blank(line[i])) ++i;
    if (i == line.size()) break;
    const std::size_t start = i;
    while (i < line.size() && !ends_word(line[i])) ++i;
    slices_.push_back({start, i - start});
  }
  return finish(line, consumed);
}

ParseResult RespParser::split_quoted(std::string_view line, std::size_t consumed) {
  scratch_.clear();
  scratch_.reserve(line.size());  // unescaping never grows a word
  slices_.clear();
  std::size_t i = 0;
  while (true) {
    while (i < line.size() && is_blank(line[i])) ++i;
    if (i == line.size()) break;
    const std::size_t start = scratch_.size();
    if (!unquote_word(line, i)) return fail(kUnbalanced);
    slices_.push_back({start, scratch_.size() - start});
  }
  return finish(scratch_, consumed);
}

// Redis's sdssplitargs for one word starting at line[i]: "..." understands
// \n \r \t \b \a \xHH and \<any>; '...' understands \'; a closing quote must be
// followed by a blank or the line end. Appends the word to scratch_ and leaves
// `i` after it; returns false for unbalanced quotes.
bool RespParser::unquote_word(std::string_view line, std::size_t& i) {
  const std::size_t n = line.size();
  enum { plain, in_double, in_single } state = plain;
  for (;; ++i) {
    if (i >= n) return state == plain;
    const char c = line[i];
    if (state == plain) {
      if (ends_word(c)) {
        ++i;
        return true;
      }
      if (c == '"') state = in_double;
      else if (c == '\'') state = in_single;
      else scratch_ += c;
    } else if (state == in_double) {
      if (c == '\\' && i + 3 < n && line[i + 1] == 'x' && hex_value(line[i + 2]) >= 0 &&
          hex_value(line[i + 3]) >= 0) {
        scratch_ += static_cast<char>(hex_value(line[i + 2]) * 16 + hex_value(line[i + 3]));
        i += 3;
      } else if (c == '\\' && i + 1 < n) {
        const char e = line[++i];
        scratch_ += e == 'n' ? '\n' : e == 'r' ? '\r' : e == 't' ? '\t' : e == 'b' ? '\b' : e == 'a' ? '\a' : e;
      } else if (c == '"') {
        return close_quote(line, i);
      } else {
        scratch_ += c;
      }
    } else if (c == '\\' && i + 1 < n && line[i + 1] == '\'') {
      scratch_ += line[++i];
    } else if (c == '\'') {
      return close_quote(line, i);
    } else {
      scratch_ += c;
    }
  }
}

}  // namespace mnemo::protocol::resp
