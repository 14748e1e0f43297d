// The bitmap family's table entries, as Redis 7 declares them.
#include "server/commands/bitmap.h"
#include "server/commands/command_table.h"

namespace mnemo::server {

using namespace commands;  // NOLINT: the handlers

void register_bitmap_commands(CommandTable& t) {
  constexpr std::uint32_t kAcl = cmd::kAclBitmap;
  t.add({.name = "setbit", .arity = 4, .flags = cmd::kWrite | cmd::kDenyOom, .acl = kAcl,
   .keys = {key(cmd::kKeyRW | cmd::kKeyAccess | cmd::kKeyUpdate, 1, 0, 1)},
   .doc = {"Sets or clears the bit at offset in the string value stored at key", "2.2.0", "bitmap", "O(1)"},
   .handler = cmd_setbit});
  t.add({.name = "bitfield", .arity = -2, .flags = cmd::kWrite | cmd::kDenyOom, .acl = kAcl,
   .keys = {key(cmd::kKeyRW | cmd::kKeyAccess | cmd::kKeyUpdate | cmd::kKeyVariableFlags, 1, 0, 1,
                "This command allows both access and modification of the key")},
   .doc = {"Perform arbitrary bitfield integer operations on strings", "3.2.0", "bitmap", "O(1) for each subcommand specified"},
   .handler = cmd_bitfield});
  t.add({.name = "bitfield_ro", .arity = -2, .flags = cmd::kReadOnly | cmd::kFast, .acl = kAcl,
   .keys = {key(cmd::kKeyRO | cmd::kKeyAccess, 1, 0, 1)},
   .doc = {"Perform arbitrary bitfield integer operations on strings. Read-only variant of BITFIELD", "6.0.0", "bitmap", "O(1) for each subcommand specified"},
   .handler = cmd_bitfield_ro});
  t.add({.name = "getbit", .arity = 3, .flags = cmd::kReadOnly | cmd::kFast, .acl = kAcl,
   .keys = {key(cmd::kKeyRO | cmd::kKeyAccess, 1, 0, 1)},
   .doc = {"Returns the bit value at offset in the string value stored at key", "2.2.0", "bitmap", "O(1)"},
   .handler = cmd_getbit});
  t.add({.name = "bitcount", .arity = -2, .flags = cmd::kReadOnly, .acl = kAcl,
   .keys = {key(cmd::kKeyRO | cmd::kKeyAccess, 1, 0, 1)},
   .doc = {"Count set bits in a string", "2.6.0", "bitmap", "O(N)"},
   .handler = cmd_bitcount});
  t.add({.name = "bitpos", .arity = -3, .flags = cmd::kReadOnly, .acl = kAcl,
   .keys = {key(cmd::kKeyRO | cmd::kKeyAccess, 1, 0, 1)},
   .doc = {"Find first bit set or clear in a string", "2.8.7", "bitmap", "O(N)"},
   .handler = cmd_bitpos});
  t.add({.name = "bitop", .arity = -4, .flags = cmd::kWrite | cmd::kDenyOom, .acl = kAcl,
   .keys = {key(cmd::kKeyOW | cmd::kKeyUpdate, 2, 0, 1), key(cmd::kKeyRO | cmd::kKeyAccess, 3, -1, 1)},
   .doc = {"Perform bitwise operations between strings", "2.6.0", "bitmap", "O(N)"},
   .handler = cmd_bitop});
}

}  // namespace mnemo::server
