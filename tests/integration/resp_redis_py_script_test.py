#!/usr/bin/python3
"""Lua scripts driven by redis-py (Debian's python3-redis): register_script
(EVALSHA with the EVAL fallback), redis.lock.Lock (acquire, extend, release,
blocking acquire between two clients), a script's writes as one isolated
unit, and the time limit: -BUSY for other clients, SCRIPT KILL, UNKILLABLE.

Each test starts $MNEMO_BIN_DIR/mnemo-server with --resp-port 0 on a fresh
data directory and stops it by PID. Exits non-zero on any failure.
"""

import os
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import redis  # noqa: E402
from redis import exceptions  # noqa: E402

from resp_support import check, check_eq, run_tests, wait_until  # noqa: E402


def client(srv, socket_timeout=30):
    return redis.Redis(host="127.0.0.1", port=srv.resp_port, socket_timeout=socket_timeout)


def test_register_script(srv):
    r = client(srv)
    incr_by = r.register_script("return redis.call('INCRBY', KEYS[1], ARGV[1])")
    check_eq(incr_by(keys=["n"], args=[5]), 5, "first call (EVALSHA, NOSCRIPT, then EVAL)")
    check_eq(incr_by(keys=["n"], args=[2]), 7, "second call (EVALSHA)")
    check_eq(r.script_exists(incr_by.sha), [True], "SCRIPT EXISTS")
    r.script_flush()
    check_eq(incr_by(keys=["n"], args=[1]), 8, "after SCRIPT FLUSH, the fallback to EVAL")
    swap = r.register_script("""
        local a = redis.call('GET', KEYS[1])
        local b = redis.call('GET', KEYS[2])
        redis.call('SET', KEYS[1], b)
        redis.call('SET', KEYS[2], a)
        return {a, b}
    """)
    r.mset({"x": "1", "y": "2"})
    check_eq(swap(keys=["x", "y"]), [b"1", b"2"], "a read-modify-write script")
    check_eq(r.mget("x", "y"), [b"2", b"1"], "its writes")


def test_lock(srv):
    r, other = client(srv), client(srv)
    lock = r.lock("resource", timeout=10)
    check(lock.acquire(blocking=False), "acquire a free lock")
    check(not other.lock("resource", timeout=10).acquire(blocking=False), "a held lock refuses another owner")
    check(lock.extend(5), "extend (a Lua script)")
    check(r.pttl("resource") > 10000, "extend added to the timeout")
    check(lock.reacquire(), "reacquire (a Lua script)")
    lock.release()  # a Lua script: the key goes only if the token matches
    check_eq(r.exists("resource"), 0, "release removed the lock")
    # Blocking acquire: the second client waits until the first releases.
    first = r.lock("resource", timeout=30)
    check(first.acquire(), "first owner")
    got = []

    def waiter():
        second = other.lock("resource", timeout=30, blocking_timeout=20)
        got.append(second.acquire())
        second.release()

    t = threading.Thread(target=waiter)
    t.start()
    first.release()
    t.join()
    check_eq(got, [True], "the blocked client got the lock after release")
    stale = r.lock("resource", timeout=10)
    stale.acquire()
    r.delete("resource")
    try:
        stale.release()
        raise AssertionError("releasing a lock someone else removed must fail")
    except exceptions.LockNotOwnedError:
        pass


def test_script_is_isolated(srv):
    r = client(srv)
    r.mset({"left": 0, "right": 0})
    move = r.register_script("redis.call('INCR', KEYS[1]) redis.call('INCR', KEYS[2]) return 1")
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
        script = c.register_script("redis.call('INCR', KEYS[1]) redis.call('INCR', KEYS[2]) return 1")
        for _ in range(300):
            script(keys=["left", "right"])

    move(keys=["left", "right"])
    readers = [threading.Thread(target=reader) for _ in range(2)]
    writers = [threading.Thread(target=writer) for _ in range(3)]
    for t in readers + writers:
        t.start()
    for t in writers:
        t.join()
    stop.set()
    for t in readers:
        t.join()
    check(not torn, "MGET saw a script half applied: %r" % torn[:3])
    check_eq(r.mget("left", "right"), [b"901", b"901"], "both keys")


def run_in_thread(fn):
    out = []

    def body():
        try:
            out.append(fn())
        except Exception as e:  # the result, for the main thread to check
            out.append(e)

    t = threading.Thread(target=body)
    t.start()
    return t, out


def test_time_limit_and_script_kill(srv):
    r, other = client(srv), client(srv)
    r.ping()
    other.ping()  # connected now, in this order: the two io threads
    t, out = run_in_thread(lambda: r.eval("while true do end", 0))
    wait_until(lambda: busy(other), 20, "other clients get -BUSY once the script passes the time limit")
    check_eq(other.script_kill(), True, "SCRIPT KILL")
    t.join()
    check(isinstance(out[0], exceptions.ResponseError) and "killed" in str(out[0]),
          "the killed script's client gets an error: %r" % out)
    check_eq(other.ping(), True, "the server serves again")
    expect_response_error(lambda: other.script_kill(), "NOTBUSY")
    # A script that wrote cannot be killed.
    r2 = client(srv, socket_timeout=5)
    r2.ping()  # the next connection: the first io thread again
    t, out = run_in_thread(lambda: r2.eval("redis.call('SET', KEYS[1], 'x') while true do end", 1, "w"))
    wait_until(lambda: busy(other), 20, "-BUSY for the script that wrote")
    expect_response_error(lambda: other.script_kill(), "UNKILLABLE")
    srv.kill()  # the way out for a script that wrote (Redis: SHUTDOWN NOSAVE)
    t.join()


def busy(c):
    try:
        c.ping()  # touches no key: never waits on the script's locks
        return False
    except exceptions.BusyLoadingError:
        return True
    except exceptions.ResponseError as e:
        return str(e).startswith("BUSY")


def expect_response_error(fn, fragment):
    try:
        fn()
    except exceptions.ResponseError as e:
        check(fragment in str(e), "expected %r in %r" % (fragment, str(e)))
        return
    raise AssertionError("expected an error with %r" % fragment)


TESTS = [
    ("register_script and EVALSHA", test_register_script),
    ("redis.lock.Lock", test_lock),
    ("a script is isolated", test_script_is_isolated),
    ("time limit, BUSY and SCRIPT KILL", test_time_limit_and_script_kill),
]


def server_args(name):
    # Two io threads: consecutive connections land on different ones, so the
    # probing client is served while the script occupies the other thread.
    return ["--lua-time-limit-ms", "100", "--threads", "2"] if name.startswith("time limit") else []


if __name__ == "__main__":
    sys.exit(run_tests(TESTS, server_args))
