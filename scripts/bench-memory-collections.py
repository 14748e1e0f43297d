"""The collection rows of scripts/bench-memory (--collections): fills a fresh
server through its RESP port with redis-cli --pipe and prints the growth of
its resident set (VmRSS) per element or key, for mnemo --no-persistence and
redis-server --save "" --appendonly no in the same run:
  hashes  100k hashes of 10 fields ("HSET h:<i> f0 <v> ... f9 <v>", 8-byte values)
  bighash one hash of 1M fields ("f<i>" = "<i>")
  set     one set of 1M members ("m<i>": strings, so a hash table in both)
  zset    one sorted set of 1M members ("m<i>" scored <i>)
  zsets   100k sorted sets of 10 members ("ZADD z:<i> 0 m<j> ... 9 ...", 8-byte members)
  lists   100k lists of 20 elements ("RPUSH l:<i> e0 ... e19", 8-byte elements)
mnemo's own estimate (STATS store.memory_bytes) is printed beside its rows.
--before-bin DIR adds a row for another build's mnemo-server (e.g. the main
branch's), started the same way.
Threads: one; each server is started, filled, measured and stopped by PID.
"""
import os
import subprocess


def resp(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


def gen_hashes(n):
    for i in range(n):
        args = ["HSET", "h:%d" % i]
        for j in range(10):
            args += ["f%d" % j, "v%07d" % (i % 10000000)]
        yield resp(*args)


def gen_lists(n):
    for i in range(n):
        yield resp("RPUSH", "l:%d" % i, *["e%07d" % (i * 20 + j) for j in range(20)])


def gen_bighash(n):
    for i in range(n):
        yield resp("HSET", "bighash", "f%d" % i, i)


def gen_set(n):
    for i in range(n):
        yield resp("SADD", "set", "m%d" % i)


def gen_zset(n):
    for i in range(n):
        yield resp("ZADD", "zset", i, "m%d" % i)


def gen_zsets(n):
    for i in range(n):
        args = ["ZADD", "z:%d" % i]
        for j in range(10):
            args += [j, "m%07d" % ((i * 10 + j) % 10000000)]
        yield resp(*args)


# name: (description, generator, element count, unit)
ROWS = {
    "hashes": ("100k hashes of 10 fields", gen_hashes, 100000, "key"),
    "bighash": ("one hash of 1M fields", gen_bighash, 1000000, "field"),
    "set": ("one set of 1M members", gen_set, 1000000, "member"),
    "zset": ("one sorted set of 1M members", gen_zset, 1000000, "member"),
    "zsets": ("100k sorted sets of 10 members", gen_zsets, 100000, "key"),
    "lists": ("100k lists of 20 elements", gen_lists, 100000, "key"),
}


def fill(lib, port, gen, n):
    p = subprocess.Popen(["redis-cli", "-h", "127.0.0.1", "-p", str(port), "--pipe"],
                         stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    chunk = []
    for cmd in gen(n):
        chunk.append(cmd)
        if len(chunk) == 10000:
            p.stdin.write(b"".join(chunk))
            chunk = []
    p.stdin.write(b"".join(chunk))
    p.stdin.close()
    p.wait(timeout=lib.RUN_TIMEOUT_S)


def dbsize(port):
    out = subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", str(port), "dbsize"], capture_output=True,
                         text=True, timeout=60).stdout
    return int(out.strip() or 0)


def measure(lib, settle, name, server, port, stats=None):
    _, gen, n, unit = ROWS[name]
    before = settle(server.rss_kb)
    fill(lib, port, gen, n)
    keys = dbsize(port)
    after = settle(server.rss_kb)
    estimate = stats()["store"]["memory_bytes"] / n if stats else None
    server.stop()
    want_keys = n if unit == "key" else 1
    if keys != want_keys:
        raise SystemExit("%s: %d keys after the fill, expected %d" % (name, keys, want_keys))
    return {"before_kb": before, "after_kb": after, "n": n, "unit": unit, "estimate": estimate}


def run(lib, settle, bins, a):
    servers = [("mnemo --no-persistence", bins)]
    if a.before_bin:
        servers.insert(0, ("mnemo (before) --no-persistence", os.path.abspath(a.before_bin)))
    print("%-26s %-34s %10s %12s %12s" % ("rows", "server", "count", "RSS B/unit", "own estimate"))
    for name in a.collections.split(","):
        desc = ROWS[name][0]
        rows = []
        for label, b in servers:
            s = lib.start_mnemo(b, ["--no-persistence"] + a.mnemo_arg, name="mnemo")
            rows.append((label, measure(lib, settle, name, s, s.resp_port, lambda: lib.mnemo_stats(b, s))))
        s = lib.start_redis([], name="redis")
        rows.append(('redis --save "" --appendonly no', measure(lib, settle, name, s, s.port)))
        for label, r in rows:
            per = (r["after_kb"] - r["before_kb"]) * 1024 / r["n"]
            est = "%12.1f" % r["estimate"] if r["estimate"] is not None else "%12s" % "-"
            print("%-26s %-34s %10d %9.1f/%-2s %s" % (desc, label, r["n"], per, r["unit"][0], est), flush=True)
