#!/usr/bin/python3
"""Client-side caching over the native protocol (GET/MGET with the TRACK flag,
docs/PROTOCOL.md 6c) and the Python client's read cache (scripts/mnemo_cache.py),
against a real mnemo-server child process (127.0.0.1, ephemeral ports, stopped
by PID):

- a tracking client is invalidated, and then reads the new value, when another
  client writes the key (native and RESP), deletes it, when it expires, and on
  FLUSHDB; the frame is the documented EVENT with id 0;
- while a writer keeps writing, the cached reader never returns a value older
  than an invalidation it had already received;
- the tracking table's bound (--tracking-table-max-keys) invalidates early,
  and the cache's own bound holds;
- a reconnect clears the cache; a client that never sets TRACK gets no frame
  it did not ask for;
- the cache alone: a read crossed by a newer invalidation is not kept, a
  flush drops reads in flight too, the LRU bound and expiry hold.
Exits non-zero on any failure.
"""

import os
import select
import struct
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from resp_support import SOURCE_DIR, check, check_eq, run_tests  # noqa: E402
sys.path.insert(0, os.path.join(SOURCE_DIR, "scripts"))
from mnemo_cache import CachedClient, ReadCache  # noqa: E402
from mnemo_client import Client, WatchEvent  # noqa: E402

import redis  # noqa: E402


def native(srv, **kw):
    return Client("127.0.0.1", srv.port, timeout=30, **kw)


def cached(srv, **kw):
    return CachedClient("127.0.0.1", srv.port, timeout=30, **kw)


class Seen:
    """Records the invalidations a CachedClient receives (then passes them on)."""

    def __init__(self, cc):
        self.events = []
        self.cc = cc
        inner = cc.cache.on_invalidation
        cc.client.on_invalidation = lambda e: (self.events.append(e), inner(e))

    def wait(self, cond, what, timeout_s=20):
        """Reads frames as they arrive until cond() holds (a deadline, no sleep)."""
        deadline = time.monotonic() + timeout_s
        c = self.cc.client
        while not cond():
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("timed out waiting for " + what)
            select.select([c.sock], [], [], left)
            c.poll_events()

    def keys(self):
        return [(e.kind, e.key) for e in self.events]


def test_invalidated_by_writes_expiry_and_flush(srv):
    cc, w = cached(srv), native(srv)
    r = redis.Redis(host="127.0.0.1", port=srv.resp_port, socket_timeout=30)
    seen = Seen(cc)
    w.set(b"k", b"v1")
    check_eq(cc.get(b"k"), b"v1", "first read, from the server")
    check_eq(cc.get(b"k"), b"v1", "second read")
    check_eq(cc.cache.hits, 1, "the second read was served locally")
    v2 = w.set(b"k", b"v2")                           # another native client
    seen.wait(lambda: ("invalidate", b"k") in seen.keys(), "the invalidation of a native SET")
    e = seen.events[-1]
    check_eq((e.watch_id, e.db, e.version, e.value), (0, 0xFFFFFFFF, v2, b""),
             "the frame: id 0, any database, the write's version, no value")
    check_eq(cc.get(b"k"), b"v2", "after the invalidation the new value is read")
    n = len(seen.events)
    r.set("k", "v3")                                  # RESP
    seen.wait(lambda: len(seen.events) > n, "the invalidation of a RESP SET")
    check_eq(cc.get(b"k"), b"v3", "the RESP write is read")
    n = len(seen.events)
    w.delete(b"k")
    seen.wait(lambda: len(seen.events) > n, "the invalidation of DEL")
    check_eq(cc.get(b"k"), None, "a deleted key is missing")
    w.set(b"t", b"short", ttl_ms=1000)
    check_eq(cc.get(b"t"), b"short", "a key with a TTL is read")
    n = len(seen.events)
    seen.wait(lambda: ("invalidate", b"t") in seen.keys()[n:], "the invalidation of an expiry")
    check_eq(cc.get(b"t"), None, "the expired key is gone")
    w.set(b"f", b"1")
    check_eq(cc.get(b"f"), b"1", "read before the flush")
    r.flushdb()
    seen.wait(lambda: seen.events[-1].kind == "flush", "the flush invalidation")
    check_eq(len(cc.cache), 0, "a flush empties the cache")
    check_eq(cc.get(b"f"), None, "the flushed key is gone")
    for x in (cc, w):
        x.close()


def test_never_stale_after_an_invalidation(srv):
    cc, w = cached(srv), native(srv)
    seen = Seen(cc)
    w.set(b"hot", b"0")
    done = threading.Event()
    written = []

    def writer():
        ww = native(srv)
        for i in range(1, 2001):
            written.append(ww.set(b"hot", str(i).encode()))
        ww.close()
        done.set()

    t = threading.Thread(target=writer)
    t.start()
    reads = 0
    while not done.is_set() or reads < 10:
        newest = max((e.version for e in seen.events), default=0)
        value, version, _ = cc.get(b"hot", with_meta=True)
        check(version >= newest, "read version %d after invalidation %d" % (version, newest))
        reads += 1
    t.join()
    last = written[-1]
    value, version, _ = cc.get(b"hot", with_meta=True)
    if version < last:
        # A copy from before the last write. A key is invalidated once per read
        # (then untracked until read again), so what is on its way is the
        # invalidation of the first write after that copy, not of the last one.
        seen.wait(lambda: any(e.version > version for e in seen.events), "the invalidation of the cached copy")
        value = cc.get(b"hot")
    check_eq(value, b"2000", "the last value once its invalidation arrived")
    check(cc.cache.hits > 0, "some reads were served locally (%d)" % cc.cache.hits)
    cc.close()
    w.close()


def test_bounded_table_and_cache(srv):
    cc = cached(srv, max_entries=5)
    w = native(srv)
    seen = Seen(cc)
    w.mset([(b"b%d" % i, b"x") for i in range(20)])
    for i in range(20):
        check_eq(cc.get(b"b%d" % i), b"x", "read b%d" % i)
    check(len(cc.cache) <= 5, "the cache holds at most max_entries (%d)" % len(cc.cache))
    # The server remembers at most 8 keys: it invalidated 12 early.
    seen.wait(lambda: len(seen.events) >= 12, "early invalidations past the table's bound")
    check(all(e.kind == "invalidate" for e in seen.events), "early ones are ordinary invalidations")
    cc.close()
    w.close()


def test_reconnect_clears_and_old_clients_are_untouched(srv):
    cc, w = cached(srv), native(srv)
    plain = native(srv)
    w.set(b"a", b"1")
    cc.get(b"a")
    plain.get(b"a")
    check_eq(len(cc.cache), 1, "one entry cached")
    cc.reconnect()
    check_eq(len(cc.cache), 0, "a reconnect empties the cache")
    check_eq(cc.get(b"a"), b"1", "and reads again from the server")
    w.set(b"a", b"2")
    check_eq(plain.ping(), "PONG", "a client without TRACK gets its answer")
    check_eq(len(plain._events), 0, "and no frame it did not ask for")
    # The documented bytes: GET with TRACK (flags 0x40), id 5.
    s = plain.sock
    s.sendall(bytes.fromhex("11000000 10 40 0000 0500000000000000 01000000 61".replace(" ", "")))
    status, op, r = plain._read_response(5)
    check_eq((status, op), (0, 0x10), "GET with TRACK answers as GET")
    got = []
    plain.on_invalidation = got.append
    v = w.set(b"a", b"3")
    deadline = time.monotonic() + 20
    while not got and time.monotonic() < deadline:
        select.select([s], [], [], 1)
        plain.poll_events()
    check_eq([(e.kind, e.key, e.version) for e in got], [("invalidate", b"a", v)], "its invalidation")
    for x in (cc, w, plain):
        x.close()


def test_read_cache_rules(_srv):
    """The cache alone: a read crossed by a newer invalidation is not kept."""
    c = ReadCache(2)

    def inval(key, version, kind="invalidate"):
        c.on_invalidation(WatchEvent(0, kind, 0xFFFFFFFF, version, key, b"", 0))

    c.begin_read(b"k")
    inval(b"k", 10)
    c.end_read(b"k", (b"old", 9, 0))
    check_eq(c.lookup(b"k", 0), None, "an answer older than an invalidation seen meanwhile is dropped")
    c.begin_read(b"k")
    inval(b"k", 10)
    c.end_read(b"k", (b"new", 10, 0))
    check_eq(c.lookup(b"k", 0), (b"new", 10, 0), "an answer as new as the invalidation is kept")
    c.begin_read(b"j")
    inval(b"", 11, "flush")
    c.end_read(b"j", (b"j", 10, 0))
    check_eq((len(c), c.lookup(b"j", 0)), (0, None), "a flush drops everything, in flight too")
    c.end_read(b"a", (b"a", 1, 0))
    c.end_read(b"b", (b"b", 1, 0))
    c.lookup(b"a", 0)
    c.end_read(b"c", (b"c", 1, 0))
    check_eq((len(c), c.lookup(b"b", 0)), (2, None), "bounded: the least recently used goes")
    c.end_read(b"e", (b"e", 1, 1000))
    check_eq(c.lookup(b"e", 1000), None, "not served at its expiry")


def server_args(name):
    if name == "bounded":
        return ["--tracking-table-max-keys", "8"]
    return []


if __name__ == "__main__":
    sys.exit(run_tests([
        ("writes, expiry, flush", test_invalidated_by_writes_expiry_and_flush),
        ("never stale", test_never_stale_after_an_invalidation),
        ("bounded", test_bounded_table_and_cache),
        ("reconnect and old clients", test_reconnect_clears_and_old_clients_are_untouched),
        ("read cache rules", test_read_cache_rules),
    ], server_args))
