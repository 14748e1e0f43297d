// Drives a RespCodec without sockets for its tests: builds RESP commands,
// runs next() on them, and encodes hand-made Responses.
#pragma once

#include <catch2/catch.hpp>

#include <initializer_list>
#include <string>
#include <string_view>

#include "protocol/message.h"
#include "server/clock.h"
#include "server/resp_codec.h"

namespace mnemo::server::resp_test {

using protocol::Opcode;
using protocol::Request;
using protocol::Response;
using protocol::Status;
namespace flags = protocol::flags;

class FixedClock final : public Clock {
 public:
  std::int64_t now_ms() const override { return now; }
  std::int64_t now = 1'700'000'000'000;
};

// "*N\r\n$len\r\narg\r\n..." for the given words.
// (Appended piece by piece: g++ 12 at -O2 warns, wrongly, about "literal" + std::string.)
inline std::string command(std::initializer_list<std::string_view> words) {
  std::string out = "*";
  out += std::to_string(words.size());
  out += "\r\n";
  for (std::string_view w : words) {
    out += '$';
    out += std::to_string(w.size());
    out += "\r\n";
    out.append(w);
    out += "\r\n";
  }
  return out;
}

inline Response response(Status status = Status::ok) {
  Response r;
  r.status = status;
  return r;
}

inline Response failure(Status status, std::string_view message) {
  Response r;
  r.fail(status, message);
  return r;
}

class CodecDriver {
 public:
  explicit CodecDriver(RespCodecOptions opts = {}, InfoProvider info = {})
      : codec(with_clock(std::move(opts)), std::move(info)) {}

  // Runs next() on a copy of `in` kept in `input`, so the request's views stay
  // valid until the next call; the reply bytes (if any) land in `out`.
  Next next(std::string_view in) {
    input.assign(in);
    out.clear();
    return codec.next(input, req, out);
  }

  // Runs next() and requires it to return a request consuming all of `in`.
  const Request& request(std::string_view in) {
    const Next n = next(in);
    REQUIRE(n.kind == NextKind::request);
    REQUIRE(n.consumed == in.size());
    REQUIRE(out.empty());
    return req;
  }

  // Runs next() and requires the codec to answer by itself; returns the answer.
  std::string local(std::string_view in) {
    const Next n = next(in);
    REQUIRE(n.kind == NextKind::replied);
    REQUIRE(n.consumed == in.size());
    return out;
  }

  // Encodes `resp` as the answer to the last request; returns the reply bytes.
  std::string encode(const Response& resp) {
    out.clear();
    codec.encode(req, resp, out);
    return out;
  }

  // A whole round trip: `in` must become a request, answered with `resp`.
  std::string roundtrip(std::string_view in, const Response& resp) {
    request(in);
    return encode(resp);
  }

  FixedClock clock;
  RespCodec codec;
  std::string input;
  Request req;
  std::string out;

 private:
  RespCodecOptions with_clock(RespCodecOptions opts) {
    if (opts.clock == nullptr) opts.clock = &clock;
    return opts;
  }
};

}  // namespace mnemo::server::resp_test
