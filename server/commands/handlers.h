// The handlers shared between the family files of server/commands/ (the
// read-modify-write machine of rmw.cpp is used by string and key commands).
// Internal to server/commands.
#pragma once

#include <cstdint>

#include "server/commands/context.h"

namespace mnemo::server::commands {

// What a read-modify-write command does once it has read its key.
enum class Rmw : std::uint8_t { set_get, getdel, getex, append, setrange, incrbyfloat, expire };

// SET's and EXPIRE's options as kept in StepScratch::options.
inline constexpr std::uint8_t kOptNx = 1, kOptXx = 2, kOptGt = 4, kOptLt = 8, kOptKeepTtl = 16,
                              kOptPast = 32, kOptPersist = 64, kOptTtl = 128;

// Reads scratch().key, decides as Redis would, then writes only if the key is
// still at the version read (or still absent), reading again if it changed in
// between. The caller has filled scratch() (key, arg, options, ttl_ms, number).
void start_rmw(CommandContext& ctx, Rmw kind);

}  // namespace mnemo::server::commands
