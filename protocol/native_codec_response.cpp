// Native protocol: response encoding and decoding (framing is in native_codec.cpp).
#include "protocol/byte_io.h"
#include "protocol/native_codec.h"
#include "protocol/native_frame.h"

namespace mnemo::protocol::native {
namespace {

using byte_io::put;
using byte_io::put_bytes;
using byte_io::Reader;

// Every snapshot-info is 7 fixed fields: u64 id, u64 start_seq, u8 state,
// u64 entries, u64 bytes, u64 duration_ms, i64 started_at_ms.
constexpr std::size_t kSnapshotInfoBytes = 8 + 8 + 1 + 8 + 8 + 8 + 8;

void write_snapshot(std::string& out, const SnapshotInfo& s) {
  put(out, s.id);
  put(out, s.start_seq);
  put(out, s.state);
  put(out, s.entries);
  put(out, s.bytes);
  put(out, s.duration_ms);
  put(out, s.started_at_ms);
}

bool read_snapshot(Reader& in, SnapshotInfo& s) {
  return in.get(s.id) && in.get(s.start_seq) && in.get(s.state) && in.get(s.entries) &&
         in.get(s.bytes) && in.get(s.duration_ms) && in.get(s.started_at_ms);
}

void write_mget(std::string& out, const std::vector<MaybeValue>& values) {
  put(out, static_cast<std::uint32_t>(values.size()));
  for (const auto& v : values) {
    put(out, static_cast<std::uint8_t>(v.found ? 1 : 0));
    if (!v.found) continue;
    put_bytes(out, v.value);
    put(out, v.version);
  }
}

void write_ok_payload(const Response& resp, std::string& out) {
  switch (resp.op) {
    case Opcode::hello:
      put(out, static_cast<std::uint16_t>(resp.version));
      put_bytes(out, resp.text);
      return;
    case Opcode::auth: put(out, static_cast<std::uint8_t>(resp.admin ? 1 : 0)); return;
    case Opcode::ping: case Opcode::stats: put_bytes(out, resp.text); return;
    case Opcode::get:
      put_bytes(out, resp.value);
      byte_io::Fixed<16>().put(resp.version).put(resp.expire_at_ms).append_to(out);
      return;
    case Opcode::set: case Opcode::del: case Opcode::expire: case Opcode::mset: case Opcode::sync:
      put(out, resp.version);
      return;
    case Opcode::persist:
      put(out, resp.version);
      put(out, static_cast<std::uint8_t>(resp.changed ? 1 : 0));
      return;
    case Opcode::incrby:
      byte_io::Fixed<16>().put(resp.integer).put(resp.version).append_to(out);
      return;
    case Opcode::mget: write_mget(out, resp.values); return;
    case Opcode::ttl: case Opcode::exists: case Opcode::dbsize: put(out, resp.integer); return;
    case Opcode::scan:
      put_bytes(out, resp.text);
      put(out, static_cast<std::uint32_t>(resp.keys.size()));
      for (const auto& k : resp.keys) put_bytes(out, k);
      return;
    case Opcode::snapshot:
      write_snapshot(out, resp.snapshots.empty() ? SnapshotInfo{} : resp.snapshots.front());
      return;
    case Opcode::snapshots:
      put(out, static_cast<std::uint32_t>(resp.snapshots.size()));
      for (const auto& s : resp.snapshots) write_snapshot(out, s);
      return;
    case Opcode::backup: case Opcode::shutdown: case Opcode::select: return;
    case Opcode::command:  // the value is self-delimiting (native_value.h)
      put(out, resp.version);
      out += resp.value;
      return;
    case Opcode::txn:
      put(out, static_cast<std::uint8_t>(resp.changed ? 1 : 0));
      put(out, resp.version);
      put(out, static_cast<std::uint32_t>(resp.versions.size()));
      for (std::uint64_t v : resp.versions) put(out, v);
      return;
  }
}

// Reads a "bytes" field into an owned string.
bool read_string(Reader& in, std::string& out) {
  std::string_view v;
  if (!in.bytes(v)) return false;
  out.assign(v);
  return true;
}

// The rest of the payload, whatever it holds.
bool read_rest(Reader& in, std::string& out) {
  std::string_view rest;
  if (!in.raw(in.left(), rest)) return false;
  out.assign(rest);
  return true;
}

bool read_flag(Reader& in, bool& out) {
  std::uint8_t b = 0;
  if (!in.get(b)) return false;
  out = b != 0;
  return true;
}

// Returns false when the count is over the limit or cannot fit in what is left.
bool count_fits(std::uint32_t n, std::size_t min_bytes_each, const Reader& in, const Limits& limits) {
  return n <= limits.max_keys && static_cast<std::uint64_t>(n) * min_bytes_each <= in.left();
}

bool read_mget(Reader& in, Response& resp, const Limits& limits) {
  std::uint32_t n = 0;
  if (!in.get(n) || !count_fits(n, 1, in, limits)) return false;
  resp.values.resize(n);
  for (auto& v : resp.values) {
    if (!read_flag(in, v.found)) return false;
    if (v.found && !(read_string(in, v.value) && in.get(v.version))) return false;
  }
  return true;
}

bool read_scan(Reader& in, Response& resp, const Limits& limits) {
  std::uint32_t n = 0;
  if (!read_string(in, resp.text) || !in.get(n) || !count_fits(n, 4, in, limits)) return false;
  resp.keys.resize(n);
  for (auto& k : resp.keys) {
    if (!read_string(in, k)) return false;
  }
  return true;
}

bool read_txn(Reader& in, Response& resp, const Limits& limits) {
  std::uint32_t n = 0;
  if (!read_flag(in, resp.changed) || !in.get(resp.version) || !in.get(n) || !count_fits(n, 8, in, limits)) {
    return false;
  }
  resp.versions.resize(n);
  for (std::uint64_t& v : resp.versions) {
    if (!in.get(v)) return false;
  }
  return true;
}

bool read_snapshots(Reader& in, Response& resp, const Limits& limits) {
  std::uint32_t n = 0;
  if (!in.get(n) || !count_fits(n, kSnapshotInfoBytes, in, limits)) return false;
  resp.snapshots.resize(n);
  for (auto& s : resp.snapshots) {
    if (!read_snapshot(in, s)) return false;
  }
  return true;
}

bool read_ok_payload(Reader& in, Response& resp, const Limits& limits) {
  switch (resp.op) {
    case Opcode::hello: {
      std::uint16_t v = 0;
      if (!in.get(v)) return false;
      resp.version = v;
      return read_string(in, resp.text);
    }
    case Opcode::auth: return read_flag(in, resp.admin);
    case Opcode::ping: case Opcode::stats: return read_string(in, resp.text);
    case Opcode::get:
      return read_string(in, resp.value) && in.get(resp.version) && in.get(resp.expire_at_ms);
    case Opcode::set: case Opcode::del: case Opcode::expire: case Opcode::mset: case Opcode::sync:
      return in.get(resp.version);
    case Opcode::persist: return in.get(resp.version) && read_flag(in, resp.changed);
    case Opcode::incrby: return in.get(resp.integer) && in.get(resp.version);
    case Opcode::mget: return read_mget(in, resp, limits);
    case Opcode::ttl: case Opcode::exists: case Opcode::dbsize: return in.get(resp.integer);
    case Opcode::scan: return read_scan(in, resp, limits);
    case Opcode::snapshot:
      resp.snapshots.resize(1);
      return read_snapshot(in, resp.snapshots.front());
    case Opcode::snapshots: return read_snapshots(in, resp, limits);
    case Opcode::backup: case Opcode::shutdown: case Opcode::select: return true;
    case Opcode::txn: return read_txn(in, resp, limits);
    case Opcode::command: return in.get(resp.version) && read_rest(in, resp.value);
  }
  return false;
}

constexpr const char* kUnknownResponseOpcode = "unknown opcode";

// Decodes one complete frame body into `out`; returns a static message naming
// the problem, or nullptr. r.id and r.op are set once the header is read.
const char* decode_body(std::string_view body, Response& out, const Limits& limits, DecodeResult& r) {
  Reader in(body);
  std::uint8_t status = 0, op = 0;
  std::uint16_t reserved = 0;  // 0 today; ignored so that a later version may use it
  in.get(status);
  in.get(op);
  in.get(reserved);
  in.get(r.id);
  r.op = op;

  out.clear();
  out.status = static_cast<Status>(status);
  out.op = static_cast<Opcode>(op);
  out.id = r.id;
  if (out.status != Status::ok) {
    // An error may answer an opcode this client does not know (UNKNOWN_COMMAND).
    if (!read_string(in, out.message)) return "truncated error message";
  } else {
    if (!is_known_opcode(op)) return kUnknownResponseOpcode;
    if (!read_ok_payload(in, out, limits)) return "payload shorter than its fields or count over the limit";
  }
  return in.at_end() ? nullptr : "trailing bytes after the payload";
}

}  // namespace

void encode_response(const Response& resp, std::string& out) {
  const std::size_t start = byte_io::begin_frame(out, static_cast<std::uint8_t>(resp.status),
                                                 static_cast<std::uint8_t>(resp.op), resp.id);
  if (resp.status == Status::ok) {
    write_ok_payload(resp, out);
  } else {
    put_bytes(out, resp.message);
  }
  byte_io::finish_frame(out, start);
}

DecodeResult decode_response(std::string_view buf, Response& out, const Limits& limits) {
  DecodeResult r;
  std::string_view body;
  if (!detail::split_frame(buf, limits, r, body)) return r;
  if (const char* problem = decode_body(body, out, limits, r)) {
    detail::reject(r, problem == kUnknownResponseOpcode ? Status::unknown_command : Status::bad_request, problem);
  } else {
    r.state = DecodeState::ok;
  }
  return r;
}

}  // namespace mnemo::protocol::native
