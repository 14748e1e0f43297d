// SORT and SORT_RO's table entries (Redis 7.0's declarations), bound to sort.cpp.
#include "server/commands/command_table.h"
#include "server/commands/families.h"

namespace mnemo::server {

using namespace commands;  // NOLINT: the handlers

namespace {

constexpr std::string_view kByGetNotes =
    "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the "
    "key we sort";
constexpr std::string_view kStoreNotes =
    "For the optional STORE keyword. It is marked 'unknown' because the keyword can appear anywhere in the argument "
    "array";
constexpr std::string_view kComplexity =
    "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned "
    "elements. When the elements are not sorted, complexity is O(N).";
constexpr std::uint32_t kAcl = cmd::kAclSet | cmd::kAclSortedSet | cmd::kAclList | cmd::kAclDangerous;
constexpr std::uint32_t kROA = cmd::kKeyRO | cmd::kKeyAccess;

}  // namespace

void register_sort_commands(CommandTable& t) {
  t.add({.name = "sort", .arity = -2, .flags = cmd::kWrite | cmd::kDenyOom | cmd::kMovableKeys, .acl = kAcl,
         .keys = {key(kROA, 1, 0, 1), unknown_keys(kROA, kByGetNotes),
                  unknown_keys(cmd::kKeyOW | cmd::kKeyUpdate, kStoreNotes)},
         .doc = {"Sort the elements in a list, set or sorted set", "1.0.0", "generic", kComplexity},
         .handler = cmd_sort});
  t.add({.name = "sort_ro", .arity = -2, .flags = cmd::kReadOnly | cmd::kMovableKeys, .acl = kAcl,
         .keys = {key(kROA, 1, 0, 1), unknown_keys(kROA, kByGetNotes)},
         .doc = {"Sort the elements in a list, set or sorted set. Read-only variant of SORT.", "7.0.0", "generic",
                 kComplexity},
         .handler = cmd_sort_ro});
}

}  // namespace mnemo::server
