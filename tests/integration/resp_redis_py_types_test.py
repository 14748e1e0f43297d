#!/usr/bin/python3
"""Hashes, lists, sets and sorted sets through redis-py (Debian's python3-redis),
as an application would use them: a session hash, a job queue, a presence
set, a leaderboard; WRONGTYPE across types; and every type surviving a
restart.

Each test starts $MNEMO_BIN_DIR/mnemo-server with --resp-port 0 on a fresh
data directory, talks to it through redis.Redis, and stops it by PID.
Exits non-zero on any failure.
"""

import os
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import redis  # noqa: E402
from redis import exceptions  # noqa: E402

from resp_support import check, check_eq, run_tests  # noqa: E402


def client(srv):
    return redis.Redis(host="127.0.0.1", port=srv.resp_port, socket_timeout=30, decode_responses=True)


def test_session_hash(srv):
    r = client(srv)
    check_eq(r.hset("session:1", mapping={"user": "ann", "cart": "3", "theme": "dark"}), 3, "HSET mapping")
    check_eq(r.hget("session:1", "user"), "ann", "HGET")
    check_eq(r.hincrby("session:1", "cart", 2), 5, "HINCRBY")
    check_eq(r.hincrbyfloat("session:1", "spent", 9.5), 9.5, "HINCRBYFLOAT")
    check_eq(r.hgetall("session:1"), {"user": "ann", "cart": "5", "theme": "dark", "spent": "9.5"}, "HGETALL")
    check_eq(r.hmget("session:1", ["user", "nope"]), ["ann", None], "HMGET")
    check_eq(r.hdel("session:1", "theme", "nope"), 1, "HDEL")
    check_eq(sorted(r.hkeys("session:1")), ["cart", "spent", "user"], "HKEYS")
    check_eq(r.hlen("session:1"), 3, "HLEN")
    check_eq(dict(r.hscan_iter("session:1", match="c*")), {"cart": "5"}, "HSCAN")
    check(r.expire("session:1", 100), "EXPIRE on a hash")
    check(0 < r.ttl("session:1") <= 100, "TTL of a hash")


def test_job_queue_list(srv):
    r = client(srv)
    check_eq(r.rpush("jobs", "a", "b", "c"), 3, "RPUSH")
    check_eq(r.lpush("jobs", "urgent"), 4, "LPUSH")
    check_eq(r.lrange("jobs", 0, -1), ["urgent", "a", "b", "c"], "LRANGE")
    check_eq(r.lmove("jobs", "running", "LEFT", "RIGHT"), "urgent", "LMOVE")
    check_eq(r.lpop("jobs", 2), ["a", "b"], "LPOP with count")
    check_eq(r.rpoplpush("jobs", "running"), "c", "RPOPLPUSH")
    check_eq(r.exists("jobs"), 0, "an emptied list is gone")
    check_eq(r.lrange("running", 0, -1), ["c", "urgent"], "the running list")
    check_eq(r.lpos("running", "urgent"), 1, "LPOS")
    check_eq(r.linsert("running", "BEFORE", "urgent", "x"), 3, "LINSERT")
    check_eq(r.lrem("running", 0, "x"), 1, "LREM")
    check(r.ltrim("running", 0, 0), "LTRIM")
    check_eq(r.lrange("running", 0, -1), ["c"], "after LTRIM")


def test_presence_set(srv):
    r = client(srv)
    check_eq(r.sadd("room:1", "ann", "bob", "cy"), 3, "SADD")
    check_eq(r.sadd("room:2", "bob", "dee"), 2, "SADD")
    check_eq(r.smembers("room:1"), {"ann", "bob", "cy"}, "SMEMBERS")
    check_eq(r.sinter("room:1", "room:2"), {"bob"}, "SINTER")
    check_eq(r.sunion("room:1", "room:2"), {"ann", "bob", "cy", "dee"}, "SUNION")
    check_eq(r.sdiff("room:1", "room:2"), {"ann", "cy"}, "SDIFF")
    check_eq(r.smove("room:1", "room:2", "ann"), True, "SMOVE")
    check_eq(r.smismember("room:2", ["ann", "cy"]), [1, 0], "SMISMEMBER")
    check_eq(r.sunionstore("all", ["room:1", "room:2"]), 4, "SUNIONSTORE")
    check_eq(r.scard("all"), 4, "SCARD")
    check_eq(len(r.spop("all", 10)), 4, "SPOP of everything")
    check_eq(r.exists("all"), 0, "an emptied set is gone")


def test_leaderboard_zset(srv):
    r = client(srv)
    check_eq(r.zadd("board", {"ann": 10, "bob": 25, "cy": 17}), 3, "ZADD")
    check_eq(r.zincrby("board", 10, "ann"), 20.0, "ZINCRBY")
    check_eq(r.zrevrange("board", 0, 1, withscores=True), [("bob", 25.0), ("ann", 20.0)], "ZREVRANGE")
    check_eq(r.zrank("board", "cy"), 0, "ZRANK")
    check_eq(r.zrangebyscore("board", 18, "+inf"), ["ann", "bob"], "ZRANGEBYSCORE")
    check_eq(r.zadd("board", {"ann": 5}, gt=True, ch=True), 0, "ZADD GT keeps the higher score")
    check_eq(r.zscore("board", "ann"), 20.0, "ZSCORE")
    check_eq(r.zpopmax("board"), [("bob", 25.0)], "ZPOPMAX")
    check_eq(r.zcount("board", "-inf", "+inf"), 2, "ZCOUNT")
    check_eq(r.zunionstore("both", ["board", "board"]), 2, "ZUNIONSTORE")
    check_eq(r.zrange("both", 0, -1, withscores=True), [("cy", 34.0), ("ann", 40.0)], "ZUNIONSTORE sums")
    check_eq(r.zremrangebyrank("both", 0, -1), 2, "ZREMRANGEBYRANK")
    check_eq(r.exists("both"), 0, "an emptied sorted set is gone")


def test_wrong_type(srv):
    r = client(srv)
    r.set("str", "v")
    r.hset("h", "f", "v")
    for call in (lambda: r.hget("str", "f"), lambda: r.lpush("str", "x"), lambda: r.sadd("str", "x"),
                 lambda: r.zadd("str", {"x": 1}), lambda: r.get("h"), lambda: r.incr("h")):
        try:
            call()
        except exceptions.ResponseError as e:
            check(str(e).startswith("WRONGTYPE Operation against a key holding the wrong kind of value"),
                  "WRONGTYPE error text: %r" % str(e))
        else:
            raise AssertionError("expected WRONGTYPE")
    check_eq([r.type("str"), r.type("h"), r.type("none")], ["string", "hash", "none"], "TYPE")


def test_every_type_survives_a_restart(srv):
    r = client(srv)
    r.hset("h", mapping={"a": "1", "b": "2"})
    r.rpush("l", "x", "y", "z")
    r.sadd("s", "m", "n")
    r.zadd("z", {"p": 1.5, "q": -2})
    r.expire("h", 1000)
    r.execute_command("SAVE")  # a snapshot holding every type ...
    r.hset("h", "c", "3")      # ... and journal changes after it
    r.lpop("l")
    r.srem("s", "m")
    r.zincrby("z", 1, "q")
    r.execute_command("WAITAOF", 1, 0, 0)
    srv.restart_after_sigkill()
    r = client(srv)
    check_eq(r.hgetall("h"), {"a": "1", "b": "2", "c": "3"}, "hash after restart")
    check(0 < r.ttl("h") <= 1000, "the hash keeps its expiry")
    check_eq(r.lrange("l", 0, -1), ["y", "z"], "list after restart")
    check_eq(r.smembers("s"), {"n"}, "set after restart")
    check_eq(r.zrange("z", 0, -1, withscores=True), [("q", -1.0), ("p", 1.5)], "sorted set after restart")


def test_sort_by_and_get(srv):
    """SORT as an application uses it: ids in a list, objects in hashes,
    ordered by a field, rendered by GET, and a STORE that survives a crash."""
    r = client(srv)
    r.rpush("users", 3, 1, 2)
    for uid, (name, age) in {1: ("ann", 41), 2: ("bob", 23), 3: ("cy", 35)}.items():
        r.hset(f"user:{uid}", mapping={"name": name, "age": age})
        r.set(f"score:{uid}", uid * 10)
    check_eq(r.sort("users"), ["1", "2", "3"], "SORT numeric")
    check_eq(r.sort("users", desc=True, start=0, num=2), ["3", "2"], "SORT DESC LIMIT")
    check_eq(r.sort("users", by="user:*->age", get="user:*->name"), ["bob", "cy", "ann"], "SORT BY hash field GET")
    check_eq(r.sort("users", by="user:*->name", alpha=True, get=["#", "score:*"]),
             ["1", "10", "2", "20", "3", "30"], "SORT BY ALPHA, several GETs")
    check_eq(r.sort("users", by="nosort"), ["3", "1", "2"], "SORT BY nosort keeps the list's order")
    check_eq(r.sort_ro("users", by="score:*", desc=True), ["3", "2", "1"], "SORT_RO BY")
    check_eq(r.sort("users", by="user:*->age", get="user:*->name", store="by_age"), 3, "SORT STORE count")
    r.rpush("bad", "x")
    try:
        r.sort("bad")
    except exceptions.ResponseError as e:
        check_eq(str(e), "One or more scores can't be converted into double", "SORT of a non-number")
    else:
        raise AssertionError("expected an error")
    r.execute_command("WAITAOF", 1, 0, 0)
    srv.restart_after_sigkill()
    r = client(srv)
    check_eq(r.lrange("by_age", 0, -1), ["bob", "cy", "ann"], "SORT STORE's list after a crash")


def test_sort_get_is_atomic(srv):
    """SORT's GET patterns read keys it cannot declare; mnemo runs it as one
    transaction, so a concurrent MSET of all of them shows whole or not at all."""
    r = client(srv)
    ids = [str(i) for i in range(16)]  # 16 keys: spread over many shards
    r.rpush("ids", *ids)
    r.mset({f"w:{i}": 0 for i in ids})
    stop = threading.Event()
    errors = []

    def writer():
        w = client(srv)
        n = 0
        while not stop.is_set() and n < 100000:
            n += 1
            w.mset({f"w:{i}": n for i in ids})

    # Several writers, so that some run on another io thread than the reader.
    threads = [threading.Thread(target=writer) for _ in range(4)]
    for t in threads:
        t.start()
    try:
        for _ in range(1000):
            rows = r.sort("ids", by="nosort", get="w:*")
            if len(set(rows)) != 1:
                errors.append(rows)
                break
    finally:
        stop.set()
        for t in threads:
            t.join()
    check_eq(errors, [], "every SORT ... GET saw one MSET whole")


TESTS = [
    ("a session hash", test_session_hash),
    ("a job queue list", test_job_queue_list),
    ("a presence set", test_presence_set),
    ("a leaderboard sorted set", test_leaderboard_zset),
    ("WRONGTYPE across types", test_wrong_type),
    ("every type survives a restart", test_every_type_survives_a_restart),
    ("SORT BY, GET and STORE", test_sort_by_and_get),
    ("SORT GET reads its pattern keys atomically", test_sort_get_is_atomic),
]

if __name__ == "__main__":
    sys.exit(run_tests(TESTS, lambda name: []))
