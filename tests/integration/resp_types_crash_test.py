#!/usr/bin/python3
"""Collections survive a SIGKILL as a prefix of the writes.

Each round pipelines a stream of writes to a hash, a list, a set and a sorted
set (HSET, HDEL, RPUSH, LPOP, SADD, SREM, ZINCRBY, ZREM), the first part of
it made durable with WAITAOF, then SIGKILLs the server at a random moment
(seeded; the seed is printed) while the rest is in flight, with automatic
snapshots running. After the restart the four collections must equal what
the writes build after some prefix of the stream that includes every durable
write: each element was journaled as its own change, so this checks that
recovery (snapshot chunks of every type, then the journal's element changes)
rebuilds exactly what was acknowledged, in order.

The test starts $MNEMO_BIN_DIR/mnemo-server (resp_support.RespServer) and
stops it by PID. Exits non-zero on any failure.
"""

import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import redis  # noqa: E402

from resp_support import RespConn, check, encode_command, run_tests  # noqa: E402

ROUNDS = 3
WRITES = 3000
DURABLE = 1000  # the first writes of a round, acknowledged durably before the kill
SEED = int(os.environ.get("MNEMO_TEST_SEED", str(random.randrange(1 << 30))))
rng = random.Random(SEED)


def write(i):
    """The i-th write of a round (deterministic, so the model can replay it)."""
    k = i % 6
    if k == 0:
        return ["HSET", "h", "f%d" % (i % 20), "v%d" % i]
    if k == 1:
        return ["RPUSH", "l", "e%d" % i]
    if k == 2:
        return ["SADD", "s", "m%d" % (i % 30)]
    if k == 3:
        return ["ZINCRBY", "z", "1.5", "m%d" % (i % 10)]
    if k == 4:
        return ["SREM", "s", "m%d" % (i * 7 % 30)] if i % 12 == 4 else ["HDEL", "h", "f%d" % (i * 3 % 20)]
    return ["LPOP", "l"] if i % 18 == 5 else ["ZREM", "z", "m%d" % (i * 3 % 10)]


class Model:
    def __init__(self):
        self.h, self.l, self.s, self.z = {}, [], set(), {}

    def apply(self, w):
        op, args = w[0], w[2:]
        if op == "HSET":
            self.h[args[0]] = args[1]
        elif op == "HDEL":
            self.h.pop(args[0], None)
        elif op == "RPUSH":
            self.l.append(args[0])
        elif op == "LPOP":
            if self.l:
                self.l.pop(0)
        elif op == "SADD":
            self.s.add(args[0])
        elif op == "SREM":
            self.s.discard(args[0])
        elif op == "ZINCRBY":
            self.z[args[1]] = self.z.get(args[1], 0.0) + float(args[0])
        elif op == "ZREM":
            self.z.pop(args[0], None)

    def state(self):
        return (sorted(self.h.items()), list(self.l), sorted(self.s), sorted(self.z.items()))


def actual_state(r):
    h = sorted((k.decode(), v.decode()) for k, v in r.hgetall("h").items())
    lst = [e.decode() for e in r.lrange("l", 0, -1)]
    s = sorted(m.decode() for m in r.smembers("s"))
    z = sorted((m.decode(), score) for m, score in r.zrange("z", 0, -1, withscores=True))
    return (h, lst, s, z)


def client(srv):
    return redis.Redis(host="127.0.0.1", port=srv.resp_port, socket_timeout=30)


def test_collections_are_a_prefix(srv):
    writes = [write(i) for i in range(WRITES)]
    model, states = Model(), []
    for w in writes:
        model.apply(w)
        states.append(model.state())
    survived = []
    for _ in range(ROUNDS):
        r = client(srv)
        r.flushall()
        pipe = r.pipeline(transaction=False)
        for w in writes[:DURABLE]:
            pipe.execute_command(*w)
        pipe.execute()
        r.execute_command("WAITAOF", 1, 0, 0)
        r.close()
        conn = RespConn(srv.resp_port)
        conn.send(b"".join(encode_command(w) for w in writes[DURABLE:]))
        time.sleep(rng.uniform(0, 0.02))  # where the kill lands is the variable under test
        srv.restart_after_sigkill()
        conn.close()
        r = client(srv)
        got = actual_state(r)
        prefixes = [n + 1 for n in range(DURABLE - 1, WRITES) if states[n] == got]
        check(bool(prefixes), "after the kill the collections are no prefix of the writes from %d on: "
                              "hash %d fields, list %d, set %d, zset %d" %
              (DURABLE, len(got[0]), len(got[1]), len(got[2]), len(got[3])))
        check(r.dbsize() <= 4, "only the four collections exist")
        for key, kind in (("h", b"hash"), ("l", b"list"), ("s", b"set"), ("z", b"zset")):
            t = r.type(key)
            check(t in (kind, b"none"), "TYPE %s after recovery is %r" % (key, t))
        if prefixes:
            survived.append(prefixes[-1])
        r.close()
    print("  writes recovered per round: %s of %d" % (survived, WRITES))


if __name__ == "__main__":
    print("seed %d (MNEMO_TEST_SEED to repeat)" % SEED)
    sys.exit(run_tests(
        [("collections are a prefix of the writes across a SIGKILL", test_collections_are_a_prefix)],
        server_args=lambda name: ["--snapshot-every-changes", "500", "--snapshot-growth-percent", "0"]))
