// Encoder and decoder of the native binary protocol (docs/PROTOCOL.md).
// Pure functions over bytes: no sockets, no allocation driven by an unchecked
// length, never reads past the given buffer. Thread-safe (no shared state).
//
// Frame:    u32 body_length (LE) | body            (body_length <= limits.max_frame_bytes)
// Request:  u8 op | u8 flags | u16 reserved=0 | u64 id | payload
// Response: u8 status | u8 op | u16 reserved=0 | u64 id | payload
// All integers little-endian; "bytes" is u32 length + that many bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/message.h"

namespace mnemo::protocol::native {

inline constexpr std::size_t kLengthPrefixBytes = 4;
inline constexpr std::size_t kHeaderBytes = 12;  // after the length prefix

struct Limits {
  std::uint32_t max_frame_bytes = 32u << 20;  // body, excluding the 4-byte prefix
  std::uint32_t max_keys = 1u << 20;          // MGET/MSET/EXISTS element count
};

enum class DecodeState : std::uint8_t {
  need_more,  // the buffer holds no complete frame yet; feed more bytes
  ok,         // one message decoded; `consumed` bytes may be dropped
  bad_frame,  // a complete frame whose payload is malformed: `consumed` covers the frame,
              // `id`/`op` are set when the header was readable; answer with an error and go on
  fatal,      // the framing itself is broken (length over the limit, body shorter than a
              // header): close the connection after answering
};

struct DecodeResult {
  DecodeState state = DecodeState::need_more;
  std::size_t consumed = 0;
  std::uint64_t id = 0;               // for bad_frame: the request id, if readable
  std::uint8_t op = 0;                // for bad_frame: the raw op byte, if readable
  Status status = Status::ok;         // for bad_frame/fatal: BAD_REQUEST, TOO_LARGE, UNKNOWN_COMMAND
  std::string_view message;           // for bad_frame/fatal: static text naming the problem
};

// Decodes the first request in `buf`. On ok, `out` holds views into `buf`.
DecodeResult decode_request(std::string_view buf, Request& out, const Limits& limits = {});

// A cheap look at the first frame of `buf`, for a server that prefetches
// the keys of pipelined requests: its size when it is complete and within
// `limits`, and the key of a single-key data request (GET, SET, DEL, INCRBY,
// TTL, EXPIRE, PERSIST). Validates nothing else: decode_request decides.
struct PeekResult {
  std::size_t size = 0;  // 0 = no complete frame
  std::string_view key;
};
PeekResult peek_request(std::string_view buf, const Limits& limits = {});

// Appends one encoded request frame to `out`.
void encode_request(const Request& req, std::string& out);

// Appends one encoded response frame to `out`. A non-ok status encodes only the message.
void encode_response(const Response& resp, std::string& out);

// Decodes the first response in `buf` (used by clients, the CLI and tests).
DecodeResult decode_response(std::string_view buf, Response& out, const Limits& limits = {});

}  // namespace mnemo::protocol::native
