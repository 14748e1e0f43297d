// Native protocol: framing, request decoding and request encoding.
// Responses live in native_codec_response.cpp.
#include "protocol/native_codec.h"

#include "protocol/byte_io.h"
#include "protocol/native_frame.h"

namespace mnemo::protocol::native {
namespace {

using byte_io::Reader;

// Payload errors: a status and a static message. Functions return a pointer to
// one of the constants below, or nullptr when the payload is fine; a pointer
// keeps the hot path free of struct copies.
struct PayloadError {
  Status status;
  std::string_view message;
};
using Failure = const PayloadError*;
constexpr Failure kFine = nullptr;

constexpr PayloadError kTruncated{Status::bad_request, "payload shorter than its fields"};
constexpr PayloadError kTooManyKeys{Status::too_large, "element count over the limit"};
constexpr PayloadError kNoKeys{Status::bad_request, "element count must be at least 1"};
constexpr PayloadError kBadMagic{Status::bad_request, "HELLO magic is not MNMO"};
constexpr PayloadError kConflict{Status::bad_request, "conflicting flags"};
constexpr PayloadError kKeepTtlWithTtl{Status::bad_request, "KEEPTTL with a ttl_ms"};
constexpr PayloadError kZeroTtl{Status::bad_request, "EXPIRE needs ttl_ms > 0"};
constexpr PayloadError kUnknownOpcode{Status::unknown_command, "unknown opcode"};
constexpr PayloadError kUnknownFlags{Status::bad_request, "unknown flag bits"};
constexpr PayloadError kReservedNotZero{Status::bad_request, "reserved header field is not 0"};
constexpr PayloadError kTrailing{Status::bad_request, "trailing bytes after the payload"};
constexpr PayloadError kBadCheck{Status::bad_request, "TXN condition kind is not 1, 2 or 3"};
constexpr PayloadError kBadWrite{Status::bad_request, "TXN write kind is not 1 (SET) or 2 (DEL)"};
constexpr PayloadError kDelWithData{Status::bad_request, "TXN DEL with a value or a ttl_ms"};
constexpr PayloadError kCheckVersion{Status::bad_request,
                                     "TXN condition: version must be > 0 for kind 1 and 0 for kinds 2 and 3"};
constexpr PayloadError kTxnFlags{Status::bad_request, "TXN takes the DURABLE flag only"};
constexpr PayloadError kCommandFlags{Status::bad_request, "COMMAND takes the DURABLE flag only"};

// Checks an element count before anything is reserved for it: at most
// limits.max_keys, at least 1, and no more elements than the frame could hold
// when each one takes at least `min_bytes_each`.
Failure check_count(std::uint32_t n, std::size_t min_bytes_each, const Reader& in,
                         const Limits& limits) {
  if (n > limits.max_keys) return &kTooManyKeys;
  if (n == 0) return &kNoKeys;
  if (static_cast<std::uint64_t>(n) * min_bytes_each > in.left()) return &kTruncated;
  return kFine;
}

Failure read_key_list(Reader& in, Request& req, const Limits& limits) {
  std::uint32_t n = 0;
  if (!in.get(n)) return &kTruncated;
  if (Failure e = check_count(n, 4, in, limits)) return e;
  req.keys.reserve(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    std::string_view k;
    if (!in.bytes(k)) return &kTruncated;
    req.keys.push_back(k);
  }
  return kFine;
}

Failure read_mset(Reader& in, Request& req, const Limits& limits) {
  std::uint32_t n = 0;
  if (!in.get(req.ttl_ms) || !in.get(n)) return &kTruncated;
  if (Failure e = check_count(n, 8, in, limits)) return e;
  req.keys.reserve(n);
  req.values.reserve(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    std::string_view k, v;
    if (!in.bytes(k) || !in.bytes(v)) return &kTruncated;
    req.keys.push_back(k);
    req.values.push_back(v);
  }
  return kFine;
}

Failure read_hello(Reader& in, Request& req) {
  std::uint32_t magic = 0;
  if (!in.get(magic) || !in.get(req.version) || !in.bytes(req.key)) return &kTruncated;
  if (magic != kHelloMagic) return &kBadMagic;
  return kFine;
}

Failure read_set(Reader& in, Request& req) {
  if (!in.bytes(req.key) || !in.bytes(req.value) || !in.get(req.ttl_ms) || !in.get(req.if_version)) {
    return &kTruncated;
  }
  if (req.has(flags::kNx) && req.has(flags::kXx)) return &kConflict;
  if (req.has(flags::kKeepTtl) && req.ttl_ms != 0) return &kKeepTtlWithTtl;
  return kFine;
}

// TXN: u32 n, n x (u8 kind, bytes key, u64 version); u32 m, m x (u8 kind,
// bytes key, bytes value, u64 ttl_ms). Conditions may be absent, writes not;
// both lists together are bounded by limits.max_keys.
Failure read_txn_conditions(Reader& in, Request& req, const Limits& limits) {
  std::uint32_t n = 0;
  if (!in.get(n)) return &kTruncated;
  if (n > limits.max_keys) return &kTooManyKeys;
  if (static_cast<std::uint64_t>(n) * 13 > in.left()) return &kTruncated;
  req.conditions.resize(n);
  for (TxnCondition& c : req.conditions) {
    std::uint8_t kind = 0;
    if (!in.get(kind) || !in.bytes(c.key) || !in.get(c.version)) return &kTruncated;
    if (kind < 1 || kind > 3) return &kBadCheck;
    c.check = static_cast<TxnCheck>(kind);
    if ((c.check == TxnCheck::version_is) != (c.version != 0)) return &kCheckVersion;
  }
  return kFine;
}

Failure read_txn(Reader& in, Request& req, const Limits& limits) {
  if ((req.flags & ~flags::kDurable) != 0) return &kTxnFlags;
  if (Failure e = read_txn_conditions(in, req, limits)) return e;
  std::uint32_t m = 0;
  if (!in.get(m)) return &kTruncated;
  if (static_cast<std::uint64_t>(m) + req.conditions.size() > limits.max_keys) return &kTooManyKeys;
  if (Failure e = check_count(m, 17, in, limits)) return e;
  req.writes.resize(m);
  for (TxnWrite& w : req.writes) {
    std::uint8_t kind = 0;
    if (!in.get(kind) || !in.bytes(w.key) || !in.bytes(w.value) || !in.get(w.ttl_ms)) return &kTruncated;
    if (kind < 1 || kind > 2) return &kBadWrite;
    w.kind = static_cast<TxnWriteKind>(kind);
    if (w.kind == TxnWriteKind::del && (!w.value.empty() || w.ttl_ms != 0)) return &kDelWithData;
  }
  return kFine;
}

Failure read_payload(Reader& in, Request& req, const Limits& limits) {
  switch (req.op) {
    case Opcode::hello: return read_hello(in, req);
    case Opcode::auth:
    case Opcode::ping:
    case Opcode::get:
    case Opcode::ttl:
    case Opcode::persist:
    case Opcode::backup:
      return in.bytes(req.key) ? kFine : &kTruncated;
    case Opcode::set: return read_set(in, req);
    case Opcode::del:
      return in.bytes(req.key) && in.get(req.if_version) ? kFine : &kTruncated;
    case Opcode::incrby:
      return in.bytes(req.key) && in.get(req.delta) ? kFine : &kTruncated;
    case Opcode::mget:
    case Opcode::exists:
      return read_key_list(in, req, limits);
    case Opcode::mset: return read_mset(in, req, limits);
    case Opcode::expire:
      if (!in.bytes(req.key) || !in.get(req.ttl_ms)) return &kTruncated;
      return req.ttl_ms == 0 ? &kZeroTtl : kFine;
    case Opcode::scan:
      return in.bytes(req.key) && in.bytes(req.value) && in.get(req.count) ? kFine : &kTruncated;
    case Opcode::select: return in.get(req.db) ? kFine : &kTruncated;
    case Opcode::txn: return read_txn(in, req, limits);
    case Opcode::command:
      if ((req.flags & ~flags::kDurable) != 0) return &kCommandFlags;
      return read_key_list(in, req, limits);
    case Opcode::dbsize:
    case Opcode::sync:
    case Opcode::snapshot:
    case Opcode::snapshots:
    case Opcode::stats:
    case Opcode::shutdown:
      return kFine;
  }
  return &kTruncated;  // unreachable: the opcode was checked by the caller
}

void write_key_list(std::string& out, const std::vector<std::string_view>& keys) {
  byte_io::put(out, static_cast<std::uint32_t>(keys.size()));
  for (auto k : keys) byte_io::put_bytes(out, k);
}

void write_txn(const Request& req, std::string& out) {
  using byte_io::put;
  put(out, static_cast<std::uint32_t>(req.conditions.size()));
  for (const TxnCondition& c : req.conditions) {
    put(out, static_cast<std::uint8_t>(c.check));
    byte_io::put_bytes(out, c.key);
    put(out, c.version);
  }
  put(out, static_cast<std::uint32_t>(req.writes.size()));
  for (const TxnWrite& w : req.writes) {
    put(out, static_cast<std::uint8_t>(w.kind));
    byte_io::put_bytes(out, w.key);
    byte_io::put_bytes(out, w.value);
    put(out, w.ttl_ms);
  }
}

void write_payload(const Request& req, std::string& out) {
  using byte_io::put;
  using byte_io::put_bytes;
  switch (req.op) {
    case Opcode::hello:
      put(out, kHelloMagic);
      put(out, req.version);
      put_bytes(out, req.key);
      return;
    case Opcode::auth: case Opcode::ping: case Opcode::get: case Opcode::ttl:
    case Opcode::persist: case Opcode::backup:
      put_bytes(out, req.key);
      return;
    case Opcode::set:
      put_bytes(out, req.key);
      put_bytes(out, req.value);
      byte_io::Fixed<16>().put(req.ttl_ms).put(req.if_version).append_to(out);
      return;
    case Opcode::del:
      put_bytes(out, req.key);
      put(out, req.if_version);
      return;
    case Opcode::incrby:
      put_bytes(out, req.key);
      put(out, req.delta);
      return;
    case Opcode::mget: case Opcode::exists: case Opcode::command:
      write_key_list(out, req.keys);
      return;
    case Opcode::mset:
      put(out, req.ttl_ms);
      put(out, static_cast<std::uint32_t>(req.keys.size()));
      for (std::size_t i = 0; i < req.keys.size(); ++i) {
        put_bytes(out, req.keys[i]);
        put_bytes(out, i < req.values.size() ? req.values[i] : std::string_view());
      }
      return;
    case Opcode::expire:
      put_bytes(out, req.key);
      put(out, req.ttl_ms);
      return;
    case Opcode::scan:
      put_bytes(out, req.key);
      put_bytes(out, req.value);
      put(out, req.count);
      return;
    case Opcode::select: put(out, req.db); return;
    case Opcode::txn: write_txn(req, out); return;
    case Opcode::dbsize: case Opcode::sync: case Opcode::snapshot:
    case Opcode::snapshots: case Opcode::stats: case Opcode::shutdown:
      return;
  }
}

}  // namespace

namespace detail {

bool split_frame(std::string_view buf, const Limits& limits, DecodeResult& r,
                 std::string_view& body) {
  if (buf.size() < kLengthPrefixBytes) return false;
  const auto len = byte_io::load_le<std::uint32_t>(buf.data());
  if (len > limits.max_frame_bytes || len < kHeaderBytes) {
    r.state = DecodeState::fatal;
    r.consumed = buf.size();
    r.status = len < kHeaderBytes ? Status::bad_request : Status::too_large;
    r.message = len < kHeaderBytes ? "frame shorter than its header" : "frame over the size limit";
    return false;
  }
  if (buf.size() - kLengthPrefixBytes < len) return false;
  body = buf.substr(kLengthPrefixBytes, len);
  r.consumed = kLengthPrefixBytes + len;
  return true;
}

}  // namespace detail

namespace {

// Decodes the header and payload of one complete frame body into `out`;
// r.id and r.op are set as soon as the header is read.
Failure decode_body(std::string_view body, Request& out, const Limits& limits, DecodeResult& r) {
  Reader in(body);
  std::uint8_t op = 0, flag_bits = 0;
  std::uint16_t reserved = 0;
  in.get(op);
  in.get(flag_bits);
  in.get(reserved);
  in.get(r.id);
  r.op = op;
  if (!is_known_opcode(op)) return &kUnknownOpcode;
  if ((flag_bits & ~flags::kAll) != 0) return &kUnknownFlags;
  if (reserved != 0) return &kReservedNotZero;

  out.clear();
  out.op = static_cast<Opcode>(op);
  out.flags = flag_bits;
  out.id = r.id;
  if (out.has(flags::kDurable) && out.has(flags::kEphemeral)) return &kConflict;
  if (Failure e = read_payload(in, out, limits)) return e;
  return in.at_end() ? kFine : &kTrailing;
}

}  // namespace

DecodeResult decode_request(std::string_view buf, Request& out, const Limits& limits) {
  // Every path returns `r` itself so that it is built in place (NRVO).
  DecodeResult r;
  std::string_view body;
  if (!detail::split_frame(buf, limits, r, body)) {
    if (r.state == DecodeState::fatal && r.status == Status::too_large &&
        buf.size() >= kLengthPrefixBytes + kHeaderBytes) {
      r.op = static_cast<std::uint8_t>(buf[kLengthPrefixBytes]);
      r.id = byte_io::load_le<std::uint64_t>(buf.data() + kLengthPrefixBytes + 4);
    }
  } else if (Failure e = decode_body(body, out, limits, r)) {
    detail::reject(r, e->status, e->message);
  } else {
    r.state = DecodeState::ok;
  }
  return r;
}

PeekResult peek_request(std::string_view buf, const Limits& limits) {
  PeekResult p;
  if (buf.size() < kLengthPrefixBytes + kHeaderBytes) return p;
  const std::uint32_t body = byte_io::load_le<std::uint32_t>(buf.data());
  if (body < kHeaderBytes || body > limits.max_frame_bytes || buf.size() - kLengthPrefixBytes < body) return p;
  p.size = kLengthPrefixBytes + body;
  switch (static_cast<Opcode>(buf[kLengthPrefixBytes])) {
    case Opcode::get:
    case Opcode::set:
    case Opcode::del:
    case Opcode::incrby:
    case Opcode::ttl:
    case Opcode::expire:
    case Opcode::persist:
      break;
    default:
      return p;
  }
  const std::size_t at = kLengthPrefixBytes + kHeaderBytes;  // the payload's first field: bytes key
  if (body < kHeaderBytes + 4) return p;
  const std::uint32_t len = byte_io::load_le<std::uint32_t>(buf.data() + at);
  if (len <= body - kHeaderBytes - 4) p.key = buf.substr(at + 4, len);
  return p;
}

void encode_request(const Request& req, std::string& out) {
  const std::size_t start = byte_io::begin_frame(out, static_cast<std::uint8_t>(req.op), req.flags, req.id);
  write_payload(req, out);
  byte_io::finish_frame(out, start);
}

}  // namespace mnemo::protocol::native
