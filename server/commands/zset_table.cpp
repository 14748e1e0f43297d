// The sorted-set family's table entries (Redis 7.0's declarations), bound to
// zset.cpp, zset_read.cpp and zset_store.cpp. BZPOPMIN and BZPOPMAX are not here yet.
#include "server/commands/command_table.h"
#include "server/commands/families.h"

namespace mnemo::server {

using namespace commands;  // NOLINT: the handlers

namespace {

constexpr std::uint32_t kR = cmd::kReadOnly | cmd::kFast;
constexpr std::uint32_t kRO = cmd::kKeyRO;
constexpr std::uint32_t kROA = cmd::kKeyRO | cmd::kKeyAccess;
constexpr std::uint32_t kDel = cmd::kKeyRW | cmd::kKeyDelete;

CommandSpec zset_cmd(std::string_view name, int arity, std::uint32_t flags, std::vector<KeySpec> keys,
                     CommandHandler h, std::string_view summary, std::string_view since, std::string_view complexity) {
  return {.name = name, .arity = arity, .flags = flags, .acl = cmd::kAclSortedSet, .keys = std::move(keys),
          .doc = {summary, since, "sorted-set", complexity}, .handler = h};
}

KeySpec k1(std::uint32_t f) { return key(f, 1, 0, 1); }

}  // namespace

void register_zset_commands(CommandTable& t) {
  const std::string_view logn = "O(log(N)) where N is the number of elements in the sorted set.";
  const std::string_view range = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.";
  const std::string_view remove = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.";
  t.add(zset_cmd("zadd", -4, cmd::kWrite | cmd::kDenyOom | cmd::kFast, {k1(cmd::kKeyRW | cmd::kKeyUpdate)}, cmd_zadd, "Add one or more members to a sorted set, or update its score if it already exists", "1.2.0", "O(log(N)) for each item added, where N is the number of elements in the sorted set."));
  t.add(zset_cmd("zcard", 2, kR, {k1(kRO)}, cmd_zcard, "Get the number of members in a sorted set", "1.2.0", "O(1)"));
  t.add(zset_cmd("zcount", 4, kR, {k1(kRO)}, cmd_zcount, "Count the members in a sorted set with scores within the given values", "2.0.0", logn));
  t.add(zset_cmd("zincrby", 4, cmd::kWrite | cmd::kDenyOom | cmd::kFast, {k1(cmd::kKeyRW | cmd::kKeyUpdate)}, cmd_zincrby, "Increment the score of a member in a sorted set", "1.2.0", logn));
  t.add(zset_cmd("zinterstore", -4, cmd::kWrite | cmd::kDenyOom | cmd::kMovableKeys, {k1(cmd::kKeyOW | cmd::kKeyUpdate), keynum(kROA, 2)}, cmd_zstore, "Intersect multiple sorted sets and store the resulting sorted set in a new key", "2.0.0", "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set."));
  t.add(zset_cmd("zlexcount", 4, kR, {k1(kRO)}, cmd_zcount, "Count the number of members in a sorted set between a given lexicographical range", "2.8.9", logn));
  t.add(zset_cmd("zmscore", -3, kR, {k1(kROA)}, cmd_zmscore, "Get the score associated with the given members in a sorted set", "6.2.0", "O(N) where N is the number of members being requested."));
  t.add(zset_cmd("zpopmax", -2, cmd::kWrite | cmd::kFast, {k1(cmd::kKeyRW | cmd::kKeyAccess | cmd::kKeyDelete)}, cmd_zpop, "Remove and return members with the highest scores in a sorted set", "5.0.0", "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped."));
  t.add(zset_cmd("zpopmin", -2, cmd::kWrite | cmd::kFast, {k1(cmd::kKeyRW | cmd::kKeyAccess | cmd::kKeyDelete)}, cmd_zpop, "Remove and return members with the lowest scores in a sorted set", "5.0.0", "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped."));
  t.add(zset_cmd("zrandmember", -2, cmd::kReadOnly, {k1(kROA)}, cmd_zrandmember, "Get one or multiple random elements from a sorted set", "6.2.0", "O(N) where N is the number of elements returned"));
  t.add(zset_cmd("zrange", -4, cmd::kReadOnly, {k1(kROA)}, cmd_zrange, "Return a range of members in a sorted set", "1.2.0", range));
  t.add(zset_cmd("zrangebylex", -4, cmd::kReadOnly, {k1(kROA)}, cmd_zrange, "Return a range of members in a sorted set, by lexicographical range", "2.8.9", "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N))."));
  t.add(zset_cmd("zrangebyscore", -4, cmd::kReadOnly, {k1(kROA)}, cmd_zrange, "Return a range of members in a sorted set, by score", "1.0.5", "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N))."));
  t.add(zset_cmd("zrank", 3, kR, {k1(kRO)}, cmd_zrank, "Determine the index of a member in a sorted set", "2.0.0", "O(log(N))"));
  t.add(zset_cmd("zrem", -3, cmd::kWrite | cmd::kFast, {k1(kDel)}, cmd_zrem, "Remove one or more members from a sorted set", "1.2.0", "O(M*log(N)) with N being the number of elements in the sorted set and M the number of elements to be removed."));
  t.add(zset_cmd("zremrangebylex", 4, cmd::kWrite, {k1(kDel)}, cmd_zremrange, "Remove all members in a sorted set between the given lexicographical range", "2.8.9", remove));
  t.add(zset_cmd("zremrangebyrank", 4, cmd::kWrite, {k1(kDel)}, cmd_zremrange, "Remove all members in a sorted set within the given indexes", "2.0.0", remove));
  t.add(zset_cmd("zremrangebyscore", 4, cmd::kWrite, {k1(kDel)}, cmd_zremrange, "Remove all members in a sorted set within the given scores", "1.2.0", remove));
  t.add(zset_cmd("zrevrange", -4, cmd::kReadOnly, {k1(kROA)}, cmd_zrange, "Return a range of members in a sorted set, by index, with scores ordered from high to low", "1.2.0", range));
  t.add(zset_cmd("zrevrangebylex", -4, cmd::kReadOnly, {k1(kROA)}, cmd_zrange, "Return a range of members in a sorted set, by lexicographical range, ordered from higher to lower strings.", "2.8.9", "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N))."));
  t.add(zset_cmd("zrevrangebyscore", -4, cmd::kReadOnly, {k1(kROA)}, cmd_zrange, "Return a range of members in a sorted set, by score, with scores ordered from high to low", "2.2.0", "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N))."));
  t.add(zset_cmd("zrevrank", 3, kR, {k1(kRO)}, cmd_zrank, "Determine the index of a member in a sorted set, with scores ordered from high to low", "2.0.0", "O(log(N))"));
  t.add(zset_cmd("zscan", -3, cmd::kReadOnly, {k1(kROA)}, cmd_zscan, "Incrementally iterate sorted sets elements and associated scores", "2.8.0", "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection."));
  t.add(zset_cmd("zscore", 3, kR, {k1(kROA)}, cmd_zscore, "Get the score associated with the given member in a sorted set", "1.2.0", "O(1)"));
  t.add(zset_cmd("zunionstore", -4, cmd::kWrite | cmd::kDenyOom | cmd::kMovableKeys, {k1(cmd::kKeyOW | cmd::kKeyUpdate), keynum(kROA, 2)}, cmd_zstore, "Add multiple sorted sets and store the resulting sorted set in a new key", "2.0.0", "O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set."));
  // The algebra's read-only forms and ZINTERCARD: numkeys at argv[1], the keys after it.
  const std::vector<KeySpec> numkeys = {keynum(kROA, 1)};
  t.add(zset_cmd("zdiff", -3, cmd::kReadOnly | cmd::kMovableKeys, numkeys, cmd_zalgebra, "Subtract multiple sorted sets", "6.2.0", "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set."));
  t.add(zset_cmd("zdiffstore", -4, cmd::kWrite | cmd::kDenyOom | cmd::kMovableKeys, {k1(cmd::kKeyOW | cmd::kKeyUpdate), keynum(kROA, 2)}, cmd_zstore, "Subtract multiple sorted sets and store the resulting sorted set in a new key", "6.2.0", "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set."));
  t.add(zset_cmd("zinter", -3, cmd::kReadOnly | cmd::kMovableKeys, numkeys, cmd_zalgebra, "Intersect multiple sorted sets", "6.2.0", "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set."));
  t.add(zset_cmd("zintercard", -3, cmd::kReadOnly | cmd::kMovableKeys, numkeys, cmd_zintercard, "Intersect multiple sorted sets and return the cardinality of the result", "7.0.0", "O(N*K) worst case with N being the smallest input sorted set, K being the number of input sorted sets."));
  t.add(zset_cmd("zmpop", -4, cmd::kWrite | cmd::kMovableKeys, {keynum(cmd::kKeyRW | cmd::kKeyAccess | cmd::kKeyDelete, 1)}, cmd_zmpop, "Remove and return members with scores in a sorted set", "7.0.0", "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped."));
  t.add(zset_cmd("zrangestore", -5, cmd::kWrite | cmd::kDenyOom, {k1(cmd::kKeyOW | cmd::kKeyUpdate), key(kROA, 2, 0, 1)}, cmd_zrangestore, "Store a range of members from sorted set into another key", "6.2.0", "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements stored into the destination key."));
  t.add(zset_cmd("zunion", -3, cmd::kReadOnly | cmd::kMovableKeys, numkeys, cmd_zalgebra, "Add multiple sorted sets", "6.2.0", "O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set."));
}

}  // namespace mnemo::server
