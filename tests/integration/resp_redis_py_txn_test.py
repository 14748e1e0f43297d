#!/usr/bin/python3
"""MULTI/EXEC/WATCH driven by redis-py (Debian's python3-redis), as
applications use them: pipeline() (a transaction by default), transaction()
with a WATCH retry loop under contention, and the errors a client sees.

Each test starts $MNEMO_BIN_DIR/mnemo-server with --resp-port 0 on a fresh
data directory and stops it by PID. Exits non-zero on any failure.
"""

import os
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import redis  # noqa: E402
from redis import exceptions  # noqa: E402

from resp_support import check, check_eq, run_tests  # noqa: E402


def client(srv, **kwargs):
    return redis.Redis(host="127.0.0.1", port=srv.resp_port, socket_timeout=30, **kwargs)


def test_default_pipeline_is_a_transaction(srv):
    r = client(srv)
    pipe = r.pipeline()  # transaction=True: MULTI ... EXEC
    pipe.set("a", "1").incr("a").get("a").mset({"b": "2", "c": "3"}).mget("a", "b", "c")
    check_eq(pipe.execute(), [True, 2, b"2", True, [b"2", b"2", b"3"]], "pipeline() results")
    # A run-time error fails that command alone; the others are applied.
    r.set("s", "text")
    pipe = r.pipeline()
    pipe.set("x", "1").incr("s").set("y", "2")
    results = pipe.execute(raise_on_error=False)
    check_eq(results[0], True, "first command of a transaction with a failing one")
    check(isinstance(results[1], exceptions.ResponseError), "INCR of text fails alone: %r" % (results[1],))
    check_eq(r.mget("x", "y"), [b"1", b"2"], "the other writes applied")
    # A queue-time error (unknown command) aborts everything.
    pipe = r.pipeline()
    pipe.set("z", "1").execute_command("NOSUCHCMD")
    try:
        pipe.execute()
        raise AssertionError("a transaction with an unknown command must fail")
    except exceptions.ResponseError as e:
        check("unknown command" in str(e) or "EXECABORT" in str(e), "error: %s" % e)
    check_eq(r.get("z"), None, "nothing of an aborted transaction is applied")


def test_watch_conflict_raises(srv):
    r, other = client(srv), client(srv)
    r.set("w", "1")
    with r.pipeline() as pipe:
        pipe.watch("w")
        check_eq(pipe.get("w"), b"1", "read in the WATCH phase")
        other.set("w", "2")
        pipe.multi()
        pipe.set("w", "3")
        try:
            pipe.execute()
            raise AssertionError("EXEC after a watched key changed must fail")
        except exceptions.WatchError:
            pass
    check_eq(r.get("w"), b"2", "the watched key keeps the other client's write")


def test_watch_retry_counter_is_exact(srv):
    threads, increments = 8, 150
    client(srv).set("counter", "0")
    errors = []
    retries = [0]
    lock = threading.Lock()

    def worker():
        r = client(srv)
        try:
            for _ in range(increments):
                def incr(pipe):
                    value = int(pipe.get("counter"))
                    pipe.multi()
                    pipe.set("counter", value + 1)
                r.transaction(incr, "counter")
        except Exception as e:  # reported below, from the main thread
            errors.append(e)

    def counting_worker():
        r = client(srv)
        try:
            for _ in range(increments):
                while True:
                    with r.pipeline() as pipe:
                        try:
                            pipe.watch("counter")
                            value = int(pipe.get("counter"))
                            pipe.multi()
                            pipe.set("counter", value + 1)
                            pipe.execute()
                            break
                        except exceptions.WatchError:
                            with lock:
                                retries[0] += 1
        except Exception as e:
            errors.append(e)

    ts = [threading.Thread(target=worker if i % 2 == 0 else counting_worker) for i in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    check(not errors, "errors in the workers: %r" % errors[:3])
    check_eq(int(client(srv).get("counter")), threads * increments, "counter after WATCH/MULTI increments")
    print("  %d threads x %d increments exact; %d WATCH retries in half of them" % (threads, increments, retries[0]))


def test_transactions_are_isolated(srv):
    """Two keys always move together: readers never see one without the other."""
    r = client(srv)
    r.mset({"left": 0, "right": 0})
    stop = threading.Event()
    torn = []

    def reader():
        c = client(srv)
        while not stop.is_set():
            a, b = c.mget("left", "right")
            if a != b:
                torn.append((a, b))

    def writer():
        c = client(srv)
        for _ in range(300):
            c.pipeline().incr("left").incr("right").execute()

    readers = [threading.Thread(target=reader) for _ in range(2)]
    writers = [threading.Thread(target=writer) for _ in range(3)]
    for t in readers + writers:
        t.start()
    for t in writers:
        t.join()
    stop.set()
    for t in readers:
        t.join()
    check(not torn, "MGET saw a transaction half applied: %r" % torn[:3])
    check_eq(r.mget("left", "right"), [b"900", b"900"], "both keys after 900 transactions")


def test_waitaof_after_exec(srv):
    r = client(srv)
    pipe = r.pipeline()
    pipe.set("d1", "x").set("d2", "y")
    pipe.execute()
    check_eq(r.execute_command("WAITAOF", 1, 0, 0), [1, 0], "WAITAOF after EXEC")
    srv.restart_after_sigkill()
    r = client(srv)
    check_eq(r.mget("d1", "d2"), [b"x", b"y"], "an EXEC covered by WAITAOF survives SIGKILL")


TESTS = [
    ("pipeline() is a transaction", test_default_pipeline_is_a_transaction),
    ("WATCH conflict raises WatchError", test_watch_conflict_raises),
    ("WATCH retry loop: 8 threads, exact counter", test_watch_retry_counter_is_exact),
    ("transactions are isolated", test_transactions_are_isolated),
    ("WAITAOF after EXEC", test_waitaof_after_exec),
]

if __name__ == "__main__":
    sys.exit(run_tests(TESTS))
