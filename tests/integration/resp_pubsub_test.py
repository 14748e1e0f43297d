#!/usr/bin/python3
"""Pub/sub and keyspace notifications on mnemo's RESP port, through redis-py's
pubsub() (Debian's python3-redis), and a slow subscriber past
--pubsub-output-limit.

Each test starts $MNEMO_BIN_DIR/mnemo-server with --resp-port 0 on a fresh
data directory and stops it by PID. Exits non-zero on any failure.
"""

import os
import socket
import sys
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import redis  # noqa: E402

from resp_support import check, check_eq, encode_command, run_tests  # noqa: E402

WAIT_S = 10  # how long a message may take before the test fails (a bound, not a measurement)


def client(srv):
    return redis.Redis(host="127.0.0.1", port=srv.resp_port, socket_timeout=30)


def next_message(p):
    """The next message of a PubSub, confirmations included; fails after WAIT_S."""
    m = p.get_message(timeout=WAIT_S)
    check(m is not None, "no message within %d s" % WAIT_S)
    return m


def test_subscribe_and_get_message(srv):
    r = client(srv)
    p = r.pubsub()
    p.subscribe("news", "sport")
    check_eq(next_message(p), {"type": "subscribe", "pattern": None, "channel": b"news", "data": 1}, "first confirmation")
    check_eq(next_message(p)["data"], 2, "second confirmation counts both")
    check_eq(r.publish("news", "hello"), 1, "PUBLISH counts one receiver")
    check_eq(r.publish("elsewhere", "x"), 0, "PUBLISH to nobody")
    check_eq(next_message(p), {"type": "message", "pattern": None, "channel": b"news", "data": b"hello"}, "delivery")
    check_eq(r.pubsub_numsub("news", "none"), [(b"news", 1), (b"none", 0)], "PUBSUB NUMSUB")
    check_eq(sorted(r.pubsub_channels()), [b"news", b"sport"], "PUBSUB CHANNELS")
    p.unsubscribe("news")
    check_eq(next_message(p)["type"], "unsubscribe", "unsubscribe confirmation")
    check_eq(r.publish("news", "late"), 0, "nobody listens after UNSUBSCRIBE")
    check_eq(r.publish("sport", "goal"), 1, "the other channel still delivers")
    check_eq(next_message(p)["data"], b"goal", "delivery on the remaining channel")
    p.close()
    check_eq(r.pubsub_channels(), [], "a closed connection leaves no channel behind")


def test_psubscribe_and_listen(srv):
    r = client(srv)
    p = r.pubsub(ignore_subscribe_messages=True)
    p.psubscribe("room:*")
    p.subscribe("room:1")
    for _ in range(2):  # ignore_subscribe_messages still has to read the confirmations
        p.get_message(timeout=WAIT_S)
    check_eq(r.pubsub_numpat(), 1, "PUBSUB NUMPAT")
    check_eq(r.publish("room:1", "a"), 2, "a pattern and a channel: two receivers")
    check_eq(r.publish("room:2", "b"), 1, "the pattern alone")
    check_eq(r.publish("hall", "c"), 0, "no match")
    got = []
    for m in p.listen():
        if m["type"] in ("message", "pmessage"):
            got.append((m["type"], m["pattern"], m["channel"], m["data"]))
        if len(got) == 3:
            break
    check_eq(sorted(got), sorted([("pmessage", b"room:*", b"room:1", b"a"), ("message", None, b"room:1", b"a"),
                                  ("pmessage", b"room:*", b"room:2", b"b")]), "listen() sees every delivery")
    p.close()


def test_subscribed_mode(srv):
    r = client(srv)
    p = r.pubsub()
    p.subscribe("c")
    next_message(p)
    p.connection.send_command("GET", "k")
    try:
        p.connection.read_response()
        raise AssertionError("GET was accepted in subscribed mode")
    except redis.exceptions.ResponseError as e:
        check("only (P|S)SUBSCRIBE" in str(e), "Redis's subscribed-mode error, got %r" % str(e))
    p.ping()
    check_eq(next_message(p)["type"], "pong", "PING answers pong in subscribed mode")
    p.close()


def keyspace_events(p, count):
    return [(m["channel"], m["data"]) for m in (next_message(p) for _ in range(count))]


def test_keyspace_notifications(srv):
    r = client(srv)
    check_eq(r.config_get("notify-keyspace-events"), {"notify-keyspace-events": ""}, "off by default")
    r.config_set("notify-keyspace-events", "KEA")
    check_eq(r.config_get("notify-keyspace-events"), {"notify-keyspace-events": "AKE"}, "Redis's letters")
    p = r.pubsub(ignore_subscribe_messages=True)
    p.psubscribe("__keyspace@0__:*")
    p.subscribe("__keyevent@0__:expired")
    for _ in range(2):
        p.get_message(timeout=WAIT_S)
    r.set("k", "v")
    r.expire("k", 100)
    r.delete("k")
    check_eq(keyspace_events(p, 3), [(b"__keyspace@0__:k", b"set"), (b"__keyspace@0__:k", b"expire"),
                                     (b"__keyspace@0__:k", b"del")], "set, expire, del")
    # Nobody reads "t": only the sweep can remove it, and that must be announced.
    r.set("t", "v", px=50)
    check_eq(keyspace_events(p, 2), [(b"__keyspace@0__:t", b"set"), (b"__keyspace@0__:t", b"expire")], "SET PX")
    got = keyspace_events(p, 2)
    check_eq(sorted(got), sorted([(b"__keyspace@0__:t", b"expired"), (b"__keyevent@0__:expired", b"t")]),
             "the sweep announces the expiry")
    check_eq(r.exists("t"), 0, "the key is gone")
    r.config_set("notify-keyspace-events", "")
    r.set("quiet", "1")
    check_eq(r.publish("__keyspace@0__:marker", "m"), 1, "marker")
    check_eq(keyspace_events(p, 1), [(b"__keyspace@0__:marker", b"m")], "no event once notifications are off")
    p.close()


def test_notify_flag_at_start(srv):
    r = client(srv)
    check_eq(r.config_get("notify-keyspace-events"), {"notify-keyspace-events": "gE"}, "--notify-keyspace-events")
    p = r.pubsub(ignore_subscribe_messages=True)
    p.subscribe("__keyevent@0__:del")
    p.get_message(timeout=WAIT_S)
    r.set("a", "1")
    r.delete("a", "b")
    check_eq(keyspace_events(p, 1), [(b"__keyevent@0__:del", b"a")], "only the key that existed")


def info_count(r, field):
    return int(r.info("stats").get(field, 0))


def test_slow_subscriber_is_closed(srv):
    """A subscriber that never reads is closed once its unsent output passes the
    limit; a subscriber that reads and the publisher are unaffected."""
    r = client(srv)
    slow = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # keep the kernel from absorbing much
    slow.connect(("127.0.0.1", srv.resp_port))
    slow.sendall(encode_command(["SUBSCRIBE", "feed"]))
    check(slow.recv(100).startswith(b"*3\r\n$9\r\nsubscribe"), "the slow subscriber is subscribed")
    good = r.pubsub(ignore_subscribe_messages=True)
    good.subscribe("feed")
    good.get_message(timeout=WAIT_S)
    payload = "x" * 8192
    sent = received = 0
    closes = 0
    # Bounded: 64 MB of messages is far past a 1 MB limit plus any kernel buffer.
    while sent < 8192:
        receivers = r.publish("feed", payload)
        check(receivers in (1, 2), "PUBLISH answered %r" % receivers)
        sent += 1
        # The reading subscriber takes each message before the next one is
        # published, so only the slow one's unsent output grows, however the
        # server's io threads happen to be scheduled (a reader that merely
        # polls can fall a megabyte behind on a loaded machine and be closed).
        m = good.get_message(timeout=WAIT_S)
        check(m is not None, "the reading subscriber got message %d" % sent)
        received += 1
        if receivers == 1:
            closes = info_count(r, "client_output_buffer_limit_disconnections")
            break
    check_eq(closes, 1, "the slow subscriber was closed and counted")
    while received < sent:
        m = good.get_message(timeout=WAIT_S)
        check(m is not None, "the reading subscriber lost a message (%d of %d)" % (received, sent))
        received += 1
    check_eq(received, sent, "the reading subscriber got every message")
    check_eq(r.pubsub_numsub("feed"), [(b"feed", 1)], "the closed subscriber is unsubscribed")
    slow.settimeout(WAIT_S)
    try:
        while slow.recv(1 << 20):
            pass
    except ConnectionResetError:
        pass
    slow.close()
    check("past --pubsub-output-limit" in srv.log(), "the close is logged with its reason")
    check("mnemo_pubsub_limit_closes 1\n" in metrics_text(srv), "/metrics counts the close")


def metrics_text(srv):
    with open(srv.port_file) as f:
        port = int([ln.split()[1] for ln in f if ln.startswith("metrics ")][0])
    with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=30) as resp:
        return resp.read().decode()


TESTS = [
    ("subscribe and get_message", test_subscribe_and_get_message),
    ("psubscribe and listen", test_psubscribe_and_listen),
    ("subscribed mode", test_subscribed_mode),
    ("keyspace notifications", test_keyspace_notifications),
    ("notify flag at start", test_notify_flag_at_start),
    ("slow subscriber is closed", test_slow_subscriber_is_closed),
]


def server_args(name):
    if name == "notify flag at start":
        return ["--notify-keyspace-events", "Eg"]
    if name == "slow subscriber is closed":
        return ["--pubsub-output-limit", "1M", "--metrics-port", "0"]
    return []


if __name__ == "__main__":
    sys.exit(run_tests(TESTS, server_args))
