// What the string and key families of server/commands/ share: SET's and
// EXPIRE's option bits.
// Internal to server/commands.
#pragma once

#include <cstdint>

#include "server/commands/context.h"

namespace mnemo::server::commands {

// SET's and EXPIRE's options (NX, XX, GT, LT, KEEPTTL ...) as bits.
inline constexpr std::uint8_t kOptNx = 1, kOptXx = 2, kOptGt = 4, kOptLt = 8, kOptKeepTtl = 16,
                              kOptPast = 32, kOptPersist = 64, kOptTtl = 128;

}  // namespace mnemo::server::commands
