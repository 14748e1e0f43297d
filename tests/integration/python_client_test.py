#!/usr/bin/python3
"""End-to-end test of the native protocol through scripts/mnemo_client.py.

Starts $MNEMO_BIN_DIR/mnemo-server on 127.0.0.1 with an ephemeral port and a
fresh data directory, runs every command, restarts it to check what survives,
stops it with SIGTERM and with SHUTDOWN, and checks both exit with code 0.
Exits non-zero on any failure. Standard library only.
"""

import os
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.environ.get("MNEMO_SOURCE_DIR", os.path.normpath(os.path.join(HERE, "..", "..")))
sys.path.insert(0, os.path.join(SOURCE_DIR, "scripts"))

from mnemo_client import Client, ConnectionClosed, MnemoError  # noqa: E402
sys.path.insert(0, HERE)
from resp_support import ChildServer, server_env  # noqa: E402

AUTH_TOKEN = "data-token"
ADMIN_TOKEN = "admin-token"
START_TIMEOUT_S = 60
STOP_TIMEOUT_S = 60


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def expect_error(status, fn, *args, **kwargs):
    try:
        result = fn(*args, **kwargs)
    except MnemoError as e:
        check(e.status == status, "expected %s, got %s (%s)" % (status, e.status, e.message))
        return e
    raise AssertionError("expected %s, got a result: %r" % (status, result))


def wait_until(cond, timeout_s, what):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if cond():
            return
        time.sleep(0.01)  # polling a condition, with a deadline
    raise AssertionError("timed out waiting for " + what)


class Server(ChildServer):
    """One mnemo-server child process, stopped by its PID."""

    def __init__(self, tmp, run):
        bin_dir = os.environ.get("MNEMO_BIN_DIR", os.path.join(SOURCE_DIR, "build", "bin"))
        self.bin_dir = bin_dir
        self.port_file = os.path.join(tmp, "ports")
        self.log_path = os.path.join(tmp, "server-%d.log" % run)
        if os.path.exists(self.port_file):
            os.unlink(self.port_file)
        env = server_env()
        args = [os.path.join(bin_dir, "mnemo-server"), "--bind", "127.0.0.1", "--port", "0",
                "--port-file", self.port_file, "--data-dir", os.path.join(tmp, "data"),
                "--resp-port", "0", "--auth-token", AUTH_TOKEN, "--admin-token", ADMIN_TOKEN]
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, env=env)
        self.port = self._wait_for_port()

    def _wait_for_port(self):
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("mnemo-server exited during start with code %d:\n%s"
                                     % (self.proc.returncode, self.log()))
            try:
                with open(self.port_file) as f:
                    text = f.read()
            except FileNotFoundError:
                text = ""
            if text.endswith("\n"):
                ports = dict(line.split(" ", 1) for line in text.splitlines())
                if ports.get("native", "").isdigit() and ports.get("resp", "").isdigit():
                    self.resp_port = int(ports["resp"])
                    return int(ports["native"])
            time.sleep(0.01)  # polling for the port file, with a deadline
        raise AssertionError("mnemo-server did not write its port file in time:\n" + self.log())

    def client(self, **kwargs):
        return Client("127.0.0.1", self.port, **kwargs)

    def terminate(self):
        os.kill(self.proc.pid, signal.SIGTERM)
        return self.wait()

    def wait(self):
        return self.proc.wait(timeout=STOP_TIMEOUT_S)



# -- the checks ---------------------------------------------------------------

def test_auth(srv):
    with srv.client() as c:
        check(c.version == 1, "HELLO negotiates version 1")
        expect_error("UNAUTHORIZED", c.ping)
        expect_error("UNAUTHORIZED", c.get, b"k")
        expect_error("UNAUTHORIZED", c.auth, "wrong")
        check(c.auth(AUTH_TOKEN) is False, "data token grants no admin rights")
        check(c.ping() == "PONG", "PING after AUTH")
        expect_error("FORBIDDEN", c.stats)
        check(c.auth(ADMIN_TOKEN) is True, "admin token grants admin rights")
        check(isinstance(c.stats(), dict), "STATS after admin AUTH")
    with srv.client(hello=False) as c:
        expect_error("UNSUPPORTED_VERSION", c.hello, "x", 0)
        check(c.hello("x", 7)[0] == 1, "HELLO negotiates min(client, server)")


def test_basics(c):
    check(c.ping() == "PONG", "PING without payload")
    check(c.ping(b"hi\x00") == "hi\x00", "PING echoes its payload")
    check(c.get(b"missing") is None, "GET of a missing key returns None")
    v1 = c.set(b"k", b"v1")
    value, version, expire_at = c.get(b"k", with_meta=True)
    check((value, version, expire_at) == (b"v1", v1, 0), "GET returns value, version, no expiry")
    v2 = c.set(b"k", b"v2")
    check(v2 > v1, "versions increase")
    check(c.exists(b"k", b"k", b"nope") == 2, "EXISTS counts repeated keys twice")
    dv = c.delete(b"k")
    check(dv > v2, "DEL returns a new version")
    expect_error("NOT_FOUND", c.delete, b"k")
    check(c.get(b"k") is None, "deleted key is gone")


def test_binary(c):
    key = b"\x00bin\xff\x00key\xff"
    value = bytes(range(256)) * 40 + b"\x00\xff"
    c.set(key, value)
    check(c.get(key) == value, "binary value round-trips")
    check(key in list(c.scan(b"\x00bin")), "binary key found by SCAN")
    check(c.mget([key, b"\xff\xff"])[0][0] == value, "MGET returns the binary value")
    big = os.urandom(1 << 20)
    c.set(b"big", big)
    check(c.get(b"big") == big, "1 MiB value round-trips")


def test_conditional(c):
    v = c.set(b"cas", b"a")
    expect_error("VERSION_MISMATCH", c.set, b"cas", b"b", if_version=v + 1000)
    v2 = c.set(b"cas", b"b", if_version=v)
    check(c.get(b"cas") == b"b" and v2 > v, "CAS with the right version succeeds")
    expect_error("VERSION_MISMATCH", c.delete, b"cas", if_version=v)
    expect_error("NOT_FOUND", c.set, b"cas-missing", b"x", if_version=5)
    expect_error("EXISTS", c.set, b"cas", b"c", nx=True)
    check(c.get(b"cas") == b"b", "failed NX changes nothing")
    c.set(b"nx-new", b"1", nx=True)
    check(c.get(b"nx-new") == b"1", "NX on a missing key sets it")
    expect_error("NOT_FOUND", c.set, b"xx-missing", b"1", xx=True)
    check(c.get(b"xx-missing") is None, "failed XX creates nothing")
    c.set(b"nx-new", b"2", xx=True)
    check(c.get(b"nx-new") == b"2", "XX on an existing key sets it")
    expect_error("BAD_REQUEST", c.set, b"k", b"v", nx=True, xx=True)
    expect_error("BAD_REQUEST", c.set, b"k", b"v", durable=True, ephemeral=True)
    c.delete(b"cas", if_version=v2)
    check(c.get(b"cas") is None, "DEL with the right version deletes")


def test_counters(c):
    check(c.incrby(b"n")[0] == 1, "INCRBY on a missing key starts at 0")
    check(c.incrby(b"n", 41)[0] == 42, "INCRBY adds")
    check(c.incrby(b"n", -50)[0] == -8, "INCRBY subtracts")
    check(c.get(b"n") == b"-8", "counter stored as decimal text")
    c.set(b"text", b"abc")
    expect_error("WRONG_TYPE", c.incrby, b"text", 1)
    c.set(b"max", str(2 ** 63 - 1).encode())
    expect_error("BAD_REQUEST", c.incrby, b"max", 1)
    check(c.get(b"max") == str(2 ** 63 - 1).encode(), "overflow changes nothing")


def test_multi(c):
    version = c.mset([(b"m1", b"a"), (b"m2", b"b"), (b"m3", b"")])
    got = c.mget([b"m1", b"m2", b"m3", b"m-missing"])
    check(got[:3] == [(b"a", version), (b"b", version), (b"", version)],
          "MSET keys share one version: %r" % (got,))
    check(got[3] is None, "MGET marks missing keys")
    check(c.exists([b"m1", b"m2", b"m-missing"]) == 2, "EXISTS over a list")


def test_txn(srv):
    """The native TXN: conditions, all-or-nothing writes, retries under contention, the CLI."""
    with srv.client(auth_token=AUTH_TOKEN) as c:
        v1 = c.set(b"txn:a", b"1")
        c.set(b"txn:gone", b"x")
        r = c.txn([("set", b"txn:a", b"2"), ("set", b"txn:b", b"b", 60000), ("del", b"txn:gone")],
                  conditions=[(b"txn:a", v1), (b"txn:b", "missing"), (b"txn:gone", "exists")])
        check(r.applied and r.version > v1, "TXN applied: %r" % (r,))
        check(r.versions[0] == v1 and r.versions[1] == 0, "condition versions as checked: %r" % (r,))
        check(c.get(b"txn:a", with_meta=True)[:2] == (b"2", r.version), "written keys share the unit's version")
        check(c.get(b"txn:b", with_meta=True)[1] == r.version, "every written key has that version")
        check(0 < c.ttl(b"txn:b") <= 60000, "a TXN SET's ttl_ms")
        check(c.get(b"txn:gone") is None, "TXN DEL")
        stale = c.txn([("set", b"txn:a", b"3"), ("set", b"txn:c", b"c")], conditions=[(b"txn:a", v1)])
        check(not stale.applied and stale.version == 0, "a stale condition applies nothing: %r" % (stale,))
        check(stale.versions == [r.version], "it reports the key's version now")
        check(c.get(b"txn:a") == b"2" and c.get(b"txn:c") is None, "nothing of a refused TXN is written")
        d = c.txn([("set", b"txn:durable", b"d")], durable=True)
        check(d.applied and c.sync() >= d.version, "DURABLE TXN answers once committed")
        expect_error("BAD_REQUEST", c.txn, [])
        expect_error("BAD_REQUEST", c.call, "TXN", b"\x00\x00\x00\x00\x01\x00\x00\x00\x09" + b"\x00" * 16)

    # Compare-and-set increments from 4 connections: every retry sees the version it lost to.
    import threading
    errors = []

    def worker():
        try:
            with srv.client(auth_token=AUTH_TOKEN) as w:
                for _ in range(25):
                    value, version, _ = w.get(b"txn:counter", with_meta=True) or (b"0", 0, 0)
                    while True:
                        cond = (b"txn:counter", version) if version else (b"txn:counter", "missing")
                        res = w.txn([("set", b"txn:counter", b"%d" % (int(value) + 1))], conditions=[cond])
                        if res.applied:
                            break
                        version = res.versions[0]
                        value = w.get(b"txn:counter")
        except Exception as e:  # reported below
            errors.append(e)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    check(not errors, "CAS workers failed: %r" % errors)
    with srv.client(auth_token=AUTH_TOKEN) as c:
        check(c.get(b"txn:counter") == b"100", "4 x 25 TXN increments end exact: %r" % c.get(b"txn:counter"))

    cli = [os.path.join(srv.bin_dir, "mnemo"), "-p", str(srv.port), "--auth-token", AUTH_TOKEN, "txn"]
    ok = subprocess.run(cli + ["if", "cli:k", "missing", "then", "set", "cli:k", "v", "ttl", "5000"],
                        capture_output=True, text=True, timeout=30)
    check(ok.returncode == 0 and ok.stdout.startswith("applied "), "mnemo txn: %r" % (ok,))
    again = subprocess.run(cli + ["if", "cli:k", "missing", "then", "del", "cli:k"],
                           capture_output=True, text=True, timeout=30)
    version = ok.stdout.split()[1]
    check(again.returncode == 1 and again.stdout == "not applied\ncli:k %s\n" % version,
          "mnemo txn with a failed condition: %r" % (again,))
    bad = subprocess.run(cli + ["then"], capture_output=True, text=True, timeout=30)
    check(bad.returncode == 2 and "at least one write" in bad.stderr, "mnemo txn usage error: %r" % (bad,))


def test_command(srv):
    """COMMAND frames: any command by name, typed replies, errors, DURABLE, SELECT, AUTH."""
    with srv.client(hello=True) as c:
        expect_error("UNAUTHORIZED", c.command, "HSET", "h", "f", "v")
    with srv.client(auth_token=AUTH_TOKEN) as c:
        check(c.command("HSET", "cmd:h", "f", "v", "g", "w") == 2, "HSET through COMMAND")
        check(sorted(c.command("HGETALL", "cmd:h")) == [b"f", b"g", b"v", b"w"], "HGETALL as a list")
        check(c.command("RPUSH", "cmd:l", "a", "b", "c") == 3, "RPUSH")
        check(c.command("LRANGE", "cmd:l", 0, -1) == [b"a", b"b", b"c"], "LRANGE with int arguments")
        check(c.command("TYPE", "cmd:h") == "hash", "a status reply is a str")
        check(c.command("HGET", "cmd:h", "nope") is None, "nil")
        check(c.command("ZADD", "cmd:z", 1, "m") == 1 and c.command("ZSCORE", "cmd:z", "m") == b"1", "ZSET")
        e = expect_error("WRONG_TYPE", c.command, "LPUSH", "cmd:h", "x")
        check(e.message.startswith("WRONGTYPE "), "Redis's error text: %r" % e.message)
        expect_error("UNKNOWN_COMMAND", c.command, "NOSUCH")
        expect_error("BAD_REQUEST", c.command, "HSET", "cmd:h")
        expect_error("BAD_REQUEST", c.command, "SUBSCRIBE", "chan")
        check(c.command("BLPOP", "cmd:l", 0) == [b"cmd:l", b"a"], "BLPOP of a list with elements answers at once")
        expect_error("BAD_REQUEST", c.command, "BLPOP", "cmd:l", 0, durable=True)  # blocking: no DURABLE
        check(c.command("XREAD", "BLOCK", 1, "STREAMS", "cmd:s", "$") is None, "XREAD BLOCK times out: nil")
        check(c.command("XADD", "cmd:s", "1-1", "f", "v") == b"1-1", "XADD through COMMAND")
        check(c.command("XREAD", "COUNT", 5, "STREAMS", "cmd:s", 0) == [[b"cmd:s", [[b"1-1", [b"f", b"v"]]]]],
              "XREAD without BLOCK through COMMAND")
        expect_error("BAD_REQUEST", c.command, "SELECT", "1")
        expect_error("BAD_REQUEST", c.call, "COMMAND", b"\x00\x00\x00\x00")  # no name
        version, reply = c.call("COMMAND", b"\x03\x00\x00\x00" + b"".join(
            struct.pack("<I", len(x)) + x for x in (b"SET", b"cmd:durable", b"d")), 0x01)
        check(reply == "OK" and version > 0 and c.sync() >= version, "DURABLE COMMAND carries a durable version")
        check(c.command("MULTI") == "OK" and c.command("INCR", "cmd:n") == "QUEUED", "MULTI queues")
        check(c.command("EXEC") == [1], "EXEC through COMMAND frames")
        c.select(3)
        check(c.command("SET", "cmd:db3", "x") == "OK", "SET in db 3")
        check(c.command("EXISTS", "cmd:db3") == 1, "COMMAND runs in the connection's database")
        c.select(0)
        check(c.command("EXISTS", "cmd:db3") == 0, "and not in db 0")
        cli = [os.path.join(srv.bin_dir, "mnemo"), "-p", str(srv.port), "--auth-token", AUTH_TOKEN]
        out = subprocess.run(cli + ["hset", "cli:h", "f", "v"], capture_output=True, text=True, timeout=30)
        check(out.returncode == 0 and out.stdout == "(integer) 1\n", "mnemo hset: %r" % (out,))
        out = subprocess.run(cli + ["call", "HGETALL", "cli:h"], capture_output=True, text=True, timeout=30)
        check(out.returncode == 0 and out.stdout == "1) f\n2) v\n", "mnemo call HGETALL: %r" % (out,))
        out = subprocess.run(cli + ["lpush", "cli:h", "x"], capture_output=True, text=True, timeout=30)
        check(out.returncode == 2 and "WRONG_TYPE: WRONGTYPE" in out.stderr, "mnemo lpush on a hash: %r" % (out,))
        res = c.command("EVAL", "return {1, redis.call('hget', KEYS[1], 'f'), {err='E x'}}", 1, "cmd:h")
        check(res[:2] == [1, b"v"] and isinstance(res[2], MnemoError) and res[2].message == "E x",
              "an error inside an array: %r" % (res,))


def test_expiry(c):
    c.set(b"t", b"v", ttl_ms=60000)
    remaining = c.ttl(b"t")
    check(0 < remaining <= 60000, "TTL returns remaining ms: %d" % remaining)
    _, _, expire_at = c.get(b"t", with_meta=True)
    now_ms = int(time.time() * 1000)
    check(abs(expire_at - (now_ms + remaining)) < 5000, "GET returns absolute expire_at_ms")
    version, changed = c.persist(b"t")
    check(changed and c.ttl(b"t") == -1, "PERSIST removes the expiry")
    check(c.persist(b"t") == (version, False), "PERSIST without expiry changes nothing")
    c.expire(b"t", 60000)
    check(c.ttl(b"t") > 0, "EXPIRE sets an expiry")
    expect_error("BAD_REQUEST", c.expire, b"t", 0)
    expect_error("NOT_FOUND", c.expire, b"t-missing", 1000)
    expect_error("NOT_FOUND", c.ttl, b"t-missing")
    expect_error("NOT_FOUND", c.persist, b"t-missing")
    c.set(b"short", b"v", ttl_ms=50)
    wait_until(lambda: c.get(b"short") is None, 10, "a 50 ms key to expire")
    expect_error("NOT_FOUND", c.ttl, b"short")
    c.set(b"keep", b"v", ttl_ms=60000)
    c.set(b"keep", b"w", keepttl=True)
    check(c.ttl(b"keep") > 0, "KEEPTTL keeps the expiry")
    c.set(b"keep", b"x")
    check(c.ttl(b"keep") == -1, "a plain SET removes the expiry")


def test_scan(c):
    names = [b"scan:%04d" % i for i in range(250)]
    c.mset([(k, b"v") for k in names])
    c.set(b"scanx", b"not in the prefix")
    found = list(c.scan(b"scan:", count=7))
    check(sorted(found) == names, "SCAN returns every key of the prefix once (%d)" % len(found))
    cursor, keys = c.scan_page(b"scan:", b"", 10)
    check(len(keys) <= 10 and cursor, "a SCAN page stops at count with a cursor")
    expect_error("BAD_REQUEST", c.scan_page, b"", b"not a cursor", 10)
    check(len(list(c.scan())) == c.dbsize(), "SCAN without prefix sees every key")


def test_select(srv):
    """Native SELECT moves a connection's later requests; RESP's SELECT sees the same database."""
    port = srv.port
    with Client(port=port, auth_token=AUTH_TOKEN) as c, Client(port=port, auth_token=AUTH_TOKEN, db=3) as c3:
        c3.set(b"db:key", b"three")
        check(c.get(b"db:key") is None, "a key written in database 3 is not in database 0")
        expect_error("BAD_REQUEST", c.select, 16)
        check(c.get(b"db:key") is None, "a refused SELECT leaves the connection in its database")
        c.select(3)
        check(c.get(b"db:key") == b"three", "SELECT 3 sees database 3's key")
        check(c.dbsize() == 1 and c3.dbsize() == 1, "DBSIZE counts the selected database")
        c.select(0)
        check(c.get(b"db:key") is None, "SELECT 0 goes back")
        with socket.create_connection(("127.0.0.1", srv.resp_port)) as s:
            s.sendall(b"*2\r\n$4\r\nAUTH\r\n$%d\r\n%s\r\n" % (len(AUTH_TOKEN), AUTH_TOKEN.encode()) +
                      b"*2\r\n$6\r\nSELECT\r\n$1\r\n3\r\n*2\r\n$3\r\nGET\r\n$6\r\ndb:key\r\n")
            want = b"+OK\r\n+OK\r\n$5\r\nthree\r\n"
            got = b""
            while len(got) < len(want):
                chunk = s.recv(4096)
                check(chunk, "RESP connection closed early: %r" % got)
                got += chunk
            check(got == want, "RESP SELECT 3 sees the native write: %r" % got)
    with Client(port=port, hello=True) as anon:
        expect_error("UNAUTHORIZED", anon.select, 1)


def test_pipeline(c):
    p = c.pipeline()
    for i in range(1000):
        p.set(b"pipe:%d" % i, b"%d" % i)
    versions = p.execute(raise_on_error=True)
    check(len(versions) == 1000 and versions == sorted(versions), "1000 pipelined SETs in order")
    p = c.pipeline()
    for i in range(1000):
        p.get(b"pipe:%d" % i)
    values = p.execute(raise_on_error=True)
    check(values == [(b"%d" % i, versions[i], 0) for i in range(1000)], "1000 pipelined GETs in order")
    p = c.pipeline().set(b"pk", b"v", nx=True).set(b"pk", b"w", nx=True).ping().incrby(b"pk")
    results = p.execute()
    check(isinstance(results[1], MnemoError) and results[1].status == "EXISTS", "error in place")
    check(results[2] == "PONG", "pipeline continues after an error")
    check(isinstance(results[3], MnemoError) and results[3].status == "WRONG_TYPE", "INCRBY on text")


def test_admin(c, tmp):
    before = c.dbsize()
    check(before > 0, "DBSIZE counts keys")
    written = c.set(b"behind", b"w")
    check(c.sync() >= written, "SYNC covers every write acknowledged before it")
    check(c.set(b"durable2", b"d", durable=True) <= c.sync(), "a durable write is covered by SYNC")
    c.set(b"eph", b"gone after restart", ephemeral=True)
    snap = c.snapshot(wait=True)
    check(snap["state"] == "complete" and snap["entries"] > 0, "SNAPSHOT with WAIT completes: %r" % snap)
    listed = c.snapshots()
    check(any(s["id"] == snap["id"] for s in listed), "SNAPSHOTS lists the snapshot")
    stats = c.stats()
    check(isinstance(stats, dict) and stats, "STATS is a JSON object")
    path = os.path.join(tmp, "backup.db")
    c.backup(path)
    with open(path, "rb") as f:
        check(f.read(16) == b"SQLite format 3\x00", "BACKUP writes an SQLite database")


def test_errors(srv):
    with srv.client(auth_token=AUTH_TOKEN) as c:
        # An unknown opcode gets UNKNOWN_COMMAND and the connection goes on.
        c.sock.sendall(struct.pack("<IBBHQ", 12, 0x7F, 0, 0, 99))
        status, op, _ = c._read_response(99)
        check(status == 14 and op == 0x7F, "unknown opcode -> UNKNOWN_COMMAND")
        check(c.ping() == "PONG", "connection survives a bad frame")
        # A frame over the size limit gets TOO_LARGE and the connection closes.
        c.sock.sendall(struct.pack("<I", 0xFFFFFFFF))
        status, _, _ = c._read_response(0)
        check(status == 5, "oversized frame -> TOO_LARGE")
        try:
            c.ping()
            raise AssertionError("connection should be closed after a framing error")
        except (ConnectionClosed, OSError):
            pass


def run_all(tmp):
    srv = Server(tmp, 1)
    try:
        test_auth(srv)
        with srv.client(auth_token=AUTH_TOKEN) as c:
            for t in (test_basics, test_binary, test_conditional, test_counters, test_multi,
                      test_expiry, test_scan, test_pipeline):
                t(c)
                print("ok", t.__name__)
        with srv.client(admin_token=ADMIN_TOKEN) as c:
            test_admin(c, tmp)
            print("ok test_admin")
        test_errors(srv)
        print("ok test_errors")
        test_select(srv)
        print("ok test_select")
        test_txn(srv)
        print("ok test_txn")
        test_command(srv)
        print("ok test_command")
        code = srv.terminate()
        check(code == 0, "SIGTERM exit code 0, got %d:\n%s" % (code, srv.log()))
        print("ok SIGTERM exit 0")
    finally:
        srv.kill()

    srv = Server(tmp, 2)
    try:
        with srv.client(admin_token=ADMIN_TOKEN) as c:
            check(c.get(b"nx-new") == b"2", "write-behind data survives a clean restart")
            check(c.get(b"durable2") == b"d", "durable data survives a restart")
            check(c.get(b"pipe:999") == b"999", "pipelined writes survive a restart")
            check(c.get(b"eph") is None, "ephemeral data is gone after a restart")
            check(c.get(b"txn:a") == b"2" and c.get(b"txn:gone") is None, "a TXN survives a restart")
            check(c.get(b"txn:counter") == b"100", "the TXN counter survives a restart")
            check(c.command("HGET", "cmd:h", "g") == b"w", "a hash written by COMMAND survives a restart")
            check(c.shutdown() is None, "SHUTDOWN answers OK")
        code = srv.wait()
        check(code == 0, "SHUTDOWN exit code 0, got %d:\n%s" % (code, srv.log()))
        print("ok SHUTDOWN exit 0")
    finally:
        srv.kill()


def main():
    with tempfile.TemporaryDirectory(prefix="mnemo-pyclient-") as tmp:
        try:
            run_all(tmp)
        except Exception:  # report any failure, including a crash of the test itself
            traceback.print_exc()
            for name in sorted(os.listdir(tmp)):
                if name.endswith(".log"):
                    with open(os.path.join(tmp, name), "rb") as f:
                        sys.stderr.write("--- %s ---\n%s\n" % (name, f.read().decode("utf-8", "replace")[-4000:]))
            return 1
    print("python client test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
