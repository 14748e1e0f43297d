#!/usr/bin/python3
"""Differential test of mnemo's RESP port against a real redis-server.

Starts redis-server (no persistence) and mnemo-server on ephemeral loopback
ports, sends both the same commands and compares the raw replies byte for
byte: the systematic cases of resp_diff_cases.py (over RESP2, then again over
RESP3 after HELLO 3), a randomized sequence of
operations over a small key space (fixed seed), the same calls made through
redis-py, and an AUTH scenario (requirepass / --auth-token). Where mnemo
differs on purpose (docs/RESP.md, "Deliberate differences from Redis"), the
case states mnemo's exact reply instead. Both servers are stopped by PID.

Exits 0 when every reply matches, 1 on any difference, 77 (a CTest skip)
when redis-server is not installed.
"""

import os
import random
import shlex
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from resp_support import (ConnectionClosed, RedisServer, RespConn, RespServer,  # noqa: E402
                          encode_command, parse_reply)
import resp_diff_cases as cases  # noqa: E402
import resp_diff_pubsub_cases as pubsub_cases  # noqa: E402
import resp_diff_tracking_cases as tracking_cases  # noqa: E402
import resp_diff_blocking_cases as blocking_cases  # noqa: E402
import resp_diff_txn_cases as txn_cases  # noqa: E402
import resp_diff_cmds_cases as cmds_cases  # noqa: E402
import resp_diff_hllgeo_cases as hllgeo_cases  # noqa: E402
import resp_diff_setresp_cases as setresp_cases  # noqa: E402
import resp_diff_sort_cases as sort_cases  # noqa: E402

SKIP_EXIT_CODE = 77
SEED = 20240611
RANDOM_OPS = 20000
# After a difference the two key spaces may disagree, and every later reply with them.
MAX_RANDOM_DIFFERENCES = 10
TTL_TOLERANCE_S = 1
PTTL_TOLERANCE_MS = 500
AUTH_TOKEN = "diff-secret"


class Report:
    def __init__(self):
        self.failures = []
        self.compared = 0

    def fail(self, where, command, redis_reply, mnemo_reply, why=""):
        self.failures.append((where, command, redis_reply, mnemo_reply, why))

    def print_summary(self):
        for where, command, r, m, why in self.failures:
            print("DIFF %s: %s%s\n  redis: %r\n  mnemo: %r" % (where, command, " (" + why + ")" if why else "", r, m))
        print("%d replies compared, %d differences" % (self.compared, len(self.failures)))


def words_of(cmd):
    """Splits a step's command like a shell, quotes and all, but keeps backslashes."""
    if not isinstance(cmd, str):
        return list(cmd)
    lexer = shlex.shlex(cmd, posix=True)
    lexer.whitespace_split = True
    lexer.escape = ""
    lexer.commenters = ""
    return list(lexer)


def exchange(conn, data):
    """Sends bytes and reads one reply; a closed connection reads as b'<closed>'."""
    try:
        conn.send(data)
        return conn.reply()
    except (ConnectionClosed, ConnectionResetError, BrokenPipeError):
        return b"<closed>"


# -- comparisons ----------------------------------------------------------------

def ttl_close(cmd_name, r, m):
    try:
        a, b = parse_reply(r), parse_reply(m)
    except Exception:  # a malformed reply is simply different
        return False
    if a[0] != ":" or b[0] != ":":
        return r == m
    if a[1] < 0 or b[1] < 0:
        return a[1] == b[1]
    tolerance = PTTL_TOLERANCE_MS if cmd_name.lower() == "pttl" else TTL_TOLERANCE_S
    return abs(a[1] - b[1]) <= tolerance


def same_shape(r, m):
    try:
        return parse_reply(r)[0] == parse_reply(m)[0]
    except Exception:
        return False


def as_pairs(reply):
    kind, items = parse_reply(reply)
    if kind in ("*", "~") and items and all(i[0] == "*" and len(i[1] or ()) == 2 for i in items):
        items = [x for i in items for x in i[1]]  # RESP3's pairs: two-element arrays
    if kind not in ("*", "%") or items is None or len(items) % 2:
        return reply
    return sorted((items[i][1], items[i + 1][1]) for i in range(0, len(items), 2))


def as_members(reply):
    """An array's elements in any order (Redis lists some collections in hash order)."""
    kind, items = parse_reply(reply)
    if kind not in ("*", "~") or items is None:
        return reply
    return [kind] + sorted(repr(item) for item in items)


def hello_fields(reply):
    """HELLO's map with the fields that differ by nature (id, version) blanked."""
    kind, items = parse_reply(reply)
    if kind not in ("*", "%") or items is None:
        return reply
    fields = [kind]
    for i in range(0, len(items), 2):
        key, value = items[i], items[i + 1]
        fields.append((key, ("?", None) if key[1] in (b"id", b"version") else value))
    return fields


# The INFO sections mnemo has; Redis's others (CPU, Modules, Errorstats, Cluster, ...) are left out.
INFO_SECTIONS = ("server", "clients", "memory", "persistence", "stats", "replication", "keyspace")


def info_sections(reply):
    """The section names of an INFO reply among INFO_SECTIONS, in order, and any malformed line."""
    kind, body = parse_reply(reply)
    if kind not in ("$", "=") or body is None:
        return reply
    if kind == "=":  # RESP3 verbatim text: "txt:" then the text
        body = body[4:] if body.startswith(b"txt:") else b"malformed verbatim " + body[:4]
    lines = body.decode("utf-8", "replace").split("\r\n")
    bad = [ln for ln in lines if ln and not ln.startswith("# ") and ":" not in ln]
    names = [ln[2:].lower() for ln in lines if ln.startswith("# ")]
    return [n for n in names if n in INFO_SECTIONS] + (["malformed: %r" % bad] if bad else [])


# -- running one step on both servers ----------------------------------------------

def scan_all(conn, words):
    """Runs a full SCAN iteration; returns the sorted keys, or the first reply that is not a page."""
    cursor, keys = b"0", []
    for _ in range(100000):
        reply = exchange(conn, encode_command([words[0], cursor] + words[2:]))
        try:
            kind, (cursor_item, keys_item) = parse_reply(reply)
            cursor = cursor_item[1]
            keys.extend(k[1] for k in keys_item[1])
        except Exception:  # an error reply, or anything but a page
            return reply
        if cursor == b"0":
            dupes = len(keys) - len(set(keys))
            return sorted(keys) + (["%d duplicates" % dupes] if dupes else [])
    return "SCAN did not end"


def run_raw(conn, data, count):
    """Sends raw bytes; returns up to `count` replies and the connection's state after them."""
    conn.send(data)
    replies = []
    for _ in range(count):
        try:
            replies.append(conn.reply())
        except (ConnectionClosed, ConnectionResetError):
            replies.append(b"<closed>")
            break
    return replies, conn.state()


# How each kind of step compares the two replies (see resp_diff_cases.py).
# Integers of stream replies that carry times or Redis's node layout.
TIMED_FIELDS = (b"idle", b"seen-time", b"radix-tree-keys", b"radix-tree-nodes")


def untimed_tree(item):
    """A parsed reply with the stream replies' time integers blanked: after a
    TIMED_FIELDS name, and in pending-entry arrays ([id, consumer, idle or
    time, count] and [id, time, count])."""
    kind, value = item
    if kind not in ("*", "%") or value is None:  # arrays, and RESP3 maps (key, value, key, value ...)
        return item
    out = [untimed_tree(x) for x in value]
    for i in range(1, len(out)):
        if out[i - 1][0] == "$" and out[i - 1][1] in TIMED_FIELDS and out[i][0] == ":":
            out[i] = (":", "?")
    is_id = len(out) in (3, 4) and out[0][0] == "$" and out[0][1] is not None and b"-" in out[0][1]
    if is_id and out[-2][0] == ":":
        out[-2] = (":", "?")
    return (kind, out)


COMPARE = {
    "untimed": lambda words, r, m: untimed_tree(parse_reply(r)) == untimed_tree(parse_reply(m)),
    "exact": lambda words, r, m: r == m,
    "ttl": lambda words, r, m: ttl_close(words[0], r, m),
    "shape": lambda words, r, m: same_shape(r, m),
    "pairs": lambda words, r, m: as_pairs(r) == as_pairs(m),
    "members": lambda words, r, m: as_members(r) == as_members(m),
    "hello": lambda words, r, m: hello_fields(r) == hello_fields(m),
    "info": lambda words, r, m: info_sections(r) == info_sections(m),
}


def run_on(step, pool, report, where):
    """Steps on connection i of several (resp_diff_pubsub_cases.py): on() sends and
    reads, recv() only reads; pool(i) is the (redis, mnemo) pair of connection i."""
    conns = pool(step[1])
    count = step[-1]
    words = words_of(step[2]) if step[0] == "on" else []
    got = []
    for conn in conns:
        replies = []
        try:
            if words:
                conn.send(encode_command(words))
            for _ in range(count):
                replies.append(conn.reply())
        except (ConnectionClosed, ConnectionResetError, BrokenPipeError):
            replies.append(b"<closed>")
        except TimeoutError:  # a message that never came
            replies.append(b"<timeout>")
            print("timeout at %s" % where)
        got.append(replies)
    if got[0] != got[1]:
        label = "[conn %d] %s" % (step[1], " ".join(words) if words else "(pushed)")
        report.fail(where, label, got[0], got[1])


def run_step(step, conns, report, where, pool=None, resp3=False):
    kind = step[0]
    report.compared += 1
    if kind in ("on", "recv"):
        run_on(step, pool, report, where)
        return
    if kind == "raw":
        got = [run_raw(conn, step[1], step[2]) for conn in conns]
        if got[0] != got[1]:
            report.fail(where, repr(step[1]), got[0], got[1], "replies, connection state")
        return
    words = words_of(step[1])
    label = " ".join(w if isinstance(w, str) else repr(w) for w in words)
    if kind == "scan":
        r, m = (scan_all(conn, words) for conn in conns)
        ok = r == m
    else:
        r, m = (exchange(conn, encode_command(words)) for conn in conns)
        if kind == "mnemo":
            ok = m == step[3 if resp3 else 2]
            if ok and r == m:
                report.fail(where, label, r, m, "listed as a deliberate difference, but Redis agrees now")
                return
        else:
            try:
                ok = COMPARE[kind](words, r, m)
            except Exception:  # a reply the comparison cannot read: only identical bytes pass
                ok = r == m
    if not ok:
        report.fail(where, label, r, m, kind if kind != "exact" else "")


def reset_keys(redis_port, mnemo_port, password=None):
    """Empties every database of both servers."""
    r = RespConn(redis_port)
    if password:
        r.command("AUTH", password)
    r.command("FLUSHALL")
    r.close()
    m = RespConn(mnemo_port)
    if password:
        m.command("AUTH", password)
    m.command("FLUSHALL")
    m.close()


def run_cases(case_list, redis_port, mnemo_port, report, prefix="", password=None, resp3=False):
    """resp3: every connection sends HELLO 3 first, so each case runs again with RESP3's types."""
    for name, steps in case_list:
        reset_keys(redis_port, mnemo_port, password)

        def connect():
            return (RespConn(redis_port, resp3=resp3), RespConn(mnemo_port, resp3=resp3))
        opened = {0: connect()}

        def pool(i):
            if i not in opened:
                opened[i] = connect()
            return opened[i]
        try:
            for i, step in enumerate(steps):
                run_step(step, opened[0], report, "%s%s #%d" % (prefix, name, i + 1), pool, resp3)
        finally:
            for pair in opened.values():
                for c in pair:
                    c.close()


# -- randomized sequence -------------------------------------------------------------

KEYS = ["k0", "k1", "k2", "k3", "n0", "n1"]
VALUES = ["v", "", "0", "1", "-1", "42", "9223372036854775807", "-9223372036854775808", "007", " 1",
          "1.5", "abc", "x" * 40, "\x00\r\n"]
DELTAS = ["1", "-1", "0", "5", "-7", "100", "9223372036854775807", "-9223372036854775808", "x", "1.0", "+1"]
# Relative expiries well apart from the absolute ones, so that GT/LT never compares two
# deadlines close enough for the few milliseconds between the servers to matter.
REL_S = ["1000", "2000", "3000", "0", "-5", "x"]
REL_MS = ["1000000", "2000000", "3000000", "0", "-5"]
ABS_OFFSETS_S = [1500, 2500, 3500, -100]


def random_command(rng, t0_s):
    """One random command (list of words) over KEYS; never a deliberate difference."""
    key = rng.choice(KEYS)
    some_keys = [rng.choice(KEYS) for _ in range(rng.randint(1, 4))]
    op = rng.randrange(20)
    if op < 4:
        words = ["SET", key, rng.choice(VALUES)]
        opts = [["NX"], ["XX"], ["GET"], ["KEEPTTL"], ["EX", rng.choice(REL_S)], ["PX", rng.choice(REL_MS)],
                ["EXAT", str(t0_s + rng.choice(ABS_OFFSETS_S))],
                ["PXAT", str((t0_s + rng.choice(ABS_OFFSETS_S)) * 1000)], ["BOGUS"]]
        for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
            words += rng.choice(opts)
        return words
    if op == 4:
        return ["GET", key]
    if op == 5:
        return [rng.choice(["INCR", "DECR"]), key]
    if op == 6:
        return [rng.choice(["INCRBY", "DECRBY"]), key, rng.choice(DELTAS)]
    if op == 7:
        return [rng.choice(["DEL", "UNLINK"])] + some_keys
    if op == 8:
        return ["MGET"] + some_keys
    if op == 9:
        pairs = []
        for k in some_keys:
            pairs += [k, rng.choice(VALUES)]
        return ["MSET"] + pairs
    if op == 10:
        return ["EXISTS"] + some_keys
    if op in (11, 12):
        return random_expire(rng, key, t0_s)
    if op == 13:
        return [rng.choice(["TTL", "PTTL"]), key]
    if op == 14:
        return ["PERSIST", key]
    if op == 15:
        return rng.choice([["SETNX", key, rng.choice(VALUES)], ["TYPE", key], ["DBSIZE"]])
    if op == 16:
        name = rng.choice(["SETEX", "PSETEX"])
        return [name, key, rng.choice((REL_S if name == "SETEX" else REL_MS)[:3] + ["0", "x"]), rng.choice(VALUES)]
    if op == 17:
        return ["SCAN", "0", "MATCH", rng.choice(["k*", "n?", "*", "[kn]0", "k\\*"]), "COUNT", "100"]
    if op == 18:
        return rng.choice([["PING"], ["PING", rng.choice(VALUES)], ["ECHO", rng.choice(VALUES)]])
    return ["SET", key, rng.choice(VALUES), "GET"] + rng.choice([[], ["NX"], ["XX"], ["KEEPTTL"]])


def random_expire(rng, key, t0_s):
    name = rng.choice(["EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"])
    if name == "EXPIRE":
        when = rng.choice(REL_S)
    elif name == "PEXPIRE":
        when = rng.choice(REL_MS)
    # GT and LT only with absolute times: two relative deadlines with the same offset
    # compare by the milliseconds between the commands, which differ between the servers.
    conditions = ["NX", "XX", "GT", "LT"] if name.endswith("AT") else ["NX", "XX"]
    opts = [rng.choice(conditions) for _ in range(rng.choice([0, 1, 1, 2]))]
    if name.endswith("AT"):
        # The same absolute deadlines recur, so GT/LT also compare a deadline with itself:
        # mnemo stores an absolute deadline exactly as given.
        when_s = t0_s + rng.choice(ABS_OFFSETS_S)
        when = str(when_s if name == "EXPIREAT" else when_s * 1000)
    return [name, key, when] + opts


def run_random(redis_port, mnemo_port, report):
    reset_keys(redis_port, mnemo_port)
    rng = random.Random(SEED)
    t0_s = int(time.time())
    conns = (RespConn(redis_port), RespConn(mnemo_port))
    failures_before = len(report.failures)
    try:
        for i in range(RANDOM_OPS):
            words = random_command(rng, t0_s)
            if words[0] == "DBSIZE":
                # Redis counts a key whose expiry has passed until something touches it
                # (a SET with EXAT in the past leaves one); touch them all first.
                run_step(("exact", ["EXISTS"] + KEYS), conns, report, "random op %d" % (i + 1))
            if words[0] == "SCAN":
                step = ("scan", words)
            elif words[0] in ("TTL", "PTTL"):
                step = ("ttl", words)
            else:
                step = ("exact", words)
            run_step(step, conns, report, "random op %d" % (i + 1))
            if len(report.failures) - failures_before >= MAX_RANDOM_DIFFERENCES:
                print("random sequence stopped after %d differences" % MAX_RANDOM_DIFFERENCES)
                break
    finally:
        for c in conns:
            c.close()


# -- redis-py ------------------------------------------------------------------------

def run_redis_py(redis_port, mnemo_port, report):
    import redis  # Debian's python3-redis

    reset_keys(redis_port, mnemo_port)
    clients = [redis.Redis(host="127.0.0.1", port=p, socket_timeout=10) for p in (redis_port, mnemo_port)]
    for label, call in cases.REDIS_PY_CALLS:
        results = []
        for c in clients:
            try:
                results.append(("ok", call(c)))
            except redis.exceptions.RedisError as e:
                results.append((type(e).__name__, str(e)))
        report.compared += 1
        if results[0] != results[1]:
            report.fail("redis-py", label, results[0], results[1])
    for c in clients:
        c.close()


# -- main ------------------------------------------------------------------------------

def run_pair(tmp, redis_args, mnemo_args, work):
    redis_srv = mnemo_srv = None
    try:
        redis_srv = RedisServer(tmp, redis_args)
        mnemo_srv = RespServer(tmp, mnemo_args)
        work(redis_srv.port, mnemo_srv.resp_port)
    finally:
        for srv in (mnemo_srv, redis_srv):
            if srv is not None:
                srv.kill()


def main():
    if shutil.which("redis-server") is None:
        print("redis-server not found: skipping the differential test")
        return SKIP_EXIT_CODE
    report = Report()
    started = time.monotonic()
    tmp = tempfile.mkdtemp(prefix="mnemo-resp-diff-")
    try:
        def open_servers(rp, mp):
            run_cases(cases.CASES + txn_cases.TXN_CASES + txn_cases.SCRIPT_CASES, rp, mp, report)
            run_cases(pubsub_cases.PUBSUB_CASES, rp, mp, report, prefix="pubsub: ")
            run_cases(cases.CASES + txn_cases.TXN_CASES + txn_cases.SCRIPT_CASES, rp, mp, report,
                      prefix="resp3: ", resp3=True)
            run_cases(pubsub_cases.PUBSUB_CASES, rp, mp, report, prefix="resp3 pubsub: ", resp3=True)
            run_cases(tracking_cases.TRACKING_CASES, rp, mp, report, prefix="tracking: ", resp3=True)
            run_cases(blocking_cases.BLOCKING_CASES, rp, mp, report, prefix="blocking: ")
            run_cases(cmds_cases.CMDS_CASES, rp, mp, report, prefix="cmds: ")
            run_cases(cmds_cases.CMDS_CASES, rp, mp, report, prefix="resp3 cmds: ", resp3=True)
            run_cases(hllgeo_cases.HLLGEO_CASES, rp, mp, report, prefix="hll/geo: ")
            run_cases(hllgeo_cases.HLLGEO_CASES, rp, mp, report, prefix="resp3 hll/geo: ", resp3=True)
            run_cases(hllgeo_cases.HLLGEO_PUBSUB_CASES, rp, mp, report, prefix="hll/geo pubsub: ")
            run_cases(hllgeo_cases.HLLGEO_TRACKING_CASES, rp, mp, report, prefix="hll/geo tracking: ", resp3=True)
            run_cases(setresp_cases.SETRESP_CASES, rp, mp, report, prefix="setresp: ")
            run_cases(setresp_cases.SETRESP_CASES, rp, mp, report, prefix="resp3 setresp: ", resp3=True)
            run_cases(sort_cases.SORT_CASES, rp, mp, report, prefix="sort: ")
            run_cases(sort_cases.SORT_CASES, rp, mp, report, prefix="resp3 sort: ", resp3=True)
            run_cases(sort_cases.SORT_TRACKING_CASES, rp, mp, report, prefix="sort tracking: ", resp3=True)
            run_random(rp, mp, report)
            run_redis_py(rp, mp, report)

        def auth_servers(rp, mp):
            run_cases(cases.AUTH_CASES, rp, mp, report, prefix="auth: ", password=AUTH_TOKEN)
            run_cases(cmds_cases.CMDS_AUTH_CASES, rp, mp, report, prefix="auth cmds: ", password=AUTH_TOKEN)

        for name in ("open", "auth"):
            os.makedirs(os.path.join(tmp, name))
        run_pair(os.path.join(tmp, "open"), [], [], open_servers)
        run_pair(os.path.join(tmp, "auth"), ["--requirepass", AUTH_TOKEN],
                 ["--auth-token", AUTH_TOKEN], auth_servers)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    report.print_summary()
    print("took %.1f s" % (time.monotonic() - started))
    sys.stdout.flush()
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
