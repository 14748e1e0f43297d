#!/usr/bin/python3
"""Big collections snapshotted in slices while written survive a SIGKILL.

A hash, a set, a sorted set and a stream of 40,000 elements each (above the
8,192 of server/collection_slice.h, so a snapshot copies each in slices:
record version 4's continuation slices, 5's for the stream) are written by
a second thread (adds, removes, score changes, a DEL + re-create of a fifth
key; on the stream XADD, XDEL, XREADGROUP, XACK and XCLAIM in a consumer
group) while SAVE copies them. Once the snapshot is complete and every
write acknowledged and made durable (WAITAOF), the server is SIGKILLed and
restarted: every key must equal the model of the acknowledged writes; for
the stream, its entries (every acknowledged XADD, less the XDELs), its
counters, its group's last delivered id, and its pending entries (each
delivered and not acknowledged, with the consumer that read or last claimed
it). The snapshot's row in the database must count more entries than keys
(its slices).

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
        for i in rng:
            p.xadd("x", {"n": str(i), "k": "v"}, id="%d-0" % (i + 1))
        p.execute()
    r.xgroup_create("x", "g", id="0")
    model["h"] = {"f%d" % i: "v%d" % i for i in range(N)}
    model["s"] = {"m%d" % i for i in range(N)}
    model["z"] = {"m%d" % i: float(i) for i in range(N)}
    model["r"] = {"m%d" % i for i in range(N)}
    model["x"] = {"ids": set(range(1, N + 1)), "deleted": set(), "pending": {}, "last": 0, "added": N}


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
        x = model["x"]
        new_id, dead = N + 1 + i, b + 1
        p.xadd("x", {"n": str(new_id)}, id="%d-0" % new_id)
        p.xdel("x", "%d-0" % dead)
        p.xreadgroup("g", "c%d" % (i % 3), {"x": ">"}, count=2)
        p.xack("x", "g", "%d-0" % (a + 1))
        claim = next((e for e in sorted(x["pending"]) if e not in (dead, a + 1) and e not in x["deleted"]), None)
        if i % 5 == 0 and claim is not None:
            p.xclaim("x", "g", "cz", 0, ["%d-0" % claim])
        replies = p.execute()
        model["h"]["f%d" % a] = "w%d" % i
        model["h"].pop("f%d" % b, None)
        model["s"].add("n%d" % i)
        model["s"].discard("m%d" % b)
        model["z"][("m%d" % a)] = float(N - a) + 0.5
        model["z"].pop("m%d" % b, None)
        if i == 20:
            model["r"] = {"q%d" % j for j in range(N // 2)}
        x["ids"].add(new_id)
        x["added"] += 1
        if dead in x["ids"]:
            x["ids"].discard(dead)
            x["deleted"].add(dead)
        read = replies[-3 if i % 5 == 0 and claim is not None else -2]
        for _, entries in read:
            for eid, _ in entries:
                ms = int(eid.split(b"-")[0])
                x["pending"][ms] = "c%d" % (i % 3)
                x["last"] = max(x["last"], ms)
        x["pending"].pop(a + 1, None)
        if i % 5 == 0 and claim is not None:
            x["pending"][claim] = "cz"
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
    x = model["x"]
    ids = [int(e[0].split("-")[0]) for e in r.xrange("x")]
    check_eq(ids, sorted(x["ids"]), "x: the entries of the acknowledged XADDs, less the XDELs")
    info = r.xinfo_stream("x")
    check_eq((info["length"], info["entries-added"], info["last-generated-id"], info["max-deleted-entry-id"]),
             (len(x["ids"]), x["added"], "%d-0" % max(x["ids"]), "%d-0" % max(x["deleted"])), "x: counters")
    groups = r.xinfo_groups("x")
    check_eq([(g["name"], g["last-delivered-id"], g["pending"]) for g in groups],
             [("g", "%d-0" % x["last"], len(x["pending"]))], "x: the group's last delivered id")
    pel = r.xpending_range("x", "g", "-", "+", N * 2)
    check_eq([(int(p["message_id"].split("-")[0]), p["consumer"]) for p in pel], sorted(x["pending"].items()),
             "x: each pending entry with its consumer")
    db = sqlite3.connect(os.path.join(srv.tmp, "data", "mnemo.db"))
    row = db.execute("SELECT id, entries FROM snapshots WHERE state = 1 ORDER BY id DESC LIMIT 1").fetchone()
    check(row is not None and row[1] > 5 + 4 * 4, "the snapshot holds slices: %r" % (row,))
    chunks = db.execute("SELECT count(*) FROM snapshot_chunks WHERE snapshot_id = ?", (row[0],)).fetchone()[0]
    # Each slice but the last of a key ends its chunk: with 5 keys, at least entries - 4 chunks.
    check(chunks >= row[1] - 4, "a chunk per slice: %d chunks for %d entries" % (chunks, row[1]))
    versions = [bytes(p)[1] for (p,) in db.execute("SELECT payload FROM snapshot_chunks WHERE snapshot_id = ?",
                                                     (row[0],))]
    check(versions.count(5) >= 4, "the stream's continuation slices, record version 5: %r" % versions)
    print("writes during the copy: %d rounds; snapshot entries %d in %d chunks" % (rounds[0], row[1], chunks))


if __name__ == "__main__":
    sys.exit(run_tests([("slices_survive_kill", test_slices_survive_kill)],
                       lambda name: ["--snapshot-every-changes", "0", "--snapshot-every-seconds", "0"]))
