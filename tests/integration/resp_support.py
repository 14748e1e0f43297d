"""Shared pieces of the RESP integration tests (resp_*_test.py).

RespServer starts $MNEMO_BIN_DIR/mnemo-server on 127.0.0.1 with ephemeral
native and RESP ports (--port 0 --resp-port 0), waits for its port file, and
stops it by PID. RedisServer does the same for a real redis-server, and
RespConn reads raw replies byte for byte (differential tests). Standard
library only; the tests themselves add redis-py or redis-cli.
"""

import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.environ.get("MNEMO_SOURCE_DIR", os.path.normpath(os.path.join(HERE, "..", "..")))
BIN_DIR = os.environ.get("MNEMO_BIN_DIR", os.path.join(SOURCE_DIR, "build", "bin"))
START_TIMEOUT_S = 60
STOP_TIMEOUT_S = 60


# The only MNEMO_* variables a test's server inherits: the suite runs once per
# io backend (scripts/test), and the fallback test simulates a kernel without
# io_uring. Others (MNEMO_AUTH_TOKEN...) would change what a test sees.
PASSED_TO_SERVER = ("MNEMO_IO_BACKEND", "MNEMO_TEST_NO_IO_URING")


def server_env(extra=None):
    """The environment for a mnemo-server child: this one without MNEMO_* but PASSED_TO_SERVER."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MNEMO_") or k in PASSED_TO_SERVER}
    env.update(extra or {})
    return env


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def check_eq(actual, expected, what):
    if actual != expected:
        raise AssertionError("%s: expected %r, got %r" % (what, expected, actual))


def wait_until(cond, timeout_s, what):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if cond():
            return
        time.sleep(0.01)  # polling a condition, with a deadline
    raise AssertionError("timed out waiting for " + what)


class ChildServer:
    """What both server processes share: a child `proc` (None until started),
    stopped by its PID, and the file `log_path` it writes to."""

    proc = None
    log_path = None

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except (OSError, TypeError):
            return ""


def journal_args(tmp):
    """SQLite in the data dir, or with MNEMO_TEST_JOURNAL_URL set (tests/support/with_pg
    --journal) the journal on that PostgreSQL, as a node named after this test's dir."""
    url = os.environ.get("MNEMO_TEST_JOURNAL_URL", "")
    if not url:
        return []
    node = "test-" + hashlib.sha1(tmp.encode()).hexdigest()[:16]
    return ["--journal", url, "--node-name", node]


class RespServer(ChildServer):
    """One mnemo-server child process with a RESP port, stopped by its PID."""

    def __init__(self, tmp, extra_args=(), extra_env=None):
        self.tmp = tmp
        self.extra_args = list(extra_args)
        self.extra_env = extra_env
        self.run = 0
        self._start()

    def restart_after_sigkill(self):
        """SIGKILLs the server (no clean shutdown) and starts it again on the same data."""
        self.kill()
        self.run += 1
        self._start()

    def _start(self):
        self.port_file = os.path.join(self.tmp, "ports")
        self.log_path = os.path.join(self.tmp, "server-%d.log" % self.run)
        if os.path.exists(self.port_file):
            os.unlink(self.port_file)
        env = server_env(self.extra_env)
        args = [os.path.join(BIN_DIR, "mnemo-server"), "--bind", "127.0.0.1", "--port", "0",
                "--resp-port", "0", "--port-file", self.port_file,
                "--data-dir", os.path.join(self.tmp, "data")] + journal_args(self.tmp) + self.extra_args
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, env=env)
        ports = self._wait_for_ports()
        self.port = ports["native"]
        self.resp_port = ports["resp"]

    def _wait_for_ports(self):
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
                ports = {}
                for line in text.splitlines():
                    name, _, value = line.partition(" ")
                    if value.strip().isdigit():
                        ports[name] = int(value)
                if "native" in ports and "resp" in ports:
                    return ports
            time.sleep(0.01)  # polling for the port file, with a deadline
        raise AssertionError("mnemo-server did not write its port file in time:\n" + self.log())

    def terminate(self):
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
        return self.proc.wait(timeout=STOP_TIMEOUT_S)



def run_on_copy(db_path, fn):
    """Starts a server on a copy of the database file db_path (a golden
    database) in a fresh temporary directory, calls fn(srv), then stops the
    server by PID and removes the directory."""
    tmp = tempfile.mkdtemp(prefix="mnemo-golden-")
    srv = None
    try:
        os.makedirs(os.path.join(tmp, "data"))
        shutil.copy(db_path, os.path.join(tmp, "data", "mnemo.db"))
        srv = RespServer(tmp)
        return fn(srv)
    finally:
        if srv is not None:
            srv.kill()
        shutil.rmtree(tmp, ignore_errors=True)


def write_golden(golden_path, fill):
    """Writes a golden database: starts a server in a fresh temporary
    directory, calls fill(srv) (its writes, a SAVE among them), stops it with
    SIGTERM (a clean exit checkpoints the WAL), copies its database file to
    golden_path and removes the directory."""
    tmp = tempfile.mkdtemp(prefix="mnemo-golden-")
    try:
        os.makedirs(os.path.join(tmp, "data"))
        srv = RespServer(tmp)
        try:
            fill(srv)
            check_eq(srv.terminate(), 0, "clean exit")
        finally:
            srv.kill()
        db = os.path.join(tmp, "data", "mnemo.db")
        wal = db + "-wal"
        check_eq(os.path.exists(wal) and os.path.getsize(wal) > 0, False, "WAL checkpointed")
        shutil.copy(db, golden_path)
        print("wrote", golden_path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def check_same(actual, expected, what):
    """check_eq for big values: says what differs, not the whole of both."""
    if actual != expected:
        raise AssertionError("%s: %d items, expected %d; first difference near %r" % (
            what, len(actual), len(expected),
            next((a for a, b in zip(sorted(actual), sorted(expected)) if a != b), None)))


def run_tests(tests, server_args=lambda name: ()):
    """Runs each (name, fn) with a fresh server (flags from server_args(name)) in
    a fresh temporary directory; returns the process exit code."""
    failures = 0
    for name, fn in tests:
        srv = None
        tmp = tempfile.mkdtemp(prefix="mnemo-resp-")
        try:
            srv = RespServer(tmp, server_args(name))
            fn(srv)
            print("ok   %s" % name)
        except Exception:  # report every failure, then go on with the next test
            failures += 1
            print("FAIL %s" % name)
            traceback.print_exc()
            if srv is not None:
                print("--- server log ---\n" + srv.log()[-4000:])
        finally:
            if srv is not None:
                srv.kill()
            shutil.rmtree(tmp, ignore_errors=True)
    print("%d of %d tests failed" % (failures, len(tests)) if failures else "all %d tests passed" % len(tests))
    sys.stdout.flush()
    return 1 if failures else 0


# -- raw RESP, for tests that compare exact bytes -------------------------------

def encode_command(words):
    """The multibulk form of a command; words are str or bytes."""
    out = [b"*%d\r\n" % len(words)]
    for w in words:
        w = w if isinstance(w, bytes) else str(w).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(w), w))
    return b"".join(out)


class ConnectionClosed(Exception):
    pass


class RespConn:
    """One socket speaking raw RESP: reply() returns the exact bytes of one
    reply (RESP2, and the RESP3 types a server may send after HELLO 3)."""

    def __init__(self, port, timeout_s=10, resp3=False):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout_s)
        self.buf = b""
        if resp3:  # the connection speaks RESP3 from here on; HELLO's own reply is dropped
            check(self.command("HELLO", "3").startswith(b"%"), "HELLO 3 answered a map")

    def close(self):
        self.sock.close()

    def send(self, data):
        self.sock.sendall(data)

    def command(self, *words):
        self.send(encode_command(words))
        return self.reply()

    def _fill(self):
        data = self.sock.recv(65536)
        if not data:
            raise ConnectionClosed()
        self.buf += data

    def _line_end(self, pos):
        while True:
            i = self.buf.find(b"\r\n", pos)
            if i >= 0:
                return i
            self._fill()

    def _skip(self, pos):
        """Returns the offset just past the reply starting at pos, reading as needed."""
        end = self._line_end(pos)
        kind = self.buf[pos:pos + 1]
        if kind in (b"+", b"-", b":", b"_", b"#", b",", b"("):
            return end + 2
        n = int(self.buf[pos + 1:end])
        if kind in (b"$", b"=", b"!"):
            if n < 0:
                return end + 2
            while len(self.buf) < end + 2 + n + 2:
                self._fill()
            return end + 2 + n + 2
        if kind not in (b"*", b"%", b"~", b">", b"|"):
            raise AssertionError("not a RESP reply: %r" % self.buf[pos:pos + 40])
        p = end + 2
        for _ in range(max(n, 0) * (2 if kind in (b"%", b"|") else 1)):
            p = self._skip(p)
        return self._skip(p) if kind == b"|" else p

    def reply(self):
        end = self._skip(0)
        data, self.buf = self.buf[:end], self.buf[end:]
        return data

    def state(self):
        """"closed" when the server has closed the connection, else "open": probes with
        an inline PING, which an open connection answers (its input must hold no
        partial command). An unexpected answer is returned as it came."""
        try:
            self.send(b"PING\r\n")
            reply = self.reply()
        except (ConnectionClosed, ConnectionResetError, BrokenPipeError):
            return "closed"
        return "open" if reply == b"+PONG\r\n" else "open, then %r" % reply


def parse_reply(data):
    """Parses one reply: ('+'|'-', text), (':', int), ('$', bytes or None), ('*', list or None);
    RESP3's ('_', None), ('#', bool), (',', text), ('(', int), ('=', bytes), and
    ('%' | '~' | '>', list): a map's list holds key, value, key, value ..."""
    value, end = _parse_at(data, 0)
    check_eq(end, len(data), "bytes after one reply in %r" % data)
    return value


def _parse_at(data, pos):
    end = data.index(b"\r\n", pos)
    kind, head = data[pos:pos + 1].decode(), data[pos + 1:end]
    if kind in "+-,":
        return (kind, head.decode("utf-8", "replace")), end + 2
    if kind in ":(":
        return (kind, int(head)), end + 2
    if kind == "_":
        return (kind, None), end + 2
    if kind == "#":
        return (kind, head == b"t"), end + 2
    n = int(head)
    if kind in "$=":
        return (kind, None if n < 0 else data[end + 2:end + 2 + n]), (end + 2 if n < 0 else end + 4 + n)
    check(kind in "*%~>", "a RESP reply type, not %r" % kind)
    if n < 0:
        return (kind, None), end + 2
    items, p = [], end + 2
    for _ in range(n * 2 if kind == "%" else n):
        item, p = _parse_at(data, p)
        items.append(item)
    return (kind, items), p


# -- a real redis-server, for differential tests -------------------------------

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer(ChildServer):
    """One redis-server child process on 127.0.0.1, without persistence,
    stopped by its PID. redis-server cannot bind port 0 and report the port,
    so a free port is picked and the start retried if another process took it."""

    def __init__(self, tmp, extra_args=()):
        self.tmp = tmp
        self.proc = None
        for attempt in range(5):
            self.port = free_port()
            self.log_path = os.path.join(tmp, "redis-%d.log" % attempt)
            args = ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "",
                    "--appendonly", "no", "--dir", tmp, "--daemonize", "no"] + list(extra_args)
            with open(self.log_path, "wb") as log:
                self.proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT,
                                             stdin=subprocess.DEVNULL)
            if self._wait_ready():
                return
            self.kill()
        raise AssertionError("redis-server did not start:\n" + self.log())

    def _wait_ready(self):
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    s.sendall(b"PING\r\n")
                    reply = s.recv(100)
                    if reply.startswith(b"+PONG") or reply.startswith(b"-NOAUTH"):
                        return True
            except OSError:
                pass
            time.sleep(0.01)  # polling for the listener, with a deadline
        return False

