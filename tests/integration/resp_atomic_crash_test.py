#!/usr/bin/python3
"""Writes that change many keys are one journal unit: after a SIGKILL at any
moment, each is there whole or not at all.

- FLUSHDB of 20,000 keys (with automatic snapshots running, so a fuzzy
  snapshot may hold part of the database from before the flush): after the
  restart database 0 holds all of its keys or none, and database 1 is
  untouched.
- Multi-key DEL: 60 pipelined DELs of 20 keys each, killed mid-stream: each
  group of 20 is all there or all gone.
- RENAME: 300 pipelined RENAMEs, killed mid-stream: each pair has exactly one
  of source and destination, holding the value.

The kill lands after a random short delay (seeded; the seed is printed), so
rounds cover kills before, during and after the journal commit. Each test
starts $MNEMO_BIN_DIR/mnemo-server (resp_support.RespServer) and stops it by
PID. Exits non-zero on any failure.
"""

import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import redis  # noqa: E402

from resp_support import RespConn, check, check_eq, encode_command, run_tests  # noqa: E402

ROUNDS = 3
SEED = int(os.environ.get("MNEMO_TEST_SEED", str(random.randrange(1 << 30))))
rng = random.Random(SEED)


def client(srv, db=0):
    return redis.Redis(host="127.0.0.1", port=srv.resp_port, db=db, socket_timeout=30)


def fire_and_kill(srv, commands, delay_max_s):
    """Sends `commands` in one write without reading the replies, waits a random
    moment, then SIGKILLs the server and starts it again on the same data."""
    conn = RespConn(srv.resp_port)
    conn.send(b"".join(encode_command(words) for words in commands))
    time.sleep(rng.uniform(0, delay_max_s))  # where the kill lands is the variable under test
    srv.restart_after_sigkill()
    conn.close()


def test_flushdb_is_all_or_none(srv):
    keys = 20000
    outcomes = set()
    for _ in range(ROUNDS):
        r0, r1 = client(srv, 0), client(srv, 1)
        for start in range(0, keys, 1000):
            r0.mset({b"f:%d" % i: b"v%d" % i for i in range(start, start + 1000)})
        r1.mset({b"other:%d" % i: b"w" for i in range(100)})
        r0.execute_command("WAITAOF", 1, 0, 0)  # everything so far is durable
        r0.close()
        r1.close()
        fire_and_kill(srv, [["FLUSHDB"]], 0.02)
        r0, r1 = client(srv, 0), client(srv, 1)
        n = r0.dbsize()
        check(n in (0, keys), "after a kill during FLUSHDB database 0 holds %d of %d keys" % (n, keys))
        if n == keys:
            check_eq(r0.get(b"f:%d" % (keys - 1)), b"v%d" % (keys - 1), "a key the FLUSHDB did not remove")
        check_eq(r1.dbsize(), 100, "keys of database 1 after FLUSHDB of database 0")
        outcomes.add(n)
        r0.flushall()
        r0.close()
        r1.close()
    print("  FLUSHDB outcomes (keys left): %s" % sorted(outcomes))


def test_multi_key_del_is_all_or_none(srv):
    groups, size = 60, 20
    for _ in range(ROUNDS):
        r = client(srv)
        r.flushall()
        for g in range(groups):
            r.mset({b"d:%d:%d" % (g, i): b"x" for i in range(size)})
        r.execute_command("WAITAOF", 1, 0, 0)
        r.close()
        fire_and_kill(srv, [["DEL"] + ["d:%d:%d" % (g, i) for i in range(size)] for g in range(groups)], 0.01)
        r = client(srv)
        present = [sum(r.exists(b"d:%d:%d" % (g, i)) for i in range(size)) for g in range(groups)]
        partial = [(g, n) for g, n in enumerate(present) if n not in (0, size)]
        check(not partial, "groups half deleted after a kill during DEL (group, keys left): %s" % partial[:5])
        # A prefix: once one DEL is lost, every later one is too.
        gone = [n == 0 for n in present]
        check(gone == sorted(gone, reverse=True), "the DELs that survived are a prefix: %s" % gone)
        r.close()


def test_rename_keeps_exactly_one_name(srv):
    pairs = 300
    for _ in range(ROUNDS):
        r = client(srv)
        r.flushall()
        for start in range(0, pairs, 100):
            r.mset({b"src:%d" % i: b"value-%d" % i for i in range(start, start + 100)})
        r.execute_command("WAITAOF", 1, 0, 0)
        r.close()
        fire_and_kill(srv, [["RENAME", "src:%d" % i, "dst:%d" % i] for i in range(pairs)], 0.01)
        r = client(srv)
        moved = []
        for i in range(pairs):
            src, dst = r.get(b"src:%d" % i), r.get(b"dst:%d" % i)
            check((src is None) != (dst is None), "pair %d after a kill during RENAME: src=%r dst=%r" % (i, src, dst))
            check_eq(src if dst is None else dst, b"value-%d" % i, "value of pair %d after RENAME" % i)
            moved.append(dst is not None)
        check(moved == sorted(moved, reverse=True), "the RENAMEs that survived are a prefix")
        r.close()


if __name__ == "__main__":
    print("seed %d (MNEMO_TEST_SEED to repeat)" % SEED)
    sys.exit(run_tests(
        [("FLUSHDB is all or none across a SIGKILL", test_flushdb_is_all_or_none),
         ("multi-key DEL is all or none across a SIGKILL", test_multi_key_del_is_all_or_none),
         ("RENAME keeps exactly one name across a SIGKILL", test_rename_keeps_exactly_one_name)],
        server_args=lambda name: ["--snapshot-every-changes", "5000", "--snapshot-growth-percent", "0"]))
