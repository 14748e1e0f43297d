// The string family's table entries: name, arity, flags, ACL categories, key
// specs and docs as Redis 7 declares them, bound to mnemo's handlers.
#include "server/commands/command_table.h"
#include "server/commands/keys_store.h"
#include "server/commands/string.h"

namespace mnemo::server {

using protocol::Opcode;
using namespace commands;  // NOLINT: the handlers

void register_string_commands(CommandTable& t) {
  t.add({.name = "get", .arity = 2, .flags = cmd::kReadOnly | cmd::kFast, .acl = cmd::kAclString,
   .keys = {key(cmd::kKeyRO | cmd::kKeyAccess, 1, 0, 1)},
   .doc = {"Get the value of a key", "1.0.0", "string", "O(1)"},
   .handler = cmd_get, .native = Opcode::get});
  t.add({.name = "set", .arity = -3, .flags = cmd::kWrite | cmd::kDenyOom, .acl = cmd::kAclString,
   .keys = {key(cmd::kKeyRW | cmd::kKeyAccess | cmd::kKeyUpdate | cmd::kKeyVariableFlags, 1, 0, 1, "RW and ACCESS due to the optional `GET` argument")},
   .doc = {"Set the string value of a key", "1.0.0", "string", "O(1)"},
   .handler = cmd_set, .native = Opcode::set});
  t.add({.name = "setnx", .arity = 3, .flags = cmd::kWrite | cmd::kDenyOom | cmd::kFast, .acl = cmd::kAclString,
   .keys = {key(cmd::kKeyOW | cmd::kKeyInsert, 1, 0, 1)},
   .doc = {"Set the value of a key, only if the key does not exist", "1.0.0", "string", "O(1)"},
   .handler = cmd_setnx});
  t.add({.name = "setex", .arity = 4, .flags = cmd::kWrite | cmd::kDenyOom, .acl = cmd::kAclString,
   .keys = {key(cmd::kKeyOW | cmd::kKeyUpdate, 1, 0, 1)},
   .doc = {"Set the value and expiration of a key", "2.0.0", "string", "O(1)"},
   .handler = cmd_setex});
  t.add({.name = "psetex", .arity = 4, .flags = cmd::kWrite | cmd::kDenyOom, .acl = cmd::kAclString,
   .keys = {key(cmd::kKeyOW | cmd::kKeyUpdate, 1, 0, 1)},
   .doc = {"Set the value and expiration in milliseconds of a key", "2.6.0", "string", "O(1)"},
   .handler = cmd_setex});
  t.add({.name = "getset", .arity = 3, .flags = cmd::kWrite | cmd::kDenyOom | cmd::kFast, .acl = cmd::kAclString,
   .keys = {key(cmd::kKeyRW | cmd::kKeyAccess | cmd::kKeyUpdate, 1, 0, 1)},
   .doc = {"Set the string value of a key and return its old value", "1.0.0", "string", "O(1)"},
   .handler = cmd_getset});
  t.add({.name = "getdel", .arity = 2, .flags = cmd::kWrite | cmd::kFast, .acl = cmd::kAclString,
   .keys = {key(cmd::kKeyRW | cmd::kKeyAccess | cmd::kKeyDelete, 1, 0, 1)},
   .doc = {"Get the value of a key and delete the key", "6.2.0", "string", "O(1)"},
   .handler = cmd_getdel});
  t.add({.name = "getex", .arity = -2, .flags = cmd::kWrite | cmd::kFast, .acl = cmd::kAclString,
   .keys = {key(cmd::kKeyRW | cmd::kKeyAccess | cmd::kKeyUpdate, 1, 0, 1, "RW and UPDATE because it changes the TTL")},
   .doc = {"Get the value of a key and optionally set its expiration", "6.2.0", "string", "O(1)"},
   .handler = cmd_getex});
  t.add({.name = "incr", .arity = 2, .flags = cmd::kWrite | cmd::kDenyOom | cmd::kFast, .acl = cmd::kAclString,
   .keys = {key(cmd::kKeyRW | cmd::kKeyAccess | cmd::kKeyUpdate, 1, 0, 1)},
   .doc = {"Increment the integer value of a key by one", "1.0.0", "string", "O(1)"},
   .handler = cmd_incr});
  t.add({.name = "decr", .arity = 2, .flags = cmd::kWrite | cmd::kDenyOom | cmd::kFast, .acl = cmd::kAclString,
   .keys = {key(cmd::kKeyRW | cmd::kKeyAccess | cmd::kKeyUpdate, 1, 0, 1)},
   .doc = {"Decrement the integer value of a key by one", "1.0.0", "string", "O(1)"},
   .handler = cmd_incr});
  t.add({.name = "incrby", .arity = 3, .flags = cmd::kWrite | cmd::kDenyOom | cmd::kFast, .acl = cmd::kAclString,
   .keys = {key(cmd::kKeyRW | cmd::kKeyAccess | cmd::kKeyUpdate, 1, 0, 1)},
   .doc = {"Increment the integer value of a key by the given amount", "1.0.0", "string", "O(1)"},
   .handler = cmd_incrby, .native = Opcode::incrby});
  t.add({.name = "decrby", .arity = 3, .flags = cmd::kWrite | cmd::kDenyOom | cmd::kFast, .acl = cmd::kAclString,
   .keys = {key(cmd::kKeyRW | cmd::kKeyAccess | cmd::kKeyUpdate, 1, 0, 1)},
   .doc = {"Decrement the integer value of a key by the given number", "1.0.0", "string", "O(1)"},
   .handler = cmd_incrby});
  t.add({.name = "incrbyfloat", .arity = 3, .flags = cmd::kWrite | cmd::kDenyOom | cmd::kFast, .acl = cmd::kAclString,
   .keys = {key(cmd::kKeyRW | cmd::kKeyAccess | cmd::kKeyUpdate, 1, 0, 1)},
   .doc = {"Increment the float value of a key by the given amount", "2.6.0", "string", "O(1)"},
   .handler = cmd_incrbyfloat});
  t.add({.name = "mget", .arity = -2, .flags = cmd::kReadOnly | cmd::kFast, .acl = cmd::kAclString,
   .keys = {key(cmd::kKeyRO | cmd::kKeyAccess, 1, -1, 1)},
   .tips = {"request_policy:multi_shard"},
   .doc = {"Get the values of all the given keys", "1.0.0", "string", "O(N) where N is the number of keys to retrieve."},
   .handler = cmd_mget, .native = Opcode::mget});
  t.add({.name = "mset", .arity = -3, .flags = cmd::kWrite | cmd::kDenyOom, .acl = cmd::kAclString,
   .keys = {key(cmd::kKeyOW | cmd::kKeyUpdate, 1, -1, 2)},
   .tips = {"request_policy:multi_shard", "response_policy:all_succeeded"},
   .doc = {"Set multiple keys to multiple values", "1.0.1", "string", "O(N) where N is the number of keys to set."},
   .handler = cmd_mset, .native = Opcode::mset});
  t.add({.name = "append", .arity = 3, .flags = cmd::kWrite | cmd::kDenyOom | cmd::kFast, .acl = cmd::kAclString,
   .keys = {key(cmd::kKeyRW | cmd::kKeyInsert, 1, 0, 1)},
   .doc = {"Append a value to a key", "2.0.0", "string", "O(1). The amortized time complexity is O(1) assuming the appended value is small and the already present value is of any size, since the dynamic string library used by Redis will double the free space available on every reallocation."},
   .handler = cmd_append});
  t.add({.name = "strlen", .arity = 2, .flags = cmd::kReadOnly | cmd::kFast, .acl = cmd::kAclString,
   .keys = {key(cmd::kKeyRO, 1, 0, 1)},
   .doc = {"Get the length of the value stored in a key", "2.2.0", "string", "O(1)"},
   .handler = cmd_strlen});
  t.add({.name = "getrange", .arity = 4, .flags = cmd::kReadOnly, .acl = cmd::kAclString,
   .keys = {key(cmd::kKeyRO | cmd::kKeyAccess, 1, 0, 1)},
   .doc = {"Get a substring of the string stored at a key", "2.4.0", "string", "O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings."},
   .handler = cmd_getrange});
  t.add({.name = "setrange", .arity = 4, .flags = cmd::kWrite | cmd::kDenyOom, .acl = cmd::kAclString,
   .keys = {key(cmd::kKeyRW | cmd::kKeyUpdate, 1, 0, 1)},
   .doc = {"Overwrite part of a string at key starting at the specified offset", "2.2.0", "string", "O(1), not counting the time taken to copy the new string in place. Usually, this string is very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M being the length of the value argument."},
   .handler = cmd_setrange});
  t.add({.name = "msetnx", .arity = -3, .flags = cmd::kWrite | cmd::kDenyOom, .acl = cmd::kAclString,
   .keys = {key(cmd::kKeyOW | cmd::kKeyInsert, 1, -1, 2)},
   .tips = {"request_policy:multi_shard", "response_policy:agg_min"},
   .doc = {"Set multiple keys to multiple values, only if none of the keys exist", "1.0.1", "string", "O(N) where N is the number of keys to set."},
   .handler = cmd_msetnx});
  t.add({.name = "lcs", .arity = -3, .flags = cmd::kReadOnly, .acl = cmd::kAclString,
   .keys = {key(cmd::kKeyRO | cmd::kKeyAccess, 1, 1, 1)},
   .doc = {"Find longest common substring", "7.0.0", "string", "O(N*M) where N and M are the lengths of s1 and s2, respectively"},
   .handler = cmd_lcs});
  t.add({.name = "substr", .arity = 4, .flags = cmd::kReadOnly, .acl = cmd::kAclString,
   .keys = {key(cmd::kKeyRO | cmd::kKeyAccess, 1, 0, 1)},
   .doc = {"Get a substring of the string stored at a key", "1.0.0", "string", "O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings."},
   .handler = cmd_getrange});
}

}  // namespace mnemo::server
