#!/usr/bin/python3
"""mnemo's RESP port driven by the stock redis-cli (Debian's redis-tools):
one-shot commands, --pipe mass insertion (RESP and inline), --scan and -x.

Each test starts $MNEMO_BIN_DIR/mnemo-server with --resp-port 0 on a fresh
data directory and stops it by PID. Exits non-zero on any failure.
"""

import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from resp_support import check, check_eq, encode_command, run_tests  # noqa: E402

AUTH_TOKEN = "cli-token"
CLI_TIMEOUT_S = 120


def cli(srv, *args, stdin=b"", extra=()):
    """Runs redis-cli against the server; returns stdout as text (stripped)."""
    cmd = ["redis-cli", "-h", "127.0.0.1", "-p", str(srv.resp_port)] + list(extra) + [str(a) for a in args]
    done = subprocess.run(cmd, input=stdin, capture_output=True, timeout=CLI_TIMEOUT_S)
    check_eq(done.returncode, 0, "exit code of %s (stderr %r)" % (" ".join(cmd), done.stderr))
    return done.stdout.decode("utf-8", "replace").strip()


# -- the checks ---------------------------------------------------------------

def test_commands(srv):
    check_eq(cli(srv, "PING"), "PONG", "PING")
    check_eq(cli(srv, "SET", "k", "hello world"), "OK", "SET")
    check_eq(cli(srv, "GET", "k"), "hello world", "GET")
    check_eq(cli(srv, "GET", "missing"), "", "GET of a missing key prints nothing")
    check_eq(cli(srv, "INCR", "n"), "1", "INCR")
    check_eq(cli(srv, "INCRBY", "n", "41"), "42", "INCRBY")
    check_eq(cli(srv, "DECRBY", "n", "2"), "40", "DECRBY")
    check_eq(cli(srv, "MSET", "a", "1", "b", "2"), "OK", "MSET")
    check_eq(cli(srv, "MGET", "a", "zz", "b").split("\n"), ["1", "", "2"], "MGET")
    check_eq(cli(srv, "EXISTS", "a", "b", "zz"), "2", "EXISTS")
    check_eq(cli(srv, "DEL", "a", "b", "zz"), "2", "DEL of several keys")
    check_eq(cli(srv, "TTL", "k"), "-1", "TTL without expiry")
    check_eq(cli(srv, "EXPIRE", "k", "100"), "1", "EXPIRE")
    check(95 <= int(cli(srv, "TTL", "k")) <= 100, "TTL after EXPIRE")
    check_eq(cli(srv, "PERSIST", "k"), "1", "PERSIST")
    check_eq(cli(srv, "TTL", "missing"), "-2", "TTL of a missing key")
    check_eq(cli(srv, "ECHO", "x y"), "x y", "ECHO")
    check_eq(cli(srv, "DBSIZE"), "2", "DBSIZE")
    check_eq(cli(srv, "SELECT", "0"), "OK", "SELECT 0")
    check_eq(cli(srv, "SAVE"), "OK", "SAVE")
    check_eq(cli(srv, "BGSAVE"), "Background saving started", "BGSAVE")
    check("redis_version:" in cli(srv, "INFO"), "INFO")


def test_errors(srv):
    check_eq(cli(srv, "NOSUCHCMD"), "ERR unknown command 'NOSUCHCMD', with args beginning with:", "unknown command")
    check_eq(cli(srv, "XYZZY", "x", "f"), "ERR unknown command 'XYZZY', with args beginning with: 'x' 'f'",
             "unknown command with arguments")
    check_eq(cli(srv, "GET"), "ERR wrong number of arguments for 'get' command", "wrong arity")
    check_eq(cli(srv, "SET", "k", "v", "EX", "x"), "ERR value is not an integer or out of range", "bad EX")
    cli(srv, "SET", "s", "text")
    check_eq(cli(srv, "INCR", "s"), "ERR value is not an integer or out of range", "INCR of text")


def test_pipe_resp(srv):
    n = 5000
    data = b"".join(encode_command(["SET", "key:%d" % i, "value-%d" % i]) for i in range(n))
    out = cli(srv, stdin=data, extra=["--pipe"])
    check("errors: 0, replies: %d" % n in out, "--pipe summary: %r" % out)
    check_eq(cli(srv, "DBSIZE"), str(n), "DBSIZE after --pipe")
    check_eq(cli(srv, "GET", "key:4321"), "value-4321", "a value written by --pipe")


def test_pipe_inline(srv):
    n = 2000
    data = b"".join(b"SET line:%d v%d\r\n" % (i, i) for i in range(n)) + b"INCRBY total 7\r\n"
    out = cli(srv, stdin=data, extra=["--pipe"])
    check("errors: 0, replies: %d" % (n + 1) in out, "--pipe summary for inline commands: %r" % out)
    check_eq(cli(srv, "GET", "line:1999"), "v1999", "a value written by inline --pipe")
    check_eq(cli(srv, "GET", "total"), "7", "an inline INCRBY")


def test_scan(srv):
    data = b"".join(encode_command(["SET", "user:%d" % i, i]) for i in range(2000))
    data += b"".join(encode_command(["SET", "other:%d" % i, i]) for i in range(300))
    cli(srv, stdin=data, extra=["--pipe"])
    keys = cli(srv, extra=["--scan", "--pattern", "user:*"]).split("\n")
    check_eq(len(keys), 2000, "--scan returns each matching key once")
    check_eq(set(keys), {"user:%d" % i for i in range(2000)}, "--scan keys")
    check_eq(len(cli(srv, extra=["--scan"]).split("\n")), 2300, "--scan without a pattern")


def test_stdin_argument(srv):
    check_eq(cli(srv, "SET", "blob", stdin=b"line one\nline two", extra=["-x"]), "OK", "SET with -x")
    check_eq(cli(srv, "GET", "blob"), "line one\nline two", "value read from stdin")
    check_eq(cli(srv, stdin=b"SET a 1\nGET a\n"), "OK\n1", "commands read from stdin")


def test_auth(srv):
    check_eq(cli(srv, "GET", "k"), "NOAUTH Authentication required.", "no AUTH")
    extra = ["-a", AUTH_TOKEN, "--no-auth-warning"]
    check_eq(cli(srv, "SET", "k", "v", extra=extra), "OK", "SET with -a")
    check_eq(cli(srv, "GET", "k", extra=extra), "v", "GET with -a")


TESTS = [
    ("commands", test_commands),
    ("errors", test_errors),
    ("pipe resp", test_pipe_resp),
    ("pipe inline", test_pipe_inline),
    ("scan", test_scan),
    ("stdin argument", test_stdin_argument),
    ("auth", test_auth),
]


def server_args(name):
    return ["--auth-token", AUTH_TOKEN] if name == "auth" else []


if __name__ == "__main__":
    if shutil.which("redis-cli") is None:
        print("redis-cli not found: install redis-tools (scripts/setup does)")
        sys.exit(1)
    sys.exit(run_tests(TESTS, server_args))
