#!/usr/bin/python3
"""Sharding behind twemproxy: scripts/cluster up 3 starts three nodes sharing
one PostgreSQL journal behind nutcracker (ketama, "{}" hash tags).

- redis-py through the proxy: strings, hashes, counters, MSET/MGET across
  nodes; keys spread over every node; keys with one hash tag share a node;
- redis-benchmark through the proxy: its tests complete with no error reply;
- what twemproxy does not forward (MULTI, SUBSCRIBE) is refused, not run;
- node replacement: every write through the proxy, made durable with WAITAOF
  on each node (twemproxy does not forward WAITAOF), survives SIGKILL of a
  node and the loss of its data dir once a new node under the same name
  starts elsewhere; the other nodes answer throughout.
The cluster (nodes, proxy, PostgreSQL) is stopped by PID with scripts/cluster down.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import redis  # noqa: E402

from pg_support import SOURCE_DIR, skip_without_postgres  # noqa: E402
from resp_support import check, check_eq  # noqa: E402

CLUSTER = os.path.join(SOURCE_DIR, "scripts", "cluster")
N = 3


def cluster(*args):
    out = subprocess.run([CLUSTER] + list(args), capture_output=True, text=True, timeout=300)
    if out.returncode != 0:
        raise AssertionError("scripts/cluster %s failed:\n%s%s" % (args, out.stdout, out.stderr))
    return out.stdout


def node_port(d, i):
    with open(os.path.join(d, "node%d" % i, "resp_port")) as f:
        return int(f.read())


def node(d, i):
    return redis.Redis(host="127.0.0.1", port=node_port(d, i), socket_timeout=30)


def test_proxy_routes(proxy, d):
    for i in range(3000):
        proxy.set("k%d" % i, "v%d" % i)
    check_eq(proxy.get("k2999"), b"v2999", "GET through the proxy")
    counts = [node(d, i).dbsize() for i in range(1, N + 1)]
    check_eq(sum(counts), 3000, "every key on exactly one node")
    check(min(counts) > 500, "ketama spreads keys over every node: %s" % counts)
    proxy.mset({"{u1}:a": "1", "{u1}:b": "2", "x1": "3", "x2": "4"})
    check_eq(proxy.mget(["{u1}:a", "{u1}:b", "x1", "x2"]), [b"1", b"2", b"3", b"4"], "MSET/MGET")
    owners = [i for i in range(1, N + 1) if node(d, i).get("{u1}:a") is not None]
    check_eq(len(owners), 1, "one owner")
    check_eq(node(d, owners[0]).get("{u1}:b"), b"2", "one hash tag, one node")
    proxy.hset("{u1}:h", mapping={"f": "v"})
    check_eq(proxy.hgetall("{u1}:h"), {b"f": b"v"}, "a hash")
    check_eq(proxy.incrby("{u1}:n", 5), 5, "a counter")


def test_redis_benchmark(port, d):
    """redis-benchmark's own load through the proxy: every test completes, no
    error reply (-e prints them), and the random keys land on every node."""
    before = sum(node(d, i).dbsize() for i in range(1, N + 1))
    tests = "set,get,incr,lpush,rpop,hset,sadd,zadd"
    out = subprocess.run(["redis-benchmark", "-h", "127.0.0.1", "-p", str(port), "-t", tests,
                          "-n", "4000", "-c", "8", "-P", "4", "-r", "100000", "-e", "--csv"],
                         capture_output=True, text=True, timeout=300)
    check_eq(out.returncode, 0, "redis-benchmark's exit code\n%s%s" % (out.stdout, out.stderr))
    check("ERR" not in out.stdout and "Error" not in out.stdout, "no error reply:\n%s" % out.stdout)
    rows = [line.split(",")[0].strip('"') for line in out.stdout.splitlines()[1:] if line]
    for t in ("SET", "GET", "INCR", "LPUSH", "RPOP", "HSET", "SADD", "ZADD"):
        check(t in rows, "redis-benchmark ran %s through the proxy: %s" % (t, rows))
    counts = [node(d, i).dbsize() for i in range(1, N + 1)]
    check(sum(counts) > before, "the load wrote keys: %s" % counts)
    check(min(counts) > 0, "its keys spread over every node: %s" % counts)


def test_unsupported_refused(port):
    for words in (["MULTI"], ["SUBSCRIBE", "ch"]):
        r = redis.Redis(host="127.0.0.1", port=port, socket_timeout=10)
        try:
            r.execute_command(*words)
            raise AssertionError("%s went through the proxy" % words[0])
        except (redis.exceptions.ConnectionError, redis.exceptions.ResponseError):
            pass  # twemproxy closes the connection on a command it does not forward
        finally:
            r.close()


def reader(d, i, stop, errors, reads):
    r = node(d, i)
    while not stop.is_set():
        try:
            r.dbsize()
            reads[0] += 1
        except Exception as e:  # any failure of a surviving node is the finding
            errors.append(repr(e))


def test_replace_node(proxy, d):
    for i in range(2000):
        proxy.set("r%d" % i, "v%d" % i)
    for i in range(1, N + 1):
        node(d, i).execute_command("WAITAOF", 1, 0, 0)  # twemproxy does not forward it
    before = [node(d, i).dbsize() for i in range(1, N + 1)]
    stop, errors, reads = threading.Event(), [], [0]
    threads = [threading.Thread(target=reader, args=(d, i, stop, errors, reads)) for i in (1, 3)]
    for t in threads:
        t.start()
    try:
        old_port = node_port(d, 2)
        cluster("replace", d, "2")
        check(node_port(d, 2) != old_port, "the new node listens elsewhere")
    finally:
        stop.set()
        for t in threads:
            t.join()
    check_eq(errors, [], "the other nodes answered throughout")
    check(reads[0] > 0, "the other nodes were read during the replacement")
    check_eq(node(d, 2).dbsize(), before[1], "the new node recovered node2's keys")
    proxy = redis.Redis(host="127.0.0.1", port=proxy.connection_pool.connection_kwargs["port"],
                        socket_timeout=30)
    missing = [i for i in range(2000) if proxy.get("r%d" % i) != b"v%d" % i]
    check_eq(missing[:10], [], "durable writes lost")


def main():
    skip_without_postgres()
    if shutil.which("nutcracker") is None:
        print("skip: nutcracker is not installed (scripts/setup installs it)")
        return 77
    d = tempfile.mkdtemp(prefix="mnemo-cluster-")
    failures = 0
    try:
        out = cluster("up", str(N), d)
        port = int(out.split("proxy 127.0.0.1:")[1].split()[0])
        proxy = redis.Redis(host="127.0.0.1", port=port, socket_timeout=30)
        for name, fn in (("proxy_routes", lambda: test_proxy_routes(proxy, d)),
                         ("redis_benchmark", lambda: test_redis_benchmark(port, d)),
                         ("unsupported_refused", lambda: test_unsupported_refused(port)),
                         ("replace_node", lambda: test_replace_node(proxy, d))):
            try:
                fn()
                print("ok   %s" % name)
            except Exception:
                failures += 1
                print("FAIL %s" % name)
                import traceback
                traceback.print_exc()
    finally:
        subprocess.run([CLUSTER, "down", d], timeout=120, check=False)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
