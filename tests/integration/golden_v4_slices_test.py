#!/usr/bin/python3
"""A database written by the last build of record version 4 recovers exactly.

tests/persistence/golden/v4-slices.db was written by build ddd4a9e (record
version 4: continuation slices of hashes, sets and sorted sets; streams
copied whole; the last build before record version 5's stream slices)
through RESP: a snapshot taken in the middle (SAVE) and a journal tail
after it, then a clean SIGTERM. Its sorted set of 10,000 members and hash
of 9,000 fields are in slices (version 4 chunks); its stream of 9,000
entries, with two consumer groups, pending entries and consumers, is one
snapshot entry, as that build copied every stream. This test copies the
file into a fresh data directory, starts $MNEMO_BIN_DIR/mnemo-server on it
(resp_support.RespServer, stopped by PID) and checks every key.

Writing it again (only with a build that writes record version 4):
  MNEMO_BIN_DIR=build/bin /usr/bin/python3 tests/integration/golden_v4_slices_test.py --write
(it checks the same contents on the writing server first). Exits non-zero
on any failure.
"""

import os
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import redis  # noqa: E402

from resp_support import check_eq, check_same, run_on_copy, write_golden  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "..", "persistence", "golden", "v4-slices.db")
ZSET_N, HASH_N, STREAM_N = 10000, 9000, 9000


def write_snapshot_part(r):
    for start in range(0, ZSET_N, 2000):
        r.zadd("zb", {"m%d" % i: i * 0.25 for i in range(start, min(start + 2000, ZSET_N))})
    r.hset("hb", mapping={"f%d" % i: "v%d" % i for i in range(HASH_N)})
    p = r.pipeline(transaction=False)
    for i in range(1, STREAM_N + 1):
        p.xadd("st", {"n": str(i), "k": "x"}, id="%d-1" % i)
    p.execute()
    r.xgroup_create("st", "g1", id="0")
    r.xreadgroup("g1", "c1", {"st": ">"}, count=3)
    r.xreadgroup("g1", "c2", {"st": ">"}, count=2)
    r.xack("st", "g1", "1-1")
    r.xgroup_create("st", "g2", id="$")
    r.xdel("st", "100-1")
    r.xadd("sm", {"a": "1"}, id="1-1")
    r.xadd("sm", {"a": "2"}, id="2-1")
    r.execute_command("XSETID", "sm", "50-0", "ENTRIESADDED", 10, "MAXDELETEDID", "40-0")
    r.xgroup_create("sm", "g", id="0")
    r.set("k1", "one")


def write_tail_part(r):
    r.xadd("st", {"n": str(STREAM_N + 1)}, id="%d-1" % (STREAM_N + 1))
    r.xack("st", "g1", "2-1")
    r.xclaim("st", "g1", "c3", 0, ["3-1"])
    r.xgroup_delconsumer("st", "g1", "c2")
    r.zadd("zb", {"m0": 999})
    r.zrem("zb", "m1")
    r.hdel("hb", "f1")
    r.delete("k1")
    r.set("k2", "two")


def chunk_versions(db_path):
    db = sqlite3.connect(db_path)
    try:
        return sorted({bytes(p)[1] for (p,) in db.execute("SELECT payload FROM snapshot_chunks")})
    finally:
        db.close()


def fill(srv):
    r = redis.Redis(port=srv.resp_port)
    write_snapshot_part(r)
    check_eq(r.save(), True, "SAVE")
    write_tail_part(r)
    check(r)


def check(r):
    zb = [(("m%d" % i).encode(), i * 0.25) for i in range(2, ZSET_N)] + [(b"m0", 999.0)]
    check_same(r.zrange("zb", 0, -1, withscores=True), sorted(zb, key=lambda p: (p[1], p[0])), "zb (sliced)")
    hb = {("f%d" % i).encode(): ("v%d" % i).encode() for i in range(HASH_N) if i != 1}
    check_same(r.hgetall("hb"), hb, "hb (sliced)")
    ids = [e[0] for e in r.xrange("st")]
    want = [("%d-1" % i).encode() for i in range(1, STREAM_N + 2) if i != 100]
    check_same(ids, want, "st entries")
    check_eq(r.xrange("st", "3-1", "3-1"), [(b"3-1", {b"n": b"3", b"k": b"x"})], "st entry 3-1")
    info = r.xinfo_stream("st")
    check_eq((info["length"], info["last-generated-id"], info["entries-added"], info["max-deleted-entry-id"]),
             (STREAM_N, b"9001-1", STREAM_N + 1, b"100-1"), "st counters")
    groups = r.xinfo_groups("st")
    check_eq([(g["name"], g["pending"], g["last-delivered-id"], g["entries-read"], g["consumers"]) for g in groups],
             [(b"g1", 1, b"5-1", 5, 2), (b"g2", 0, b"9000-1", None, 0)], "st groups")
    pending = r.xpending_range("st", "g1", "-", "+", 10)
    check_eq([(p["message_id"], p["consumer"], p["times_delivered"]) for p in pending], [(b"3-1", b"c3", 2)],
             "st pending")
    check_eq([c["name"] for c in r.xinfo_consumers("st", "g1")], [b"c1", b"c3"], "st g1 consumers")
    sm = r.xinfo_stream("sm")
    check_eq((sm["length"], sm["last-generated-id"], sm["entries-added"], sm["max-deleted-entry-id"], sm["groups"]),
             (2, b"50-0", 10, b"40-0", 1), "sm counters (XSETID)")
    check_eq(r.get("k1"), None, "k1 deleted after the snapshot")
    check_eq(r.get("k2"), b"two", "k2")
    check_eq(sorted(r.keys("*")), sorted([b"zb", b"hb", b"st", b"sm", b"k2"]), "no other key")


def main():
    if "--write" in sys.argv:
        write_golden(GOLDEN, fill)
        check_eq(max(chunk_versions(GOLDEN)), 4, "the newest record version of the snapshot's chunks")
        return 0
    check_eq(max(chunk_versions(GOLDEN)), 4, "the golden snapshot's newest record version")
    run_on_copy(GOLDEN, lambda srv: check(redis.Redis(port=srv.resp_port)))
    print("golden record version 4 database with slices and streams recovered")
    return 0


if __name__ == "__main__":
    sys.exit(main())
