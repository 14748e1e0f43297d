// Handlers of the HyperLogLog family (hyperloglog.cpp) and the geo family
// (geo.cpp, geo_search.cpp), registered by hyperloglog_table.cpp and
// geo_table.cpp. Internal to server/commands.
#pragma once

#include "server/commands/context.h"

namespace mnemo::server::commands {

using protocol::ReplyBuilder;

#define MNEMO_HANDLER(name) void name(CommandContext& ctx, ArgList argv, ReplyBuilder& reply)
MNEMO_HANDLER(cmd_pfadd);
MNEMO_HANDLER(cmd_pfcount);
MNEMO_HANDLER(cmd_pfmerge);
MNEMO_HANDLER(cmd_geoadd);
MNEMO_HANDLER(cmd_geopos);
MNEMO_HANDLER(cmd_geodist);
MNEMO_HANDLER(cmd_geohash);
MNEMO_HANDLER(cmd_georadius);            // GEORADIUS, GEORADIUS_RO
MNEMO_HANDLER(cmd_georadiusbymember);    // GEORADIUSBYMEMBER, GEORADIUSBYMEMBER_RO
MNEMO_HANDLER(cmd_geosearch);
MNEMO_HANDLER(cmd_geosearchstore);
#undef MNEMO_HANDLER

}  // namespace mnemo::server::commands
