#!/usr/bin/python3
"""A stream and its consumer group survive a SIGKILL as a prefix of the writes.

Each round pipelines XADD, XREADGROUP (one entry to one of two consumers),
XACK of part of what was delivered, and now and then XTRIM, the first part
made durable with WAITAOF, then SIGKILLs the server at a random moment
(seeded; the seed is printed) while the rest is in flight, with automatic
snapshots running. After the restart the entries, the group's last
delivered id and its pending entries (id -> consumer, delivery count) must
equal what the writes build after some prefix that includes every durable
write. So an entry that was acknowledged is never pending again, and a
delivered entry that was not is still pending for the consumer it went to.

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
WRITES = 8000
DURABLE = 1000
SEED = int(os.environ.get("MNEMO_TEST_SEED", str(random.randrange(1 << 30))))
rng = random.Random(SEED)


class Model:
    """What the writes build: entries, the group's last id, its pending entries."""

    def __init__(self):
        self.entries, self.last, self.pending = {}, (0, 0), {}

    def apply(self, w):
        op = w[0]
        if op == "XADD":
            ms = int(w[2].split("-")[0])
            self.entries[(ms, 0)] = w[4]
        elif op == "XREADGROUP":
            newer = sorted(i for i in self.entries if i > self.last)
            if newer:
                self.last = newer[0]
                self.pending[newer[0]] = (w[3], 1)
        elif op == "XACK":
            self.pending.pop(tuple(int(x) for x in w[3].split("-")), None)
        elif op == "XTRIM":
            for i in sorted(self.entries)[:max(0, len(self.entries) - int(w[3]))]:
                del self.entries[i]

    def delivered_now(self):
        newer = sorted(i for i in self.entries if i > self.last)
        return newer[0] if newer else None

    def state(self):
        return (sorted(self.entries.items()), self.last, sorted(self.pending.items()))


def make_writes():
    """The round's writes, with each XACK naming what the model delivered just before."""
    model, writes, states = Model(), [], []
    for i in range(WRITES):
        k = i % 4
        if k in (0, 3):
            w = ["XADD", "s", "%d-0" % (i + 1), "f", "v%d" % i]
        elif k == 1:
            w = ["XREADGROUP", "GROUP", "g", "c%d" % (i // 4 % 2), "COUNT", "1", "STREAMS", "s", ">"]
        else:
            target = model.last if (i // 4) % 3 else (0, 0)
            w = ["XACK", "s", "g", "%d-%d" % target]
        if i % 97 == 96:
            w = ["XTRIM", "s", "MAXLEN", "40"]
        model.apply(w)
        writes.append(w)
        states.append(model.state())
    return writes, states


def actual_state(r):
    entries = sorted((tuple(int(x) for x in i.decode().split("-")), f[b"f"].decode())
                     for i, f in r.xrange("s", "-", "+"))
    groups = r.xinfo_groups("s")
    last = tuple(int(x) for x in groups[0]["last-delivered-id"].decode().split("-"))
    pending = sorted((tuple(int(x) for x in p["message_id"].decode().split("-")),
                      (p["consumer"].decode(), p["times_delivered"]))
                     for p in r.xpending_range("s", "g", "-", "+", 100000))
    return (entries, last, pending)


def client(srv):
    return redis.Redis(host="127.0.0.1", port=srv.resp_port, socket_timeout=30)


def test_stream_is_a_prefix(srv):
    writes, states = make_writes()
    survived = []
    for _ in range(ROUNDS):
        r = client(srv)
        r.flushall()
        r.execute_command("XGROUP", "CREATE", "s", "g", "0", "MKSTREAM")
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
        check(r.type("s") == b"stream", "TYPE s after recovery is %r" % r.type("s"))
        got = actual_state(r)
        prefixes = [n + 1 for n in range(DURABLE - 1, WRITES) if states[n] == got]
        check(bool(prefixes), "after the kill the stream is no prefix of the writes from %d on: "
                              "%d entries, last delivered %r, %d pending" %
              (DURABLE, len(got[0]), got[1], len(got[2])))
        if prefixes:
            survived.append(prefixes[-1])
        r.close()
    print("  writes recovered per round: %s of %d" % (survived, WRITES))


if __name__ == "__main__":
    print("seed %d (MNEMO_TEST_SEED to repeat)" % SEED)
    sys.exit(run_tests(
        [("a stream and its group are a prefix of the writes across a SIGKILL", test_stream_is_a_prefix)],
        server_args=lambda name: ["--snapshot-every-changes", "500", "--snapshot-growth-percent", "0"]))
