// Streaming parser of RESP2 requests, as Redis reads them: an array of bulk
// strings (`*2\r\n$3\r\nGET\r\n$1\r\nk\r\n`) or an inline command (a line of
// space-separated words, with Redis's "double" and 'single' quoting), which is
// what telnet sessions and some `redis-cli --pipe` inputs send.
//
// Pure code over bytes: no sockets, never reads past the given buffer, and
// never allocates from an unchecked length (an array header reserves at most
// what the bytes already received could hold).
//
// Threads: one parser per connection; not thread-safe.
// Lifetime: after an ok result, argv() views either the input passed to that
// parse() call or the parser's own scratch buffer (inline commands with quotes);
// the views stay valid until the next parse() or reset() and while the input
// bytes are unchanged.
//
// Streaming contract: after need_more, call parse() again with the same bytes
// at the start of the input plus whatever arrived since (the buffer may move).
// The parser resumes where it stopped, so a large command arriving in many
// reads is scanned once, not once per read.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mnemo::protocol::resp {

struct RespLimits {
  std::size_t max_array_len = 1u << 20;      // elements of one command
  std::size_t max_bulk_bytes = 32u << 20;    // one argument (matches the native frame limit)
  std::size_t max_inline_bytes = 64u << 10;  // an inline command line, or a `*`/`$` header line
};

enum class ParseState : std::uint8_t {
  need_more,  // no complete command yet: feed more bytes
  ok,         // one command parsed: argv() holds it (may be empty: a blank line or `*0`),
              // `consumed` bytes may be dropped
  error,      // malformed input: reply `-ERR <message>`; fatal means close the connection
};

struct ParseResult {
  ParseState state = ParseState::need_more;
  std::size_t consumed = 0;   // ok: bytes of the command, including its line ends
  std::string_view message;   // error: "Protocol error: ..." (valid until the next parse())
  bool fatal = false;         // error: framing lost; Redis closes the connection, so do we
};

class RespParser {
 public:
  explicit RespParser(const RespLimits& limits = {});

  // Parses the command at the start of `in`.
  ParseResult parse(std::string_view in);

  // The arguments of the last ok command (argv[0] is the command name).
  std::span<const std::string_view> argv() const { return argv_; }

  // Forgets a partially parsed command (e.g. when the connection drops its input).
  void reset();

  const RespLimits& limits() const { return limits_; }

 private:
  struct Slice {
    std::size_t offset;
    std::size_t length;
  };
  enum class Mode : std::uint8_t { idle, multibulk, inline_line };

  // One complete, well-formed array of bulk strings with short headers, parsed
  // in a single pass straight into argv_. Returns false (nothing decided) for
  // anything else: a partial command, an error, an unusual header; the
  // general path then parses it from the start.
  bool parse_complete(std::string_view in, ParseResult& result);
  ParseResult parse_multibulk(std::string_view in);
  ParseResult parse_inline(std::string_view in);
  ParseResult read_array_header(std::string_view in);
  // Reads one `$len\r\n<bytes>\r\n` at pos_; returns false when more bytes are needed
  // or on error (then `result` is set).
  bool read_bulk(std::string_view in, ParseResult& result);
  ParseResult split_inline(std::string_view line, std::size_t consumed);
  ParseResult split_quoted(std::string_view line, std::size_t consumed);
  bool unquote_word(std::string_view line, std::size_t& i);
  ParseResult finish(std::string_view base, std::size_t consumed);
  ParseResult fail(std::string_view message);

  RespLimits limits_;
  // -- progress through the command being parsed (offsets, since the buffer may move) --
  Mode mode_ = Mode::idle;
  std::size_t pos_ = 0;             // next byte to look at
  std::size_t elements_left_ = 0;   // multibulk: arguments still to read
  std::int64_t bulk_length_ = -1;   // multibulk: length of the argument whose header was read
  std::vector<Slice> slices_;
  // -- result of the last ok parse --
  std::vector<std::string_view> argv_;
  std::string scratch_;             // unescaped arguments of a quoted inline command
  std::string error_;               // message of the last error
};

// Parses a decimal signed 64-bit integer exactly as Redis's string2ll does:
// optional '-', no '+', no spaces, no leading zeros, no overflow.
bool parse_int64(std::string_view s, std::int64_t& out);

}  // namespace mnemo::protocol::resp
