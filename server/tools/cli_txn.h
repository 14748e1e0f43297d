// `mnemo txn`: the words of a native TXN on the command line.
//
//   mnemo txn [if KEY version V | if KEY exists | if KEY missing]...
//             then (set KEY VALUE [ttl MS] | del KEY)...
//
// Pure function; thread-safe. The request views the words, which must
// outlive it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "protocol/message.h"

namespace mnemo::tools {

// Fills req.op, req.conditions and req.writes; an error message for bad words.
std::optional<std::string> parse_txn(const std::vector<std::string>& words, protocol::Request& req);

}  // namespace mnemo::tools
