// `mnemo xread --follow KEY [ID] [--group G --consumer C [--ack] [--noack]]
// [--count N] [--json]`: follows a stream over the native protocol and prints
// each entry once, as it arrives. `mnemo xread KEY [ID] --block MS ...`: one
// blocking read (docs/PROTOCOL.md, "Blocking commands").
//
// Following is built from two native connections rather than XREAD BLOCK
// frames (which --block uses): a change feed WATCH of the key
// (docs/PROTOCOL.md, "Change feed") says when the stream changed, and
// non-blocking XREAD / XREADGROUP COMMAND frames on the other read what is
// new after the last id printed. So SIGINT ends it between two reads, with
// no request left waiting on the server. Nothing is missed: the watch is
// open before the starting point is read, and each feed event of the key is
// followed by reads until one comes back empty. The server holds no thread or
// blocked client for it.
//
// Threads: runs on the calling thread; blocks SIGINT and SIGTERM and takes
// them only while waiting for the feed, so an interrupted follow ends between
// two entries, with exit code 0.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/tools/client.h"

namespace mnemo::tools {

struct FollowArgs {
  std::string key;
  std::string start = "$";  // "$" (only what is added from now), or an id to read after
  std::string group;        // empty: XREAD; else XREADGROUP GROUP group consumer
  std::string consumer;
  bool ack = false;    // XACK each entry once printed (group reads)
  bool noack = false;  // XREADGROUP NOACK
  std::uint32_t count = 100;  // entries per read
  bool json = false;
};

// One entry of a read; `deleted` for an id a consumer's history still holds
// after XDEL (XREADGROUP answers its fields as nil).
struct StreamEntry {
  std::string id;
  std::vector<std::string> fields;  // field, value, field, value ...
  bool deleted = false;
};

// The entries of an XREAD / XREADGROUP reply value (protocol/native_value.h)
// for one stream: nil or an empty array is no entries. nullopt when the value
// is not such a reply.
std::optional<std::vector<StreamEntry>> parse_read_reply(std::string_view value);

// "ID field value ..." (bytes as they are), or one JSON object
// {"key":...,"id":...,"fields":[field,value,...]} (fields null when deleted).
std::string format_entry(std::string_view key, const StreamEntry& e, bool json);

// Says "following KEY after ID [as GROUP/CONSUMER]" on stderr once every entry
// added from then on will be printed; follows until SIGINT/SIGTERM (exit 0), until the server closes either
// connection (exit 0, said on stderr), or an error (exit 2, printed).
// `reads` is a connected client in the right database; `feed` another one,
// used only for the WATCH.
int run_follow(Client& reads, Client& feed, const FollowArgs& args);

// `mnemo xread KEY [ID|$] --block MS ...`: one XREAD (XREADGROUP with a
// group) BLOCK MS COMMAND frame (0: wait for ever); prints its entries as
// run_follow does. Exit 0 when entries came, 1 when the time passed without
// any, 2 on an error (printed).
int run_read_once(Client& c, const FollowArgs& args, std::uint64_t block_ms);

}  // namespace mnemo::tools
