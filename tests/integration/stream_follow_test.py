#!/usr/bin/python3
"""Following streams over the native protocol: `mnemo xread --follow` as a
child process, and the Python client's stream helpers (mnemo_streams.py).

- the CLI follows from now ($): entries added before it started are not
  printed, each one added after (over RESP and over the native protocol) is
  printed exactly once, in order, and SIGINT ends it with code 0;
- from an id with --json and a small --count (several reads per change);
- as a consumer of a group with --ack: every entry printed is acknowledged;
- it ends with code 0 when the server goes away;
- `mnemo xread KEY --block MS`: one blocking read, woken by an XADD over
  RESP; exit 1 when nothing came in time;
- Python: xadd / xrange / xread (blocking in one thread, woken by an XADD
  from another connection), xreadgroup + xack, and the follow iterator
  (blocking XREAD / XREADGROUP frames).

Every process is stopped by its PID; the tests wait on lines the child
prints, never on time. Standard library and python3-redis.
"""

import json
import os
import signal
import subprocess
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from resp_support import BIN_DIR, SOURCE_DIR, check, check_eq, run_tests, wait_until  # noqa: E402
sys.path.insert(0, os.path.join(SOURCE_DIR, "scripts"))
from mnemo_client import Client  # noqa: E402

import redis  # noqa: E402

STOP_TIMEOUT_S = 60


def native(srv):
    return Client("127.0.0.1", srv.port, timeout=30)


class Follower:
    """A `mnemo xread --follow` child; started() returns once it follows."""

    def __init__(self, srv, *args):
        argv = [os.path.join(BIN_DIR, "mnemo"), "-p", str(srv.port), "xread", "--follow"] + list(args)
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     stdin=subprocess.DEVNULL)
        line = self.proc.stderr.readline().decode()
        check(line.startswith("following "), "the follower's first word: %r" % line)
        self.banner = line.strip()

    def lines(self, n):
        out = []
        for _ in range(n):
            line = self.proc.stdout.readline()
            check(line != b"", "the follower ended early (got %r)" % out)
            out.append(line.decode().rstrip("\n"))
        return out

    def stop(self):
        """SIGINT by PID; returns (exit code, what it printed after the lines read)."""
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGINT)
        rest, err = self.proc.communicate(timeout=STOP_TIMEOUT_S)
        return self.proc.returncode, rest.decode(), err.decode()

    def kill(self):
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


def test_cli_follows_from_now(srv):
    r = redis.Redis(host="127.0.0.1", port=srv.resp_port, socket_timeout=30)
    c = native(srv)
    r.xadd("s", {"old": "1"})
    r.xadd("other", {"x": "1"})
    f = Follower(srv, "s")
    try:
        want = []
        for i in range(5):
            if i % 2 == 0:
                eid = r.xadd("s", {"n": str(i), "word": "w%d" % i}).decode()
            else:
                eid = c.xadd("s", [("n", str(i)), ("word", "w%d" % i)]).decode()
            r.xadd("s2", {"not": "followed"})  # a key that shares the prefix
            want.append("%s n %d word w%d" % (eid, i, i))
        check_eq(f.lines(5), want, "the entries added after it started, once each, in order")
        code, rest, _err = f.stop()
        check_eq(code, 0, "exit code after SIGINT")
        check_eq(rest, "", "nothing else printed")
    finally:
        f.kill()
        c.close()


def test_cli_follows_from_id_as_json(srv):
    r = redis.Redis(host="127.0.0.1", port=srv.resp_port, socket_timeout=30)
    ids = [r.xadd("j", {"k": "v%d" % i}).decode() for i in range(5)]
    f = Follower(srv, "j", ids[1], "--json", "--count", "2")
    try:
        ids.append(r.xadd("j", {"k": "v5", "quote\"d": "caf\xe9"}).decode())
        got = [json.loads(line) for line in f.lines(4)]
        check_eq([g["id"] for g in got], ids[2:], "the entries after the id given")
        check_eq(got[0], {"key": "j", "id": ids[2], "fields": ["k", "v2"]}, "one JSON line")
        check_eq(got[3]["fields"], ["k", "v5", "quote\"d", "caf\xc3\xa9"],
                 "escapes, and bytes outside printable ASCII as \\u00XX")
        code, rest, _ = f.stop()
        check_eq((code, rest), (0, ""), "SIGINT ends it cleanly")
    finally:
        f.kill()


def test_cli_group_consumer_acks(srv):
    r = redis.Redis(host="127.0.0.1", port=srv.resp_port, socket_timeout=30)
    r.xgroup_create("q", "workers", id="0", mkstream=True)
    first = r.xadd("q", {"job": "0"}).decode()
    f = Follower(srv, "q", "--group", "workers", "--consumer", "w1", "--ack")
    try:
        check(f.banner.endswith("as workers/w1"), f.banner)
        ids = [first] + [r.xadd("q", {"job": str(i)}).decode() for i in range(1, 4)]
        check_eq(f.lines(4), ["%s job %d" % (eid, i) for i, eid in enumerate(ids)],
                 "every entry delivered to the consumer")
        code, _, _ = f.stop()
        check_eq(code, 0, "exit code")
    finally:
        f.kill()
    check_eq(r.xpending("q", "workers")["pending"], 0, "every entry printed was acknowledged")
    check_eq(r.xinfo_groups("q")[0]["last-delivered-id"].decode(), ids[-1], "the group's position")


def test_cli_ends_when_the_server_goes(srv):
    f = Follower(srv, "gone")
    try:
        check_eq(srv.terminate(), 0, "the server's exit code")
        code, rest, err = f.stop()  # the child has already ended: no signal is sent
        check_eq((code, rest), (0, ""), "the follower's end (stderr %r)" % err)
        check("closed" in err, "said why it ended: %r" % err)
    finally:
        f.kill()


def test_cli_block(srv):
    r = redis.Redis(host="127.0.0.1", port=srv.resp_port, socket_timeout=30)
    argv = [os.path.join(BIN_DIR, "mnemo"), "-p", str(srv.port), "xread", "b", "--block"]
    p = subprocess.Popen(argv + ["0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    try:
        wait_until(lambda: r.info("clients")["blocked_clients"] == 1, STOP_TIMEOUT_S, "the CLI blocked")
        eid = r.xadd("b", {"f": "v"}).decode()
        out, err = p.communicate(timeout=STOP_TIMEOUT_S)
        check_eq((p.returncode, out.decode(), err.decode()), (0, "%s f v\n" % eid, ""), "one blocking read")
    finally:
        if p.poll() is None:
            os.kill(p.pid, signal.SIGKILL)
            p.wait()
    done = subprocess.run(argv + ["10"], capture_output=True, timeout=STOP_TIMEOUT_S)
    check_eq((done.returncode, done.stdout), (1, b""), "nothing within 10 ms: exit 1, nothing printed")


def test_python_helpers(srv):
    c, other = native(srv), native(srv)
    try:
        a = c.xadd("p", {"a": "1"})
        b = c.xadd("p", [("b", "2"), ("c", "3")], maxlen=10, approximate=True)
        check_eq(c.xrange("p"), [(a, {b"a": b"1"}), (b, {b"b": b"2", b"c": b"3"})], "xrange")
        check_eq(c.xrange("p", count=1, reverse=True)[0].id, b, "xrange reverse")
        check_eq(c.xread({"p": "0"}, count=1), {b"p": [(a, {b"a": b"1"})]}, "xread without blocking")
        check_eq(c.xread({"p": "$"}, block_ms=20), {}, "a blocking read that times out")
        got = {}
        reader = threading.Thread(target=lambda: got.update(c.xread({"p": b}, block_ms=0)))
        reader.start()
        new = other.xadd("p", {"late": "yes"})  # before or after the reader waits: it gets it
        reader.join(STOP_TIMEOUT_S)
        check(not reader.is_alive(), "the blocked read returned")
        check_eq(got, {b"p": [(new, {b"late": b"yes"})]}, "the blocked read's entry")
        check_eq(c.xadd("nope", {"x": "1"}, nomkstream=True), None, "NOMKSTREAM")
    finally:
        c.close()
        other.close()


def test_python_groups_and_follow(srv):
    c, other = native(srv), native(srv)
    try:
        c.xgroup_create("g", "grp", id="0", mkstream=True)
        e1 = other.xadd("g", {"n": "1"})
        got = c.xreadgroup("grp", "alice", {"g": ">"}, count=10)
        check_eq(got, {b"g": [(e1, {b"n": b"1"})]}, "xreadgroup")
        check_eq(c.xreadgroup("grp", "alice", {"g": "0"}), got, "the consumer's pending history")
        check_eq(c.xack("g", "grp", e1), 1, "xack")
        with c.follow("g") as f:
            ids = [other.xadd("g", {"n": str(i)}) for i in range(2, 5)]
            check_eq([next(f) for _ in ids], [(i, {b"n": str(n).encode()}) for n, i in enumerate(ids, 2)],
                     "follow from now")
        e5 = other.xadd("g", {"n": "5"})
        with c.follow("g", group="grp", consumer="bob", ack=True) as f:
            e6 = other.xadd("g", {"n": "6"})
            check_eq([next(f).id for _ in range(5)], ids + [e5, e6], "a consumer follows the group")
        check_eq(other.command("XPENDING", "g", "grp")[0], 0, "ack=True acknowledged them")
    finally:
        c.close()
        other.close()


if __name__ == "__main__":
    sys.exit(run_tests([
        ("cli follows from now", test_cli_follows_from_now),
        ("cli from an id, json", test_cli_follows_from_id_as_json),
        ("cli group consumer", test_cli_group_consumer_acks),
        ("cli server goes", test_cli_ends_when_the_server_goes),
        ("cli block", test_cli_block),
        ("python helpers", test_python_helpers),
        ("python groups and follow", test_python_groups_and_follow),
    ]))
