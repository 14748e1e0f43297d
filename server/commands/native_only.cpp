// Native opcodes with no Redis command: their flags live in the table too, so
// the Executor asks one place whether an opcode writes or needs admin rights.
// kNativeOnly keeps them out of RESP lookups and COMMAND.
#include "server/commands/command_table.h"

namespace mnemo::server {

using protocol::Opcode;

void register_native_only(CommandTable& t) {
  constexpr std::uint32_t kHidden = cmd::kNativeOnly;
  t.add({.name = "sync", .flags = kHidden, .native = Opcode::sync});
  t.add({.name = "txn", .flags = kHidden | cmd::kWrite, .native = Opcode::txn});
  t.add({.name = "snapshots", .flags = kHidden | cmd::kAdmin, .native = Opcode::snapshots});
  t.add({.name = "stats", .flags = kHidden | cmd::kAdmin, .native = Opcode::stats});
  t.add({.name = "backup", .flags = kHidden | cmd::kAdmin, .native = Opcode::backup});
}

}  // namespace mnemo::server
