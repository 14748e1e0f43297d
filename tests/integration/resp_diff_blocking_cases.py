"""Blocking-pop cases of resp_differential_test.py: BLPOP, BRPOP, BLMOVE,
BRPOPLPUSH, BLMPOP, BZPOPMIN, BZPOPMAX, BZMPOP and CLIENT UNBLOCK, on the
paths whose reply does not depend on timing (a key that has elements, a
tiny timeout on an empty key, every argument error, MULTI and scripts),
and the keyspace notifications of the collection commands (one event class
letter each, keyevent channel only).
"""

from resp_diff_cases import steps
from resp_diff_pubsub_cases import NOTIFY_OFF, on, recv

T = "0.01"  # a timeout on an empty key: both servers answer nil after it

BLOCKING_CASES = [
    ("BLPOP BRPOP without waiting", steps(
        "RPUSH l a b c d", "BLPOP l 0", "BRPOP l 0", "BLPOP nosuch l 0", "BRPOP nosuch l 1", "EXISTS l",
        "BLPOP l " + T, "BRPOP a b " + T, "BLPOP l nosuch " + T, "RPUSH l x", "BLPOP l l 0",
        "RPUSH l x", "BLPOP l -1", "BLPOP l x", "BLPOP l ''", "BLPOP l ' 1'", "BLPOP l '1 '", "BLPOP l -inf",
        "BLPOP l nan", "BLPOP l 1e400", "BLPOP l 1.5", "BLPOP nosuch -0.5", "BLPOP nosuch 0.0001x",
        "SET str v", "BLPOP str 0", "BLPOP nosuch str 0", "RPUSH l2 y", "BLPOP l2 str 0", "BRPOP str l2 0")),
    ("BLMOVE BRPOPLPUSH without waiting", steps(
        "RPUSH s a b c", "BLMOVE s d LEFT RIGHT 0", "BLMOVE s d RIGHT LEFT 0", "LRANGE d 0 -1",
        "BRPOPLPUSH s d 0", "LRANGE d 0 -1", "EXISTS s", "BLMOVE s d LEFT LEFT " + T, "BRPOPLPUSH s d " + T,
        "BLMOVE d d LEFT RIGHT 0", "LRANGE d 0 -1", "BLMOVE s d UP RIGHT 0", "BLMOVE s d LEFT DOWN x",
        "BLMOVE s d LEFT RIGHT x", "BLMOVE s d LEFT RIGHT -1", "BRPOPLPUSH s d x", "BRPOPLPUSH s d -2",
        "SET str v", "BLMOVE str d LEFT RIGHT 0", "BLMOVE d str LEFT RIGHT 0", "LRANGE d 0 -1",
        "BRPOPLPUSH d str 0", "BRPOPLPUSH str d 0", "BLMOVE nosuch str LEFT LEFT " + T)),
    ("BLMPOP", steps(
        "RPUSH l a b c d e", "BLMPOP 0 1 l LEFT", "BLMPOP 0 2 nosuch l RIGHT COUNT 2", "BLMPOP 0 1 l LEFT COUNT 9",
        "EXISTS l", "BLMPOP " + T + " 1 l LEFT", "BLMPOP " + T + " 2 l x RIGHT COUNT 3", "BLMPOP 0 0 l LEFT",
        "BLMPOP 0 -1 l LEFT", "BLMPOP 0 x l LEFT", "BLMPOP 0 3 l LEFT", "BLMPOP 0 1 l UP", "BLMPOP 0 1 l LEFT COUNT 0",
        "BLMPOP 0 1 l LEFT COUNT -1", "BLMPOP 0 1 l LEFT COUNT x", "BLMPOP 0 1 l LEFT COUNT",
        "BLMPOP 0 1 l LEFT COUNT 1 COUNT 2", "BLMPOP 0 1 l LEFT FOO", "BLMPOP x 1 l LEFT", "BLMPOP -1 1 l LEFT",
        "BLMPOP x 1 l UP", "SET str v", "BLMPOP 0 1 str LEFT", "RPUSH l z", "BLMPOP 0 2 l str RIGHT")),
    ("BZPOPMIN BZPOPMAX BZMPOP", steps(
        "ZADD z 1 a 2 b 3 c 4.5 d", "BZPOPMIN z 0", "BZPOPMAX z 0", "BZPOPMIN nosuch z 0", "BZPOPMAX z 0",
        "EXISTS z", "BZPOPMIN z " + T, "BZPOPMAX a b " + T, "BZPOPMIN z x", "BZPOPMIN z -1",
        "ZADD z2 1 a 2 b 3 c -inf m", "BZMPOP 0 1 z2 MIN", "BZMPOP 0 2 nosuch z2 MAX COUNT 2",
        "BZMPOP 0 1 z2 MIN COUNT 10", "BZMPOP " + T + " 1 z2 MIN", "BZMPOP 0 0 z2 MIN", "BZMPOP 0 1 z2 UP",
        "BZMPOP 0 2 z2 MIN", "BZMPOP 0 1 z2 MIN COUNT 0", "BZMPOP 0 1 z2 MAX COUNT", "BZMPOP x 1 z2 MIN",
        "SET str v", "BZPOPMIN str 0", "BZMPOP 0 1 str MAX", "ZADD z3 1 a", "BZPOPMAX nosuch str z3 0",
        "ZADD z3 1 a", "BZPOPMAX z3 str 0")),
    ("blocking commands in MULTI and scripts", steps(
        "MULTI", "BLPOP nosuch 0", "BRPOPLPUSH nosuch d 0", "BLMOVE nosuch d LEFT LEFT 0", "BZPOPMIN nosuch 0",
        "BLMPOP 0 1 nosuch LEFT", "BZMPOP 0 1 nosuch MIN", "RPUSH l a", "BRPOP l 0", "EXEC",
        "MULTI", "BLPOP l x", "EXEC",
        "EVAL \"return redis.call('BLMPOP', 0, 1, 'nosuch', 'LEFT')\" 0",
        "EVAL \"return redis.call('BZMPOP', 0, 1, 'nosuch', 'MIN')\" 0",
        "RPUSH l b", "EVAL \"return redis.call('BLMPOP', 0, 1, 'l', 'LEFT')\" 0")),
    ("CLIENT UNBLOCK", steps(
        "CLIENT UNBLOCK 999999", "CLIENT UNBLOCK 999999 TIMEOUT", "CLIENT UNBLOCK 999999 error",
        "CLIENT UNBLOCK x", "CLIENT UNBLOCK 1 FOO", "CLIENT UNBLOCK x FOO", "CLIENT UNBLOCK 1 TIMEOUT x",
        "CLIENT UNBLOCK")),
    ("collection keyspace events", steps(
        "CONFIG SET notify-keyspace-events Eghlsz", on(1, "PSUBSCRIBE __keyevent@0__:*"),
        "HSET h a 1 b 2", recv(1), "HSETNX h a 1", "HSETNX h c 3", recv(1), "HINCRBY h n 1", recv(1),
        "HINCRBYFLOAT h f 1.5", recv(1), "HDEL h zz", "HDEL h a b c n f", recv(1, 2),
        "RPUSH l a b c", recv(1), "LPUSHX nosuch a", "LPUSH l w", recv(1), "LINSERT l AFTER a x", recv(1),
        "LINSERT l AFTER nosuch x", "LSET l 0 y", recv(1), "LREM l 1 x", recv(1), "LREM l 1 nosuch",
        "LMOVE l l2 RIGHT LEFT", recv(1, 2), "RPOPLPUSH l l2", recv(1, 2), "LTRIM l2 0 0", recv(1),
        "LPOP l", recv(1), "LPOP l 5", recv(1, 2), "RPOP l2 1", recv(1, 2),
        "SADD s a b c", recv(1), "SADD s a", "SREM s a", recv(1), "SREM s a", "SMOVE s s2 b", recv(1, 2),
        "SMOVE s s2 nosuch", "SINTERSTORE s3 s s2", "SUNIONSTORE s3 s s2", recv(1), "SDIFFSTORE s3 s s", recv(1),
        "SINTERSTORE s4 s s", recv(1), "SPOP s", recv(1, 2), "SPOP s2 5", recv(1, 2),
        "ZADD z 1 a 2 b 3 c", recv(1), "ZADD z 1 a", "ZINCRBY z 1 a", recv(1), "ZADD z INCR 1 a", recv(1),
        "ZADD z XX CH 10 b", recv(1), "ZREM z nosuch", "ZREM z a", recv(1), "ZADD z 5 d", recv(1),
        "ZREMRANGEBYSCORE z 3 3", recv(1), "ZREMRANGEBYRANK z 0 0", recv(1), "ZREMRANGEBYLEX z [nosuch [nosuch",
        "ZUNIONSTORE z2 1 z", recv(1), "ZINTERSTORE z3 2 z nosuch", "ZINTERSTORE z2 2 z nosuch", recv(1),
        "ZPOPMAX z", recv(1, 2), "ZADD z 1 a 2 b", recv(1), "ZPOPMIN z 5", recv(1, 2),
        "ZADD z 1 a", recv(1), "ZREMRANGEBYLEX z - +", recv(1, 2),
        "RPUSH bl x", recv(1), "BLPOP bl 0", recv(1, 2), "RPUSH bl x y", recv(1),
        "BLMOVE bl bl2 LEFT RIGHT 0", recv(1, 2), "BLMPOP 0 1 bl RIGHT COUNT 5", recv(1, 2),
        "ZADD bz 1 a 2 b", recv(1), "BZPOPMIN bz 0", recv(1), "BZMPOP 0 1 bz MAX COUNT 3", recv(1, 2),
        "DEL bl2 nosuch", recv(1), NOTIFY_OFF)),
]

# Redis 7.0's arity of each blocking command.
BLOCKING_ARITY = {"blpop": -3, "brpop": -3, "blmove": 6, "brpoplpush": 4, "blmpop": -5, "bzpopmin": -3,
                  "bzpopmax": -3, "bzmpop": -5}
