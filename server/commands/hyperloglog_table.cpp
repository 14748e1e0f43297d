// The HyperLogLog family's table entries, as Redis 7 declares them.
#include "server/commands/command_table.h"
#include "server/commands/families_hll_geo.h"

namespace mnemo::server {

using namespace commands;  // NOLINT: the handlers

void register_hyperloglog_commands(CommandTable& t) {
  constexpr std::uint32_t kAcl = cmd::kAclHyperLogLog;
  t.add({.name = "pfadd", .arity = -2, .flags = cmd::kWrite | cmd::kDenyOom | cmd::kFast, .acl = kAcl,
   .keys = {key(cmd::kKeyRW | cmd::kKeyInsert, 1, 0, 1)},
   .doc = {"Adds the specified elements to the specified HyperLogLog.", "2.8.9", "hyperloglog", "O(1) to add every element."},
   .handler = cmd_pfadd});
  t.add({.name = "pfcount", .arity = -2, .flags = cmd::kReadOnly, .acl = kAcl,
   .keys = {key(cmd::kKeyRW | cmd::kKeyAccess, 1, -1, 1,
                "RW because it may change the internal representation of the key, and propagate to replicas")},
   .doc = {"Return the approximated cardinality of the set(s) observed by the HyperLogLog at key(s).", "2.8.9",
           "hyperloglog",
           "O(1) with a very small average constant time when called with a single key. O(N) with N being the number "
           "of keys, and much bigger constant times, when called with multiple keys."},
   .handler = cmd_pfcount});
  t.add({.name = "pfmerge", .arity = -2, .flags = cmd::kWrite | cmd::kDenyOom, .acl = kAcl,
   .keys = {key(cmd::kKeyRW | cmd::kKeyAccess | cmd::kKeyInsert, 1, 0, 1), key(cmd::kKeyRO | cmd::kKeyAccess, 2, -1, 1)},
   .doc = {"Merge N different HyperLogLogs into a single one.", "2.8.9", "hyperloglog",
           "O(N) to merge N HyperLogLogs, but with high constant times."},
   .handler = cmd_pfmerge});
}

}  // namespace mnemo::server
