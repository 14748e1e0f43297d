"""Cases of resp_differential_test.py for BITFIELD, BITFIELD_RO, LMPOP, ZMPOP, ZUNION, ZINTER, ZDIFF,
ZDIFFSTORE, ZINTERCARD, ZRANGESTORE, MOVE, SWAPDB, LCS, sharded pub/sub (SSUBSCRIBE,
SUNSUBSCRIBE, SPUBLISH, PUBSUB SHARDCHANNELS / SHARDNUMSUB) and RESET: their
replies, errors and keyspace notifications. CMDS_CASES run over RESP2 and
RESP3; CMDS_AUTH_CASES against the servers with a password.
"""

from resp_diff_cases import hello, members, steps
from resp_diff_pubsub_cases import NOTIFY_OFF, on, recv

WRONG = "SET str v"

# Redis 7.0's arity of each command here.
CMDS_ARITY = {"lmpop": -4, "zmpop": -4, "zunion": -3, "zinter": -3, "zdiff": -3, "zdiffstore": -4,
              "zintercard": -3, "zrangestore": -5, "move": 3, "lcs": -3, "bitfield": -2, "bitfield_ro": -2, "ssubscribe": -2, "spublish": 3,
              "reset": 1, "swapdb": 3}


def _arity_steps():
    out = []
    for name, arity in CMDS_ARITY.items():
        words = abs(arity)
        if words >= 2:
            out += [[name] + ["x"] * (words - 2), [name.upper()] + ["x"] * (words - 2)]
        if arity > 0:
            out.append([name.capitalize()] + ["x"] * words)
    return steps(*out)


MPOP_CASES = [
    ("LMPOP", steps(
        "RPUSH l a b c d e", "LMPOP 1 l LEFT", "LMPOP 2 nosuch l RIGHT COUNT 2", "LMPOP 1 l LEFT COUNT 9",
        "EXISTS l", "LMPOP 1 l LEFT", "LMPOP 2 l x RIGHT COUNT 3", "LMPOP 0 l LEFT", "LMPOP -1 l LEFT",
        "LMPOP x l LEFT", "LMPOP 3 l LEFT", "LMPOP 2 l LEFT", "LMPOP 1 l UP", "LMPOP 1 l LEFT COUNT 0",
        "LMPOP 1 l LEFT COUNT -1", "LMPOP 1 l LEFT COUNT x", "LMPOP 1 l LEFT COUNT",
        "LMPOP 1 l LEFT COUNT 1 COUNT 2", "LMPOP 1 l LEFT FOO", "LMPOP 1 l left count 1",
        WRONG, "LMPOP 1 str LEFT", "RPUSH l z", "LMPOP 2 l str RIGHT", "LMPOP 2 nosuch str LEFT",
        "RPUSH l2 p q", "LMPOP 2 str l2 LEFT", "LMPOP 1 l2 RIGHT COUNT 5", "EXISTS l2")),
    ("ZMPOP", steps(
        "ZADD z 1 a 2 b 3 c -inf m", "ZMPOP 1 z MIN", "ZMPOP 2 nosuch z MAX COUNT 2", "ZMPOP 1 z MIN COUNT 10",
        "EXISTS z", "ZMPOP 1 z MIN", "ZMPOP 0 z MIN", "ZMPOP 1 z UP", "ZMPOP 2 z MIN", "ZMPOP 1 z MIN COUNT 0",
        "ZMPOP 1 z MAX COUNT", "ZMPOP x z MIN", "ZMPOP 1 z min count 1 count 1", WRONG, "ZMPOP 1 str MAX",
        "ZADD z3 1.5 a 2.5 b", "ZMPOP 2 z3 str MAX", "ZMPOP 2 str z3 MAX", "ZMPOP 1 z3 MIN COUNT 1")),
    ("LMPOP ZMPOP in MULTI and scripts", steps(
        "RPUSH l a b", "ZADD z 1 a", "MULTI", "LMPOP 1 l LEFT", "ZMPOP 1 z MAX", "LMPOP 1 nosuch LEFT", "EXEC",
        "RPUSH l c", "EVAL \"return redis.call('LMPOP', 1, 'l', 'LEFT')\" 0",
        "EVAL \"return redis.call('ZMPOP', 1, 'nosuch', 'MIN')\" 0")),
]

ALGEBRA_CASES = [
    ("ZUNION ZINTER ZDIFF", steps(
        "ZADD a 1 x 2 y 3 z", "ZADD b 10 y 20 z 30 w", "SADD s x y", "ZUNION 2 a b", "ZUNION 2 a b WITHSCORES",
        "ZINTER 2 a b WITHSCORES", "ZDIFF 2 a b WITHSCORES", "ZDIFF 2 b a", "ZUNION 2 a b WEIGHTS 2 0.5 WITHSCORES",
        "ZUNION 2 a b AGGREGATE MIN WITHSCORES", "ZINTER 2 a b AGGREGATE MAX WEIGHTS 1 -1 WITHSCORES",
        "ZUNION 2 a s WITHSCORES", "ZINTER 3 a b s withscores", "ZDIFF 2 a s WITHSCORES", "ZDIFF 2 s a WITHSCORES",
        "ZINTER 2 a nosuch", "ZUNION 1 nosuch WITHSCORES", "ZDIFF 1 nosuch", "ZDIFF 2 a a", "ZDIFF 1 a WITHSCORES",
        "ZUNION 0 a", "ZINTER 0 a", "ZDIFF 0 a", "ZUNION -1 a", "ZUNION x a", "ZUNION 3 a b", "ZDIFF 2 a",
        "ZUNION 2 a b WEIGHTS 1", "ZUNION 2 a b WEIGHTS 1 x", "ZUNION 2 a b AGGREGATE AVG", "ZUNION 2 a b FOO",
        "ZDIFF 2 a b WEIGHTS 1 2", "ZDIFF 2 a b AGGREGATE SUM", "ZUNION 2 a b WITHSCORES WITHSCORES",
        "ZUNION 1 a AGGREGATE", WRONG, "ZUNION 2 a str", "ZINTER 2 str a", "ZDIFF 2 a str", "ZDIFF 2 nosuch str",
        "ZUNION 2 a str FOO", "ZADD j inf p", "ZADD k -inf p", "ZUNION 2 j k WITHSCORES",
        "ZUNION 1 j WEIGHTS 0 WITHSCORES", "ZINTER 2 j k WITHSCORES", "ZADD t 0 b 0 a 0 c 1 aa",
        "ZUNION 1 t WITHSCORES", "ZINTER 2 t t WITHSCORES")),
    ("ZDIFFSTORE", steps(
        "ZADD a 1 x 2 y 3 z", "ZADD b 10 y", "SADD s z", "ZDIFFSTORE d 2 a b", "ZRANGE d 0 -1 WITHSCORES",
        "ZDIFFSTORE d 3 a b s", "ZRANGE d 0 -1 WITHSCORES", "ZDIFFSTORE d 2 a a", "EXISTS d",
        "ZDIFFSTORE d 1 nosuch", "ZDIFFSTORE d 0 a", "ZDIFFSTORE d x a", "ZDIFFSTORE d 2 a",
        "ZDIFFSTORE d 1 a WEIGHTS 1", "ZDIFFSTORE d 1 a WITHSCORES", WRONG, "ZDIFFSTORE d 2 a str",
        "ZDIFFSTORE str 1 a", "TYPE str", "ZRANGE str 0 -1 WITHSCORES", "ZDIFFSTORE a 2 a b", "ZRANGE a 0 -1")),
    ("ZINTERCARD", steps(
        "ZADD a 1 x 2 y 3 z", "ZADD b 10 y 20 z 30 w", "SADD s y z q", "ZINTERCARD 2 a b", "ZINTERCARD 3 a b s",
        "ZINTERCARD 1 a", "ZINTERCARD 2 a nosuch", "ZINTERCARD 2 a b LIMIT 1", "ZINTERCARD 2 a b LIMIT 0",
        "ZINTERCARD 2 a b LIMIT 5", "ZINTERCARD 2 a b LIMIT -1", "ZINTERCARD 2 a b LIMIT x", "ZINTERCARD 2 a b LIMIT",
        "ZINTERCARD 0 a", "ZINTERCARD -1 a", "ZINTERCARD x a", "ZINTERCARD 3 a b", "ZINTERCARD 2 a b WEIGHTS 1 1",
        "ZINTERCARD 2 a b AGGREGATE MAX", "ZINTERCARD 2 a b WITHSCORES", "ZINTERCARD 2 a b LIMIT 1 LIMIT 2",
        WRONG, "ZINTERCARD 2 a str", "ZINTERCARD 2 str nosuch")),
    ("ZRANGESTORE", steps(
        "ZADD z 1 a 2 b 3 c 4 d 5 e", "ZRANGESTORE d z 0 -1", "ZRANGE d 0 -1 WITHSCORES", "ZRANGESTORE d z 1 2",
        "ZRANGE d 0 -1 WITHSCORES", "ZRANGESTORE d z 0 1 REV", "ZRANGE d 0 -1 WITHSCORES",
        "ZRANGESTORE d z (1 4 BYSCORE LIMIT 1 2", "ZRANGE d 0 -1 WITHSCORES", "ZRANGESTORE d z 4 1 BYSCORE REV",
        "ZRANGE d 0 -1 WITHSCORES", "ZRANGESTORE d z 10 20", "EXISTS d", "ZRANGESTORE d z 0 -1 WITHSCORES",
        "ZRANGESTORE d z 0 1 LIMIT 0 1", "ZRANGESTORE d z x 1", "ZRANGESTORE d z a b BYSCORE",
        "ZRANGESTORE d z a b BYLEX", "ZRANGESTORE d z 0 1 FOO", "ZRANGESTORE d nosuch 0 -1", "ZADD l 0 a 0 b 0 c",
        "ZRANGESTORE d l [b + BYLEX", "ZRANGE d 0 -1 WITHSCORES", "ZRANGESTORE d l + - BYLEX REV LIMIT 0 2",
        "ZRANGE d 0 -1", WRONG, "ZRANGESTORE d str 0 -1", "ZRANGESTORE str z 0 0", "TYPE str",
        "ZRANGESTORE z z 0 1", "ZRANGE z 0 -1 WITHSCORES", "ZRANGESTORE d z 5 10 BYSCORE LIMIT 10 1")),
]

OTHER_CASES = [
    ("MOVE", steps(
        "SET k v", "EXPIRE k 1000", "MOVE k 1", "EXISTS k", "SELECT 1", "GET k", "TTL k", "MOVE k 0", "SELECT 0",
        "GET k", "MOVE k 0", "MOVE nosuch 1", "MOVE k 16", "MOVE k -1", "MOVE k x", "MOVE k 99999999999",
        "SET k2 x", "SELECT 1", "SET k2 y", "SELECT 0", "MOVE k2 1", "GET k2", "RPUSH l a b", "MOVE l 2",
        "SELECT 2", "LRANGE l 0 -1", "ZADD z 1 a", "MOVE z 0", "SELECT 0", "ZRANGE z 0 -1 WITHSCORES", "DBSIZE",
        "MULTI", "SET t 1", "MOVE t 3", "GET t", "LCS k2 k2", "BITFIELD b SET u8 0 66", "MOVE b 3", "EXEC",
        "SELECT 3", "MGET t b", "EVAL \"return redis.call('MOVE', KEYS[1], 0)\" 1 t", "SELECT 0", "GET t")),
    ("SWAPDB", steps(
        "SET k v", "RPUSH l a b", "SELECT 1", "SET k w", "HSET h f v", "SELECT 0", "SWAPDB 0 1", "GET k",
        "HGETALL h", "EXISTS l", "SELECT 1", "GET k", "LRANGE l 0 -1", "SWAPDB 1 1", "GET k", "SWAPDB 0 16",
        "SWAPDB -1 0", "SWAPDB x 0", "SWAPDB 0 x", "SWAPDB x y", "SWAPDB 0 99999999999", "SWAPDB 99999999999 0",
        "SWAPDB 1.5 0", "SWAPDB 16 x", "swapdb 0 1", "SELECT 0", "DBSIZE", "SET e 1", "EXPIRE e 1000",
        "SWAPDB 0 2", "SELECT 2", "TTL e", "GET k", "SELECT 0", "DBSIZE", "WATCH k", on(1, "SWAPDB 0 2"),
        "MULTI", "GET k", "EXEC",
        "MULTI", "SET t 1", "SWAPDB 0 3", "GET t", "EXEC", "SELECT 3", "GET t", "SELECT 0",
        "EVAL \"return redis.call('SWAPDB', 0, 3)\" 0", "GET t", members("KEYS *"))),
    ("LCS", steps(
        "MSET a ohmytext b mynewtext", "LCS a b", "LCS a b LEN", "LCS a b IDX", "LCS a b IDX MINMATCHLEN 4",
        "LCS a b IDX WITHMATCHLEN", "LCS a b IDX MINMATCHLEN 4 WITHMATCHLEN", "LCS a b idx minmatchlen -5",
        "LCS a b LEN IDX", "LCS a b IDX LEN", "LCS a b FOO", "LCS a b MINMATCHLEN", "LCS a b MINMATCHLEN x",
        "LCS a nosuch", "LCS nosuch nosuch2 IDX", "LCS a a IDX WITHMATCHLEN", "LCS nosuch a LEN",
        "MSET c ABCBDAB d BDCABA", "LCS c d", "LCS c d IDX WITHMATCHLEN", "LCS d c IDX", WRONG,
        "RPUSH l x", "LCS a l", "LCS l a LEN", "LCS a str", "SET n 12345", "LCS n a", "SET e ''", "LCS e a IDX")),
    ("BITFIELD", steps(
        "BITFIELD k", "BITFIELD k GET u8 0", "EXISTS k", "BITFIELD k SET u8 0 255 GET u8 0", "GET k",
        "BITFIELD k SET i8 #1 -3 GET i8 8 GET u4 8 GET i64 0 GET u63 1", "BITFIELD k INCRBY u2 100 1 GET u2 100",
        "STRLEN k", "BITFIELD k INCRBY u2 100 5", "BITFIELD k OVERFLOW SAT INCRBY u2 100 5 INCRBY i8 0 -1000",
        "BITFIELD k OVERFLOW FAIL INCRBY u2 100 5 SET i4 0 100 INCRBY u8 8 1", "BITFIELD k OVERFLOW WRAP SET i4 0 100",
        "BITFIELD k SET u8 0 -1 SET i8 0 200 INCRBY i64 64 9223372036854775807 INCRBY i64 64 1",
        "BITFIELD k OVERFLOW SAT INCRBY i64 64 9223372036854775807 INCRBY i64 64 -9223372036854775808",
        "BITFIELD k INCRBY u63 0 -1 GET u63 0", "BITFIELD n OVERFLOW FAIL SET u2 0 9", "EXISTS n", "GET n",
        "BITFIELD n OVERFLOW FAIL SET u2 100 9", "STRLEN n", "BITFIELD k GET u64 0", "BITFIELD k GET i65 0",
        "BITFIELD k GET x8 0", "BITFIELD k GET u0 0", "BITFIELD k GET i8 -1", "BITFIELD k GET i8 x",
        "BITFIELD k GET i8 #-1", "BITFIELD k GET i8 4294967296", "BITFIELD k SET i8 0 x", "BITFIELD k SET i8 0",
        "BITFIELD k GET i8", "BITFIELD k OVERFLOW", "BITFIELD k OVERFLOW UP GET i8 0", "BITFIELD k FOO 1 2",
        "BITFIELD k get i8 0 set u4 #2 15 incrby u4 #2 1 overflow sat", "BITFIELD_RO k GET u8 0 GET i4 #3",
        "BITFIELD_RO k", "BITFIELD_RO k SET u8 0 1", "BITFIELD_RO k INCRBY u8 0 1 GET u8 x", "BITFIELD_RO nosuch GET u8 0",
        "SET e 7", "EXPIRE e 1000", "BITFIELD e SET u8 0 65", "GET e", "TTL e", WRONG, "BITFIELD str GET u8 0",
        "BITFIELD str SET u8 0 1", "BITFIELD_RO str GET u8 0", "BITFIELD_RO str SET u8 0 1", "RPUSH l a",
        "BITFIELD l GET u8 0", "BITFIELD l SET u8 0 1")),
    ("RESET", steps(
        "SELECT 2", "SET k v", "CLIENT SETNAME n", "MULTI", "GET k", "RESET", "EXEC", "GET k", "CLIENT GETNAME",
        "WATCH k", "RESET", "MULTI", "EXEC", hello("HELLO 3"), "RESET", "HGETALL nosuch", "CLIENT TRACKING ON",
        "RESET", "CLIENT TRACKINGINFO", "RESET x", "reset", on(1, "SUBSCRIBE a"), on(1, "PSUBSCRIBE p*"),
        on(1, "SSUBSCRIBE s"), on(1, "RESET"), on(1, "GET k"), "PUBLISH a x", "SPUBLISH s x",
        "PUBSUB NUMSUB a", "PUBSUB NUMPAT", "PUBSUB SHARDNUMSUB s", on(1, "PING"))),
    ("keyspace events of the new commands", steps(
        "CONFIG SET notify-keyspace-events KEglz", on(1, "PSUBSCRIBE __key*__:*"), "RPUSH l a b c", recv(1, 2),
        "LMPOP 1 l LEFT", recv(1, 2), "LMPOP 1 l RIGHT COUNT 5", recv(1, 4), "ZADD z 1 a 2 b", recv(1, 2),
        "ZMPOP 1 z MAX", recv(1, 2), "ZADD y 1 a 5 c", recv(1, 2), "ZDIFFSTORE d 2 y z", recv(1, 2),
        "ZDIFFSTORE d 2 z z", recv(1, 2), "ZRANGESTORE d y 0 0", recv(1, 2), "ZRANGESTORE d y 5 6", recv(1, 2),
        "ZRANGESTORE d y 5 6", "ZUNION 2 y z", "ZINTERCARD 1 y", "ZMPOP 1 y MIN COUNT 5", recv(1, 4),
        "SET m v", "MOVE m 1", recv(1, 4), "LCS m m", "CONFIG SET notify-keyspace-events KE$",
        "BITFIELD b SET u8 0 1", recv(1, 2), "BITFIELD b SET u8 0 1", "BITFIELD b GET u8 0",
        "BITFIELD b OVERFLOW FAIL SET u2 0 9", "BITFIELD c OVERFLOW FAIL SET u2 0 9", "EXISTS c", "PUBLISH __keyspace@0__:done .", recv(1),
        NOTIFY_OFF)),
    ("new commands in COMMAND", steps(
        *["COMMAND INFO " + name for name in (
            "zrangestore", "move", "lcs", "spublish", "ssubscribe", "sunsubscribe", "reset", "lmpop", "zmpop",
            "zunion", "zinter", "zdiff", "zintercard", "zdiffstore", "zunionstore", "zinterstore", "blmpop",
            "bzmpop", "sintercard", "eval", "evalsha", "eval_ro", "evalsha_ro", "bitfield", "bitfield_ro", "swapdb")],
        "COMMAND GETKEYS zrangestore d s 0 1", "COMMAND GETKEYS swapdb 0 1", "COMMAND GETKEYS move k 1", "COMMAND GETKEYS lcs a b",
        "COMMAND GETKEYS zunionstore d 2 a b WEIGHTS 1 2", "COMMAND GETKEYS zunion 2 a b WITHSCORES",
        "COMMAND GETKEYS zunion 3 a b", "COMMAND GETKEYS zunion 0 a", "COMMAND GETKEYS zunion x a",
        "COMMAND GETKEYS lmpop 2 a b LEFT", "COMMAND GETKEYS blmpop 0 1 a LEFT", "COMMAND GETKEYS sintercard 1 s",
        "COMMAND GETKEYS eval 'return 1' 2 k1 k2 a", "COMMAND GETKEYS eval 'return 1' 0",
        "COMMAND GETKEYS bitfield k GET u8 0", "COMMAND GETKEYS ssubscribe a b", "COMMAND GETKEYS spublish a m",
        members("COMMAND LIST FILTERBY PATTERN z*store"), members("COMMAND LIST FILTERBY PATTERN *mpop"),
        members("COMMAND LIST FILTERBY PATTERN s*sub*"))),
    ("wrong number of arguments of the new commands", _arity_steps()),
]

SHARDED_CASES = [
    ("SSUBSCRIBE and SPUBLISH", steps(
        on(1, "SSUBSCRIBE news sport", 2), "SPUBLISH news hello", recv(1), "SPUBLISH nobody x",
        "PUBLISH news plain", "SPUBLISH sport ''", recv(1), on(1, "SSUBSCRIBE news", 1), "SPUBLISH news again",
        recv(1), on(2, "PSUBSCRIBE n*"), "SPUBLISH news shard", recv(1), "PUBLISH news global", recv(2),
        on(1, "SUNSUBSCRIBE news", 1), "SPUBLISH news gone", on(1, "SUNSUBSCRIBE sport", 1),
        on(1, "SUNSUBSCRIBE", 1), on(1, "SUNSUBSCRIBE x y", 2), on(1, "GET k"))),
    ("sharded subscribed mode", steps(
        on(1, "SSUBSCRIBE a"), on(1, "GET k"), on(1, "PING"), on(1, "SUBSCRIBE b"), on(1, "PSUBSCRIBE c*"),
        on(1, "SSUBSCRIBE d"), on(1, "UNSUBSCRIBE"), on(1, "PUNSUBSCRIBE"), on(1, "GET k"), on(1, "SUNSUBSCRIBE a d", 2),
        on(1, "PING"), on(1, "GET k"), on(1, "SSUBSCRIBE"), on(1, "SPUBLISH a"))),
    ("PUBSUB SHARDCHANNELS SHARDNUMSUB", steps(
        "PUBSUB SHARDCHANNELS", "PUBSUB SHARDNUMSUB", "PUBSUB SHARDNUMSUB a b", on(1, "SSUBSCRIBE a b", 2),
        on(2, "SSUBSCRIBE a"), on(3, "SUBSCRIBE c"), "PUBSUB SHARDNUMSUB a b c", "PUBSUB NUMSUB a c",
        "PUBSUB SHARDCHANNELS b", members("PUBSUB SHARDCHANNELS"), "PUBSUB SHARDCHANNELS c*",
        "PUBSUB CHANNELS a", "PUBSUB SHARDCHANNELS b x", "PUBSUB shardchannels b x y", "PUBSUB NUMPAT")),
    ("SSUBSCRIBE in MULTI and scripts", steps(
        "MULTI", "SSUBSCRIBE a", "EXEC", "EVAL \"return redis.call('SSUBSCRIBE', 'a')\" 0",
        "EVAL \"return redis.call('SUBSCRIBE', 'a')\" 0", on(1, "SSUBSCRIBE a"), on(2, "SUBSCRIBE a"),
        "EVAL \"return redis.call('SPUBLISH', 'a', 'm')\" 0", recv(1),
        "EVAL \"return redis.call('PUBLISH', 'a', 'm')\" 0", recv(2),
        "EVAL \"return redis.call('PUBSUB', 'SHARDNUMSUB', 'a')\" 0",
        "EVAL_RO \"return redis.call('PUBLISH', 'a', 'ro')\" 0", "EVAL_RO \"return redis.call('SPUBLISH', 'a', 'ro')\" 0",
        "EVAL_RO \"return redis.call('PUBSUB', 'NUMPAT')\" 0", "PUBLISH a last", recv(2))),
]

CMDS_CASES = MPOP_CASES + ALGEBRA_CASES + OTHER_CASES + SHARDED_CASES

# Run against redis-server --requirepass and mnemo --auth-token with the same secret.
CMDS_AUTH_CASES = [
    ("RESET forgets AUTH", steps(
        "AUTH diff-secret", "SET k v", "RESET", "GET k", "AUTH diff-secret", "GET k", "RESET", "RESET", "PING")),
]
