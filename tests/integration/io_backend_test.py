#!/usr/bin/python3
"""--io-backend: the server names the backend it runs (log, STATS, INFO) and
falls back to epoll when io_uring cannot be had.

A kernel or seccomp policy may forbid io_uring; MNEMO_TEST_NO_IO_URING makes
the server's probe fail as it would there. With it, both `auto` and an
explicit `io_uring` must start on epoll, say so, and serve. Without it, the
backend reported is one of the two and the server serves on it; `epoll`
asked is `epoll` run.

The test starts $MNEMO_BIN_DIR/mnemo-server (resp_support.RespServer) and
stops it by PID. Exits non-zero on any failure.
"""

import json
import os
import shutil
import sys
import tempfile
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from resp_support import RespConn, RespServer, check, check_eq  # noqa: E402

ADMIN = "adm"  # STATS is an admin request


def start(tmp, args, env):
    return RespServer(tmp, list(args) + ["--admin-token", ADMIN], env)


def info_field(conn, name):
    text = conn.command("INFO", "server").decode()
    for line in text.split("\r\n"):
        key, _, value = line.partition(":")
        if key == name:
            return value
    raise AssertionError("INFO server has no %s:\n%s" % (name, text))


def stats_backend(srv):
    """STATS over the native protocol, through the CLI: its server.io_backend."""
    import subprocess
    from resp_support import BIN_DIR
    out = subprocess.run([os.path.join(BIN_DIR, "mnemo"), "-p", str(srv.port), "--admin-token", ADMIN, "stats", "--json"],
                         capture_output=True, text=True, timeout=60)
    check_eq(out.returncode, 0, "mnemo stats exit code (stderr: %s)" % out.stderr)
    return json.loads(out.stdout[out.stdout.index("{"):])["server"]["io_backend"]


def serves(srv, expected_backend):
    c = RespConn(srv.resp_port)
    check_eq(info_field(c, "io_backend"), expected_backend, "INFO server io_backend")
    check_eq(stats_backend(srv), expected_backend, "STATS server.io_backend")
    # Requests, pipelined and one at a time, and a reply larger than one socket buffer.
    check_eq(c.command("SET", "k", "v"), b"+OK\r\n", "SET")
    check_eq(c.command("INCR", "n"), b":1\r\n", "INCR")
    c.send(b"".join(b"*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n" for _ in range(100)))
    for i in range(100):
        check_eq(c.reply(), b":%d\r\n" % (i + 2), "pipelined INCR %d" % i)
    big = "x" * (4 << 20)
    check_eq(c.command("SET", "big", big), b"+OK\r\n", "SET of 4 MB")
    check_eq(c.command("GET", "big"), b"$%d\r\n%s\r\n" % (len(big), big.encode()), "GET of 4 MB")
    c.close()
    check_eq(srv.terminate(), 0, "clean stop")


def case_forced_unavailable(args):
    def run(tmp):
        srv = start(tmp, args, {"MNEMO_TEST_NO_IO_URING": "1"})
        serves(srv, "epoll")
        check("using epoll" in srv.log() or "io backend: epoll" in srv.log(), "the log names epoll")
        check("MNEMO_TEST_NO_IO_URING" in srv.log(), "the log says why io_uring is not used")
        return srv
    return run


def case_epoll_asked(tmp):
    srv = start(tmp, ["--io-backend", "epoll"], {"MNEMO_TEST_NO_IO_URING": ""})
    serves(srv, "epoll")
    check("io backend: epoll" in srv.log(), "the log names epoll")
    return srv


def case_io_uring_asked(tmp):
    srv = start(tmp, ["--io-backend", "io_uring"], {"MNEMO_TEST_NO_IO_URING": ""})
    c = RespConn(srv.resp_port)
    backend = info_field(c, "io_backend")
    c.close()
    check(backend in ("io_uring", "epoll"), "a known backend: %r" % backend)
    check("io backend: " + backend in srv.log() or "using epoll" in srv.log(), "the log names " + backend)
    serves(srv, backend)
    return srv


def case_bad_name(tmp):
    import subprocess
    from resp_support import BIN_DIR
    out = subprocess.run([os.path.join(BIN_DIR, "mnemo-server"), "--io-backend", "kqueue", "--port", "0",
                          "--data-dir", os.path.join(tmp, "data")],
                         capture_output=True, text=True, timeout=60)
    check(out.returncode != 0, "an unknown backend is refused")
    check("--io-backend" in out.stderr + out.stdout, "the error names the flag")
    return None


CASES = [
    ("io_uring unavailable, auto: falls back to epoll", case_forced_unavailable(["--io-backend", "auto"])),
    ("io_uring unavailable, io_uring asked: falls back to epoll", case_forced_unavailable(["--io-backend", "io_uring"])),
    ("epoll asked: epoll runs", case_epoll_asked),
    ("io_uring asked on this kernel: the backend named is the one serving", case_io_uring_asked),
    ("an unknown backend is refused", case_bad_name),
]


def main():
    failures = 0
    for name, fn in CASES:
        tmp = tempfile.mkdtemp(prefix="mnemo-iob-")
        srv = None
        try:
            srv = fn(tmp)
            print("ok   %s" % name)
        except Exception:
            failures += 1
            print("FAIL %s" % name)
            traceback.print_exc()
        finally:
            if srv is not None:
                srv.kill()
            shutil.rmtree(tmp, ignore_errors=True)
    print("%d of %d failed" % (failures, len(CASES)) if failures else "all %d passed" % len(CASES))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
