"""Report step: the latency timeline of a server writing a snapshot under write
load, mnemo (BGSAVE: a snapshot that never forks) next to redis-server
(BGSAVE: fork + RDB), the same way for both:

  fill --keys keys; start a SET load (redis-benchmark -c 20 -P 1 over the same
  keys) on the client core; a probe thread sends one GET or SET at a time
  (~1 kHz) and records every round trip; after --lead seconds, BGSAVE, polled
  with INFO persistence until rdb_bgsave_in_progress is 0 again; --tail
  seconds later everything stops.

The result is binned (p50 and max per bin) on a time axis where 0 is BGSAVE.
"""
import random
import statistics
import subprocess
import threading
import time

from . import common
from . import resp
from . import steps_throughput

NO_SNAPSHOTS = ["--snapshot-every-changes", "0", "--snapshot-every-seconds", "0"]
BIN_S = 0.05


class Probe(threading.Thread):
    """Owns one connection; records (monotonic time, seconds) per request until halted."""

    def __init__(self, port, keys):
        super().__init__(daemon=True)
        self.conn, self.keys = resp.Conn(port), keys
        self.samples, self.halt, self.error = [], threading.Event(), None

    def run(self):
        rnd, value = random.Random(1), "p" * 32
        try:
            while not self.halt.is_set():
                key = "key:%012d" % rnd.randrange(self.keys)
                t = time.monotonic()
                if rnd.random() < 0.5:
                    self.conn.call("GET", key)
                else:
                    self.conn.call("SET", key, value)
                self.samples.append((t, time.monotonic() - t))
                self.halt.wait(0.001)
        except Exception as e:  # recorded; the step fails after joining
            self.error = e
        finally:
            self.conn.close()


def bgsave_window(port, auth):
    """Starts BGSAVE and waits until it is over; returns (start, end, it was seen running)."""
    c = resp.Conn(port)
    try:
        if auth:
            c.call("AUTH", auth)
        t0 = time.monotonic()
        c.call("BGSAVE")
        seen = False
        deadline = t0 + 600
        while time.monotonic() < deadline:
            text = c.call("INFO", "persistence")
            running = "rdb_bgsave_in_progress:1" in text
            seen = seen or running
            if not running and (seen or time.monotonic() - t0 > 2):
                return t0, time.monotonic(), seen
            time.sleep(0.005)
        raise RuntimeError("BGSAVE did not finish within 600 s")
    finally:
        c.close()


def start_load(port, keys, client_pin):
    lib = common.load("bench-lib.py")
    cmd = lib.pin_prefix(client_pin) + [
        "redis-benchmark", "-h", "127.0.0.1", "-p", str(port), "-c", "20", "-P", "1", "-d", "32",
        "-r", str(keys), "-t", "set", "-n", "2000000000", "-q"]
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop_load(proc):
    if proc.poll() is None:
        proc.kill()  # by PID: the load has no state worth a clean exit
    proc.wait()


def binned(samples, t0):
    bins = {}
    for t, lat in samples:
        bins.setdefault(int((t - t0) // BIN_S), []).append(lat * 1000)
    return [[round((b + 0.5) * BIN_S, 3), round(statistics.median(v), 3), round(max(v), 3), len(v)]
            for b, v in sorted(bins.items())]


def p99(values):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * 0.99))] if values else None


def timeline(port, auth, keys, cfg, client_pin):
    load = start_load(port, keys, client_pin)
    try:
        time.sleep(cfg["warm"])
        probe = Probe(port, keys)
        probe.start()
        time.sleep(cfg["lead"])
        t0, t1, seen = bgsave_window(port, auth)
        time.sleep(cfg["tail"])
        probe.halt.set()
        probe.join()
        if probe.error:
            raise RuntimeError("probe failed: %s" % probe.error)
    finally:
        stop_load(load)
    quiet = [l * 1000 for t, l in probe.samples if t < t0]
    during = [l * 1000 for t, l in probe.samples if t0 <= t <= t1]
    return {"window_s": [0.0, round(t1 - t0, 3)], "window_seen": seen, "bins": binned(probe.samples, t0),
            "requests": len(probe.samples), "quiet_p99_ms": p99(quiet), "during_p99_ms": p99(during),
            "during_max_ms": max(during) if during else None}


def prepare_mnemo(bins, keys, server_pin, threads):
    lib, mem = common.load("bench-lib.py"), common.load("bench-memory")
    server = lib.start_mnemo(bins, NO_SNAPSHOTS + ["--threads", str(threads)], pin=server_pin)
    lib.mnemo_bench(bins, server, ["--keys", str(keys), "--value-size", "32", "--warmup", "-n", "1",
                                   "-c", "1", "-t", "1"])
    lib.wait_until("journal drained", lambda: mem.mnemo_idle(bins, server), 600, server)
    bgsave_window(server.resp_port, lib.ADMIN_TOKEN)  # compacts the fill's journal, as bench-snapshot does
    return server, server.resp_port, lib.ADMIN_TOKEN


def prepare_redis(keys, server_pin):
    lib, rec = common.load("bench-lib.py"), common.load("bench-recovery")
    server = lib.start_redis(pin=server_pin)
    rec.fill_redis(server, keys)
    return server, server.port, None


def snapshot_timeline(bins, cfg, progress):
    """cfg: keys, reps, warm, lead, tail (seconds)."""
    server_pin, client_pin, threads = steps_throughput.layout()
    runs = {"mnemo": [], "redis": []}
    for rep in range(cfg["reps"]):
        order = ["mnemo", "redis"] if rep % 2 == 0 else ["redis", "mnemo"]
        for name in order:
            progress.note("%s, repetition %d/%d: filling %d keys" % (name, rep + 1, cfg["reps"], cfg["keys"]))
            server, port, auth = (prepare_mnemo(bins, cfg["keys"], server_pin, threads) if name == "mnemo"
                                  else prepare_redis(cfg["keys"], server_pin))
            try:
                progress.note("%s: load, BGSAVE, probe" % name)
                runs[name].append(timeline(port, auth, cfg["keys"], cfg, client_pin))
            finally:
                server.stop()
    servers = {}
    for name, rs in runs.items():
        # The plotted run is the median one by its worst stall; the others stay in the JSON.
        ordered = sorted(rs, key=lambda r: r["during_max_ms"] or 0)
        servers[name] = dict(ordered[len(ordered) // 2], runs=[
            {k: r[k] for k in ("window_s", "quiet_p99_ms", "during_p99_ms", "during_max_ms")} for r in rs])
    return {"keys": cfg["keys"], "bin_s": BIN_S, "reps": cfg["reps"],
            "load": "redis-benchmark -c 20 -P 1 -d 32 -r <keys> -t set (both servers)",
            "probe": "one connection, one GET or SET at a time, ~1 kHz", "servers": servers}
