"""Report steps on state size: memory per key (scripts/bench-memory's
measurements) and restart time against key count (scripts/bench-recovery's).
Both fill 16-byte keys "key:%012d" with 32-byte values."""
import types

from . import common
from . import resp

MEMORY_CASES = [
    ("mnemo", "mnemo --no-persistence", ["--no-persistence"]),
    ("mnemo", "mnemo (journal, defaults)", []),
    ("redis", 'redis --save "" --appendonly no', []),
    ("redis", "redis --appendonly yes", ["--appendonly", "yes"]),
]


def collections_supported(bins):
    """Whether this mnemo build has collection types (a hash is the probe)."""
    lib = common.load("bench-lib.py")
    server = lib.start_mnemo(bins, ["--no-persistence"], name="mnemo-probe")
    try:
        resp.call(server.resp_port, "HSET", "probe:h", "f", "v")
        return True
    except resp.RespError:
        return False
    finally:
        server.stop()


def memory(bins, cfg, progress):
    """cfg: keys."""
    mem = common.load("bench-memory")
    a = types.SimpleNamespace(keys=cfg["keys"], value_size=32)
    rows = []
    for server, label, args in MEMORY_CASES:
        progress.note("%s, %d keys" % (label, cfg["keys"]))
        if server == "mnemo":
            r = mem.measure_mnemo(bins, a, label, args)
        else:
            r = mem.measure_redis(a, label, args)
        rows.append({"server": server, "label": label, "keys": r["keys"], "rss_before_kb": r["before_kb"],
                     "rss_after_kb": r["after_kb"],
                     "bytes_per_key": (r["after_kb"] - r["before_kb"]) * 1024 / max(1, r["keys"]),
                     "own_estimate": r["estimate"]})
    coll = ("not measured yet: the collection step is still to be written" if collections_supported(bins)
            else "not measured: this build has no collection types")
    return {"keys": cfg["keys"], "value_size": 32, "method": "growth of VmRSS after filling, once idle",
            "rows": rows, "collections": {"status": coll}}


RESTART_KEYS = ("ready_s", "load_s", "entries_per_s")


def restart_cases(bins, keys, tail_percent):
    rec = common.load("bench-recovery")
    return [
        ("mnemo", "mnemo journal only", lambda: rec.mnemo_journal_only_store(bins, keys)),
        ("mnemo", "mnemo snapshot + %d%% journal" % tail_percent,
         lambda: rec.mnemo_snapshot_journal_store(bins, keys, tail_percent)),
        ("redis", "redis AOF (no preamble)", lambda: rec.redis_aof_store(keys)),
        ("redis", "redis RDB", lambda: rec.redis_rdb_store(keys)),
    ]


def restart_keys(bins, keys, cfg, progress):
    """Fills the four stores of one size, then restarts them in turn, the order
    alternated between repetitions; one row per store."""
    stores, samples = [], {}
    try:
        for server, label, prepare in restart_cases(bins, keys, cfg["tail_percent"]):
            progress.note("filling: %s, %d keys" % (label, keys))
            stores.append((server, label) + prepare())
        for rep in range(cfg["reps"]):
            progress.note("restarts, repetition %d/%d, %d keys" % (rep + 1, cfg["reps"], keys))
            for server, label, restart_fn, _ in (stores if rep % 2 == 0 else stores[::-1]):
                r = restart_fn()
                samples.setdefault((server, label), []).append(
                    {"ready_s": r["wall"], "load_s": r["secs"], "entries_per_s": r["rate"],
                     "keys_loaded": r["keys"]})
    finally:
        for store in stores:
            store[3]()
    rows = []
    for (server, label), reps in samples.items():
        row = dict(server=server, label=label, keys=keys, keys_loaded=reps[-1]["keys_loaded"],
                   **common.repeated(reps, RESTART_KEYS))
        row.update(row["median"])  # flat medians, for the plot and the tables
        rows.append(row)
    return rows


def restart(bins, cfg, progress):
    """cfg: keys (list), reps, tail_percent."""
    rows = []
    for keys in cfg["keys"]:
        rows += restart_keys(bins, keys, cfg, progress)
    return {"reps": cfg["reps"], "tail_percent": cfg["tail_percent"],
            "method": "filled, stopped cleanly, restarted (warm page cache), the four stores in turn, the "
                      "order alternated; ready s: exec to accepting connections; load s: the server's own log "
                      "line; median of %d restart(s)" % cfg["reps"],
            "rows": rows}
