#!/usr/bin/python3
"""RESP3 and client-side caching on mnemo's RESP port, over raw sockets:
HELLO 3, push frames for pub/sub with ordinary commands on the same
connection, and CLIENT TRACKING's invalidations when another client writes,
when a key expires, on FLUSHDB, for BCAST prefixes, with NOLOOP and OPTIN,
and through REDIRECT to a RESP2 connection subscribed to __redis__:invalidate.

Each test starts $MNEMO_BIN_DIR/mnemo-server on a fresh data directory and
stops it by PID. Waiting for a frame has a bound (the socket timeout), never
a sleep. Exits non-zero on any failure.
"""

import os
import random
import select
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from resp_support import RespConn, check, check_eq, run_tests  # noqa: E402


def invalidation(*keys):
    out = b">2\r\n$10\r\ninvalidate\r\n*%d\r\n" % len(keys)
    for k in keys:
        out += b"$%d\r\n%s\r\n" % (len(k), k)
    return out


def resp3(srv):
    return RespConn(srv.resp_port, resp3=True)


def test_hello3_types(srv):
    c = resp3(srv)
    check_eq(c.command("HSET", "h", "f", "v"), b":1\r\n", "HSET")
    check_eq(c.command("HGETALL", "h"), b"%1\r\n$1\r\nf\r\n$1\r\nv\r\n", "HGETALL is a map")
    check_eq(c.command("GET", "nosuch"), b"_\r\n", "a missing key is RESP3's null")
    check_eq(c.command("ZADD", "z", "1.5", "m"), b":1\r\n", "ZADD")
    check_eq(c.command("ZSCORE", "z", "m"), b",1.5\r\n", "ZSCORE is a double")
    check_eq(c.command("SADD", "s", "x"), b":1\r\n", "SADD")
    check_eq(c.command("SMEMBERS", "s"), b"~1\r\n$1\r\nx\r\n", "SMEMBERS is a set")
    check(c.command("HELLO", "2").startswith(b"*14\r\n"), "HELLO 2 switches back")
    check_eq(c.command("GET", "nosuch"), b"$-1\r\n", "RESP2's null again")


def test_pubsub_push_and_commands(srv):
    sub, pub = resp3(srv), RespConn(srv.resp_port)
    check_eq(sub.command("SUBSCRIBE", "ch"), b">3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n", "confirmation push")
    check_eq(sub.command("SET", "k", "v"), b"+OK\r\n", "a subscribed RESP3 connection runs SET")
    check_eq(pub.command("PUBLISH", "ch", "hi"), b":1\r\n", "PUBLISH")
    check_eq(sub.reply(), b">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n", "the message as a push")
    check_eq(sub.command("GET", "k"), b"$1\r\nv\r\n", "GET while subscribed")


def test_invalidated_when_another_client_writes(srv):
    tracker, writer = resp3(srv), RespConn(srv.resp_port)
    writer.command("SET", "k", "v1")
    check_eq(tracker.command("CLIENT", "TRACKING", "ON"), b"+OK\r\n", "CLIENT TRACKING ON")
    check_eq(tracker.command("GET", "k"), b"$2\r\nv1\r\n", "the read that caches k")
    info = writer.command("INFO", "everything")
    for field in (b"tracking_clients:1\r\n", b"tracking_total_keys:1\r\n", b"tracking_total_items:1\r\n"):
        check(field in info, "INFO has %r" % field)
    writer.command("SET", "k", "v2")
    check_eq(tracker.reply(), invalidation(b"k"), "the invalidation")
    check_eq(tracker.command("GET", "k"), b"$2\r\nv2\r\n", "after the invalidation the new value")
    writer.command("HSET", "h", "f", "1")
    check_eq(tracker.command("HGET", "h", "f"), b"$1\r\n1\r\n", "a hash field read")
    writer.command("HINCRBY", "h", "f", "1")
    check_eq(tracker.reply(), invalidation(b"h"), "a collection write invalidates too")


def test_invalidated_by_native_writes(srv):
    """Writes over the native protocol (SET, MSET, DEL, TXN, a COMMAND frame) invalidate too."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts"))
    from mnemo_client import Client
    tracker = resp3(srv)
    native = Client("127.0.0.1", srv.port)
    native.set(b"n1", b"a")
    check_eq(tracker.command("CLIENT", "TRACKING", "ON"), b"+OK\r\n", "CLIENT TRACKING ON")
    for step, write in ((b"n1", lambda: native.set(b"n1", b"b")),
                        (b"n2", lambda: native.mset([(b"n2", b"x"), (b"other", b"y")])),
                        (b"n3", lambda: native.txn([("set", b"n3", b"t")])),
                        (b"n4", lambda: native.command("HSET", "n4", "f", "v")),
                        (b"n1", lambda: native.delete(b"n1"))):
        tracker.command("GET", step) if step != b"n4" else tracker.command("HGET", step, "f")
        write()
        check_eq(tracker.reply(), invalidation(step), "a native write invalidates %r" % step)
    native.close()


def test_invalidated_on_expiry_and_flush(srv):
    tracker, writer = resp3(srv), RespConn(srv.resp_port)
    writer.command("SET", "e", "v")
    tracker.command("CLIENT", "TRACKING", "ON")
    check_eq(tracker.command("GET", "e"), b"$1\r\nv\r\n", "cached")
    writer.command("PEXPIRE", "e", "300")
    check_eq(tracker.reply(), invalidation(b"e"), "PEXPIRE is a write")
    check_eq(tracker.command("GET", "e"), b"$1\r\nv\r\n", "cached again before it expires")
    # The expiry sweep removes it: the frame comes with no command from anyone.
    check_eq(tracker.reply(), invalidation(b"e"), "the expiry's invalidation")
    check_eq(tracker.command("GET", "e"), b"_\r\n", "gone")
    writer.command("SET", "f", "v")
    tracker.command("GET", "f")
    writer.command("FLUSHDB")
    check_eq(tracker.reply(), b">2\r\n$10\r\ninvalidate\r\n_\r\n", "FLUSHDB: a null key list")


def test_bcast_prefix_noloop_optin(srv):
    tracker, writer = resp3(srv), RespConn(srv.resp_port)
    check_eq(tracker.command("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "user:", "NOLOOP"), b"+OK\r\n", "BCAST")
    writer.command("SET", "other", "1")
    writer.command("MSET", "user:1", "a", "user:2", "b")
    check_eq(tracker.reply(), invalidation(b"user:1", b"user:2"), "only the prefix, one frame for MSET")
    check_eq(tracker.command("SET", "user:3", "own"), b"+OK\r\n", "NOLOOP: its own write")
    writer.command("DEL", "user:1")
    check_eq(tracker.reply(), invalidation(b"user:1"), "the next frame is the other client's")
    info = tracker.command("CLIENT", "TRACKINGINFO")
    check(info.startswith(b"%3\r\n$5\r\nflags\r\n~3\r\n$2\r\non\r\n$5\r\nbcast\r\n$6\r\nnoloop\r\n"), repr(info))
    optin = resp3(srv)
    optin.command("CLIENT", "TRACKING", "ON", "OPTIN")
    writer.command("SET", "a", "1")
    writer.command("SET", "b", "1")
    optin.command("GET", "a")  # not cached: OPTIN without CACHING YES
    check_eq(optin.command("CLIENT", "CACHING", "YES"), b"+OK\r\n", "CACHING YES")
    optin.command("GET", "b")
    writer.command("SET", "a", "2")
    writer.command("SET", "b", "2")
    check_eq(optin.reply(), invalidation(b"b"), "only the read after CACHING YES was tracked")


def test_redirect_to_resp2_subscriber(srv):
    target, tracker, writer = (RespConn(srv.resp_port) for _ in range(3))
    target_id = int(target.command("CLIENT", "ID")[1:-2])
    check_eq(target.command("SUBSCRIBE", "__redis__:invalidate"),
             b"*3\r\n$9\r\nsubscribe\r\n$20\r\n__redis__:invalidate\r\n:1\r\n", "the RESP2 target subscribes")
    check_eq(tracker.command("CLIENT", "TRACKING", "ON", "REDIRECT", str(target_id)), b"+OK\r\n", "REDIRECT")
    check_eq(tracker.command("CLIENT", "GETREDIR"), b":%d\r\n" % target_id, "GETREDIR")
    tracker.command("GET", "k")
    writer.command("SET", "k", "v")
    check_eq(target.reply(), b"*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*1\r\n$1\r\nk\r\n",
             "the invalidation as a pub/sub message")
    check_eq(tracker.command("CLIENT", "TRACKING", "ON", "REDIRECT", "999999"),
             b"-ERR The client ID you want redirect to does not exist\r\n", "an unknown target")


def invalidated(frame):
    """The keys of an invalidation push, or None for anything else."""
    if not frame.startswith(b">2\r\n$10\r\ninvalidate\r\n*"):
        return None
    parts = frame.split(b"\r\n")
    return [parts[i] for i in range(5, len(parts) - 1, 2)]


class CachingClient:
    """A RESP3 connection with a client-side cache, the way a client library
    keeps one: a read is served from the cache, or fetched and cached; every
    invalidation drops its keys."""

    def __init__(self, srv):
        self.conn = resp3(srv)
        check_eq(self.conn.command("CLIENT", "TRACKING", "ON"), b"+OK\r\n", "tracking on")
        self.cache = {}
        self.invalidations = 0

    def handle(self, frame):
        keys = invalidated(frame)
        if keys is None:
            return False
        self.invalidations += 1
        for k in keys:
            self.cache.pop(k, None)
        return True

    def get(self, key):
        if key in self.cache:
            return self.cache[key]
        self.conn.send(b"*2\r\n$3\r\nGET\r\n$%d\r\n%s\r\n" % (len(key), key))
        while True:
            frame = self.conn.reply()
            if not self.handle(frame):
                break
        self.cache[key] = frame  # after any invalidation that came first: the reply is newer
        return frame

    def poll(self):
        """Handles the frames already here, without waiting."""
        while self.conn.buf or select.select([self.conn.sock], [], [], 0)[0]:
            check(self.handle(self.conn.reply()), "only pushes arrive unasked")


def test_cache_never_stale_under_concurrent_writes(srv):
    keys = [b"c%d" % i for i in range(5)]
    setup = RespConn(srv.resp_port)
    for k in keys + [b"sentinel"]:
        setup.command("SET", k, "0")
    reader = CachingClient(srv)
    reader.get(b"sentinel")
    writes = 3000

    def write():
        w, rng = RespConn(srv.resp_port), random.Random(7)
        for _ in range(writes):
            w.command("INCR", rng.choice(keys))
        w.command("SET", "sentinel", "done")  # its invalidation comes after all the others
        w.close()

    writer = threading.Thread(target=write)
    writer.start()
    rng = random.Random(11)
    while writer.is_alive():
        reader.get(rng.choice(keys))
        reader.poll()
    writer.join()
    while b"sentinel" in reader.cache:
        check(reader.handle(reader.conn.reply()), "only pushes arrive unasked")
    for k, cached in reader.cache.items():
        check_eq(cached, setup.command("GET", k), "the cached %r after the last invalidation" % k)
    check(reader.invalidations > 0, "invalidations arrived")
    check_eq(sum(int(setup.command("GET", k)[1:].split(b"\r\n")[1]) for k in keys), writes, "every INCR applied")


TESTS = [(name, fn) for name, fn in sorted(globals().items()) if name.startswith("test_")]

if __name__ == "__main__":
    sys.exit(run_tests(TESTS))
