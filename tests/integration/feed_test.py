#!/usr/bin/python3
"""The native change feed (WATCH, docs/PROTOCOL.md "Change feed") end to end,
through scripts/mnemo_client.py against a real mnemo-server child process
(127.0.0.1, ephemeral ports, a temporary data directory; stopped by PID):

- two watchers of different prefixes each see exactly their keys, in version
  order, from native writes, RESP writes, an EXEC unit, a script, a hash
  write, a flush and an expiry;
- a resume from a saved version while a writer keeps writing: no gap and no
  duplicate (the versions seen are exactly the writer's versions after it);
- COMMITTED across a SIGKILL: every change delivered before the kill is in
  the restarted server, and a resume from the last delivered version goes on
  without a gap;
- after a snapshot compacts the journal, a WATCH from before it gets
  COMPACTED naming the oldest version, and watching from that one works;
- a watcher that never reads is disconnected past --pubsub-output-limit
  while the writer's writes all succeed, and STATS counts it;
- a quiet watch gets progress events.
Exits non-zero on any failure.
"""

import os
import socket
import struct
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from resp_support import SOURCE_DIR, check, check_eq, run_tests, wait_until  # noqa: E402
sys.path.insert(0, os.path.join(SOURCE_DIR, "scripts"))
from mnemo_client import Client, Compacted  # noqa: E402

import redis  # noqa: E402

ADMIN = "feed-admin"


def native(srv, **kw):
    return Client("127.0.0.1", srv.port, admin_token=ADMIN, timeout=30, **kw)


def take(watch, n):
    out = []
    for e in watch:
        out.append(e)
        if len(out) == n:
            return out
    return out


def test_two_watchers_see_their_own_prefix(srv):
    wa, wb = native(srv), native(srv)
    a, b = wa.watch(b"a:"), wb.watch(b"b:")
    c = native(srv)
    r = redis.Redis(host="127.0.0.1", port=srv.resp_port, socket_timeout=30)
    v1 = c.set(b"a:1", b"one")
    c.set(b"b:1", b"uno")
    r.set("a:2", "two")                      # RESP
    p = r.pipeline(transaction=True)         # one EXEC unit: one version
    p.set("a:3", "x").set("b:2", "y").execute()
    r.eval("redis.call('SET', KEYS[1], ARGV[1])", 1, "a:4", "lua")
    r.hset("a:h", "f", "v")                  # a collection: an "elements" event
    c.delete(b"a:1")
    ea = take(a, 6)
    check_eq([(e.kind, e.key) for e in ea],
             [("set", b"a:1"), ("set", b"a:2"), ("set", b"a:3"), ("set", b"a:4"), ("elements", b"a:h"),
              ("del", b"a:1")], "events of prefix a:")
    check_eq(ea[0].version, v1, "the version of the first event is the one SET returned")
    check_eq(ea[0].value, b"one", "a set event carries the value")
    check([x.version for x in ea] == sorted(x.version for x in ea), "versions in order")
    eb = take(b, 2)
    check_eq([(e.kind, e.key, e.value) for e in eb], [("set", b"b:1", b"uno"), ("set", b"b:2", b"y")],
             "events of prefix b:")
    check_eq(eb[1].version, ea[2].version, "the EXEC unit's keys share one version")
    c.set(b"a:ttl", b"t", ttl_ms=50)
    check_eq([e.kind for e in take(a, 2)], ["set", "expired"], "a key with a TTL, then its expiry")
    r.flushdb()
    check_eq(take(b, 1)[0].kind, "flush", "FLUSHDB reaches every watch of the database")
    for x in (wa, wb, c):
        x.close()


def test_resume_has_no_gap_and_no_duplicate(srv):
    c = native(srv)
    first = [c.set(b"r:%d" % i, b"v%d" % i) for i in range(200)]
    saved = first[99]  # a watcher saw up to here, then went away
    written = []
    stop = threading.Event()

    def writer():
        w = native(srv)
        i = 200
        while not stop.is_set() or i < 1200:
            written.append(w.set(b"r:%d" % i, b"v%d" % i))
            i += 1
            if i >= 3000:
                break
        w.close()

    t = threading.Thread(target=writer)
    t.start()
    watcher = native(srv)
    wt = watcher.watch(b"r:", from_version=saved)
    seen = []
    # The writer is still going while the replay runs and the watch turns live.
    for e in wt:
        seen.append(e.version)
        if len(seen) == 100 + 1000:
            break
    stop.set()
    t.join()
    expected = first[100:] + written
    check_eq(seen, expected[:len(seen)], "versions after the resume point")
    check_eq(len(set(seen)), len(seen), "no duplicate")
    watcher.close()
    c.close()


def test_committed_changes_survive_sigkill(srv):
    watcher = native(srv)
    wt = watcher.watch(b"k:", committed=True)
    c = native(srv)
    for i in range(300):
        c.set(b"k:%d" % i, b"v%d" % i)  # write-behind: not durable when acknowledged
    got = take(wt, 150)
    position = wt.position
    srv.restart_after_sigkill()
    c = native(srv)
    for e in got:
        found = c.get(e.key, with_meta=True)
        check(found is not None, "a change delivered as committed is gone after SIGKILL: %r" % (e,))
        check_eq(found[1], e.version, "version of %r after the restart" % e.key)
    # Resume after the last delivered version: the rest of what survived, then new writes.
    watcher = native(srv)
    wt = watcher.watch(b"k:", from_version=position, committed=True)
    after = c.set(b"k:new", b"n", durable=True)
    versions = []
    for e in wt:
        versions.append(e.version)
        if e.version == after:
            break
    check(all(v > position for v in versions), "nothing at or before the resume point")
    check_eq(versions, sorted(set(versions)), "in order, no duplicate")
    survivors = [k for k in (b"k:%d" % i for i in range(300)) if c.get(k) is not None]
    check_eq(len(versions), len(survivors) - len(got) + 1, "every surviving change after the position, once")
    watcher.close()
    c.close()


def test_compacted_after_snapshot(srv):
    c = native(srv)
    for i in range(100):
        c.set(b"c:%d" % i, b"v")
    c.sync()
    c.set(b"c:last", b"v")
    c.sync()
    c.snapshot(wait=True)  # compaction drops the rows before the snapshot's start
    later = c.set(b"c:after", b"w")
    c.sync()
    w = native(srv)
    try:
        w.watch(b"c:", from_version=1)
        raise AssertionError("WATCH from a compacted version was accepted")
    except Compacted as e:
        oldest = e.oldest_version
        check(oldest > 1, "the oldest version available (%d) is past the compacted ones" % oldest)
        check(str(oldest) in e.message, "the message names the oldest version")
    wt = w.watch(b"c:", from_version=oldest)
    for e in wt:
        if e.version == later:
            break
    check_eq(e.key, b"c:after", "the change after the snapshot, replayed")
    w.close()
    c.close()


def test_slow_watcher_is_disconnected(srv):
    s = socket.create_connection(("127.0.0.1", srv.port))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    body = struct.pack("<BBHQ", 0x20, 0, 0, 1) + struct.pack("<BQ", 0, 0) + struct.pack("<I", 2) + b"s:"
    s.sendall(struct.pack("<I", len(body)) + body)  # WATCH "s:", then never read
    c = native(srv)
    value = b"x" * 4096
    for i in range(2000):  # 8 MB of changes for a 256 KB limit
        c.set(b"s:%d" % (i % 50), value)  # every write succeeds: the watcher never holds it up
    wait_until(lambda: c.stats()["feed"]["limit_closes"] >= 1, 30, "the slow watcher to be counted")
    check_eq(c.stats()["feed"]["limit_closes"], 1, "watchers closed past the limit")
    # What the server had sent before closing: through a 4 KB window that takes
    # minutes of delayed ACKs, so open the window first.
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
    s.settimeout(30)
    try:
        while s.recv(1 << 16):
            pass
    except ConnectionResetError:
        pass
    s.close()
    check(c.get(b"s:49") == value, "the writer's last write is there")
    c.close()


def test_quiet_watch_gets_progress(srv):
    c = native(srv)
    v = c.set(b"other", b"1")
    w = native(srv)
    wt = w.watch(b"p:", progress=True)
    e = next(wt)
    check_eq(e.kind, "progress", "a quiet watch's event")
    check(e.version >= v, "progress is at least the last version (%d < %d)" % (e.version, v))
    w.close()
    c.close()


def server_args(name):
    args = ["--admin-token", ADMIN, "--feed-progress-ms", "100"]
    if name == "slow watcher":
        args += ["--pubsub-output-limit", "262144"]
    return args


if __name__ == "__main__":
    sys.exit(run_tests([
        ("two watchers", test_two_watchers_see_their_own_prefix),
        ("resume", test_resume_has_no_gap_and_no_duplicate),
        ("committed across SIGKILL", test_committed_changes_survive_sigkill),
        ("compacted", test_compacted_after_snapshot),
        ("slow watcher", test_slow_watcher_is_disconnected),
        ("progress", test_quiet_watch_gets_progress),
    ], server_args))
