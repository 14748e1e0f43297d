// Typed replies, independent of the wire: a command handler says "an integer",
// "a bulk string", "an array of n", and a protocol-specific builder turns that
// into bytes: RESP2 (resp_reply_builder.h) or RESP3 (resp3_reply_builder.h),
// whichever the connection chose with HELLO. Handlers say what a reply means
// (a map, a set, a double, pairs, a push), never how a version spells it, so
// one handler serves both versions; the methods with a body give RESP2's
// spelling, which a RESP3 builder overrides.
//
// Threads: a builder belongs to one connection; not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mnemo::protocol {

class ReplyBuilder {
 public:
  virtual ~ReplyBuilder() = default;

  virtual void ok() = 0;                               // the simple string OK
  virtual void simple(std::string_view text) = 0;      // a status line (no CR/LF inside)
  // An error; `message` starts with its code: "ERR syntax error", "WRONGTYPE ...".
  virtual void error(std::string_view message) = 0;
  virtual void integer(std::int64_t value) = 0;
  virtual void bulk(std::string_view bytes) = 0;       // binary-safe string
  virtual void bulk_integer(std::uint64_t value) = 0;  // a number sent as a string (SCAN's cursor)
  virtual void null() = 0;                             // "no value" (GET of a missing key)
  virtual void null_array() = 0;                       // "no array" (a nil multi-bulk)
  virtual void array(std::size_t count) = 0;           // header; `count` replies follow
  virtual void set(std::size_t count) = 0;             // header of an unordered collection
  virtual void map(std::size_t pairs) = 0;             // header; 2 * `pairs` replies follow
  virtual void dbl(double value) = 0;                  // a floating-point number
  // A number the command formatted itself (Redis's addReplyHumanLongDouble,
  // GEOPOS's coordinates): RESP2 sends the text as a bulk string, RESP3 as a double.
  virtual void dbl_text(std::string_view text) { bulk(text); }
  // Verbatim text (INFO, CLIENT INFO): RESP3 tags it "txt", RESP2 sends a bulk string.
  virtual void verbatim(std::string_view text) = 0;
  // `count` pairs (ZRANGE WITHSCORES, HRANDFIELD WITHVALUES): RESP2 a flat
  // array of 2 * `count`; RESP3 an array of two-element arrays. Each pair's
  // two replies are preceded by pair().
  virtual void pairs(std::size_t count) { array(2 * count); }
  virtual void pair() {}
  // A frame the server sends on its own (pub/sub): RESP3 '>', RESP2 an array.
  virtual void push(std::size_t count) { array(count); }
  // RESP3 '#t' / '#f'; RESP2 :1 / :0.
  virtual void boolean(bool value) { integer(value ? 1 : 0); }
  // A script's {big_number = text}: RESP3 '(' text; RESP2 a bulk string.
  virtual void big_number(std::string_view text) { bulk(text); }
  // A script's {verbatim_string = {format = f, string = s}}: RESP3 tags the
  // text with `format` (3 letters); RESP2 sends a bulk string.
  virtual void verbatim_as(std::string_view format, std::string_view text) {
    (void)format;
    verbatim(text);
  }
  virtual int protocol_version() const { return 2; }
};

}  // namespace mnemo::protocol
