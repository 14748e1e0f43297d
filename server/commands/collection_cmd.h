// Shared pieces of the collection families (hash.cpp, set.cpp, zset.cpp,
// list.cpp): running a store collection operation and answering its errors
// as Redis does, and parsing numbers the way t_*.c do. Internal to
// server/commands.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/string_view.h"
#include "server/collection_txn.h"
#include "server/commands/helpers.h"

namespace mnemo::server::commands {

using protocol::ReplyBuilder;
using Fault = std::optional<protocol::Error>;

inline constexpr std::string_view kNoStoreText = "ERR this command needs the store";
inline constexpr std::string_view kOutOfRange = "ERR value is out of range, must be positive";

// Debian's Abseil has its own string_view; its string-keyed containers look up by it.
inline absl::string_view av(std::string_view s) { return {s.data(), s.size()}; }

inline protocol::Error wrong_type() { return {protocol::Status::wrong_type, std::string(kWrongTypeText)}; }
// An error reply given as the store's error: "ERR <text>" (text without "ERR ").
inline protocol::Error err(std::string_view text) { return {protocol::Status::bad_request, std::string(text)}; }

// Redis's text for a store error.
void reply_collection_error(const CommandContext& ctx, const protocol::Error& e, ReplyBuilder& reply);

// Runs fn on the keys under the store's locks (store.h: collections); on an
// error replies it and returns nullopt, else the write's version (0: none).
std::optional<std::uint64_t> run(CommandContext& ctx, ReplyBuilder& reply, ArgList keys, bool write,
                                 Store::CollectionFn fn);

// Redis's getDoubleFromObject: strtod over the whole word, no NaN, no spaces.
bool parse_double(std::string_view s, double& out);
// Redis's getLongLongFromObjectOrReply, then a positive check ("value is
// out of range, must be positive" when allow_zero and the value is < 0).
bool parse_count(std::string_view s, std::int64_t& out);

// An index range of a sequence of `len` as Redis's LRANGE/ZRANGE read
// start and end (negative from the end, clamped); empty when nothing is left.
struct IndexRange {
  std::int64_t start = 0;
  std::int64_t end = -1;  // inclusive
  bool empty() const { return end < start; }
};
IndexRange clamp_range(std::int64_t start, std::int64_t end, std::int64_t len);

}  // namespace mnemo::server::commands

namespace mnemo::server::commands {

// HSCAN/SSCAN/ZSCAN's arguments after the key: cursor [MATCH p] [COUNT n].
// The collections answer every element in one page (cursor 0), as Redis
// does for its compact encodings; COUNT is checked, then a hint.
struct CollectionScan {
  std::string_view pattern;
  bool use_pattern = false;  // MATCH given, and not "*"
  bool matches(std::string_view s) const { return !use_pattern || glob_match(pattern, s, false); }
};
bool parse_collection_scan(ArgList argv, CollectionScan& out, ReplyBuilder& reply);
// The empty page Redis answers for a missing key.
void reply_empty_scan(ReplyBuilder& reply);

// HRANDFIELD/SRANDMEMBER/ZRANDMEMBER's count: an integer other than INT64_MIN
// (Redis's -LONG_MAX..LONG_MAX); replies the error otherwise.
bool parse_random_count(std::string_view s, std::int64_t& out, ReplyBuilder& reply);
// Indices into n elements for a random pick of `count`: count > 0, up to n
// distinct ones (all n in order when count >= n, as Redis answers then);
// count < 0, -count of them, repeats allowed; none for 0 or n 0.
std::vector<std::size_t> random_picks(std::size_t n, std::int64_t count);

// A set's members in Redis 7.0's reply order (SMEMBERS, SORT BY nosort):
// sorted by value when Redis would keep the set as an intset, else as given.
std::vector<std::string_view> redis_order(std::vector<std::string_view> members);

// A score as Redis formats one inside a reply it builds itself (%.17g, inf, -inf).
std::string format_score(double d);

}  // namespace mnemo::server::commands
