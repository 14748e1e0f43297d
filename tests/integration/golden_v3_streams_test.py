#!/usr/bin/python3
"""A database written by the last build of record version 3 recovers exactly.

tests/persistence/golden/v3-streams.db was written by build 3ad0379 (record
version 3 with every type, streams and consumer groups included, the last
build before record version 4's continuation slices) through RESP: a
snapshot taken in the middle (SAVE) and a journal tail after it, then a
clean SIGTERM. Its hash of 600 fields and set and sorted set of 3,000
members are copied whole into their snapshot entries (record version 3 has
no slices). This test copies the file into a fresh data directory, starts
$MNEMO_BIN_DIR/mnemo-server on it (resp_support.RespServer, stopped by PID)
and checks every key.

Writing it again (only with a build that writes record version 3):
  MNEMO_BIN_DIR=build/bin /usr/bin/python3 tests/integration/golden_v3_streams_test.py --write
Exits non-zero on any failure.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import redis  # noqa: E402

from resp_support import check_eq, check_same, run_on_copy, write_golden  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "..", "persistence", "golden", "v3-streams.db")
FAR = 4102444800000  # 2100-01-01, ms


def write_snapshot_part(r):
    r.hset("hb", mapping={"f%d" % i: "v%d" % i for i in range(600)})
    r.hset("hs", mapping={"a": "1", "b": "2"})
    r.rpush("l1", "a", "b", "c")
    r.sadd("s1", *["m%d" % i for i in range(3000)])
    r.sadd("si", 3, 1, 2)
    r.zadd("z1", {"m%d" % i: i * 0.5 for i in range(3000)})
    for i in range(1, 6):
        r.xadd("st", {"n": str(i), "k": "x"}, id="%d-1" % i)
    r.xgroup_create("st", "g1", id="0")
    r.xreadgroup("g1", "c1", {"st": ">"}, count=2)
    r.set("k1", "one")
    r.set("far", "v", pxat=FAR)


def write_tail_part(r):
    r.hset("hb", "f0", "new")
    r.hdel("hb", "f1")
    r.lpush("l1", "z")
    r.srem("s1", "m0")
    r.zadd("z1", {"m0": 999})
    r.zrem("z1", "m1")
    r.xadd("st", {"n": "6"}, id="6-1")
    r.xack("st", "g1", "1-1")
    r.delete("k1")
    r.set("k2", "two")


def fill(srv):
    r = redis.Redis(port=srv.resp_port)
    write_snapshot_part(r)
    check_eq(r.save(), True, "SAVE")
    write_tail_part(r)


def check(r):
    hb = {("f%d" % i).encode(): ("v%d" % i).encode() for i in range(2, 600)}
    hb[b"f0"] = b"new"
    check_same(r.hgetall("hb"), hb, "hb (600 fields, snapshot + journal)")
    check_eq(r.hgetall("hs"), {b"a": b"1", b"b": b"2"}, "hs")
    check_eq(r.lrange("l1", 0, -1), [b"z", b"a", b"b", b"c"], "l1")
    check_same(r.smembers("s1"), {("m%d" % i).encode() for i in range(1, 3000)}, "s1")
    check_eq(r.smembers("si"), {b"1", b"2", b"3"}, "si")
    z1 = [(("m%d" % i).encode(), i * 0.5) for i in range(2, 3000)] + [(b"m0", 999.0)]
    check_same(r.zrange("z1", 0, -1, withscores=True), sorted(z1, key=lambda p: (p[1], p[0])), "z1")
    ids = [e[0] for e in r.xrange("st")]
    check_eq(ids, [b"1-1", b"2-1", b"3-1", b"4-1", b"5-1", b"6-1"], "st entries")
    check_eq(r.xrange("st", "3-1", "3-1"), [(b"3-1", {b"n": b"3", b"k": b"x"})], "st entry 3-1")
    groups = r.xinfo_groups("st")
    check_eq([(g["name"], g["pending"], g["last-delivered-id"]) for g in groups], [(b"g1", 1, b"2-1")], "st groups")
    pending = r.xpending_range("st", "g1", "-", "+", 10)
    check_eq([(p["message_id"], p["consumer"]) for p in pending], [(b"2-1", b"c1")], "st pending")
    check_eq(r.get("k1"), None, "k1 deleted after the snapshot")
    check_eq(r.get("k2"), b"two", "k2")
    check_eq(r.pexpiretime("far"), FAR, "far keeps its absolute expiry")
    keys = [b"hb", b"hs", b"l1", b"s1", b"si", b"z1", b"st", b"k2", b"far"]
    check_eq(sorted(r.keys("*")), sorted(keys), "no other key")
    check_eq([r.type(k) for k in (b"hb", b"l1", b"s1", b"z1", b"st")],
             [b"hash", b"list", b"set", b"zset", b"stream"], "types come back")


def main():
    if "--write" in sys.argv:
        write_golden(GOLDEN, fill)
        return 0
    run_on_copy(GOLDEN, lambda srv: check(redis.Redis(port=srv.resp_port)))
    print("golden record version 3 database with streams recovered")
    return 0


if __name__ == "__main__":
    sys.exit(main())
