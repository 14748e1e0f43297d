#!/usr/bin/python3
"""The PostgreSQL journal (--journal postgresql://...) keeps the contract of
the SQLite one: every durably acknowledged write survives a SIGKILL,
snapshots and compaction work and --snapshots-keep holds, two servers never
share a node name, and a database outage is absorbed: writes are queued,
DURABLE/SYNC fail after --durable-timeout-ms, reads go on, and once the
database is back everything acknowledged is written.

One PostgreSQL (scripts/pg) serves every test, each under its own node name.
Servers are child processes on ephemeral ports (resp_support.RespServer),
stopped by PID.
"""

import os
import shutil
import sys
import tempfile
import threading
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import redis  # noqa: E402

from pg_support import PgServer, skip_without_postgres  # noqa: E402
from resp_support import RespServer, check, check_eq, wait_until  # noqa: E402


def client(srv):
    return redis.Redis(host="127.0.0.1", port=srv.resp_port, socket_timeout=30)


def pg_args(pg, node, *extra):
    return ["--journal", pg.url, "--node-name", node] + list(extra)


def test_recovers_after_sigkill(pg, tmp):
    srv = RespServer(tmp, pg_args(pg, "recover"))
    try:
        r = client(srv)
        for i in range(2000):
            r.set("k%d" % i, "v%d" % i)
        r.hset("h", mapping={"a": "1", "b": "2"})
        r.rpush("l", "x", "y", "z")
        r.incrby("n", 7)
        r.delete("k5")
        r.execute_command("WAITAOF", 1, 0, 0)
        check(not os.path.exists(os.path.join(tmp, "data", "mnemo.db")),
              "no SQLite file with --journal")
        rows = int(pg.sql("SELECT count(*) FROM mnemo_journal WHERE node = 'recover'"))
        check(rows >= 1, "journal rows in PostgreSQL")
        srv.restart_after_sigkill()
        r = client(srv)
        check_eq(r.dbsize(), 2000 - 1 + 3, "keys after recovery")
        check_eq(r.get("k1999"), b"v1999", "a string")
        check_eq(r.get("k5"), None, "a deletion")
        check_eq(r.hgetall("h"), {b"a": b"1", b"b": b"2"}, "a hash")
        check_eq(r.lrange("l", 0, -1), [b"x", b"y", b"z"], "a list")
        check_eq(r.get("n"), b"7", "a counter")
    finally:
        srv.kill()


def test_snapshots_compaction_and_keep(pg, tmp):
    srv = RespServer(tmp, pg_args(pg, "snap", "--snapshots-keep", "2"))
    try:
        r = client(srv)
        for round_no in range(3):
            for i in range(3000):
                r.set("s%d" % i, "r%d" % round_no)
            r.execute_command("SAVE")
        # Retention and compaction follow the snapshot's completion.
        wait_until(lambda: pg.sql("SELECT count(*) FROM mnemo_snapshots WHERE node = 'snap' "
                                  "AND state = 1") == "2", 30, "two complete snapshots kept")
        wait_until(lambda: int(pg.sql("SELECT count(*) FROM mnemo_journal WHERE node = 'snap'")) <= 2,
                   30, "journal compacted after the snapshot")
        other = pg.sql("SELECT count(*) FROM mnemo_snapshots WHERE node <> 'snap' AND state = 1")
        r.set("after", "1")
        r.execute_command("WAITAOF", 1, 0, 0)
        srv.restart_after_sigkill()
        r = client(srv)
        check_eq(r.dbsize(), 3001, "keys from snapshot + journal")
        check_eq(r.get("s2999"), b"r2", "newest value")
        check_eq(r.get("after"), b"1", "journal after the snapshot")
        check_eq(pg.sql("SELECT count(*) FROM mnemo_snapshots WHERE node <> 'snap' AND state = 1"),
                 other, "other nodes' snapshots untouched")
    finally:
        srv.kill()


def test_second_server_with_same_node_is_refused(pg, tmp):
    first = RespServer(tmp, pg_args(pg, "fenced"))
    try:
        client(first).set("a", "1")
        tmp2 = tempfile.mkdtemp(prefix="mnemo-pg-")
        try:
            RespServer(tmp2, pg_args(pg, "fenced"))
            raise AssertionError("a second server took node 'fenced'")
        except AssertionError as e:
            check("in use by another mnemo server" in str(e), "clear refusal: %s" % e)
        finally:
            shutil.rmtree(tmp2, ignore_errors=True)
        check_eq(client(first).get("a"), b"1", "the first server goes on")
        client(first).set("b", "2")
        client(first).execute_command("WAITAOF", 1, 0, 0)
    finally:
        first.terminate()
    # Once the first has stopped, the name is free again.
    second = RespServer(tmp, pg_args(pg, "fenced"))
    try:
        check_eq(client(second).get("b"), b"2", "the node's state, from the second server")
    finally:
        second.kill()


def writer(srv, acked, errors, stop):
    r = client(srv)
    i = 0
    while not stop.is_set():
        try:
            r.set("w%d" % i, "v%d" % i)
            acked.append(i)
        except redis.exceptions.ResponseError as e:
            errors.append(str(e))
        i += 1


def test_outage_is_absorbed(pg, tmp):
    srv = RespServer(tmp, pg_args(pg, "outage", "--durable-timeout-ms", "500"))
    try:
        r = client(srv)
        r.set("before", "1")
        r.execute_command("WAITAOF", 1, 0, 0)
        acked, errors, stop = [], [], threading.Event()
        t = threading.Thread(target=writer, args=(srv, acked, errors, stop))
        t.start()
        try:
            wait_until(lambda: len(acked) > 100, 30, "writes before the outage")
            pg.pause()
            n = len(acked)
            wait_until(lambda: len(acked) > n + 100, 30, "writes queued during the outage")
            try:
                r.execute_command("WAITAOF", 1, 0, 0)
                raise AssertionError("WAITAOF succeeded with the database down")
            except redis.exceptions.ResponseError as e:
                check("persistence is failing" in str(e), "a clear error: %s" % e)
            check_eq(r.get("before"), b"1", "reads go on")
            pg.resume()
            wait_until(lambda: stats_ok(r), 60, "the journal writes again")
        finally:
            stop.set()
            t.join()
        check_eq(errors, [], "no write refused while the queue had room")
        r.execute_command("WAITAOF", 1, 0, 0)
        srv.restart_after_sigkill()
        r = client(srv)
        missing = [i for i in acked if r.get("w%d" % i) != b"v%d" % i]
        check_eq(missing[:10], [], "acknowledged writes lost")
    finally:
        srv.kill()


def stats_ok(r):
    try:
        r.execute_command("WAITAOF", 1, 0, 0)
        return True
    except redis.exceptions.ResponseError:
        return False


def test_small_queue_gives_busy_then_read_only(pg, tmp):
    srv = RespServer(tmp, pg_args(pg, "full", "--durable-timeout-ms", "3000",
                                  "--journal-queue-bytes", "64K"))
    try:
        r = client(srv)
        r.set("x", "1")
        r.execute_command("WAITAOF", 1, 0, 0)
        pg.pause()
        seen = []

        def refused_read_only():
            try:
                r.set("y", "z" * 1000)
            except redis.exceptions.ResponseError as e:
                seen.append(str(e).split(" ")[0])
                return "persistence is failing" in str(e)
            return False
        try:
            wait_until(refused_read_only, 60, "writes refused once the outage outlasts the timeout")
            check("BUSY" in seen, "BUSY came first: %s" % seen[:3])
            check_eq(r.get("x"), b"1", "reads go on")
        finally:
            pg.resume()
        wait_until(lambda: stats_ok(r), 60, "the journal writes again")
        r.set("z", "after")
        check_eq(r.get("z"), b"after", "writes accepted again")
    finally:
        srv.kill()


TESTS = [
    ("recovers_after_sigkill", test_recovers_after_sigkill),
    ("snapshots_compaction_and_keep", test_snapshots_compaction_and_keep),
    ("second_server_with_same_node_is_refused", test_second_server_with_same_node_is_refused),
    ("outage_is_absorbed", test_outage_is_absorbed),
    ("small_queue_gives_busy_then_read_only", test_small_queue_gives_busy_then_read_only),
]


def main():
    skip_without_postgres()
    only = sys.argv[1:]
    failures = 0
    with PgServer() as pg:
        for name, fn in TESTS:
            if only and name not in only:
                continue
            tmp = tempfile.mkdtemp(prefix="mnemo-pg-")
            try:
                fn(pg, tmp)
                print("ok   %s" % name)
            except Exception:
                failures += 1
                print("FAIL %s" % name)
                traceback.print_exc()
                for log in sorted(f for f in os.listdir(tmp) if f.endswith(".log")):
                    with open(os.path.join(tmp, log), errors="replace") as f:
                        print("--- %s ---\n%s" % (log, f.read()[-3000:]))
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
