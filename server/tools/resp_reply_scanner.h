// Counts complete RESP replies in a byte stream without building them, for
// mnemo-bench-resp: the load generator only needs to know how many replies
// arrived and whether any was an error, so it skips bulk payloads and keeps
// a stack of element counts for aggregates. Bytes may arrive split anywhere
// (inside a header line, a payload or its CRLF); state carries over between
// feed() calls. Understands RESP2 and RESP3: simple strings, errors,
// integers, bulk strings (nil included), arrays (nil and nested included),
// and RESP3's null, boolean, double, big number, blob error, verbatim string,
// map, set, attribute (not counted as a value) and push (counted apart from
// replies, since a push answers no command). Streamed RESP3 aggregates are
// not sent to clients that did not ask for them and are not supported.
// Threads: not thread-safe; one scanner per connection.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mnemo::tools {

struct ScanCounts {
  std::uint64_t replies = 0;  // complete top-level replies
  std::uint64_t errors = 0;   // error values (simple or blob) at any depth
  std::uint64_t pushes = 0;   // complete top-level RESP3 pushes
};

class RespReplyScanner {
 public:
  // Scans `bytes`, the next part of the stream; returns what completed in it.
  // After a protocol violation failed() is true and nothing more is counted.
  ScanCounts feed(std::string_view bytes);

  bool failed() const { return failed_; }
  // The text of the first simple error seen (blob errors: "blob error").
  const std::string& first_error() const { return first_error_; }
  // True between replies: no partial value is pending.
  bool idle() const { return stack_.empty() && skip_ == 0 && line_.empty(); }

 private:
  enum class Kind : std::uint8_t { value, push, attribute };
  struct Open {
    std::int64_t remaining;  // elements still to come
    Kind kind;
  };

  void on_line(std::string_view line, ScanCounts& c);
  void on_aggregate(std::int64_t n, Kind kind, ScanCounts& c);
  void complete(Kind kind, ScanCounts& c);
  void note_error(std::string_view text, ScanCounts& c);

  std::vector<Open> stack_;   // open aggregates, innermost last
  std::uint64_t skip_ = 0;    // payload bytes (with their CRLF) still to skip
  std::string line_;          // a header line split across feed() calls
  std::string first_error_;
  bool failed_ = false;
};

}  // namespace mnemo::tools
