#!/usr/bin/python3
"""A database with collections written by an older build recovers exactly.

tests/persistence/golden/v3-collections.db was written by build c087be2
through RESP (record version 3, the format that added collections: element
changes per key), with a snapshot taken in the middle (BGSAVE) and a journal
tail after it, then a clean SIGTERM. Its hash, list, set and sorted-set
operations are the ones record version 3 defined when collections came in
(before streams added operations of their own). This test copies it into a
fresh data directory, starts $MNEMO_BIN_DIR/mnemo-server on it
(resp_support.RespServer, stopped by PID) and checks every key.
Exits non-zero on any failure.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import redis  # noqa: E402

from resp_support import check_eq, run_on_copy  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "..", "persistence", "golden", "v3-collections.db")


def check(srv):
    r = redis.Redis(port=srv.resp_port)
    check_eq(r.hgetall("h1"), {b"f1": b"v1", b"f3": b"v3", b"n": b"5"}, "h1 (snapshot + journal)")
    check_eq(r.lrange("l1", 0, -1), [b"b", b"c", b"d", b"e"], "l1")
    check_eq(r.smembers("s1"), {b"x", b"z", b"w"}, "s1")
    check_eq(r.zrange("z1", 0, -1, withscores=True), [(b"two", 2.5), (b"one", 11.0)], "z1")
    check_eq(r.get("str1"), None, "str1 deleted after the snapshot")
    check_eq(r.get("far"), b"v", "far")
    check_eq(r.expiretime("far"), 4102444800, "far keeps its absolute expiry")
    check_eq(r.hgetall("h2"), {b"k": b"v"}, "h2 (journal only)")
    check_eq(r.lrange("l2", 0, -1), [b"only"], "l2")
    check_eq(r.smembers("s2"), {b"m"}, "s2 (an EXEC unit)")
    check_eq(r.zrange("z2", 0, -1, withscores=True), [(b"q", 7.0)], "z2 (an EXEC unit)")
    check_eq(sorted(r.keys("*")), sorted([b"h1", b"l1", b"s1", b"z1", b"far", b"h2", b"l2", b"s2", b"z2"]),
             "no other key")
    check_eq(r.type("z2"), b"zset", "types come back")


def main():
    run_on_copy(GOLDEN, check)
    print("golden collections database recovered")
    return 0


if __name__ == "__main__":
    sys.exit(main())
