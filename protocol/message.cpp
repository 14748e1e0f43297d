#include "protocol/message.h"

namespace mnemo::protocol {

bool is_known_opcode(std::uint8_t op) {
  return (op >= 0x01 && op <= 0x03) || (op >= 0x10 && op <= 0x1F) || (op >= 0x30 && op <= 0x34);
}

std::string_view opcode_name(Opcode op) {
  switch (op) {
    case Opcode::hello: return "HELLO";
    case Opcode::auth: return "AUTH";
    case Opcode::ping: return "PING";
    case Opcode::select: return "SELECT";
    case Opcode::txn: return "TXN";
    case Opcode::command: return "COMMAND";
    case Opcode::get: return "GET";
    case Opcode::set: return "SET";
    case Opcode::del: return "DEL";
    case Opcode::incrby: return "INCRBY";
    case Opcode::mget: return "MGET";
    case Opcode::mset: return "MSET";
    case Opcode::expire: return "EXPIRE";
    case Opcode::persist: return "PERSIST";
    case Opcode::ttl: return "TTL";
    case Opcode::exists: return "EXISTS";
    case Opcode::scan: return "SCAN";
    case Opcode::dbsize: return "DBSIZE";
    case Opcode::sync: return "SYNC";
    case Opcode::snapshot: return "SNAPSHOT";
    case Opcode::snapshots: return "SNAPSHOTS";
    case Opcode::stats: return "STATS";
    case Opcode::backup: return "BACKUP";
    case Opcode::shutdown: return "SHUTDOWN";
  }
  return "UNKNOWN";
}

void Request::clear() {
  op = Opcode::ping;
  flags = 0;
  id = 0;
  key = {};
  value = {};
  keys.clear();
  values.clear();
  ttl_ms = 0;
  if_version = 0;
  delta = 0;
  count = 0;
  version = 0;
  db = 0;
  conditions.clear();
  writes.clear();
}

void Response::clear() {
  op = Opcode::ping;
  status = Status::ok;
  id = 0;
  message.clear();
  value.clear();
  text.clear();
  version = 0;
  expire_at_ms = 0;
  integer = 0;
  changed = false;
  admin = false;
  values.clear();
  keys.clear();
  snapshots.clear();
  versions.clear();
}

void Response::fail(Status s, std::string_view msg) {
  status = s;
  message.assign(msg);
}

}  // namespace mnemo::protocol
