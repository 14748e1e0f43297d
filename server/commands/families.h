// Handlers of the collection families (hash.cpp, set.cpp, list.cpp,
// zset.cpp), registered by their *_table.cpp. Internal to server/commands.
#pragma once

#include "server/commands/context.h"

namespace mnemo::server::commands {

using protocol::ReplyBuilder;

#define MNEMO_HANDLER(name) void name(CommandContext& ctx, ArgList argv, ReplyBuilder& reply)
// hashes
MNEMO_HANDLER(cmd_hset);  // HSET and HMSET
MNEMO_HANDLER(cmd_hsetnx);
MNEMO_HANDLER(cmd_hget);
MNEMO_HANDLER(cmd_hmget);
MNEMO_HANDLER(cmd_hdel);
MNEMO_HANDLER(cmd_hlen);  // HLEN, HSTRLEN, HEXISTS
MNEMO_HANDLER(cmd_hgetall);  // HGETALL, HKEYS, HVALS
MNEMO_HANDLER(cmd_hincrby);
MNEMO_HANDLER(cmd_hincrbyfloat);
MNEMO_HANDLER(cmd_hrandfield);
MNEMO_HANDLER(cmd_hscan);
// sets
MNEMO_HANDLER(cmd_sadd);
MNEMO_HANDLER(cmd_srem);
MNEMO_HANDLER(cmd_smembers);
MNEMO_HANDLER(cmd_sismember);
MNEMO_HANDLER(cmd_smismember);
MNEMO_HANDLER(cmd_scard);
MNEMO_HANDLER(cmd_spop);
MNEMO_HANDLER(cmd_srandmember);
MNEMO_HANDLER(cmd_smove);
MNEMO_HANDLER(cmd_setop);  // SINTER, SUNION, SDIFF and their STORE forms
MNEMO_HANDLER(cmd_sintercard);
MNEMO_HANDLER(cmd_sscan);
// lists
MNEMO_HANDLER(cmd_push);  // LPUSH, RPUSH, LPUSHX, RPUSHX
MNEMO_HANDLER(cmd_pop);   // LPOP, RPOP
MNEMO_HANDLER(cmd_lrange);
MNEMO_HANDLER(cmd_llen);
MNEMO_HANDLER(cmd_lindex);
MNEMO_HANDLER(cmd_lset);
MNEMO_HANDLER(cmd_lrem);
MNEMO_HANDLER(cmd_ltrim);
MNEMO_HANDLER(cmd_linsert);
MNEMO_HANDLER(cmd_lpos);
MNEMO_HANDLER(cmd_lmove);  // LMOVE, RPOPLPUSH
// blocking pops (blocking.cpp)
MNEMO_HANDLER(cmd_blpop);   // BLPOP, BRPOP
MNEMO_HANDLER(cmd_blmove);  // BLMOVE, BRPOPLPUSH
MNEMO_HANDLER(cmd_blmpop);
MNEMO_HANDLER(cmd_bzpop);   // BZPOPMIN, BZPOPMAX
MNEMO_HANDLER(cmd_bzmpop);
MNEMO_HANDLER(cmd_client_unblock);
// sorted sets
MNEMO_HANDLER(cmd_zadd);
MNEMO_HANDLER(cmd_zincrby);
MNEMO_HANDLER(cmd_zrem);
MNEMO_HANDLER(cmd_zscore);
MNEMO_HANDLER(cmd_zmscore);
MNEMO_HANDLER(cmd_zcard);
MNEMO_HANDLER(cmd_zcount);  // ZCOUNT, ZLEXCOUNT
MNEMO_HANDLER(cmd_zrank);   // ZRANK, ZREVRANK
MNEMO_HANDLER(cmd_zrange);  // ZRANGE and the older ZRANGEBY*/ZREV* forms
MNEMO_HANDLER(cmd_zpop);    // ZPOPMIN, ZPOPMAX
MNEMO_HANDLER(cmd_zremrange);  // ZREMRANGEBYSCORE, ZREMRANGEBYRANK, ZREMRANGEBYLEX
MNEMO_HANDLER(cmd_zrandmember);
MNEMO_HANDLER(cmd_zstore);  // ZUNIONSTORE, ZINTERSTORE, ZDIFFSTORE
MNEMO_HANDLER(cmd_zalgebra);  // ZUNION, ZINTER, ZDIFF
MNEMO_HANDLER(cmd_zintercard);
MNEMO_HANDLER(cmd_zrangestore);
MNEMO_HANDLER(cmd_lmpop);  // blocking.cpp
MNEMO_HANDLER(cmd_zmpop);  // blocking.cpp
MNEMO_HANDLER(cmd_zscan);
// streams (stream*.cpp)
MNEMO_HANDLER(cmd_xadd);
MNEMO_HANDLER(cmd_xtrim);
MNEMO_HANDLER(cmd_xdel);
MNEMO_HANDLER(cmd_xsetid);
MNEMO_HANDLER(cmd_xlen);
MNEMO_HANDLER(cmd_xrange);  // XRANGE, XREVRANGE
MNEMO_HANDLER(cmd_xread);   // XREAD, XREADGROUP
MNEMO_HANDLER(cmd_xgroup);  // every XGROUP subcommand
MNEMO_HANDLER(cmd_xack);
MNEMO_HANDLER(cmd_xpending);
MNEMO_HANDLER(cmd_xclaim);
MNEMO_HANDLER(cmd_xautoclaim);
MNEMO_HANDLER(cmd_xinfo);   // every XINFO subcommand
// SORT (sort.cpp)
MNEMO_HANDLER(cmd_sort);
MNEMO_HANDLER(cmd_sort_ro);
#undef MNEMO_HANDLER

}  // namespace mnemo::server::commands
