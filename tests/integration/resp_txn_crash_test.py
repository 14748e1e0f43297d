#!/usr/bin/python3
"""MULTI/EXEC and EVAL are one journal unit each: after a SIGKILL at any
moment, every transaction is there whole or not at all, and what survived is
a prefix.

Several clients run transactions (MULTI/EXEC, or a Lua script) at once, each
writing KEYS keys (spread over the shards) and INCRing one counter they all
share; some clients wait
for WAITAOF now and then. The server is SIGKILLed after a random moment
(seeded; the seed is printed) and restarted on the same data. Then:
- each transaction's keys are all present or all absent;
- per client, the transactions that survived are its first n (a prefix);
- across clients, the shared counter equals the number of transactions that
  survived: every surviving one INCRed it, and a transaction missing before
  one that survived would leave the counter above that number;
- every transaction acknowledged before a WAITAOF survived.
Starts $MNEMO_BIN_DIR/mnemo-server (resp_support.RespServer), stops it by PID.
"""

import os
import random
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import redis  # noqa: E402

from resp_support import check, check_eq, run_tests  # noqa: E402

ROUNDS = 4
CLIENTS = 6
KEYS = 5
SEED = int(os.environ.get("MNEMO_TEST_SEED", str(random.randrange(1 << 30))))
rng = random.Random(SEED)


WRITE_ALL = """
for i = 1, #KEYS - 1 do redis.call('SET', KEYS[i], ARGV[1]) end
return redis.call('INCR', KEYS[#KEYS])
"""


def client(srv):
    return redis.Redis(host="127.0.0.1", port=srv.resp_port, socket_timeout=30)


def key(c, i, j):
    return "t:%d:%d:%d" % (c, i, j)


def run_client(srv, c, stop, durable, sent, started):
    """Runs transactions until the server dies. sent[c]: how many it sent;
    durable[c]: the last one a WAITAOF covered."""
    try:
        r = client(srv)
        i = 0
        while not stop.is_set():
            sent[c] = i + 1
            if c % 3 == 2:  # a script: the same writes, one unit too
                keys = [key(c, i, j) for j in range(KEYS)] + ["total"]
                r.eval(WRITE_ALL, len(keys), *keys, "v%d" % i)
            else:
                pipe = r.pipeline()  # MULTI ... EXEC
                for j in range(KEYS):
                    pipe.set(key(c, i, j), "v%d" % i)
                pipe.incr("total")
                pipe.execute()
            started.set()
            if c % 2 == 0 and i % 10 == 9:
                r.execute_command("WAITAOF", 1, 0, 0)
                durable[c] = i
            i += 1
    except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, ConnectionError, OSError):
        pass  # the kill


def check_round(srv, durable, sent):
    r = client(srv)
    survived = 0
    for c in range(CLIENTS):
        present = []
        for i in range(sent[c]):
            n = sum(r.exists(key(c, i, j)) for j in range(KEYS))
            check(n in (0, KEYS), "client %d transaction %d has %d of %d keys after the kill" % (c, i, n, KEYS))
            present.append(n == KEYS)
        check(present == sorted(present, reverse=True), "client %d: surviving transactions not a prefix" % c)
        count = sum(present)
        check(count > durable[c], "client %d: transaction %d was covered by WAITAOF but lost" % (c, durable[c]))
        survived += count
    total = int(r.get("total") or 0)
    check_eq(total, survived, "shared counter vs surviving transactions (prefix across clients)")
    r.flushall()
    r.execute_command("WAITAOF", 1, 0, 0)
    return survived


def test_exec_is_all_or_none(srv):
    outcomes = []
    for _ in range(ROUNDS):
        stop = threading.Event()
        durable = [-1] * CLIENTS
        sent = [0] * CLIENTS
        started = [threading.Event() for _ in range(CLIENTS)]
        threads = [threading.Thread(target=run_client, args=(srv, c, stop, durable, sent, started[c]))
                   for c in range(CLIENTS)]
        for t in threads:
            t.start()
        for s in started:
            s.wait(30)
        time.sleep(rng.uniform(0.01, 0.3))  # where the kill lands is the variable under test
        srv.restart_after_sigkill()
        stop.set()
        for t in threads:
            t.join()
        outcomes.append(check_round(srv, durable, sent))
    print("  transactions surviving each kill: %s" % outcomes)


if __name__ == "__main__":
    print("seed %d (MNEMO_TEST_SEED to repeat)" % SEED)
    sys.exit(run_tests([("EXEC and EVAL are all or none across a SIGKILL", test_exec_is_all_or_none)]))
