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


def restart(bins, cfg, progress):
    """cfg: keys (list), reps, tail_percent."""
    rec = common.load("bench-recovery")
    rows = []
    for keys in cfg["keys"]:
        cases = [
            ("mnemo", "mnemo journal only", lambda: rec.mnemo_journal_only(bins, keys, cfg["reps"])),
            ("mnemo", "mnemo snapshot + %d%% journal" % cfg["tail_percent"],
             lambda: rec.mnemo_snapshot_journal(bins, keys, cfg["tail_percent"], cfg["reps"])),
            ("redis", "redis AOF (no preamble)", lambda: rec.redis_aof(keys, cfg["reps"])),
            ("redis", "redis RDB", lambda: rec.redis_rdb(keys, cfg["reps"])),
        ]
        for server, label, run in cases:
            progress.note("%s, %d keys" % (label, keys))
            r = run()
            rows.append({"server": server, "label": label, "keys": keys, "keys_loaded": r["keys"],
                         "load_s": r["secs"], "ready_s": r["wall"], "entries_per_s": r["rate"],
                         "all_entries_per_s": r["all_rates"]})
    return {"reps": cfg["reps"], "tail_percent": cfg["tail_percent"],
            "method": "filled, stopped cleanly, restarted (warm page cache); ready s: exec to accepting "
                      "connections; load s: the server's own log line; median of %d restart(s)" % cfg["reps"],
            "rows": rows}
