#!/usr/bin/python3
"""The writes of ZDIFFSTORE, ZRANGESTORE, LMPOP, ZMPOP, MOVE, SWAPDB and BITFIELD survive a SIGKILL.

They journal through the store's existing changes (a destination written
whole, popped elements, a delete and a put across databases, two flushes and
every key of both databases), so after
WAITAOF and a SIGKILL the restarted server must hold exactly what the
server answered before the kill: every key of databases 0 to 2, its type,
its contents and whether it has an expiry. Once from the journal alone,
once with snapshots taken in between (small --snapshot-every-changes).

The test starts $MNEMO_BIN_DIR/mnemo-server (resp_support.RespServer) and
stops it by PID. Exits non-zero on any failure.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import redis  # noqa: E402

from resp_support import check_eq, run_tests  # noqa: E402

WRITES = [
    ["ZADD", "a", "1", "x", "2", "y", "3", "z", "4", "w"], ["ZADD", "b", "2", "y"], ["SADD", "s", "w"],
    ["ZDIFFSTORE", "d1", "3", "a", "b", "s"], ["ZRANGESTORE", "d2", "a", "(1", "+inf", "BYSCORE", "LIMIT", "0", "2"],
    ["ZRANGESTORE", "d3", "a", "0", "0", "REV"], ["SET", "gone", "v"], ["ZDIFFSTORE", "gone", "2", "b", "b"],
    ["RPUSH", "l", "1", "2", "3", "4", "5"], ["LMPOP", "2", "nosuch", "l", "LEFT", "COUNT", "2"],
    ["LMPOP", "1", "l", "RIGHT"], ["RPUSH", "l2", "only"], ["LMPOP", "1", "l2", "LEFT"],
    ["ZADD", "z", "1", "p", "2", "q", "3", "r"], ["ZMPOP", "1", "z", "MAX", "COUNT", "2"],
    ["ZUNIONSTORE", "u", "2", "a", "b", "WEIGHTS", "2", "3"], ["ZINTERSTORE", "i", "2", "a", "b"],
    ["SET", "m", "v", "EX", "100000"], ["MOVE", "m", "1"], ["RPUSH", "ml", "a", "b"], ["MOVE", "ml", "2"],
    ["SELECT", "1"], ["SET", "back", "1"], ["MOVE", "back", "0"], ["SELECT", "0"], ["ZADD", "mz", "1.5", "e"],
    ["MOVE", "mz", "1"], ["ZRANGESTORE", "d2", "a", "0", "-1"],
    ["BITFIELD", "bf", "SET", "u8", "0", "65", "INCRBY", "i16", "#1", "300"], ["SET", "bf2", "x", "EX", "100000"],
    ["BITFIELD", "bf2", "SET", "u4", "#3", "15"],
    ["SWAPDB", "0", "2"], ["SET", "after", "1"], ["SWAPDB", "1", "2"], ["RPUSH", "ml", "c"], ["SWAPDB", "0", "1"],
]


def snapshot_of(r):
    """Every key of databases 0..2: (db, key, type, contents, has expiry)."""
    out = []
    for db in range(3):
        r.execute_command("SELECT", db)
        for key in sorted(r.keys("*")):
            t = r.type(key)
            if t == b"string":
                v = r.get(key)
            elif t == b"list":
                v = r.lrange(key, 0, -1)
            elif t == b"set":
                v = sorted(r.smembers(key))
            else:
                v = r.zrange(key, 0, -1, withscores=True)
            out.append((db, key, t, v, r.pttl(key) > 0))
    r.execute_command("SELECT", 0)
    return out


def survives(srv):
    r = redis.Redis(host="127.0.0.1", port=srv.resp_port, socket_timeout=30, single_connection_client=True)
    r.flushall()
    for w in WRITES:
        r.execute_command(*w)
    r.execute_command("WAITAOF", 1, 0, 0)
    before = snapshot_of(r)
    r.close()
    srv.restart_after_sigkill()
    r = redis.Redis(host="127.0.0.1", port=srv.resp_port, socket_timeout=30, single_connection_client=True)
    check_eq(snapshot_of(r), before, "the keys after the restart")
    check_eq(len(before), 17, "keys written (the test's own check of its writes)")
    r.close()


def test_from_the_journal(srv):
    survives(srv)


def test_with_snapshots(srv):
    survives(srv)


if __name__ == "__main__":
    sys.exit(run_tests(
        [("the new commands' writes recover from the journal", test_from_the_journal),
         ("the new commands' writes recover with snapshots in between", test_with_snapshots)],
        server_args=lambda name: ["--snapshot-every-changes", "5", "--snapshot-growth-percent", "0"]
        if "snapshots" in name else []))
