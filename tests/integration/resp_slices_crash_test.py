#!/usr/bin/python3
"""Big collections snapshotted in slices while written survive a SIGKILL.

A hash, a set and a sorted set of 40,000 elements each (above the 8,192 of
server/collection_slice.h, so a snapshot copies each in slices: record
version 4's continuation slices) are written by a second thread (adds,
removes, score changes, and a DEL + re-create of a fourth key) while BGSAVE
copies them. Once the snapshot is complete and every write acknowledged and
made durable (WAITAOF), the server is SIGKILLed and restarted: every key must
equal the model of the acknowledged writes. The snapshot's row in the
database must count more entries than keys (its slices).

Starts $MNEMO_BIN_DIR/mnemo-server (resp_support.RespServer), stops it by
PID. Exits non-zero on any failure.
"""

import os
import sqlite3
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import redis  # noqa: E402

from resp_support import check, check_eq, run_tests  # noqa: E402

N = 40000


def fill(r, model):
    for start in range(0, N, 2000):
        p = r.pipeline(transaction=False)
        rng = range(start, start + 2000)
        p.hset("h", mapping={"f%d" % i: "v%d" % i for i in rng})
        p.sadd("s", *["m%d" % i for i in rng])
        p.zadd("z", {"m%d" % i: float(i) for i in rng})
        p.sadd("r", *["m%d" % i for i in rng])
        p.execute()
    model["h"] = {"f%d" % i: "v%d" % i for i in range(N)}
    model["s"] = {"m%d" % i for i in range(N)}
    model["z"] = {"m%d" % i: float(i) for i in range(N)}
    model["r"] = {"m%d" % i for i in range(N)}


def writer(port, model, stop, rounds):
    r = redis.Redis(port=port)
    i = 0
    while not stop.is_set() or i < 50:
        p = r.pipeline(transaction=False)
        a, b = (i * 7919) % N, (i * 104729) % N
        p.hset("h", "f%d" % a, "w%d" % i)
        p.hdel("h", "f%d" % b)
        p.sadd("s", "n%d" % i)
        p.srem("s", "m%d" % b)
        p.zadd("z", {"m%d" % a: float(N - a) + 0.5})
        p.zrem("z", "m%d" % b)
        if i == 20:
            p.delete("r")
            p.sadd("r", *["q%d" % j for j in range(N // 2)])
        p.execute()
        model["h"]["f%d" % a] = "w%d" % i
        model["h"].pop("f%d" % b, None)
        model["s"].add("n%d" % i)
        model["s"].discard("m%d" % b)
        model["z"][("m%d" % a)] = float(N - a) + 0.5
        model["z"].pop("m%d" % b, None)
        if i == 20:
            model["r"] = {"q%d" % j for j in range(N // 2)}
        i += 1
    rounds.append(i)


def test_slices_survive_kill(srv):
    r = redis.Redis(port=srv.resp_port, decode_responses=True)
    model = {}
    fill(r, model)
    stop = threading.Event()
    rounds = []
    t = threading.Thread(target=writer, args=(srv.resp_port, model, stop, rounds))
    t.start()
    try:
        check_eq(r.save(), True, "SAVE (the snapshot, while the writer runs)")
    finally:
        stop.set()
        t.join()
    r.execute_command("WAITAOF", 1, 0, 0)
    srv.restart_after_sigkill()
    r = redis.Redis(port=srv.resp_port, decode_responses=True)
    check_eq(r.hgetall("h"), model["h"], "h")
    check_eq(r.smembers("s"), model["s"], "s")
    check_eq(dict(r.zrange("z", 0, -1, withscores=True)), model["z"], "z")
    check_eq(r.smembers("r"), model["r"], "r (deleted and re-created)")
    db = sqlite3.connect(os.path.join(srv.tmp, "data", "mnemo.db"))
    row = db.execute("SELECT id, entries FROM snapshots WHERE state = 1 ORDER BY id DESC LIMIT 1").fetchone()
    check(row is not None and row[1] > 4 + 3 * 4, "the snapshot holds slices: %r" % (row,))
    chunks = db.execute("SELECT count(*) FROM snapshot_chunks WHERE snapshot_id = ?", (row[0],)).fetchone()[0]
    # Each slice but the last of a key ends its chunk: with 4 keys, at least entries - 3 chunks.
    check(chunks >= row[1] - 3, "a chunk per slice: %d chunks for %d entries" % (chunks, row[1]))
    print("writes during the copy: %d rounds; snapshot entries %d in %d chunks" % (rounds[0], row[1], chunks))


if __name__ == "__main__":
    sys.exit(run_tests([("slices_survive_kill", test_slices_survive_kill)],
                       lambda name: ["--snapshot-every-changes", "0", "--snapshot-every-seconds", "0"]))
