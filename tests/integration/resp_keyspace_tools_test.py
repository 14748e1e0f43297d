#!/usr/bin/python3
"""SCAN spread over a redis-py connection pool, and redis-cli's keyspace tools.

- 8 threads share one redis.Redis (one connection pool) and each runs full
  SCAN loops while another thread adds and deletes keys: every SCAN call may
  go out on a different pooled connection, so a cursor must be valid on any
  connection. No key present for the whole scan may be missed, and no call
  may fail.
- redis-cli --bigkeys and --memkeys (redis-tools) report the true biggest key.

Each test starts $MNEMO_BIN_DIR/mnemo-server (resp_support.RespServer) and
stops it by PID. Exits non-zero on any failure.
"""

import os
import re
import shutil
import subprocess
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import redis  # noqa: E402

from resp_support import check, check_eq, run_tests  # noqa: E402

STABLE = 3000
SCANNERS = 8
SCANS_PER_THREAD = 4


def test_scan_over_a_pool(srv):
    r = redis.Redis(host="127.0.0.1", port=srv.resp_port, socket_timeout=30, max_connections=SCANNERS + 2)
    stable = {b"stable:%d" % i for i in range(STABLE)}
    for i in range(0, STABLE, 500):
        r.mset({b"stable:%d" % j: b"v" for j in range(i, min(i + 500, STABLE))})
    done = threading.Event()
    errors = []
    churned = [0]

    def churn():
        i = 0
        try:
            while not done.is_set():
                r.set(b"churn:%d" % i, b"x")
                if i >= 50:
                    r.delete(b"churn:%d" % (i - 50), b"churn:%d" % (i - 49))
                i += 1
        except Exception as e:  # reported below
            errors.append("churn: %r" % e)
        churned[0] = i

    def scanner(results):
        try:
            for _ in range(SCANS_PER_THREAD):
                seen, cursor = set(), 0
                while True:
                    cursor, keys = r.scan(cursor, count=50)
                    seen.update(keys)
                    if cursor == 0:
                        break
                results.append(seen)
        except Exception as e:  # reported below
            errors.append("scan: %r" % e)

    churner = threading.Thread(target=churn)
    churner.start()
    results = [[] for _ in range(SCANNERS)]
    threads = [threading.Thread(target=scanner, args=(results[t],)) for t in range(SCANNERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    done.set()
    churner.join()
    check(not errors, "errors: %s" % errors[:5])
    check(churned[0] > 0, "the churn thread wrote nothing")
    check_eq(sum(len(x) for x in results), SCANNERS * SCANS_PER_THREAD, "complete scans")
    pool = r.connection_pool
    opened = len(getattr(pool, "_available_connections", [])) + len(getattr(pool, "_in_use_connections", []))
    check(opened > 1, "the scans shared %d pooled connections" % opened)
    for per_thread in results:
        for seen in per_thread:
            missed = stable - seen
            check(not missed, "a scan missed %d stable keys, e.g. %r" % (len(missed), sorted(missed)[:3]))


def redis_cli(srv, *args):
    return subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", str(srv.resp_port), *args],
                          capture_output=True, text=True, timeout=120)


def test_bigkeys_and_memkeys(srv):
    if shutil.which("redis-cli") is None:
        print("redis-cli not found: skipping --bigkeys/--memkeys")
        return
    r = redis.Redis(host="127.0.0.1", port=srv.resp_port, socket_timeout=30)
    r.mset({"small:%d" % i: "x" * i for i in range(1, 100)})
    r.set("the-biggest", "y" * 5000)
    big = redis_cli(srv, "--bigkeys")
    check_eq(big.returncode, 0, "--bigkeys exit status (stderr %r)" % big.stderr)
    check("failed" not in big.stdout.lower(), "--bigkeys warned: %s" % big.stdout[-2000:])
    check("Biggest string found" in big.stdout and "the-biggest" in big.stdout and "5000 bytes" in big.stdout,
          "--bigkeys output: %s" % big.stdout[-2000:])
    check("100 strings" in big.stdout, "--bigkeys counted the keys: %s" % big.stdout[-2000:])
    mem = redis_cli(srv, "--memkeys")
    check_eq(mem.returncode, 0, "--memkeys exit status (stderr %r)" % mem.stderr)
    check("failed" not in mem.stdout.lower(), "--memkeys warned: %s" % mem.stdout[-2000:])
    found = re.search(r"Biggest string found '\"the-biggest\"' has (\d+) bytes", mem.stdout)
    check(found is not None and int(found.group(1)) > 5000, "--memkeys output: %s" % mem.stdout[-2000:])
    check("100 strings with 0 bytes" not in mem.stdout, "--memkeys summed nothing: %s" % mem.stdout[-2000:])


TESTS = [
    ("scan over a connection pool while keys come and go", test_scan_over_a_pool),
    ("redis-cli --bigkeys and --memkeys", test_bigkeys_and_memkeys),
]


if __name__ == "__main__":
    sys.exit(run_tests(TESTS))
