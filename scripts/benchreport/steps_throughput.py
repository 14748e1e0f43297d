"""Report steps: RESP throughput and server CPU per request at depth 1 and 16,
and durable writes, mnemo next to redis-server on the same machine.

Throughput: the same client (redis-benchmark, 50 connections, 32-byte values)
against mnemo's RESP port and redis-server --save "" --appendonly no, the two
servers alternated within every repetition. mnemo runs its default
write-behind journal. With 2+ cores the servers share core 0 (mnemo
--threads 1) and the client runs on core 1, as scripts/bench's "split" layout.
Durable writes: scripts/bench's durable() (mnemo DURABLE SET vs Redis
appendfsync always).
"""
import time
import types

from . import common
from . import resp

TESTS = ("set", "get")
DEPTHS = (1, 16)
KEYS = ("ops", "p50_us", "p99_us", "server_cpu_us")


def layout():
    """(server cores, client cores, mnemo io threads) for this machine."""
    lib = common.load("bench-lib.py")
    if lib.cpu_count() >= 2 and lib.pin_prefix("0"):
        return "0", "1", 1
    return None, None, 2


def settle(server, mnemo_port=None, max_s=3.0):
    """Lets a run's deferred work count for that run: mnemo commits its journal
    (WAITAOF), then the server is left until its CPU time stops moving for
    100 ms (at most max_s)."""
    if mnemo_port:
        resp.call(mnemo_port, "WAITAOF", "1", "0", "0")
    prev = server.cpu_seconds()
    for _ in range(max(1, int(max_s * 10))):
        time.sleep(0.1)
        cur = server.cpu_seconds()
        if cur == prev:
            return
        prev = cur


def one_run(server, port, test, depth, requests, client_pin, mnemo_port=None, threads=1, keyspace=100000,
            settle_s=3.0):
    """One redis-benchmark run; the server's CPU per request includes its deferred work (settle)."""
    lib = common.load("bench-lib.py")
    r = lib.redis_benchmark(port, test, requests, depth, server, threads=threads, pin=client_pin,
                            settle=lambda: settle(server, mnemo_port, settle_s), keyspace=keyspace)
    return {"ops": r["ops"], "p50_us": r["p50_us"], "p99_us": r["p99_us"],
            "server_cpu_us": r["server_cpu_s"] * 1e6 / r["total"]}


def throughput(bins, cfg, progress):
    """cfg: reps, requests (per run at depth 1; x5 at depth 16), settle_s (optional)."""
    lib = common.load("bench-lib.py")
    server_pin, client_pin, threads = layout()
    mnemo = lib.start_mnemo(bins, ["--threads", str(threads)], pin=server_pin)
    redis = lib.start_redis(pin=server_pin)
    servers = [("mnemo", mnemo, mnemo.resp_port), ("redis", redis, redis.port)]
    samples = {}
    try:
        for rep in range(cfg["reps"]):
            order = servers if rep % 2 == 0 else servers[::-1]
            for depth in DEPTHS:
                n = cfg["requests"] * (5 if depth == 16 else 1)
                progress.note("repetition %d/%d, depth %d" % (rep + 1, cfg["reps"], depth))
                for name, server, port in order:
                    for test in TESTS:
                        mport = port if name == "mnemo" else None
                        r = one_run(server, port, test, depth, n, client_pin, mport,
                                    settle_s=cfg.get("settle_s", 3.0))
                        samples.setdefault((name, test.upper(), depth), []).append(r)
    finally:
        mnemo.stop()
        redis.stop()
    rows = [dict(server=k[0], test=k[1], depth=k[2], **common.repeated(v, KEYS)) for k, v in samples.items()]
    return {"client": "redis-benchmark -c 50 -d 32 -r 100000 -P <depth> -t <test>",
            "layout": "servers on core %s, client on core %s" % (server_pin, client_pin) if server_pin
            else "no pinning", "mnemo_threads": threads, "reps": cfg["reps"],
            "requests_depth1": cfg["requests"], "rows": rows}


def durable(bins, cfg, progress):
    """cfg: reps, duration (seconds per mnemo run)."""
    bench = common.load("bench")
    server_pin, client_pin, _ = layout()
    a = types.SimpleNamespace(reps=cfg["reps"], duration=cfg["duration"], skip_redis=False)
    results = {}
    progress.note("%d repetition(s) of %.1f s" % (cfg["reps"], cfg["duration"]))
    bench.durable(bins, a, ("split", server_pin, client_pin, 1), results)
    rows = []
    for (_, label, depth), samples in results.items():
        reps = [{"ops": s["ops"], "p50_us": s["p50_us"], "p99_us": s["p99_us"],
                 "server_cpu_us": s["server_cpu_s"] * 1e6 / s["total"]} for s in samples]
        rows.append(dict(server=label.split()[0], test="SET", label=label, depth=depth,
                         **common.repeated(reps, KEYS)))
    return {"client": "mnemo-bench --durable (native) / redis-benchmark -t set (appendfsync always), "
                      "50 connections, depth 1", "reps": cfg["reps"], "rows": rows}
