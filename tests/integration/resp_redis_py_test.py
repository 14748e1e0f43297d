#!/usr/bin/python3
"""mnemo's RESP port driven by the redis-py client library (Debian's python3-redis).

Each test starts $MNEMO_BIN_DIR/mnemo-server with --resp-port 0 on a fresh
data directory, talks to it through redis.Redis, and stops it by PID.
Exits non-zero on any failure.
"""

import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import redis  # noqa: E402
from redis import exceptions  # noqa: E402

from resp_support import check, check_eq, run_tests, wait_until  # noqa: E402

AUTH_TOKEN = "data-token"
ADMIN_TOKEN = "admin-token"


def client(srv, **kwargs):
    return redis.Redis(host="127.0.0.1", port=srv.resp_port, socket_timeout=30, **kwargs)


def expect_error(fn, fragment, kind=exceptions.ResponseError):
    try:
        result = fn()
    except kind as e:
        check(fragment in str(e), "expected an error with %r, got %r" % (fragment, str(e)))
        return e
    raise AssertionError("expected %s with %r, got %r" % (kind.__name__, fragment, result))


def raw_exchange(srv, data):
    """Sends raw bytes and reads until the server closes the connection."""
    with socket.create_connection(("127.0.0.1", srv.resp_port), timeout=30) as s:
        s.sendall(data)
        chunks = []
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)


# -- the checks ---------------------------------------------------------------

def test_strings(srv):
    r = client(srv)
    check_eq(r.set("k", "v"), True, "SET")
    check_eq(r.get("k"), b"v", "GET")
    check_eq(r.get("missing"), None, "GET of a missing key")
    check_eq(r.set("k", "w", nx=True), None, "SET NX on an existing key")
    check_eq(r.set("new", "1", xx=True), None, "SET XX on a missing key")
    check_eq(r.set("k", "w", xx=True), True, "SET XX on an existing key")
    check_eq(r.setnx("k", "x"), False, "SETNX existing")
    check_eq(r.setnx("k2", "x"), True, "SETNX new")
    check_eq(r.set("t", "v", ex=100), True, "SET EX")
    check(95 <= r.ttl("t") <= 100, "TTL after SET EX")
    r.set("t", "v2", keepttl=True)
    check(95 <= r.ttl("t") <= 100, "KEEPTTL keeps the expiry")
    r.set("t", "v3", px=50000)
    check(45000 <= r.pttl("t") <= 50000, "PTTL after SET PX")
    r.set("t", "v4", exat=int(time.time()) + 200)
    check(190 <= r.ttl("t") <= 200, "SET EXAT")
    r.set("t", "v5", pxat=int(time.time() * 1000) + 300000)
    check(290 <= r.ttl("t") <= 300, "SET PXAT")
    check_eq(r.setex("sx", 60, "v"), True, "SETEX")
    check(55 <= r.ttl("sx") <= 60, "TTL after SETEX")
    check_eq(r.psetex("psx", 60000, "v"), True, "PSETEX")
    check(55 <= r.ttl("psx") <= 60, "TTL after PSETEX")


def test_binary_keys_and_values(srv):
    r = client(srv)
    pairs = {b"\x00\xff\r\nkey": b"\r\n\x00value\xff", b"": b"empty key", b"k" * 1000: bytes(range(256)) * 64}
    for k, v in pairs.items():
        check_eq(r.set(k, v), True, "SET of binary data")
    for k, v in pairs.items():
        check_eq(r.get(k), v, "GET of binary data")
    check_eq(r.mget(list(pairs)), list(pairs.values()), "MGET of binary data")


def test_del_and_unlink(srv):
    r = client(srv)
    r.mset({"a": 1, "b": 2, "c": 3})
    check_eq(r.delete("a", "b", "zz", "a"), 2, "DEL counts deleted keys once")
    check_eq(r.unlink("c", "zz"), 1, "UNLINK")
    check_eq(r.delete("c"), 0, "DEL of a missing key")
    many = ["m%d" % i for i in range(500)]
    r.mset({k: "v" for k in many})
    check_eq(r.delete(*many), 500, "DEL of 500 keys")
    check_eq(r.dbsize(), 0, "DBSIZE after DEL")


def test_counters(srv):
    r = client(srv)
    check_eq(r.incr("n"), 1, "INCR of a missing key")
    check_eq(r.incr("n", 10), 11, "INCRBY")
    check_eq(r.decr("n"), 10, "DECR")
    check_eq(r.decr("n", 20), -10, "DECRBY")
    check_eq(r.execute_command("DECR", "n"), -11, "DECR command")
    check_eq(r.get("n"), b"-11", "counters are stored as decimal text")
    r.set("s", "abc")
    expect_error(lambda: r.incr("s"), "value is not an integer or out of range")
    r.set("big", str(2**63 - 1))
    expect_error(lambda: r.incr("big"), "increment or decrement would overflow")
    expect_error(lambda: r.incrby("n", "1.5"), "value is not an integer or out of range")


def test_mget_mset(srv):
    r = client(srv)
    check_eq(r.mset({"x": "1", "y": "2"}), True, "MSET")
    check_eq(r.mget("x", "missing", "y"), [b"1", None, b"2"], "MGET")
    expect_error(lambda: r.execute_command("MSET", "a", "1", "b"), "wrong number of arguments for 'mset' command")


def test_expiry(srv):
    r = client(srv)
    r.set("k", "v")
    check_eq(r.ttl("k"), -1, "TTL without expiry")
    check_eq(r.ttl("missing"), -2, "TTL of a missing key")
    check_eq(r.pttl("missing"), -2, "PTTL of a missing key")
    check_eq(r.expire("k", 100), True, "EXPIRE")
    check(95 <= r.ttl("k") <= 100, "TTL after EXPIRE")
    check_eq(r.pexpire("k", 200000), True, "PEXPIRE")
    check(190 <= r.ttl("k") <= 200, "TTL after PEXPIRE")
    check_eq(r.expireat("k", int(time.time()) + 50), True, "EXPIREAT")
    check(40 <= r.ttl("k") <= 50, "TTL after EXPIREAT")
    check_eq(r.persist("k"), True, "PERSIST with an expiry")
    check_eq(r.persist("k"), False, "PERSIST without an expiry")
    check_eq(r.ttl("k"), -1, "TTL after PERSIST")
    check_eq(r.expire("missing", 10), False, "EXPIRE of a missing key")
    check_eq(r.expire("k", 0), True, "EXPIRE 0 deletes")
    check_eq(r.exists("k"), 0, "deleted by EXPIRE 0")
    r.set("short", "v", px=100)
    wait_until(lambda: r.get("short") is None, 10, "a 100 ms key to expire")
    check_eq(r.ttl("short"), -2, "TTL of an expired key")


def test_exists_type_dbsize(srv):
    r = client(srv)
    r.mset({"a": 1, "b": 2})
    check_eq(r.exists("a", "b", "c", "a"), 3, "EXISTS counts repeats")
    check_eq(r.type("a"), b"string", "TYPE of a key")
    check_eq(r.type("c"), b"none", "TYPE of a missing key")
    check_eq(r.dbsize(), 2, "DBSIZE")


def test_scan(srv):
    r = client(srv)
    pipe = r.pipeline(transaction=False)
    for i in range(3000):
        pipe.set("scan:%05d" % i, i)
    for i in range(700):
        pipe.set("other:%d" % i, i)
    pipe.execute()
    found = list(r.scan_iter(match="scan:*", count=97))
    check_eq(len(found), 3000, "scan_iter returns each matching key once")
    check_eq(set(found), {("scan:%05d" % i).encode() for i in range(3000)}, "scan_iter keys")
    check_eq(len(set(r.scan_iter(count=1000))), 3700, "scan_iter without MATCH")
    check_eq(len(list(r.scan_iter(match="nothing:*"))), 0, "scan_iter with no match")
    check_eq(len(list(r.scan_iter(match="scan:*", _type="hash"))), 0, "SCAN TYPE hash")
    check_eq(sorted(r.scan_iter(match="*:0000?", count=50)), [("scan:%05d" % i).encode() for i in range(10)],
             "scan_iter with a glob that is not a prefix")
    check_eq(len(list(r.scan_iter(match="other:[1-3]"))), 3, "scan_iter with a character class")
    expect_error(lambda: r.scan(12345), "invalid cursor")


def test_pipelines(srv):
    r = client(srv)
    n = 5000
    pipe = r.pipeline(transaction=False)
    for i in range(n):
        pipe.set("p%d" % i, "value-%d" % i)
    check(all(x is True for x in pipe.execute()), "5000 pipelined SETs")
    pipe = r.pipeline(transaction=False)
    for i in range(n):
        pipe.get("p%d" % i)
        pipe.incr("counter")
    results = pipe.execute()
    check_eq(results[0::2], [("value-%d" % i).encode() for i in range(n)], "pipelined GETs")
    check_eq(results[-1], n, "pipelined INCRs")


def test_errors(srv):
    r = client(srv)
    expect_error(lambda: r.execute_command("GET"), "wrong number of arguments for 'get' command")
    expect_error(lambda: r.execute_command("SET", "k"), "wrong number of arguments for 'set' command")
    expect_error(lambda: r.execute_command("NOSUCHCMD"), "unknown command 'NOSUCHCMD', with args beginning with: ")
    expect_error(lambda: r.execute_command("XYZZY", "x", "*", "f", "v"),
                 "unknown command 'XYZZY', with args beginning with: 'x' '*' 'f' 'v' ")
    expect_error(lambda: r.execute_command("SET", "k", "v", "NX", "XX"), "syntax error")
    expect_error(lambda: r.execute_command("SET", "k", "v", "EX", "0"), "invalid expire time in 'set' command")
    expect_error(lambda: r.execute_command("SELECT", "16"), "DB index is out of range")
    check_eq(r.ping(), True, "the connection survives command errors")


def test_connection_commands(srv):
    r = client(srv)
    check_eq(r.ping(), True, "PING")
    # redis-py turns any PING reply into a bool, so look at the bytes.
    check_eq(raw_exchange(srv, b"*2\r\n$4\r\nPING\r\n$5\r\nhello\r\n*1\r\n$4\r\nQUIT\r\n"),
             b"$5\r\nhello\r\n+OK\r\n", "PING with a message")
    check_eq(r.echo("hi there"), b"hi there", "ECHO")
    check(r.execute_command("SELECT", "0") in (True, b"OK"), "SELECT 0")
    check_eq(r.client_setname("tester"), True, "CLIENT SETNAME")
    check_eq(r.client_getname(), "tester", "CLIENT GETNAME")
    check(isinstance(r.client_id(), int), "CLIENT ID")
    info = r.info()
    check("redis_version" in info, "INFO has redis_version")
    check_eq(info.get("tcp_port"), srv.resp_port, "INFO tcp_port is the RESP port clients talk to")
    before = r.info("stats")["total_commands_processed"]
    for _ in range(10):
        r.ping()
    after = r.info("stats")
    check(after["total_commands_processed"] >= before + 11, "total_commands_processed counts every command")
    check(isinstance(after["instantaneous_ops_per_sec"], int), "INFO has instantaneous_ops_per_sec")
    check_eq(r.config_get("save"), {"save": ""}, "CONFIG GET save")
    check_eq(r.config_get("databases"), {"databases": "16"}, "CONFIG GET databases")
    check_eq(r.execute_command("HELLO", "2")[0:2], [b"server", b"redis"], "HELLO 2")
    try:  # (HELLO 3 would switch this RESP2-only client's connection: resp_tracking_test.py covers it)
        r.execute_command("HELLO", "4")
        raise AssertionError("HELLO 4 must be refused")
    except exceptions.ResponseError as e:
        check("NOPROTO" in str(e) or "protocol version is not supported" in str(e), "HELLO 4: %s" % e)
    check_eq(raw_exchange(srv, b"PING\r\nQUIT\r\n"), b"+PONG\r\n+OK\r\n", "inline PING, then QUIT closes")
    check_eq(raw_exchange(srv, b"*1\r\nx"), b"-ERR Protocol error: expected '$', got 'x'\r\n",
             "a protocol error closes the connection")


def test_snapshots_and_waitaof(srv):
    r = client(srv)
    r.set("k", "v")
    check_eq(r.execute_command("WAITAOF", "1", "0", "0"), [1, 0], "WAITAOF")
    check_eq(r.save(), True, "SAVE")
    check(r.bgsave() in (True, b"Background saving started"), "BGSAVE")


def test_survives_sigkill_after_waitaof(srv):
    r = client(srv)
    pipe = r.pipeline(transaction=False)
    for i in range(2000):
        pipe.set("d%d" % i, "v%d" % i)
    pipe.incrby("total", 2000)
    pipe.expire("d0", 1000)
    pipe.execute()
    r.delete("d1", "d2")
    check_eq(r.execute_command("WAITAOF", "1", "0", "0"), [1, 0], "WAITAOF")
    r.close()
    srv.restart_after_sigkill()
    r = client(srv)
    check_eq(r.dbsize(), 1999, "every key acknowledged before WAITAOF survives SIGKILL")
    check_eq(r.get("d1999"), b"v1999", "a value survives")
    check_eq(r.get("d1"), None, "a delete survives")
    check_eq(r.get("total"), b"2000", "a counter survives")
    check(990 <= r.ttl("d0") <= 1000, "an expiry survives")


def test_auth(srv):
    expect_error(lambda: client(srv).get("k"), "Authentication required", kind=exceptions.AuthenticationError)
    expect_error(lambda: client(srv, password="wrong").ping(), "invalid username-password pair",
                 kind=(exceptions.ResponseError, exceptions.AuthenticationError))
    r = client(srv, password=AUTH_TOKEN)
    check_eq(r.set("k", "v"), True, "SET after AUTH")
    check_eq(r.get("k"), b"v", "GET after AUTH")
    check_eq(client(srv, username="default", password=AUTH_TOKEN).get("k"), b"v", "AUTH default <token>")
    expect_error(lambda: r.save(), "no permissions to run the 'save' command", kind=exceptions.NoPermissionError)
    admin = client(srv, password=ADMIN_TOKEN)
    check_eq(admin.save(), True, "SAVE with the admin token")


TESTS = [
    ("strings", test_strings),
    ("binary keys and values", test_binary_keys_and_values),
    ("del and unlink", test_del_and_unlink),
    ("counters", test_counters),
    ("mget and mset", test_mget_mset),
    ("expiry", test_expiry),
    ("exists, type, dbsize", test_exists_type_dbsize),
    ("scan", test_scan),
    ("pipelines", test_pipelines),
    ("errors", test_errors),
    ("connection commands", test_connection_commands),
    ("snapshots and waitaof", test_snapshots_and_waitaof),
    ("survives sigkill after waitaof", test_survives_sigkill_after_waitaof),
    ("auth", test_auth),
]


def server_args(name):
    if name == "auth":
        return ["--auth-token", AUTH_TOKEN, "--admin-token", ADMIN_TOKEN]
    return []


if __name__ == "__main__":
    sys.exit(run_tests(TESTS, server_args))
