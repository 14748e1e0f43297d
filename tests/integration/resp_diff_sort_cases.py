"""Cases of resp_differential_test.py for SORT and SORT_RO (Redis 7.0's
sort.c): numeric and ALPHA order, ASC/DESC, LIMIT, BY patterns (string keys,
hash fields, nosort), GET patterns, STORE, their errors, keyspace events,
SORT inside MULTI and scripts, and COMMAND's view of both. SORT_CASES run
over RESP2 and RESP3.

A set left unsorted (BY nosort) answers in hash-table order, which differs
between servers for sets that are not intsets; those are compared as
members() or only where Redis sorts them anyway (STORE, scripts). Ties that
Redis leaves to qsort (ALPHA BY with equal weights) are avoided.
"""

from resp_diff_cases import members, steps
from resp_diff_pubsub_cases import NOTIFY_OFF, on, recv

WEIGHTS = ["RPUSH l 1 2 3", "MSET w_1 30 w_2 10 w_3 20", "HSET h_1 f 3", "HSET h_2 f 1", "HSET h_3 f 2"]

# Run over RESP3 only (tracking pushes on the same connection).
SORT_TRACKING_CASES = [
    ("invalidation by SORT STORE", steps(
        "RPUSH l 2 1", on(1, "CLIENT TRACKING ON"), on(1, "LRANGE dst 0 -1"), "SORT l STORE dst", recv(1),
        on(1, "LRANGE dst 0 -1"), "SORT nosuch STORE dst", recv(1), on(1, "LRANGE dst 0 -1"),
        "SORT nosuch STORE dst", on(1, "SORT_RO l"), "RPUSH l 3", recv(1), on(1, "PING"))),
]

SORT_CASES = [
    ("SORT numeric and ALPHA", steps(
        "RPUSH l 3 1 2 10 -5 1.5", "SORT l", "SORT l DESC", "SORT l ALPHA", "SORT l ALPHA DESC",
        "SORT l asc DESC asc", "sort l alpha desc", "SORT nosuch", "SORT nosuch ALPHA DESC LIMIT 0 1",
        "RPUSH t 1 01 1.0 +1 1e0", "SORT t", "SORT t DESC", "RPUSH sp ' 12' '' 0x10 inf -inf 3", "SORT sp",
        "SORT sp DESC", "RPUSH bad 1 x 2", "SORT bad", "SORT bad ALPHA", "RPUSH ov 1 1e500", "SORT ov",
        "RPUSH tiny 1e-400", "SORT tiny", "RPUSH nan nan", "SORT nan", "RPUSH trail '1 '", "SORT trail",
        ["RPUSH", "bin", b"a\x00b", b"b", b"a"], "SORT bin ALPHA STORE bd", "LRANGE bd 0 -1")),
    ("SORT LIMIT", steps(
        "RPUSH l 5 4 3 2 1", "SORT l LIMIT 1 2", "SORT l LIMIT 0 0", "SORT l LIMIT -5 2", "SORT l LIMIT 2 -1",
        "SORT l LIMIT 2 -7", "SORT l LIMIT 3 100", "SORT l LIMIT 5 1", "SORT l LIMIT 10 2", "SORT l DESC LIMIT 1 3",
        "SORT l LIMIT 0 1 LIMIT 4 1", "SORT l LIMIT 9223372036854775807 9223372036854775807",
        "SORT l LIMIT -9223372036854775808 1", "SORT l LIMIT x 1", "SORT l LIMIT 1 x", "SORT l LIMIT 1",
        "SORT l LIMIT", "SORT l LIMIT 1.5 1", "SORT l LIMIT 99999999999999999999 1")),
    ("SORT sets and sorted sets", steps(
        "SADD s 3 1 2 -7", "SORT s", "SORT s DESC LIMIT 0 2", "SORT s ALPHA", "SORT s BY nosort",
        "SADD ss b a c", "SORT ss ALPHA", "SORT ss ALPHA DESC LIMIT 1 1", "SORT ss", members("SORT ss BY nosort"),
        "SORT ss BY nosort STORE d", "LRANGE d 0 -1", "SORT ss BY nosort DESC STORE d", "LRANGE d 0 -1",
        "ZADD z 3 a 1 b 2 c 5 d", "SORT z ALPHA", "SORT z ALPHA DESC", "SORT z", "SORT z BY nosort",
        "SORT z BY nosort DESC", "SORT z BY nosort LIMIT 1 2", "SORT z BY nosort DESC LIMIT 1 2",
        "SORT z BY nosort LIMIT 3 9", "SORT z BY nosort LIMIT 4 1", "SORT z BY nosort LIMIT -1 0",
        "SORT z BY nosort STORE d", "LRANGE d 0 -1", "ZADD zn 1 10 2 9 3 8", "SORT zn", "SORT zn BY nosort",
        "RPUSH l c a b", "SORT l BY nosort", "SORT l BY nosort DESC", "SORT l BY nosort LIMIT 1 5",
        "SORT l BY nosort DESC LIMIT 1 1", "SORT l BY constant ALPHA", "SORT l BY # LIMIT 0 2",
        "SORT l BY nosort BY w_* ALPHA")),
    ("SORT BY patterns", steps(
        *WEIGHTS, "SORT l BY w_*", "SORT l BY w_* DESC", "SORT l BY w_* LIMIT 0 2", "SORT l BY w_* DESC LIMIT 1 1",
        "SORT l BY h_*->f", "SORT l BY h_*->f DESC", "SORT l BY missing_*", "SORT l BY missing_* DESC",
        "SORT l BY w_*->f", "SORT l BY h_*", "SORT l BY h_*->", "SORT l BY h_*->nofield",
        "MSET pre_1_post 3 pre_2_post 1 pre_3_post 2", "SORT l BY pre_*_post", "SORT l BY *",
        "MSET a_1 x a_3 y", "SORT l BY a_* ALPHA", "SORT l BY a_* ALPHA DESC", "SORT l BY a_*",
        "SADD set_1 x", "SORT l BY set_*", "MSET w_2 abc", "SORT l BY w_*", "SORT l BY w_* ALPHA",
        "SADD s 1 2 3", "SORT s BY h_*->f", "ZADD z 1 1 2 2 3 3", "SORT z BY w_* ALPHA DESC")),
    ("SORT GET patterns", steps(
        *WEIGHTS, "SORT l GET #", "SORT l GET w_* GET # GET h_*->f", "SORT l GET nosuch_*", "SORT l GET fixed",
        "SORT l BY nosort GET w_*", "SORT l LIMIT 0 1 GET # GET w_*", "SORT l BY w_* GET h_*->f",
        "SORT l GET h_*->nofield GET h_*->", "SORT l GET", "SORT l GET # GET", "SORT nosuch GET #",
        "SORT l DESC GET w_* LIMIT 1 1", "SORT l BY nosort LIMIT 5 5 GET #", "SET str v",
        "SORT l GET str", "SADD x_1 a", "SORT l GET x_*")),
    ("SORT STORE", steps(
        *WEIGHTS, "SORT l STORE dst", "LRANGE dst 0 -1", "TYPE dst", "SORT l BY w_* GET w_* GET nosuch_* STORE dst",
        "LRANGE dst 0 -1", "SET dst x", "EXPIRE dst 100", "SORT l DESC STORE dst", "TTL dst", "LRANGE dst 0 -1",
        "SORT nosuch STORE dst", "EXISTS dst", "SORT l STORE dst", "SORT l LIMIT 5 5 STORE dst", "EXISTS dst",
        "SORT nosuch STORE dst", "SORT l DESC STORE l", "LRANGE l 0 -1", "RPUSH bad x", "SORT l STORE dst",
        "SORT bad STORE dst", "LRANGE dst 0 -1", "SET str v", "SORT str STORE dst", "SORT l STORE str",
        "TYPE str", "SORT l STORE", "SORT l STORE a STORE b", "EXISTS a b", "store l")),
    ("SORT_RO and errors", steps(
        *WEIGHTS, "SORT_RO l", "SORT_RO l DESC LIMIT 0 2", "SORT_RO l BY w_* GET # GET h_*->f",
        "SORT_RO l STORE d", "EXISTS d", "SORT_RO l ALPHA BY nosort", "SET str v", "SORT_RO str", "SORT str",
        "SORT str BY w_*", "SORT str FOO", "SORT l FOO", "SORT l ALPHA FOO LIMIT x 1", "HSET hh a 1", "SORT hh",
        "XADD st 1-1 a 1", "SORT st", "SORT", "SORT_RO", "sort_ro", "SORT l BY", "SORT l ASC LIMIT 0")),
    ("SORT keyspace events", steps(
        "CONFIG SET notify-keyspace-events KEA", on(1, "PSUBSCRIBE __key*__:*"), "RPUSH l 2 1", recv(1, 2),
        "SORT l STORE dst", recv(1, 2), "SORT l", "SORT_RO l", "SORT nosuch STORE dst", recv(1, 2),
        "SORT nosuch STORE dst", "PUBLISH __keyspace@0__:done .", recv(1), NOTIFY_OFF)),
    ("SORT in MULTI and scripts", steps(
        *WEIGHTS, "SADD ss b a c", "SADD si 3 1 2", "MULTI", "SORT l BY w_* GET w_*", "SORT l STORE dst",
        "SORT_RO l BY h_*->f", "SORT si BY nosort", "EXEC", "LRANGE dst 0 -1",
        ["EVAL", "return redis.call('sort', KEYS[1], 'by', 'nosort')", "1", "ss"],
        ["EVAL", "return redis.call('sort', KEYS[1], 'by', 'w_*', 'get', '#', 'get', 'h_*->f')", "1", "l"],
        ["EVAL", "return redis.call('sort', KEYS[1], 'store', KEYS[2])", "2", "l", "dst2"], "LRANGE dst2 0 -1",
        ["EVAL_RO", "return redis.call('sort', KEYS[1], 'store', 'x')", "1", "l"],
        ["EVAL_RO", "return redis.call('sort_ro', KEYS[1], 'desc')", "1", "l"])),
    ("SORT in COMMAND", steps(
        "COMMAND INFO sort sort_ro", "COMMAND GETKEYS sort s", "COMMAND GETKEYS sort s STORE d",
        "COMMAND GETKEYS sort s LIMIT 0 1 BY x STORE d GET y STORE e", "COMMAND GETKEYS sort s BY store x",
        "COMMAND GETKEYS sort s STORE", "COMMAND GETKEYS sort_ro s", "COMMAND GETKEYS sort_ro s BY x GET y",
        members("COMMAND LIST FILTERBY PATTERN sort*"))),
]
