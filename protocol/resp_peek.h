// A cheap look at the first RESP command of some input, for a server that
// prefetches the keys of pipelined commands before it runs them. Pure and
// bounded: it reads the array and bulk headers only, allocates nothing, and
// decides nothing about validity (RespParser does).
//
// Threads: a pure function.
#pragma once

#include <cstddef>
#include <string_view>

#include "protocol/resp_parser.h"

namespace mnemo::protocol::resp {

struct RespPeek {
  std::size_t size = 0;   // bytes of the first command; 0 = incomplete, inline, or not cheap to size
  std::string_view key;   // its second argument (the key of GET, SET, INCR, ...), if any
};

// Looks at a multibulk command of at most `max_args` arguments within
// `limits`; anything else (inline commands, longer arrays, malformed or
// incomplete input) gives size 0.
RespPeek peek_command(std::string_view buf, const RespLimits& limits, std::size_t max_args = 8);

}  // namespace mnemo::protocol::resp
