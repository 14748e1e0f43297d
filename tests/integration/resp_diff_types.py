"""The collection cases of resp_differential_test.py (hashes, lists, sets,
sorted sets, and the key commands on them), in resp_diff_cases.py's step
language. Replies Redis orders by hash (HGETALL, SMEMBERS, ...) are compared
as pairs() or members(); random picks (SPOP, SRANDMEMBER, ...) by shape()
or on collections where every pick is the same.
"""

from resp_diff_cases import members, pairs, scan, shape, steps, ttl

WRONG = ["SET str v"]

HASH_CASES = [
    ("HSET HGET HMGET HDEL", steps(
        "HSET h a 1 b 2", "HSET h a 3 c 4", "HGET h a", "HGET h z", "HGET nosuch a", "HMGET h a z b",
        "HMGET nosuch a b", "HSET h a", "HSET h a 1 b", "HMSET h d 5", "HMSET h d", "HSET h a 1 a 2",
        "HGET h a", "HDEL h a z a", "HDEL h nosuch", "HDEL nosuch a", "HLEN h", "HDEL h b c d", "EXISTS h",
        "HLEN h", "HSET h '' ''", "HGET h ''", ["HSET", "h", b"\x00\r\n", b"\xff"], ["HGET", "h", b"\x00\r\n"])),
    ("HSETNX HEXISTS HSTRLEN HLEN", steps(
        "HSETNX h a 1", "HSETNX h a 2", "HGET h a", "HEXISTS h a", "HEXISTS h b", "HEXISTS nosuch a",
        "HSTRLEN h a", "HSTRLEN h b", "HSTRLEN nosuch a", "HSET h long abcdefghij", "HSTRLEN h long",
        "HLEN h", "HLEN nosuch")),
    ("HGETALL HKEYS HVALS", steps(
        "HSET h a 1 b 2 c 3", pairs("HGETALL h"), members("HKEYS h"), members("HVALS h"), "HGETALL nosuch",
        "HKEYS nosuch", "HVALS nosuch", "HSET one f v", "HGETALL one", "HKEYS one", "HVALS one")),
    ("HINCRBY HINCRBYFLOAT", steps(
        "HINCRBY h n 5", "HINCRBY h n -7", "HINCRBY h n x", "HINCRBY h n 1.5", "HSET h s abc", "HINCRBY h s 1",
        "HSET h big 9223372036854775807", "HINCRBY h big 1", "HSET h small -9223372036854775808",
        "HINCRBY h small -1", "HINCRBY h lead 0", "HSET h z 007", "HINCRBY h z 1",
        "HINCRBYFLOAT h f 1.5", "HINCRBYFLOAT h f 0.1", "HINCRBYFLOAT h f -3", "HINCRBYFLOAT h f x",
        "HINCRBYFLOAT h s 1", "HINCRBYFLOAT h n 2.5", "HINCRBYFLOAT h e 1e3", "HINCRBYFLOAT h e 1e-3",
        "HINCRBYFLOAT h g 5.0e3", "HGET h g", "HINCRBYFLOAT h f inf", "HINCRBYFLOAT h f nan",
        "HSET h huge 1e308", "HINCRBYFLOAT h huge 1e308", "HINCRBYFLOAT h f ''")),
    ("HRANDFIELD HSCAN", steps(
        "HRANDFIELD nosuch", "HRANDFIELD nosuch 3", "HRANDFIELD nosuch 3 WITHVALUES", "HSET one f v",
        "HRANDFIELD one", "HRANDFIELD one 1", "HRANDFIELD one -3", "HRANDFIELD one 5 WITHVALUES",
        "HRANDFIELD one -2 WITHVALUES", "HRANDFIELD one 0", "HRANDFIELD one x", "HRANDFIELD one 1 FOO",
        "HRANDFIELD one 1 WITHVALUES x", "HRANDFIELD one -9223372036854775808",
        "HRANDFIELD one -9223372036854775807 WITHVALUES", "HSET h a 1 b 2 c 3", members("HRANDFIELD h 3"),
        members("HRANDFIELD h 10"), shape("HRANDFIELD h -5"), "HSCAN nosuch 0", "HSCAN one 0",
        "HSCAN one 0 MATCH f*", "HSCAN one 0 MATCH x*", "HSCAN one 0 COUNT 10", "HSCAN one 0 COUNT 0",
        "HSCAN one 0 COUNT x", "HSCAN one x", "HSCAN one 0 FOO", "HSCAN one 0 MATCH", "HSCAN one -1")),
    ("hash WRONGTYPE", steps(
        *WRONG, "HSET str a 1", "HGET str a", "HMGET str a", "HDEL str a", "HLEN str", "HGETALL str",
        "HKEYS str", "HVALS str", "HEXISTS str a", "HSTRLEN str a", "HINCRBY str a 1", "HINCRBYFLOAT str a 1",
        "HSETNX str a 1", "HRANDFIELD str", "HSCAN str 0", "HMSET str a 1", "HSET h a 1", "GET h",
        "INCR h", "APPEND h x", "STRLEN h", "GETRANGE h 0 1", "SETRANGE h 0 x", "INCRBYFLOAT h 1",
        "GETSET h x", "GETDEL h", "GETEX h", "SET h x GET", "MGET h str", "DECRBY h 1", "SET h x", "GET h")),
]

SET_TYPE_CASES = [
    ("SADD SREM SCARD SISMEMBER", steps(
        "SADD s a b c", "SADD s a d", "SADD s x x x", "SCARD s", "SCARD nosuch", "SISMEMBER s a",
        "SISMEMBER s z", "SISMEMBER nosuch a", "SMISMEMBER s a z b", "SMISMEMBER nosuch a",
        "SREM s a z a", "SREM nosuch a", "SCARD s", "SREM s b c d x", "EXISTS s", members("SMEMBERS s"),
        "SADD n 3 1 2", members("SMEMBERS n"), "SMEMBERS nosuch")),
    ("SPOP SRANDMEMBER", steps(
        "SPOP nosuch", "SPOP nosuch 2", "SADD one x", "SRANDMEMBER one", "SRANDMEMBER one 2",
        "SRANDMEMBER one -3", "SRANDMEMBER one 0", "SRANDMEMBER nosuch", "SRANDMEMBER nosuch 3",
        "SRANDMEMBER one x", "SRANDMEMBER one 1 2", "SPOP one 0", "SPOP one x", "SPOP one -1", "SPOP one 1 2",
        "SPOP one", "EXISTS one", "SADD s a b c", members("SPOP s 5"), "EXISTS s", "SADD s a",
        "SPOP s 1", "SADD t a b c", shape("SPOP t"), "SCARD t", shape("SRANDMEMBER t 3"),
        shape("SRANDMEMBER t -5"))),
    ("SMOVE", steps(
        "SADD a x y", "SMOVE a b x", members("SMEMBERS b"), "SMOVE a b x", "SMOVE nosuch b x", "SMOVE a a y",
        "SMOVE a a z", "SMOVE a b y", "EXISTS a", "SET str v", "SMOVE b str x", "SMOVE str b x",
        "SMOVE nosuch str x", "SADD c y", "SMOVE b c y")),
    ("SINTER SUNION SDIFF", steps(
        "SADD a 1 2 3 4", "SADD b 3 4 5", "SADD c 4 6", members("SINTER a b"), members("SINTER a b c"),
        "SINTER a nosuch", members("SUNION a b c"), members("SUNION a nosuch"), "SUNION nosuch",
        members("SDIFF a b"), members("SDIFF a b c"), "SDIFF nosuch a", members("SDIFF a nosuch"),
        "SINTERSTORE d a b", members("SMEMBERS d"), "SUNIONSTORE d a c", "SCARD d", "SDIFFSTORE d a a",
        "EXISTS d", "SET d str", "SINTERSTORE d a b", "TYPE d", "SINTERSTORE d a nosuch", "EXISTS d",
        "SUNIONSTORE a a b", "SCARD a", "SET str v", "SINTER a str", "SINTER nosuch str", "SUNION str",
        "SDIFF a str", "SINTERSTORE d str", "SINTERSTORE str a", "TYPE str")),
    ("SINTERCARD SSCAN", steps(
        "SADD a 1 2 3 4", "SADD b 2 3 4 5", "SINTERCARD 2 a b", "SINTERCARD 2 a b LIMIT 2",
        "SINTERCARD 2 a b LIMIT 0", "SINTERCARD 1 a", "SINTERCARD 2 a nosuch", "SINTERCARD 0 a",
        "SINTERCARD x a", "SINTERCARD 3 a b", "SINTERCARD 2 a b LIMIT -1", "SINTERCARD 2 a b LIMIT x",
        "SINTERCARD 2 a b FOO", "SINTERCARD 2 a b LIMIT", "SET str v", "SINTERCARD 2 a str",
        "SSCAN nosuch 0", "SADD one m", "SSCAN one 0", "SSCAN one 0 MATCH z*", "SSCAN one 0 COUNT 0",
        "SSCAN str 0")),
    ("set WRONGTYPE", steps(
        *WRONG, "SADD str a", "SREM str a", "SMEMBERS str", "SISMEMBER str a", "SMISMEMBER str a", "SCARD str",
        "SPOP str", "SRANDMEMBER str", "SADD s a", "GET s", "HSET s a 1", "LPUSH s a", "ZADD s 1 a")),
]

LIST_CASES = [
    ("LPUSH RPUSH LRANGE LLEN", steps(
        "LPUSH l a b c", "RPUSH l x y", "LRANGE l 0 -1", "LRANGE l 1 2", "LRANGE l -2 -1", "LRANGE l 5 10",
        "LRANGE l -100 100", "LRANGE l 3 1", "LRANGE l x 1", "LRANGE nosuch 0 -1", "LLEN l", "LLEN nosuch",
        "LPUSHX nosuch a", "RPUSHX nosuch a", "EXISTS nosuch", "LPUSHX l p", "RPUSHX l q r", "LRANGE l 0 -1")),
    ("LPOP RPOP", steps(
        "RPUSH l a b c d e", "LPOP l", "RPOP l", "LPOP l 2", "RPOP l 0", "LPOP l 0", "RPOP l 5", "EXISTS l",
        "LPOP nosuch", "LPOP nosuch 2", "RPOP nosuch 0", "RPUSH l a", "LPOP l -1", "LPOP l x", "LPOP l 1 2",
        "RPOP l 1 2 3")),
    ("LINDEX LSET LINSERT", steps(
        "RPUSH l a b c", "LINDEX l 0", "LINDEX l -1", "LINDEX l 3", "LINDEX l x", "LINDEX nosuch x",
        "LINDEX nosuch 0", "LSET l 1 B", "LSET l -1 C", "LSET l 3 x", "LSET l x y", "LSET nosuch 0 a",
        "LRANGE l 0 -1", "LINSERT l BEFORE B x", "LINSERT l after C y", "LINSERT l BEFORE zz q",
        "LINSERT l MIDDLE B q", "LINSERT nosuch BEFORE a b", "LRANGE l 0 -1")),
    ("LREM LTRIM LPOS", steps(
        "RPUSH l a b a c a b", "LREM l 1 a", "LRANGE l 0 -1", "LREM l -1 b", "LRANGE l 0 -1", "LREM l 0 a",
        "LRANGE l 0 -1", "LREM l x a", "LREM nosuch 0 a", "RPUSH m 1 2 3 4 5", "LTRIM m 1 -2",
        "LRANGE m 0 -1", "LTRIM m 5 10", "EXISTS m", "LTRIM nosuch 0 1", "LTRIM m x 1",
        "RPUSH p a b c a b c a", "LPOS p a", "LPOS p c", "LPOS p z", "LPOS p a RANK 2", "LPOS p a RANK -1",
        "LPOS p a RANK -2", "LPOS p a COUNT 0", "LPOS p a COUNT 2", "LPOS p a COUNT 2 RANK -1",
        "LPOS p a MAXLEN 1", "LPOS p c MAXLEN 2", "LPOS p a COUNT 0 MAXLEN 4", "LPOS p a RANK 0",
        "LPOS p a COUNT -1", "LPOS p a MAXLEN -1", "LPOS p a FOO 1", "LPOS p a RANK", "LPOS nosuch a",
        "LPOS nosuch a COUNT 1", "LPOS p a RANK 9", "LPOS p a RANK 9 COUNT 1")),
    ("LMOVE RPOPLPUSH", steps(
        "RPUSH a 1 2 3", "LMOVE a b LEFT RIGHT", "LMOVE a b RIGHT LEFT", "LRANGE b 0 -1", "RPOPLPUSH a b",
        "EXISTS a", "LMOVE nosuch b LEFT LEFT", "LMOVE b b LEFT RIGHT", "LRANGE b 0 -1", "LMOVE b c UP LEFT",
        "SET str v", "LMOVE b str LEFT LEFT", "LMOVE str b LEFT LEFT", "RPOPLPUSH b str", "LRANGE b 0 -1")),
    ("list WRONGTYPE", steps(
        *WRONG, "LPUSH str a", "RPUSH str a", "LPUSHX str a", "LRANGE str 0 1", "LLEN str", "LPOP str",
        "RPOP str 2", "LINDEX str 0", "LSET str 0 a", "LREM str 0 a", "LTRIM str 0 1", "LINSERT str BEFORE a b",
        "LPOS str a")),
]

ZSET_CASES = [
    ("ZADD options", steps(
        "ZADD z 1 a 2 b", "ZADD z 3 a 4 c", "ZADD z NX 5 a 6 d", "ZADD z XX 7 a 8 e", "ZSCORE z a",
        "ZSCORE z e", "ZADD z CH 7 a 9 b 10 f", "ZADD z GT 1 a", "ZADD z GT CH 20 a", "ZADD z LT CH 30 a 1 b",
        "ZADD z XX GT CH 0 a 100 a", "ZADD z NX XX 1 a", "ZADD z NX GT 1 a", "ZADD z GT LT 1 a",
        "ZADD z INCR 1 a 2 b", "ZADD z INCR 5 a", "ZADD z INCR NX 5 a", "ZADD z INCR XX 5 nosuch",
        "ZADD z INCR GT -5 a", "ZADD z x a", "ZADD z 1", "ZADD z 1 a 2", "ZADD z nan a", "ZADD z inf i",
        "ZADD z -inf j", "ZSCORE z i", "ZSCORE z j", "ZADD z +inf k", "ZINCRBY z -inf i", "ZADD nosuch XX 1 a",
        "EXISTS nosuch", "ZADD z 1.5 half 0.1 tenth 1e20 big -0 negzero", "ZSCORE z tenth", "ZSCORE z big",
        "ZSCORE z negzero", "ZADD z 1 a 1 a 2 a", "ZSCORE z a", "ZADD z FOO 1 a")),
    ("ZINCRBY ZSCORE ZMSCORE ZCARD ZREM", steps(
        "ZINCRBY z 1.5 a", "ZINCRBY z 2 a", "ZINCRBY z x a", "ZINCRBY z 1 a b", "ZSCORE z a", "ZSCORE z x",
        "ZSCORE nosuch a", "ZMSCORE z a x", "ZMSCORE nosuch a", "ZCARD z", "ZCARD nosuch", "ZADD z 1 b 2 c",
        "ZREM z a x a", "ZREM nosuch a", "ZCARD z", "ZREM z b c", "EXISTS z")),
    ("ZRANGE by rank", steps(
        "ZADD z 1 a 2 b 3 c 4 d 5 e", "ZRANGE z 0 -1", "ZRANGE z 0 -1 WITHSCORES", "ZRANGE z 1 2",
        "ZRANGE z -2 -1 withscores", "ZRANGE z 3 1", "ZRANGE z 10 20", "ZRANGE z 0 -1 REV",
        "ZRANGE z 0 1 REV WITHSCORES", "ZREVRANGE z 0 1", "ZREVRANGE z 0 -1 WITHSCORES", "ZRANGE z x 1",
        "ZRANGE z 0 1 LIMIT 0 1", "ZRANGE z 0 1 FOO", "ZRANGE nosuch 0 -1", "ZREVRANGE z 0 1 REV",
        "ZRANK z c", "ZREVRANK z c", "ZRANK z x", "ZRANK nosuch a", "ZREVRANK z a")),
    ("ZRANGE by rank on a larger set", steps(
        ["ZADD", "big"] + [w for i in range(300) for w in (str(i % 97), "m%03d" % i)],
        "ZREVRANGE big 0 4 WITHSCORES", "ZRANGE big 290 299", "ZRANGE big -3 -1 WITHSCORES", "ZRANGE big 100 102",
        "ZRANGE big 148 152", "ZREVRANGE big 149 151", "ZRANK big m150", "ZREVRANK big m150",
        "ZRANGE big 5 3 BYSCORE REV LIMIT 2 3", "ZCOUNT big 10 (20", "ZPOPMAX big 2", "ZCARD big")),
    ("ZRANGE by score", steps(
        "ZADD z 1 a 2 b 3 c 4 d 5 e", "ZRANGE z 2 4 BYSCORE", "ZRANGE z (2 4 BYSCORE", "ZRANGE z 2 (4 BYSCORE",
        "ZRANGE z -inf +inf BYSCORE WITHSCORES", "ZRANGE z 4 2 BYSCORE REV", "ZRANGE z +inf -inf BYSCORE REV LIMIT 1 2",
        "ZRANGE z -inf +inf BYSCORE LIMIT 1 -1", "ZRANGE z -inf +inf BYSCORE LIMIT -1 2",
        "ZRANGE z -inf +inf BYSCORE LIMIT 10 2", "ZRANGE z -inf +inf BYSCORE LIMIT 0 0", "ZRANGE z x 2 BYSCORE",
        "ZRANGE z 1 nan BYSCORE", "ZRANGEBYSCORE z 1 3", "ZRANGEBYSCORE z 1 3 WITHSCORES LIMIT 1 1",
        "ZRANGEBYSCORE z 1 3 REV", "ZRANGEBYSCORE z 1 3 BYSCORE", "ZREVRANGEBYSCORE z 3 1",
        "ZREVRANGEBYSCORE z (3 -inf WITHSCORES", "ZRANGEBYSCORE z 1 3 LIMIT 1", "ZRANGEBYSCORE z 1 3 LIMIT x 1",
        "ZCOUNT z 2 4", "ZCOUNT z (2 (4", "ZCOUNT z -inf +inf", "ZCOUNT z x 1", "ZCOUNT nosuch 0 1",
        "ZRANGE z '' 2 BYSCORE", "ZRANGE z ( 2 BYSCORE")),
    ("ZRANGE by lex", steps(
        "ZADD z 0 a 0 b 0 c 0 d 0 e", "ZRANGE z [b [d BYLEX", "ZRANGE z (b (d BYLEX", "ZRANGE z - + BYLEX",
        "ZRANGE z + - BYLEX REV", "ZRANGE z [d [b BYLEX REV LIMIT 1 1", "ZRANGE z - + BYLEX WITHSCORES",
        "ZRANGE z b d BYLEX", "ZRANGE z + + BYLEX", "ZRANGE z - - BYLEX", "ZRANGE z +a + BYLEX",
        "ZRANGEBYLEX z - (c", "ZREVRANGEBYLEX z (c -", "ZRANGEBYLEX z - + LIMIT 2 2", "ZLEXCOUNT z - +",
        "ZLEXCOUNT z [b (d", "ZLEXCOUNT z x y", "ZLEXCOUNT nosuch - +", "ZRANGE z [ [c BYLEX")),
    ("ZPOP ZREMRANGE", steps(
        "ZADD z 1 a 2 b 3 c 4 d 5 e 6 f", "ZPOPMIN z", "ZPOPMAX z", "ZPOPMIN z 2", "ZPOPMAX z 0",
        "ZPOPMIN z -1", "ZPOPMIN z x", "ZPOPMIN z 1 2", "ZPOPMIN nosuch", "ZPOPMAX nosuch 3", "ZPOPMAX z 10",
        "EXISTS z", "ZADD z 1 a 2 b 3 c 4 d 5 e 0 x 0 y", "ZREMRANGEBYSCORE z 2 3", "ZREMRANGEBYSCORE z (4 +inf",
        "ZREMRANGEBYSCORE z x 1", "ZRANGE z 0 -1", "ZREMRANGEBYRANK z 0 0", "ZREMRANGEBYRANK z -1 -1",
        "ZREMRANGEBYRANK z 5 10", "ZREMRANGEBYRANK z x 1", "ZRANGE z 0 -1", "ZADD lz 0 a 0 b 0 c 0 d",
        "ZREMRANGEBYLEX lz [b (d", "ZRANGE lz 0 -1", "ZREMRANGEBYLEX lz - +", "EXISTS lz",
        "ZREMRANGEBYLEX z x y", "ZREMRANGEBYSCORE nosuch 0 1", "ZREMRANGEBYRANK nosuch 0 1", "ZRANGE z 0 -1",
        "ZREMRANGEBYRANK z 0 -1", "EXISTS z")),
    ("ZUNIONSTORE ZINTERSTORE", steps(
        "ZADD a 1 x 2 y 3 z", "ZADD b 10 y 20 z 30 w", "SADD s x y", "ZUNIONSTORE d 2 a b",
        "ZRANGE d 0 -1 WITHSCORES", "ZINTERSTORE d 2 a b", "ZRANGE d 0 -1 WITHSCORES",
        "ZUNIONSTORE d 2 a b WEIGHTS 2 0.5", "ZRANGE d 0 -1 WITHSCORES", "ZUNIONSTORE d 2 a b AGGREGATE MIN",
        "ZRANGE d 0 -1 WITHSCORES", "ZINTERSTORE d 2 a b AGGREGATE MAX WEIGHTS 1 -1", "ZRANGE d 0 -1 WITHSCORES",
        "ZUNIONSTORE d 2 a s", "ZRANGE d 0 -1 WITHSCORES", "ZINTERSTORE d 3 a b s", "ZRANGE d 0 -1 WITHSCORES",
        "ZINTERSTORE d 2 a nosuch", "EXISTS d", "ZUNIONSTORE d 0 a", "ZUNIONSTORE d x a", "ZUNIONSTORE d 3 a b",
        "ZUNIONSTORE d 2 a b WEIGHTS 1", "ZUNIONSTORE d 2 a b WEIGHTS 1 x", "ZUNIONSTORE d 2 a b AGGREGATE AVG",
        "ZUNIONSTORE d 2 a b FOO", "SET str v", "ZUNIONSTORE d 2 a str", "ZUNIONSTORE d 2 a str FOO",
        "ZUNIONSTORE str 1 a", "TYPE str", "ZADD i 1 p", "ZADD j inf p", "ZADD k -inf p",
        "ZUNIONSTORE d 2 j k", "ZRANGE d 0 -1 WITHSCORES", "ZUNIONSTORE d 1 j WEIGHTS 0",
        "ZRANGE d 0 -1 WITHSCORES")),
    ("ZRANDMEMBER ZSCAN", steps(
        "ZRANDMEMBER nosuch", "ZRANDMEMBER nosuch 2", "ZADD one 1.5 m", "ZRANDMEMBER one",
        "ZRANDMEMBER one 3 WITHSCORES", "ZRANDMEMBER one -2 WITHSCORES", "ZRANDMEMBER one 0",
        "ZRANDMEMBER one x", "ZRANDMEMBER one 1 FOO", "ZSCAN nosuch 0", "ZSCAN one 0", "ZSCAN one 0 MATCH x*",
        "ZADD two 1 a 2 b", members("ZRANDMEMBER two 5"))),
    ("zset WRONGTYPE", steps(
        *WRONG, "ZADD str 1 a", "ZINCRBY str 1 a", "ZREM str a", "ZSCORE str a", "ZMSCORE str a", "ZCARD str",
        "ZCOUNT str 0 1", "ZLEXCOUNT str - +", "ZRANK str a", "ZRANGE str 0 1", "ZRANGEBYSCORE str 0 1",
        "ZPOPMIN str", "ZREMRANGEBYRANK str 0 1", "ZRANDMEMBER str", "ZSCAN str 0")),
]

KEY_TYPE_CASES = [
    ("TYPE DEL EXPIRE on collections", steps(
        "HSET h a 1", "SADD s a", "RPUSH l a", "ZADD z 1 a", "SET str v", "TYPE h", "TYPE s", "TYPE l",
        "TYPE z", "TYPE str", "EXPIRE h 100", ttl("TTL h"), "PERSIST h", "TTL h", "PEXPIRE z 100000",
        ttl("PTTL z"), "HSET z2 a 1", "EXPIRE l 0", "EXISTS l", "DEL h s z z2", "DBSIZE", "HSET h a 1",
        "EXPIRE h 100", "HSET h b 2", ttl("TTL h"), "HDEL h a b", "TTL h", "EXISTS h")),
    ("RENAME COPY on collections", steps(
        "HSET h a 1 b 2", "EXPIRE h 100", "RENAME h g", "EXISTS h", pairs("HGETALL g"), ttl("TTL g"),
        "COPY g c", pairs("HGETALL c"), "HSET c x y", "HLEN g", "RPUSH l 1 2 3", "SET str v",
        "RENAME l str", "TYPE str", "LRANGE str 0 -1", "COPY str g REPLACE", "TYPE g", "LRANGE g 0 -1",
        "ZADD z 1 a", "COPY z z2 DB 1", "SELECT 1", "ZRANGE z2 0 -1 WITHSCORES", "SELECT 0", "RENAMENX z g",
        "SADD s a b", "RENAME s s2", members("SMEMBERS s2"))),
    ("SCAN TYPE OBJECT MEMORY on collections", steps(
        "HSET h a 1", "SADD s a", "SADD n 1 2", "RPUSH l a", "ZADD z 1 a", "SET str v",
        scan("SCAN 0 TYPE hash"), scan("SCAN 0 TYPE set"), scan("SCAN 0 TYPE LIST"),
        scan("SCAN 0 TYPE zset"), scan("SCAN 0 TYPE string"), "SCAN 0 TYPE nosuch",
        "OBJECT ENCODING h", "OBJECT ENCODING s", "OBJECT ENCODING n", "OBJECT ENCODING l",
        "OBJECT ENCODING z", ["HSET", "hb", "f", "x" * 65], "OBJECT ENCODING hb", ["ZADD", "zb", "1", "x" * 65],
        "OBJECT ENCODING zb", "OBJECT REFCOUNT h", shape("MEMORY USAGE h"), shape("MEMORY USAGE z"),
        "FLUSHDB", "DBSIZE")),
]

from resp_diff_stream_cases import STREAM_ARITY, STREAM_CASES  # noqa: E402

# The orders Redis defines, compared exactly: a small hash answers in the order
# its fields were first set (listpack), a small all-integer set sorted by value
# (intset), and a count covering a whole collection answers it in that order.
_MANY = " ".join(f"f{i} {i}" for i in range(513))
_ZMANY = " ".join(f"{i} m{i}" for i in range(129))
ORDER_CASES = [
    ("small hash order", steps(
        "HSET h z 1 a 2 m 3 b 4", "HGETALL h", "HKEYS h", "HVALS h", "HDEL h a", "HSET h a 5 z 6", "HGETALL h",
        "HSCAN h 0", "HSCAN h 0 MATCH ?", "HRANDFIELD h 10", "HRANDFIELD h 4 WITHVALUES", "HINCRBY h m 1",
        "HSETNX h new 1", "HKEYS h", "OBJECT ENCODING h", "COPY h h2", "HGETALL h2", "RENAME h2 h3",
        "HGETALL h3")),
    ("hash encoding by size and length", steps(
        "HSET small f v", "OBJECT ENCODING small", "HSET small long " + "x" * 64, "OBJECT ENCODING small",
        "HSET small longer " + "x" * 65, "OBJECT ENCODING small", "HDEL small longer", "OBJECT ENCODING small",
        "HSET many " + _MANY, "OBJECT ENCODING many", pairs("HGETALL many"), "HSET fewer " +
        " ".join(f"f{i} {i}" for i in range(512)), "OBJECT ENCODING fewer", "HKEYS fewer")),
    ("sorted set encoding by size and length", steps(
        "ZADD small 1 a", "OBJECT ENCODING small", "ZADD small 2 " + "x" * 64, "OBJECT ENCODING small",
        "ZADD small 3 " + "y" * 65, "OBJECT ENCODING small", "ZREM small " + "y" * 65, "OBJECT ENCODING small",
        "ZADD many " + _ZMANY, "OBJECT ENCODING many", "ZREM many m0", "OBJECT ENCODING many",
        "ZRANGE many 0 4 WITHSCORES", "ZREVRANGE many 0 4", "ZRANK many m77", "ZREVRANK many m77",
        "ZADD fewer " + " ".join(f"{i} m{i}" for i in range(128)), "OBJECT ENCODING fewer",
        "ZREVRANGE fewer 0 2", "ZRANK fewer m5", "ZADD fewer 1 extra", "OBJECT ENCODING fewer",
        "ZUNIONSTORE u 1 many", "OBJECT ENCODING u", "ZRANGESTORE r many 0 9", "OBJECT ENCODING r",
        "ZRANGE r 0 -1 WITHSCORES", "ZSCAN r 0")),
    ("small and big sorted set order", steps(
        "ZADD mix 1.5 b -2 a 1e300 c 0 d 3 e 3 dd 3 f -1e-300 g 4503599627370497 h -9007199254740993 i",
        "ZRANGE mix 0 -1 WITHSCORES", "ZREVRANGE mix 0 -1 WITHSCORES", "ZRANGEBYSCORE mix (0 +inf",
        "ZREVRANGEBYSCORE mix 3 -inf LIMIT 1 3", "ZRANK mix dd", "ZREVRANK mix g",
        "ZINCRBY mix 0.5 a", "ZADD mix 2 h", "ZRANGE mix 0 -1 WITHSCORES", "ZPOPMIN mix 2", "ZPOPMAX mix",
        "ZREMRANGEBYRANK mix 1 2", "ZRANGE mix 0 -1 WITHSCORES", "ZCOUNT mix -inf +inf",
        "ZADD big " + _ZMANY, "ZADD big 64.5 m3", "ZRANGE big 60 66 WITHSCORES", "ZREVRANGEBYSCORE big 70 (64 WITHSCORES",
        "ZRANK big m3", "ZREVRANK big m3", "ZREMRANGEBYSCORE big 10 100", "ZCARD big", "ZRANGE big -3 -1",
        "ZPOPMAX big 2", "ZRANGEBYSCORE big -inf 5", "ZSCORE big m128", "ZMSCORE big m1 m200")),
    ("intset order", steps(
        "SADD s 10 -3 7 100 2 0 -9223372036854775808 9223372036854775807", "SMEMBERS s", "SSCAN s 0",
        "SRANDMEMBER s 100", "SADD t 7 8 2", "SUNION s t", "SINTER s t", "SDIFF s t", "SDIFF t s",
        "SUNIONSTORE u s t", "SMEMBERS u", "OBJECT ENCODING u", "SADD w 3 1 2", "SPOP w 10",
        "SADD lead 01 1", "OBJECT ENCODING lead", members("SMEMBERS lead"))),
]

TYPE_CASES = ORDER_CASES + HASH_CASES + SET_TYPE_CASES + LIST_CASES + ZSET_CASES + KEY_TYPE_CASES + STREAM_CASES

# Redis 7.0's arity of each collection command.
TYPE_ARITY = {
    "hset": -4, "hget": 3, "hmget": -3, "hmset": -4, "hdel": -3, "hlen": 2, "hstrlen": 3, "hexists": 3,
    "hkeys": 2, "hvals": 2, "hgetall": 2, "hincrby": 4, "hincrbyfloat": 4, "hsetnx": 4, "hrandfield": -2,
    "hscan": -3, "sadd": -3, "srem": -3, "smembers": 2, "sismember": 3, "smismember": -3, "scard": 2,
    "spop": -2, "srandmember": -2, "smove": 4, "sinter": -2, "sunion": -2, "sdiff": -2, "sinterstore": -3,
    "sunionstore": -3, "sdiffstore": -3, "sintercard": -3, "sscan": -3, "lpush": -3, "rpush": -3,
    "lpushx": -3, "rpushx": -3, "lpop": -2, "rpop": -2, "lrange": 4, "llen": 2, "lindex": 3, "lset": 4,
    "lrem": 4, "ltrim": 4, "linsert": 5, "lpos": -3, "lmove": 5, "rpoplpush": 3, "zadd": -4, "zrem": -3,
    "zscore": 3, "zmscore": -3, "zincrby": 4, "zcard": 2, "zcount": 4, "zrank": 3, "zrevrank": 3,
    "zrange": -4, "zrangebyscore": -4, "zrevrangebyscore": -4, "zrangebylex": -4, "zrevrangebylex": -4,
    "zrevrange": -4, "zpopmin": -2, "zpopmax": -2, "zremrangebyscore": 4, "zremrangebyrank": 4,
    "zremrangebylex": 4, "zlexcount": 4, "zrandmember": -2, "zunionstore": -4, "zinterstore": -4,
    "zscan": -3,
}
TYPE_ARITY.update(STREAM_ARITY)
