// Shared pieces of the stream commands (stream*.cpp): parsing ids as
// t_stream.c does, running a store operation whose errors may carry their own
// code (NOGROUP, BUSYGROUP), and replying entries. Internal to server/commands.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/commands/collection_cmd.h"
#include "server/stream.h"

namespace mnemo::server::commands {

inline constexpr ValueType kStream = ValueType::stream;
inline constexpr std::string_view kInvalidId = "ERR Invalid stream ID specified as stream command argument";

// Concatenates (GCC 12 warns, falsely, on "literal" + std::string: bug 105329).
inline std::string cat(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view p : parts) out.append(p);
  return out;
}

// An error whose text has its own code ("NOGROUP No such ..."), replied as is.
inline protocol::Error coded_err(std::string_view text) {
  std::string message(1, '-');
  message.append(text);
  return {protocol::Status::bad_request, std::move(message)};
}

// XPENDING's, XCLAIM's and XAUTOCLAIM's error when argv[1] has no group argv[2].
inline protocol::Error no_group(ArgList argv) {
  return coded_err(cat({"NOGROUP No such key '", argv[1], "' or consumer group '", argv[2], "'"}));
}

// Runs fn under the store's locks like run() (collection_cmd.h), replying a
// coded_err without the ERR prefix.
std::optional<std::uint64_t> srun(CommandContext& ctx, ReplyBuilder& reply, ArgList keys, bool write,
                                  Store::CollectionFn fn);

// Redis's streamGenericParseIDOrReply: "<ms>[-<seq>]" (missing seq =
// missing_seq), "-" and "+" unless strict. seq_auto is set for "<ms>-*"
// when it is not null (XADD). False on a malformed id.
bool parse_id(std::string_view s, StreamId& out, std::uint64_t missing_seq, bool strict, bool* seq_auto = nullptr);
// An interval bound of XRANGE/XPENDING/XAUTOCLAIM: "(" for exclusive; replies the error.
bool parse_range_start(std::string_view s, StreamId& out, ReplyBuilder& reply);
bool parse_range_end(std::string_view s, StreamId& out, ReplyBuilder& reply);

const Stream* stream_of(const CollectionTxn& t, std::size_t i = 0);

// One entry as Redis replies it: [id, [field, value, ...]].
void reply_entry(ReplyBuilder& reply, StreamId id, std::string_view packed);
// Entries of [start, end] (reverse: from end down), at most count (0: all).
std::vector<std::pair<StreamId, std::string>> stream_range(const Stream& s, StreamId start, StreamId end,
                                                          std::size_t count, bool reverse);

// Trimming of XADD and XTRIM: MAXLEN/MINID [=|~] threshold [LIMIT n].
struct TrimArgs {
  enum Kind { none, by_maxlen, by_minid } kind = none;
  bool approx = false;
  std::int64_t maxlen = 0;
  StreamId minid;
  std::int64_t limit = 0;  // 0: none
};
// The first id a trim keeps (the xtrim operation), nullopt when nothing goes.
// `=` trims exactly; `~` removes whole nodes only, up to LIMIT entries
// (default 10000), as Redis does, with the same node boundaries
// (stream_entries.h). `added` is the id XADD appends before trimming (it may
// be trimmed too) and added_fields its fields (pack_fields' encoding).
std::optional<StreamId> trim_point(const Stream* s, const TrimArgs& a, std::optional<StreamId> added,
                                   std::int64_t& removed, std::string_view added_fields = {});
// Parses the trim options at argv[i] (XTRIM: all of them; XADD: up to the
// id, whose position goes to id_pos). Replies the error and returns false.
struct AddArgs {
  TrimArgs trim;
  bool nomkstream = false;
  std::size_t id_pos = 0;
  StreamId id;
  bool id_given = false;  // not "*"
  bool seq_auto = false;  // "<ms>-*"
};
bool parse_trim_args(ArgList argv, bool xadd, AddArgs& out, ReplyBuilder& reply);

}  // namespace mnemo::server::commands
