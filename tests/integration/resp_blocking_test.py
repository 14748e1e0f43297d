#!/usr/bin/python3
"""Blocking pops (BLPOP, BRPOP, BLMOVE, BLMPOP, BZPOPMIN, BZMPOP) between
redis-py clients on mnemo's RESP port, and the keyspace notifications of the
collection commands.

A blocking call runs in a thread; the test waits until the server reports
the client as blocked (INFO blocked_clients), never by sleeping, then writes
from another client. A write that serves a blocked client does so before
its own reply, so "still blocked" is checked right after a write's reply.
The server runs two io threads; consecutive connections land on different
ones, so wake-ups cross threads.

Each test starts $MNEMO_BIN_DIR/mnemo-server on a fresh data directory and
stops it by PID. Exits non-zero on any failure.
"""

import os
import socket
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import redis  # noqa: E402

from resp_support import check, check_eq, encode_command, run_tests, wait_until  # noqa: E402

WAIT_S = 30  # a bound for what must happen, not a measurement


def client(srv, db=0):
    return redis.Redis(host="127.0.0.1", port=srv.resp_port, db=db, socket_timeout=60)


def blocked(r):
    return r.info("clients")["blocked_clients"]


def wait_blocked(r, n):
    wait_until(lambda: blocked(r) == n, WAIT_S, "%d blocked clients" % n)


class Call(threading.Thread):
    """Runs fn(*args) on its own connection; .result or .error afterwards."""

    def __init__(self, fn, *args):
        super().__init__(daemon=True)
        self.fn, self.args = fn, args
        self.result = self.error = None

    def run(self):
        try:
            self.result = self.fn(*self.args)
        except Exception as e:  # reported by get()
            self.error = e

    def get(self):
        self.join(WAIT_S)
        check(not self.is_alive(), "the blocked call returned")
        if self.error is not None:
            raise self.error
        return self.result


def start(call):
    call.start()
    return call


def test_push_wakes_blpop(srv):
    r, w = client(srv), client(srv)
    c = start(Call(r.blpop, ["empty", "q"], 0))
    wait_blocked(w, 1)
    check_eq(w.rpush("q", "v1", "v2"), 2, "the push sees the list before the serve")
    check_eq(c.get(), (b"q", b"v1"), "BLPOP gets the first element of the key that got one")
    check_eq(w.lrange("q", 0, -1), [b"v2"], "the other element stays")
    check_eq(blocked(w), 0, "nobody blocked any more")


def test_fifo_three_waiters(srv):
    w = client(srv)
    calls = []
    for i in range(3):
        calls.append(start(Call(client(srv).brpop, ["q"], 0)))
        wait_blocked(w, i + 1)
    w.lpush("q", "c", "b", "a")  # the list is a b c: BRPOP takes c, then b, then a
    check_eq([c.get() for c in calls], [(b"q", b"c"), (b"q", b"b"), (b"q", b"a")], "served oldest first")


def test_fifo_one_element_at_a_time(srv):
    w = client(srv)
    calls = []
    for i in range(3):
        calls.append(start(Call(client(srv).blpop, ["q"], 0)))
        wait_blocked(w, i + 1)
    for i, c in enumerate(calls):
        w.rpush("q", "e%d" % i)
        check_eq(c.get(), (b"q", b"e%d" % i), "waiter %d gets push %d" % (i, i))
        check_eq(blocked(w), 2 - i, "the others keep waiting")


def test_timeout_returns_nil(srv):
    r = client(srv)
    check_eq(r.blpop(["nothing"], 0.05), None, "BLPOP times out with a nil array")
    check_eq(r.blmove("nothing", "dst", 0.05, "LEFT", "RIGHT"), None, "BLMOVE times out with nil")
    check_eq(r.bzpopmin(["nothing"], 0.05), None, "BZPOPMIN times out")
    check_eq(blocked(r), 0, "a timed-out client is no longer blocked")
    check_eq(r.ping(), True, "the connection works after a timeout")


def test_disconnect_cleans_up(srv):
    w = client(srv)
    s = socket.create_connection(("127.0.0.1", srv.resp_port), timeout=WAIT_S)
    s.sendall(encode_command(["BLPOP", "q", "0"]))
    wait_blocked(w, 1)
    s.close()
    wait_blocked(w, 0)
    w.rpush("q", "kept")
    check_eq(w.lrange("q", 0, -1), [b"kept"], "a gone client takes nothing")


def test_pipelined_commands_wait(srv):
    w = client(srv)
    s = socket.create_connection(("127.0.0.1", srv.resp_port), timeout=WAIT_S)
    s.sendall(encode_command(["BLPOP", "q", "0"]) + encode_command(["PING"]))
    wait_blocked(w, 1)
    w.rpush("q", "x")
    want = b"*2\r\n$1\r\nq\r\n$1\r\nx\r\n+PONG\r\n"
    got = b""
    while len(got) < len(want):
        chunk = s.recv(4096)
        check(chunk, "connection closed early")
        got += chunk
    check_eq(got, want, "the reply, then the pipelined PING")
    s.close()


def test_blmove_and_blmpop(srv):
    w = client(srv)
    c = start(Call(client(srv).blmove, "src", "dst", 0, "RIGHT", "LEFT"))
    wait_blocked(w, 1)
    w.rpush("src", "a", "b")
    check_eq(c.get(), b"b", "BLMOVE moves the right end")
    check_eq(w.lrange("dst", 0, -1), [b"b"], "pushed on the destination")
    c = start(Call(client(srv).execute_command, "BLMPOP", 0, 2, "x", "y", "LEFT", "COUNT", 5))
    wait_blocked(w, 1)
    w.rpush("y", "1", "2")
    check_eq(c.get(), [b"y", [b"1", b"2"]], "BLMPOP's nested reply")


def test_blmove_chain_serves_next(srv):
    w = client(srv)
    mover = start(Call(client(srv).blmove, "a", "b", 0, "LEFT", "LEFT"))
    wait_blocked(w, 1)
    taker = start(Call(client(srv).blpop, ["b"], 0))
    wait_blocked(w, 2)
    w.rpush("a", "token")
    check_eq(mover.get(), b"token", "the mover got the element")
    check_eq(taker.get(), (b"b", b"token"), "the mover's push served the next waiter")
    check_eq(w.exists("a", "b"), 0, "both lists emptied")


def test_zsets(srv):
    w = client(srv)
    c = start(Call(client(srv).bzpopmax, ["z"], 0))
    wait_blocked(w, 1)
    w.zadd("z", {"low": 1, "high": 2})
    check_eq(c.get(), (b"z", b"high", 2.0), "BZPOPMAX gets the highest")
    c = start(Call(client(srv).execute_command, "BZMPOP", 0, 1, "z2", "MIN", "COUNT", 2))
    wait_blocked(w, 1)
    w.zadd("z2", {"a": 1, "b": 2, "c": 3})
    check_eq(c.get(), [b"z2", [[b"a", b"1"], [b"b", b"2"]]], "BZMPOP's nested reply")


def test_databases_are_apart(srv):
    w0, w1 = client(srv, 0), client(srv, 1)
    c = start(Call(client(srv, 1).blpop, ["k"], 0))
    wait_blocked(w0, 1)
    w0.rpush("k", "db0")
    check_eq(blocked(w0), 1, "a push in db 0 does not wake a waiter of db 1")
    check_eq(w0.llen("k"), 1, "db 0's element stays")
    w1.rpush("k", "db1")
    check_eq(c.get(), (b"k", b"db1"), "the push in db 1 does")


def test_swapdb_serves_waiters(srv):
    w0 = client(srv, 0)
    c = start(Call(client(srv, 1).blpop, ["k"], 0))
    wait_blocked(w0, 1)
    w0.rpush("k", "from-db0")
    check_eq(blocked(w0), 1, "still waiting: the list is in db 0")
    w0.swapdb(0, 1)
    check_eq(c.get(), (b"k", b"from-db0"), "SWAPDB brought the list to the waiter's database")
    check_eq(w0.exists("k"), 0, "db 0 holds what db 1 held: nothing")


def test_wrong_type_keeps_waiting(srv):
    w = client(srv)
    c = start(Call(client(srv).blpop, ["k"], 0))
    wait_blocked(w, 1)
    w.set("k", "a string")
    check_eq(blocked(w), 1, "a key that became a string keeps the client waiting")
    w.delete("k")
    w.flushdb()
    check_eq(blocked(w), 1, "DEL and FLUSHDB keep it waiting too")
    w.rpush("k", "v")
    check_eq(c.get(), (b"k", b"v"), "served once the key is a list")
    w.set("str", "x")
    try:
        w.blpop(["k2", "str"], 0)
        check(False, "BLPOP on a string key answers WRONGTYPE")
    except redis.exceptions.ResponseError as e:
        check(str(e).startswith("WRONGTYPE"), "WRONGTYPE: %s" % e)


def test_client_unblock(srv):
    w = client(srv)
    r = client(srv)
    rid = r.client_id()
    c = start(Call(r.blpop, ["k"], 0))
    wait_blocked(w, 1)
    check_eq(w.client_unblock(rid), True, "CLIENT UNBLOCK answers 1")
    check_eq(c.get(), None, "the default reason answers as a timeout")
    check_eq(w.client_unblock(rid), False, "not blocked any more")
    c = start(Call(r.blpop, ["k"], 0))
    wait_blocked(w, 1)
    check_eq(w.client_unblock(rid, error=True), True, "CLIENT UNBLOCK ERROR")
    try:
        c.get()
        check(False, "the client gets an error")
    except redis.exceptions.ResponseError as e:
        check("client unblocked via CLIENT UNBLOCK" in str(e), "the UNBLOCKED error: %s" % e)


def test_never_blocks_in_multi_or_script(srv):
    r = client(srv)
    p = r.pipeline(transaction=True)
    p.blpop(["none"], 0)
    p.rpush("l", "x")
    p.blpop(["l"], 0)
    check_eq(p.execute(), [None, 1, (b"l", b"x")], "inside MULTI: as the non-blocking form")
    check_eq(r.eval("return redis.call('BLMPOP', 0, 1, 'none', 'LEFT')", 0), None, "BLMPOP in a script")
    check_eq(blocked(r), 0, "nobody blocked")


def test_served_pop_is_journaled(srv):
    w = client(srv)
    c = start(Call(client(srv).blmove, "src", "dst", 0, "LEFT", "RIGHT"))
    wait_blocked(w, 1)
    w.rpush("src", "a", "b")
    check_eq(c.get(), b"a", "served")
    w.execute_command("WAITAOF", 1, 0, 0)
    srv.restart_after_sigkill()
    w = client(srv)
    check_eq(w.lrange("src", 0, -1), [b"b"], "the served pop survived the crash")
    check_eq(w.lrange("dst", 0, -1), [b"a"], "and its push")


def test_many_waiters_and_pushers(srv):
    """Concurrent waiters and pushers on two io threads: every pushed element is
    popped exactly once, and nobody is left blocked."""
    waiters, pops, pushers = 8, 50, 4
    pushes = waiters * pops // pushers

    def pop_all():
        r = client(srv)
        return [r.blpop(["q1", "q2"], 0)[1] for _ in range(pops)]

    def push_all(p):
        r = client(srv)
        for i in range(pushes):
            r.rpush("q%d" % (1 + i % 2), "p%d-%d" % (p, i))

    takers = [start(Call(pop_all)) for _ in range(waiters)]
    givers = [start(Call(push_all, p)) for p in range(pushers)]
    for g in givers:
        g.get()
    got = sorted(v for t in takers for v in t.get())
    want = sorted(b"p%d-%d" % (p, i) for p in range(pushers) for i in range(pushes))
    check_eq(got, want, "every element popped exactly once")
    w = client(srv)
    check_eq(blocked(w), 0, "nobody left blocked")
    check_eq(w.exists("q1", "q2"), 0, "both lists emptied")


def next_events(p, n):
    out = []
    while len(out) < n:
        m = p.get_message(timeout=WAIT_S)
        check(m is not None, "no keyspace event within %d s (have %r)" % (WAIT_S, out))
        if m["type"] == "pmessage":
            out.append((m["channel"].decode().split(":", 1)[1], m["data"].decode()))
    return out


def test_collection_keyspace_events(srv):
    r = client(srv)
    r.config_set("notify-keyspace-events", "KEA")
    p = r.pubsub()
    p.psubscribe("__keyevent@0__:*")
    check_eq(p.get_message(timeout=WAIT_S)["type"], "psubscribe", "subscribed")
    steps = [
        (lambda: r.hset("h", mapping={"a": "1", "b": "2"}), [("hset", "h")]),
        (lambda: r.hincrby("h", "a", 2), [("hincrby", "h")]),
        (lambda: r.hincrbyfloat("h", "a", 0.5), [("hincrbyfloat", "h")]),
        (lambda: r.hdel("h", "a", "b"), [("hdel", "h"), ("del", "h")]),
        (lambda: r.lpush("l", "x", "y"), [("lpush", "l")]),
        (lambda: r.rpush("l", "z"), [("rpush", "l")]),
        (lambda: r.linsert("l", "BEFORE", "x", "w"), [("linsert", "l")]),
        (lambda: r.lset("l", 0, "y2"), [("lset", "l")]),
        (lambda: r.lrem("l", 0, "w"), [("lrem", "l")]),
        (lambda: r.lmove("l", "l2", "LEFT", "RIGHT"), [("rpush", "l2"), ("lpop", "l")]),
        (lambda: r.ltrim("l", 0, 0), [("ltrim", "l")]),
        (lambda: r.rpop("l"), [("rpop", "l"), ("del", "l")]),
        (lambda: r.lpop("l2"), [("lpop", "l2"), ("del", "l2")]),
        (lambda: r.sadd("s", "a", "b", "c"), [("sadd", "s")]),
        (lambda: r.srem("s", "a"), [("srem", "s")]),
        (lambda: r.smove("s", "s2", "b"), [("srem", "s"), ("sadd", "s2")]),
        (lambda: r.sinterstore("s3", ["s", "s"]), [("sinterstore", "s3")]),
        (lambda: r.sunionstore("s4", ["s", "s2"]), [("sunionstore", "s4")]),
        (lambda: r.sdiffstore("s4", ["s", "s"]), [("del", "s4")]),
        (lambda: r.spop("s"), [("spop", "s"), ("del", "s")]),
        (lambda: r.zadd("z", {"a": 1, "b": 2, "c": 3, "d": 4}), [("zadd", "z")]),
        (lambda: r.zincrby("z", 1, "a"), [("zincr", "z")]),
        (lambda: r.zrem("z", "a"), [("zrem", "z")]),
        (lambda: r.zremrangebyscore("z", 2, 2), [("zremrangebyscore", "z")]),
        (lambda: r.zremrangebyrank("z", 0, 0), [("zremrangebyrank", "z")]),
        (lambda: r.zunionstore("z2", ["z"]), [("zunionstore", "z2")]),
        (lambda: r.zinterstore("z3", ["z", "z2"]), [("zinterstore", "z3")]),
        (lambda: r.zpopmin("z"), [("zpopmin", "z"), ("del", "z")]),
        (lambda: r.delete("z2"), [("del", "z2")]),
    ]
    for i, (do, want) in enumerate(steps):
        do()
        check_eq(next_events(p, len(want)), want, "events of step %d" % i)
    p.close()


TESTS = [
    ("push wakes BLPOP", test_push_wakes_blpop),
    ("FIFO with three waiters", test_fifo_three_waiters),
    ("FIFO one element at a time", test_fifo_one_element_at_a_time),
    ("timeout returns nil", test_timeout_returns_nil),
    ("disconnect cleans up", test_disconnect_cleans_up),
    ("pipelined commands wait", test_pipelined_commands_wait),
    ("BLMOVE and BLMPOP", test_blmove_and_blmpop),
    ("BLMOVE chain serves the next waiter", test_blmove_chain_serves_next),
    ("sorted sets", test_zsets),
    ("databases are apart", test_databases_are_apart),
    ("SWAPDB serves waiters", test_swapdb_serves_waiters),
    ("wrong type keeps waiting", test_wrong_type_keeps_waiting),
    ("CLIENT UNBLOCK", test_client_unblock),
    ("never blocks in MULTI or a script", test_never_blocks_in_multi_or_script),
    ("served pop is journaled", test_served_pop_is_journaled),
    ("many waiters and pushers", test_many_waiters_and_pushers),
    ("collection keyspace events", test_collection_keyspace_events),
]


if __name__ == "__main__":
    sys.exit(run_tests(TESTS, lambda name: ["--threads", "2"]))
