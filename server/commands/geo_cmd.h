// Shared pieces of the geo commands (geo.cpp, geo_search.cpp): Redis 7.0's
// argument helpers of geo.c and its two ways of formatting numbers.
// Internal to server/commands.
#pragma once

#include <string>
#include <string_view>

#include "server/commands/collection_cmd.h"

namespace mnemo::server::commands::geo_cmd {

// extractLongLatOrReply: two floats in range; replies the error otherwise.
bool parse_lon_lat(std::string_view lon, std::string_view lat, double xy[2], ReplyBuilder& reply);
// extractUnitOrReply: metres per unit (m, km, ft, mi, any case); 0 after replying the error.
double parse_unit(std::string_view unit, ReplyBuilder& reply);
// A distance as GEODIST and WITHDIST answer it: a bulk string with four decimals.
void reply_distance(ReplyBuilder& reply, double d);
// A coordinate pair as GEOPOS and WITHCOORD answer it (addReplyHumanLongDouble).
void reply_coordinates(ReplyBuilder& reply, const double xy[2]);

}  // namespace mnemo::server::commands::geo_cmd
