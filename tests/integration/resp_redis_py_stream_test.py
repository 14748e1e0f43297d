#!/usr/bin/python3
"""Streams through redis-py (Debian's python3-redis), as applications use
them: an event log replayed by id, a work queue with a consumer group
(deliver, acknowledge, claim an abandoned job), XINFO for monitoring, and a
stream with its groups surviving a restart.

Each test starts $MNEMO_BIN_DIR/mnemo-server with --resp-port 0 on a fresh
data directory, talks to it through redis.Redis, and stops it by PID.
Exits non-zero on any failure.
"""

import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import redis  # noqa: E402
from redis import exceptions  # noqa: E402

from resp_support import check, check_eq, run_tests  # noqa: E402


def client(srv):
    return redis.Redis(host="127.0.0.1", port=srv.resp_port, socket_timeout=30, decode_responses=True)


def test_event_log(srv):
    r = client(srv)
    ids = [r.xadd("orders:42", {"event": e, "n": str(i)}) for i, e in enumerate(["created", "paid", "shipped"])]
    check(all(a < b for a, b in zip(ids, ids[1:])) or ids == sorted(ids), "auto ids increase")
    check_eq(r.xlen("orders:42"), 3, "XLEN")
    events = [f["event"] for _, f in r.xrange("orders:42")]
    check_eq(events, ["created", "paid", "shipped"], "replay in order")
    check_eq([f["event"] for _, f in r.xrevrange("orders:42", count=1)], ["shipped"], "latest event")
    check_eq(r.xrange("orders:42", min="(" + ids[0], max="+"), r.xrange("orders:42")[1:], "exclusive start")
    check_eq(r.xread({"orders:42": ids[1]}), [["orders:42", [(ids[2], {"event": "shipped", "n": "2"})]]], "XREAD")
    check_eq(r.xread({"orders:42": "$"}), [], "XREAD $ has nothing new")
    check_eq(r.type("orders:42"), "stream", "TYPE")
    r.xadd("capped", {"x": "1"}, id="1-0")
    for i in range(2, 12):
        r.xadd("capped", {"x": str(i)}, id="%d-0" % i, maxlen=5, approximate=False)
    check_eq(r.xlen("capped"), 5, "MAXLEN keeps 5")
    # redis-py trims with `~` unless told otherwise: Redis then removes whole
    # nodes only, and these 5 entries share one.
    check_eq(r.xtrim("capped", minid="10-0"), 0, "XTRIM MINID ~ keeps the node")
    check_eq(r.xtrim("capped", minid="10-0", approximate=False), 3, "XTRIM MINID")
    check_eq(r.xdel("capped", "10-0", "99-0"), 1, "XDEL")
    with_raises(lambda: r.xadd("capped", {"x": "1"}, id="5-0"), "equal or smaller", "XADD below the top id")
    r.set("plain", "v")
    with_raises(lambda: r.xadd("plain", {"a": "1"}), "WRONGTYPE", "XADD on a string")


def with_raises(fn, text, what):
    try:
        fn()
    except exceptions.ResponseError as e:
        check(text in str(e), "%s: %s" % (what, e))
        return
    check(False, "%s: no error" % what)


def test_work_queue(srv):
    r = client(srv)
    r.xgroup_create("jobs", "workers", id="0", mkstream=True)
    for i in range(4):
        r.xadd("jobs", {"job": str(i)}, id="%d-0" % (i + 1))
    got = r.xreadgroup("workers", "alice", {"jobs": ">"}, count=2)
    check_eq([i for i, _ in got[0][1]], ["1-0", "2-0"], "alice gets two jobs")
    got = r.xreadgroup("workers", "bob", {"jobs": ">"})
    check_eq([i for i, _ in got[0][1]], ["3-0", "4-0"], "bob gets the rest")
    check_eq(r.xack("jobs", "workers", "1-0", "3-0"), 2, "XACK")
    summary = r.xpending("jobs", "workers")
    check_eq((summary["pending"], summary["min"], summary["max"]), (2, "2-0", "4-0"), "XPENDING summary")
    check_eq(sorted((c["name"], c["pending"]) for c in summary["consumers"]), [("alice", 1), ("bob", 1)],
             "pending per consumer")
    claimed = r.xclaim("jobs", "workers", "carol", 0, ["2-0"])
    check_eq([i for i, _ in claimed], ["2-0"], "carol claims alice's job")
    res = r.xautoclaim("jobs", "workers", "carol", 0, "0-0")
    nxt, jobs, deleted = res[0], [i for i, _ in res[1]], res[2]
    check_eq((nxt, sorted(jobs), deleted), ("0-0", ["2-0", "4-0"], []), "XAUTOCLAIM takes the rest")
    history = r.xreadgroup("workers", "carol", {"jobs": "0"})
    check_eq([i for i, _ in history[0][1]], ["2-0", "4-0"], "carol's history")
    rows = r.xpending_range("jobs", "workers", "-", "+", 10)
    check_eq([(p["message_id"], p["consumer"]) for p in rows], [("2-0", "carol"), ("4-0", "carol")], "owners")
    groups = r.xinfo_groups("jobs")
    check_eq((groups[0]["name"], groups[0]["pending"], groups[0]["last-delivered-id"]), ("workers", 2, "4-0"),
             "XINFO GROUPS")
    check_eq(sorted(c["name"] for c in r.xinfo_consumers("jobs", "workers")), ["alice", "bob", "carol"],
             "XINFO CONSUMERS")
    info = r.xinfo_stream("jobs")
    check_eq((info["length"], info["last-generated-id"], info["groups"]), (4, "4-0", 1), "XINFO STREAM")
    check_eq(r.xgroup_delconsumer("jobs", "workers", "carol"), 2, "DELCONSUMER drops its pending")
    check_eq(r.xpending("jobs", "workers")["pending"], 0, "nothing pending")
    check_eq(r.xgroup_destroy("jobs", "workers"), 1, "DESTROY")


def test_stream_survives_a_restart(srv):
    r = client(srv)
    r.xgroup_create("s", "g", id="0", mkstream=True)
    for i in range(1, 6):
        r.xadd("s", {"n": str(i)}, id="%d-0" % i)
    r.execute_command("SAVE")  # a snapshot holding the stream ...
    r.xreadgroup("g", "c", {"s": ">"}, count=3)  # ... and journal changes after it
    r.xack("s", "g", "2-0")
    r.xdel("s", "5-0")
    r.xgroup_create("s", "empty", id="$")
    r.xgroup_create("e", "g", id="$", mkstream=True)
    r.execute_command("WAITAOF", 1, 0, 0)
    before = (r.xrange("s"), r.xinfo_groups("s"), r.xpending_range("s", "g", "-", "+", 10), r.xinfo_stream("s"))
    srv.restart_after_sigkill()
    r = client(srv)
    after = (r.xrange("s"), r.xinfo_groups("s"), r.xpending_range("s", "g", "-", "+", 10), r.xinfo_stream("s"))
    strip = lambda rows: [{k: v for k, v in p.items() if k != "time_since_delivered"} for p in rows]  # noqa: E731
    check_eq((after[0], after[1], strip(after[2]), after[3]), (before[0], before[1], strip(before[2]), before[3]),
             "stream, groups and pending entries after a restart")
    check_eq((r.type("e"), r.xlen("e")), ("stream", 0), "an empty stream with a group survives")


def blocked_clients(r):
    return r.info("clients")["blocked_clients"]


def wait_blocked(r, n):
    """Until n clients are blocked (a condition, polled; no fixed sleep)."""
    for _ in range(5000):
        if blocked_clients(r) == n:
            return
        time.sleep(0.002)  # polling a condition, with a deadline
    check(False, "%d clients blocked, not %d" % (blocked_clients(r), n))


def test_blocking_reads(srv):
    r = client(srv)
    r.xadd("ev", {"n": "0"}, id="1-0")
    got = {}
    reader = threading.Thread(target=lambda: got.update(x=client(srv).xread({"ev": "$"}, block=0)))
    reader.start()
    wait_blocked(r, 1)
    r.xadd("ev", {"n": "1"}, id="2-0")
    reader.join(30)
    check_eq(got.get("x"), [["ev", [("2-0", {"n": "1"})]]], "XREAD BLOCK woken by an XADD from another client")
    r.xgroup_create("ev", "g", id="$")
    reader = threading.Thread(target=lambda: got.update(
        g=client(srv).xreadgroup("g", "w", {"ev": ">"}, count=5, block=0)))
    reader.start()
    wait_blocked(r, 1)
    r.xadd("ev", {"n": "2"}, id="3-0")
    reader.join(30)
    check_eq(got.get("g"), [["ev", [("3-0", {"n": "2"})]]], "XREADGROUP BLOCK woken by an XADD")
    check_eq(r.xpending("ev", "g")["pending"], 1, "the blocked delivery is pending")
    check_eq(client(srv).xread({"ev": "$"}, block=20), [], "XREAD BLOCK times out with nil")
    quitter = client(srv)
    conn = quitter.connection_pool.get_connection("XREAD")
    conn.send_command("XREAD", "BLOCK", "0", "STREAMS", "ev", "$")
    wait_blocked(r, 1)
    conn.disconnect()
    wait_blocked(r, 0)
    r.xadd("ev", {"n": "3"}, id="4-0")
    check_eq(r.xlen("ev"), 4, "the stream is unharmed after a blocked client left")


if __name__ == "__main__":
    sys.exit(run_tests([
        ("an event log", test_event_log),
        ("a work queue with a consumer group", test_work_queue),
        ("a stream and its groups survive a restart", test_stream_survives_a_restart),
        ("XREAD and XREADGROUP BLOCK between two clients", test_blocking_reads),
    ]))
